//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning reads it, for template scans.
//!
//! One run: the rules of the report's findings with their help text and
//! `security-severity`, a result per failing finding at the file and line where its
//! resource is declared. GitHub rejects results without a location, and only template
//! scans have locations: [`sarif_applies`] says so before a scan starts.

use std::fmt::Write as _;
use std::io;

use serde::Serialize;

use crate::finding::{Finding, Status};
use crate::metadata::RuleMetadata;
use crate::report::{Report, ScanSource};
use crate::risk::RiskLevel;

mod rule;

use rule::Rule;

/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";

/// The schema that `$schema` names (the final SARIF 2.1.0 schema, as GitHub expects).
const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `uriBaseId` of every location: the root of the repository the templates are in.
pub const SRCROOT: &str = "%SRCROOT%";

/// The key of the fingerprint that keeps a result matched across commits.
pub const FINGERPRINT_KEY: &str = "cloudposture/v1";

/// Whether a scan from `source` can be written as SARIF: `Ok` for a template scan, else
/// the one-line reason, for the CLI to print before it scans (and exit 2).
pub fn sarif_applies(source: ScanSource) -> Result<(), String> {
    match source {
        ScanSource::Template => Ok(()),
        ScanSource::Live | ScanSource::Snapshot => Err(format!(
            "--format sarif needs a template scan (--template PATH): GitHub code scanning rejects \
             results without a file location, and a {} scan has none",
            match source {
                ScanSource::Live => "live",
                _ => "snapshot",
            }
        )),
    }
}

/// The `security-severity` GitHub reads from a rule (`"0.0"`–`"10.0"`; GitHub calls
/// 9.0 and above critical, 7.0 high, 4.0 medium, the rest low): low 3.0, medium 5.5,
/// high 8.0, very-high 9.0, extreme 10.0.
pub fn security_severity(risk: RiskLevel) -> &'static str {
    match risk {
        RiskLevel::Low => "3.0",
        RiskLevel::Medium => "5.5",
        RiskLevel::High => "8.0",
        RiskLevel::VeryHigh => "9.0",
        RiskLevel::Extreme => "10.0",
    }
}

/// The SARIF `level` of a failing finding: `error` from high up, `warning` for
/// medium, `note` for low.
pub fn sarif_level(risk: RiskLevel) -> &'static str {
    match risk {
        RiskLevel::Low => "note",
        RiskLevel::Medium => "warning",
        RiskLevel::High | RiskLevel::VeryHigh | RiskLevel::Extreme => "error",
    }
}

/// Writes the report as a SARIF 2.1.0 log with one run.
///
/// - `tool.driver.rules`: each rule of the findings once, in the report's order, with
///   its description, help (rationale, remediation steps, references) and the
///   `security-severity` of its effective risk.
/// - `results`: a result per `fail` finding, and per muted finding that failed (with a
///   `suppressions` entry holding the exception's reason), at its resource's file and
///   line, fingerprinted by rule and resource id. `pass` and `skipped` findings are
///   not results.
/// - `invocations[0].toolExecutionNotifications`: each `error` finding (a resource
///   that could not be judged is no alert, and a scope-wide one has no file), and each
///   failing finding without a location (GitHub would reject it as a result); the
///   invocation is successful only when there are none.
///
/// A report of a live or snapshot scan is refused ([`sarif_applies`]) with
/// [`io::ErrorKind::InvalidInput`].
pub fn write_sarif(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    sarif_applies(report.scan.source).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let mut rules: Vec<Rule> = Vec::new();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for f in &report.findings {
        let rule_index = match rules.iter().position(|r| r.id == f.rule.id) {
            Some(i) => i,
            None => {
                rules.push(Rule::new(f.rule, effective_risk(report, f.rule)));
                rules.len() - 1
            }
        };
        let failed = f.judged_status() == Status::Fail;
        match (f.status, location(f)) {
            (Status::Error, _) => notifications.push(Notification::new(f, rule_index, "error", &f.message)),
            (Status::Fail | Status::Muted, None) if failed => notifications.push(Notification::new(
                f,
                rule_index,
                "warning",
                &format!(
                    "failing finding without a file location, not written as a result: {}",
                    f.message
                ),
            )),
            (Status::Fail | Status::Muted, Some(physical)) if failed => {
                results.push(SarifResult::new(f, rule_index, physical));
            }
            _ => {}
        }
    }
    let log = Log {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: &report.tool.name,
                    version: &report.tool.version,
                    semantic_version: &report.tool.version,
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            invocations: [Invocation {
                execution_successful: notifications.is_empty(),
                start_time_utc: report.scan.started_at.to_string(),
                end_time_utc: report.scan.finished_at.to_string(),
                tool_execution_notifications: notifications,
            }],
            results,
        }],
    };
    super::write_pretty_json(&log, out)
}

/// The rule's risk as the scan judged by (a config file may override the default).
fn effective_risk(report: &Report, rule: &RuleMetadata) -> RiskLevel {
    report
        .rules
        .iter()
        .find(|r| r.id == rule.id)
        .map_or(rule.risk, |r| r.risk)
}

/// The file and line the finding's resource is declared at.
fn location(f: &Finding) -> Option<PhysicalLocation> {
    let at = f.resource.location.as_ref()?;
    let (uri, uri_base_id) = file_uri(&at.file);
    Some(PhysicalLocation {
        artifact_location: ArtifactLocation { uri, uri_base_id },
        region: Region {
            start_line: at.line.max(1),
        },
    })
}

/// `file` as a SARIF URI: forward slashes, percent-encoded, and relative to
/// [`SRCROOT`] (a leading `./` stripped) or, for an absolute path, a `file:` URI
/// without a base.
pub fn file_uri(file: &str) -> (String, Option<&'static str>) {
    let mut path = file.replace('\\', "/");
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.trim_start_matches('/').to_string();
    }
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if drive {
        // `C:/infra/main.tf`: the drive's colon stays, as in `file:///C:/…`.
        return (
            format!("file:///{}:{}", &path[..1], percent_encode(&path[2..])),
            None,
        );
    }
    if path.starts_with('/') {
        return (format!("file://{}", percent_encode(&path)), None);
    }
    (percent_encode(&path), Some(SRCROOT))
}

/// Percent-encodes every byte of `path` but the unreserved characters of RFC 3986
/// and `/` (so a `:` in a first segment cannot read as a scheme).
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The fingerprint that matches a result across commits: rule and resource id
/// (CloudFormation logical id, Terraform address), whatever file or line it moves to.
pub fn fingerprint(f: &Finding) -> String {
    format!("{}|{}", f.rule.id, f.resource.id)
}

#[derive(Serialize)]
struct Log<'r> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'r>; 1],
}

#[derive(Serialize)]
struct Run<'r> {
    tool: Tool<'r>,
    invocations: [Invocation<'r>; 1],
    results: Vec<SarifResult<'r>>,
}

#[derive(Serialize)]
struct Tool<'r> {
    driver: Driver<'r>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'r> {
    name: &'r str,
    version: &'r str,
    semantic_version: &'r str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'r> {
    execution_successful: bool,
    start_time_utc: String,
    end_time_utc: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification<'r>>,
}

/// A `notification`: what the scan could not turn into a result.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification<'r> {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Locations<'r>>,
    associated_rule: RuleReference,
}

impl<'r> Notification<'r> {
    fn new(f: &'r Finding, rule_index: usize, level: &'static str, message: &str) -> Self {
        Notification {
            level,
            message: Text {
                text: format!("{} {}: {message}", f.rule.id, f.resource.id),
            },
            locations: vec![Locations::of(f, location(f))],
            associated_rule: RuleReference {
                id: f.rule.id,
                index: rule_index,
            },
        }
    }
}

#[derive(Serialize)]
struct RuleReference {
    id: &'static str,
    index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'r> {
    rule_id: &'static str,
    rule_index: usize,
    kind: &'static str,
    level: &'static str,
    message: Text,
    locations: [Locations<'r>; 1],
    partial_fingerprints: PartialFingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression<'r>; 1]>,
    properties: ResultProperties<'r>,
}

impl<'r> SarifResult<'r> {
    fn new(f: &'r Finding, rule_index: usize, physical: PhysicalLocation) -> Self {
        SarifResult {
            rule_id: f.rule.id,
            rule_index,
            kind: "fail",
            level: sarif_level(f.risk),
            message: Text {
                text: format!("{}: {}", f.resource.id, f.message),
            },
            locations: [Locations::of(f, Some(physical))],
            partial_fingerprints: PartialFingerprints {
                cloudposture: fingerprint(f),
            },
            suppressions: (f.status == Status::Muted).then(|| {
                [Suppression {
                    kind: "external",
                    status: "accepted",
                    justification: f.muted_reason.as_deref().unwrap_or("muted by an exception"),
                }]
            }),
            properties: ResultProperties {
                risk: f.risk.as_str(),
                resource_type: f.kind.resource_type,
            },
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Locations<'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    logical_locations: [LogicalLocation<'r>; 1],
}

impl<'r> Locations<'r> {
    fn of(f: &'r Finding, physical: Option<PhysicalLocation>) -> Self {
        Locations {
            physical_location: physical,
            logical_locations: [LogicalLocation {
                name: &f.resource.id,
                fully_qualified_name: &f.resource.id,
                kind: "resource",
            }],
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'r> {
    name: &'r str,
    fully_qualified_name: &'r str,
    kind: &'static str,
}

#[derive(Serialize)]
struct PartialFingerprints {
    #[serde(rename = "cloudposture/v1")]
    cloudposture: String,
}

#[derive(Serialize)]
struct Suppression<'r> {
    kind: &'static str,
    status: &'static str,
    justification: &'r str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'r> {
    risk: &'static str,
    resource_type: &'r str,
}

#[cfg(test)]
mod tests;
