//! `--format ocsf`: OCSF Compliance Finding events.

use std::borrow::Cow;
use std::io;

use serde::{Serialize, Serializer};

use crate::finding::{Evidence, Finding, Remediation, Status};
use crate::metadata::RuleMetadata;
use crate::report::Report;
use crate::resource::Tags;
use crate::risk::RiskLevel;

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.3.0";

const CLASS_UID: u32 = 2003;
const CATEGORY_UID: u32 = 2;
const ACTIVITY_CREATE: u32 = 1;

/// Writes one OCSF Compliance Finding event (`class_uid` 2003, activity Create) per
/// finding, as a pretty JSON array.
///
/// Every event is valid against the OCSF 1.3.0 schema with the `cloud` and `datetime`
/// profiles, which it declares in `metadata.profiles` (it has `cloud`, `time_dt` and
/// the resources' `region`).
///
/// Mapping (the same verdicts as [`super::write_asff`]):
/// - `compliance.status_id`: pass → 1 Pass, fail → 3 Fail, error → 2 Warning (no
///   result for want of information: the resource could not be judged; ASFF
///   `WARNING`), skipped → 99 Other (`Not Applicable`); a muted finding keeps the
///   status the rule gave it (99 Other `Muted` only if that is unknown);
///   `compliance.requirements` lists the rule's controls, `compliance.standards` their
///   standards, `compliance.control` the rule id.
/// - `severity_id`: pass and skipped → 1 Informational (ASFF `INFORMATIONAL`);
///   otherwise from the risk level: low → 2 Low, medium → 3 Medium, high → 4 High,
///   very-high → 5 Critical, extreme → 6 Fatal.
/// - `cloud.account` is the scanned account (whose credentials read the resource);
///   `resources[].owner` is the resource's owner, which differs for a shared resource.
/// - The one `error` finding of a region whose resources could not be listed is named
///   for what it stands for: `resources[].name` `all VPCs in eu-west-1`, and the title
///   says so too; `resources[].uid` keeps its id `*`.
/// - `status_id` (the finding's workflow): 1 New, or 3 Suppressed for muted findings,
///   with the exception's reason in `status_detail`.
/// - `finding_info.uid` is stable across scans: `cloudposture/RULE/ARN` (or region and id).
/// - Evidence and the remediation snippets, which OCSF has no place for, are in `unmapped`.
pub fn write_ocsf(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let times = Times {
        time: report.scan.finished_at.as_millisecond(),
        time_dt: report.scan.finished_at.to_string(),
        first_seen_time: report.scan.started_at.as_millisecond(),
    };
    let rules = super::PerRule::new(report, RuleParts::of);
    // Each event is made, written and dropped in turn.
    let event = |finding, rule| EventOf {
        report,
        times: &times,
        rule,
        finding,
    };
    super::write_pretty_json_records(report, &rules, event, out)
}

/// The scan's times, the same in every event.
struct Times {
    time: i64,
    time_dt: String,
    first_seen_time: i64,
}

/// What every event of a rule shares: its controls as requirements, and their standards.
struct RuleParts {
    standards: Vec<&'static str>,
    requirements: Vec<String>,
}

impl RuleParts {
    fn of(rule: &'static RuleMetadata) -> Self {
        let mut standards: Vec<&str> = Vec::new();
        for c in rule.controls {
            if !standards.contains(&c.standard.name()) {
                standards.push(c.standard.name());
            }
        }
        RuleParts {
            standards,
            requirements: rule.controls.iter().map(ToString::to_string).collect(),
        }
    }
}

/// An OCSF Compliance Finding event; borrowed from the finding, written as it is made.
#[derive(Serialize)]
struct Event<'a> {
    class_uid: u32,
    class_name: &'static str,
    category_uid: u32,
    category_name: &'static str,
    activity_id: u32,
    activity_name: &'static str,
    type_uid: u32,
    type_name: &'static str,
    time: i64,
    time_dt: &'a str,
    severity_id: u8,
    severity: &'static str,
    status_id: u8,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_detail: Option<&'a str>,
    message: &'a str,
    metadata: Metadata<'a>,
    finding_info: FindingInfo<'a>,
    compliance: Compliance<'a>,
    cloud: Cloud<'a>,
    resources: [Resource<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<Desc<'a>>,
    unmapped: Unmapped<'a>,
}

/// The OCSF profiles whose attributes the events use.
const PROFILES: [&str; 2] = ["cloud", "datetime"];

#[derive(Serialize)]
struct Metadata<'a> {
    version: &'static str,
    profiles: [&'static str; 2],
    event_code: &'static str,
    uid: &'a str,
    product: Product<'a>,
}

#[derive(Serialize)]
struct Product<'a> {
    name: &'a str,
    vendor_name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct FindingInfo<'a> {
    uid: &'a str,
    title: Cow<'a, str>,
    desc: &'a str,
    types: [&'static str; 1],
    created_time: i64,
    first_seen_time: i64,
    last_seen_time: i64,
}

#[derive(Serialize)]
struct Compliance<'a> {
    control: &'static str,
    standards: &'a [&'static str],
    requirements: &'a [String],
    status_id: u8,
    status: &'static str,
    status_detail: &'a str,
}

#[derive(Serialize)]
struct Cloud<'a> {
    provider: &'static str,
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<Account<'a>>,
}

#[derive(Serialize)]
struct Account<'a> {
    uid: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    type_id: u8,
}

impl<'a> Account<'a> {
    fn aws(uid: &'a str) -> Self {
        Account {
            uid,
            kind: "AWS Account",
            type_id: 10,
        }
    }
}

#[derive(Serialize)]
struct Resource<'a> {
    uid: &'a str,
    name: Cow<'a, str>,
    #[serde(rename = "type")]
    kind: &'a str,
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cloud_partition: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<Owner<'a>>,
    /// The resource's tags, `Key:Value`.
    labels: Vec<String>,
    data: ResourceData<'a>,
}

/// The owner of a resource: its account, as an OCSF user (which needs a `uid` or a
/// `name`).
#[derive(Serialize)]
struct Owner<'a> {
    uid: &'a str,
    account: Account<'a>,
}

#[derive(Serialize)]
struct ResourceData<'a> {
    id: &'a str,
    kind: &'a str,
    tags: &'a Tags,
}

#[derive(Serialize)]
struct Desc<'a> {
    desc: &'a str,
}

#[derive(Serialize)]
struct Unmapped<'a> {
    risk: RiskLevel,
    evidence: &'a Evidence,
    remediation: Option<&'a Remediation>,
}

fn severity(status: Status, risk: RiskLevel) -> (u8, &'static str) {
    match (status, risk) {
        (Status::Pass | Status::Skipped, _) => (1, "Informational"),
        (_, RiskLevel::Low) => (2, "Low"),
        (_, RiskLevel::Medium) => (3, "Medium"),
        (_, RiskLevel::High) => (4, "High"),
        (_, RiskLevel::VeryHigh) => (5, "Critical"),
        (_, RiskLevel::Extreme) => (6, "Fatal"),
    }
}

fn compliance_status(status: Status) -> (u8, &'static str) {
    match status {
        Status::Pass => (1, "Pass"),
        Status::Fail => (3, "Fail"),
        Status::Error => (2, "Warning"),
        Status::Skipped => (99, "Not Applicable"),
        Status::Muted => (99, "Muted"),
    }
}

/// A finding of a report, to be written as an [`Event`].
struct EventOf<'a> {
    report: &'a Report,
    times: &'a Times,
    rule: &'a RuleParts,
    finding: &'a Finding,
}

impl Serialize for EventOf<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (report, f) = (self.report, self.finding);
        let r = &f.resource;
        let (severity_id, severity_name) = severity(f.judged_status(), f.risk);
        // A muted finding keeps the rule's verdict; its workflow status says it is suppressed.
        let (compliance_id, compliance_name) = compliance_status(f.judged_status());
        let (status_id, status_name) = if f.status == Status::Muted {
            (3, "Suppressed")
        } else {
            (1, "New")
        };
        let account = super::scanned_account(report, f);
        let owner = r.account.as_deref();
        let region = r.region.as_deref();
        let uid = super::finding_uid(f);
        // Built once: a deferred remediation is made on every read.
        let remediation = f.remediation();
        let event = Event {
            class_uid: CLASS_UID,
            class_name: "Compliance Finding",
            category_uid: CATEGORY_UID,
            category_name: "Findings",
            activity_id: ACTIVITY_CREATE,
            activity_name: "Create",
            type_uid: CLASS_UID * 100 + ACTIVITY_CREATE,
            type_name: "Compliance Finding: Create",
            time: self.times.time,
            time_dt: &self.times.time_dt,
            severity_id,
            severity: severity_name,
            status_id,
            status: status_name,
            status_detail: f.muted_reason.as_deref(),
            message: &f.message,
            metadata: Metadata {
                version: OCSF_VERSION,
                profiles: PROFILES,
                event_code: f.rule.id,
                uid: &uid,
                product: Product {
                    name: &report.tool.name,
                    vendor_name: &report.tool.name,
                    version: &report.tool.version,
                },
            },
            finding_info: FindingInfo {
                uid: &uid,
                title: if super::is_scope_wide(f) {
                    Cow::Owned(format!("{}: {}", f.rule.title, super::resource_name(f)))
                } else {
                    Cow::Borrowed(f.rule.title)
                },
                desc: &f.message,
                types: ["Software and Configuration Checks"],
                created_time: self.times.time,
                first_seen_time: self.times.first_seen_time,
                last_seen_time: self.times.time,
            },
            compliance: Compliance {
                control: f.rule.id,
                standards: &self.rule.standards,
                requirements: &self.rule.requirements,
                status_id: compliance_id,
                status: compliance_name,
                status_detail: &f.message,
            },
            cloud: Cloud {
                provider: "AWS",
                region,
                account: account.map(Account::aws),
            },
            resources: [Resource {
                uid: r.arn().unwrap_or(r.id.as_str()),
                name: super::resource_name(f),
                kind: super::kind_of(f).map_or(r.kind.as_str(), |k| k.resource_type),
                region,
                cloud_partition: region.map(super::partition_of),
                owner: owner.map(|a| Owner {
                    uid: a,
                    account: Account::aws(a),
                }),
                labels: r.tags.iter().map(|(k, v)| format!("{k}:{v}")).collect(),
                data: ResourceData {
                    id: &r.id,
                    kind: &r.kind,
                    tags: &r.tags,
                },
            }],
            remediation: remediation.map(|rem| Desc { desc: &rem.summary }),
            unmapped: Unmapped {
                risk: f.risk,
                evidence: &f.evidence,
                remediation,
            },
        };
        event.serialize(serializer)
    }
}

#[cfg(test)]
mod tests;
