//! Reading a report back: a `Report` written as JSON deserializes again, its findings
//! bound to the registry's rules by id — what merging shard reports and baselines need.
//!
//! A report of another schema version, or with findings of rules this build lacks, is
//! refused with an error that says so. The summary is not read: it is counted again
//! from the findings, so that it always agrees with them.
//!
//! ```
//! # use cloudposture_core::*;
//! # fn demo(report: &Report, registry: &Registry) -> Result<(), ReportReadError> {
//! let text = serde_json::to_string(report).unwrap();
//! let back = Report::from_json(&text, registry)?;
//! assert_eq!(back.findings, report.findings);
//! # Ok(()) }
//! ```

use std::sync::Arc;

use compact_str::CompactString;
use serde::Deserialize;
use serde_json::value::RawValue;
use thiserror::Error;

use crate::finding::{Evidence, Finding, Remediation, Status};
use crate::registry::Registry;
use crate::report::{REPORT_SCHEMA_VERSION, Report, RuleRun, ScanMetadata, Summary, ToolInfo};
use crate::resource::ResourceRef;
use crate::risk::RiskLevel;

/// A report that cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReportReadError {
    /// Not a report of this layout (not JSON, a field missing or of the wrong type).
    #[error("not a cloudposture report: {message} at line {line}, column {column}")]
    Invalid {
        /// What is wrong.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Written with another layout.
    #[error("the report has schema version {found}; this cloudposture reads version {supported} only")]
    SchemaVersion {
        /// The report's version.
        found: u64,
        /// The one this build reads.
        supported: u32,
    },
    /// It holds findings or runs of a rule this build does not have.
    #[error("the report has findings of rule `{id}`, which this cloudposture does not have")]
    UnknownRule {
        /// The rule id.
        id: String,
    },
}

#[derive(Deserialize)]
struct ReportIn<'a> {
    tool: ToolInfo,
    scan: ScanMetadata,
    rules: Vec<RuleRunIn>,
    #[serde(borrow)]
    findings: Vec<FindingIn<'a>>,
}

#[derive(Deserialize)]
struct RuleRunIn {
    id: String,
    risk: RiskLevel,
    settings: serde_json::Value,
}

#[derive(Deserialize)]
struct FindingIn<'a> {
    rule_id: String,
    status: Status,
    risk: RiskLevel,
    resource: ResourceRef,
    message: String,
    #[serde(borrow)]
    evidence: Option<&'a RawValue>,
    remediation: Option<Remediation>,
    muted_reason: Option<String>,
    original_status: Option<Status>,
    #[serde(default)]
    scanned_account: Option<CompactString>,
}

impl Report {
    /// Reads a report written as JSON (`--format json`, or `serde_json` of a `Report`),
    /// binding its findings to `registry`'s rules by id.
    pub fn from_json(text: &str, registry: &Registry) -> Result<Report, ReportReadError> {
        #[derive(Deserialize)]
        struct Version {
            schema_version: Option<u64>,
        }
        let invalid = |e: serde_json::Error| {
            let (message, line, column) = json_error_parts(&e);
            ReportReadError::Invalid {
                message,
                line,
                column,
            }
        };
        let version: Version = serde_json::from_str(text).map_err(invalid)?;
        match version.schema_version {
            Some(v) if v == u64::from(REPORT_SCHEMA_VERSION) => {}
            Some(found) => {
                return Err(ReportReadError::SchemaVersion {
                    found,
                    supported: REPORT_SCHEMA_VERSION,
                });
            }
            None => {
                return Err(ReportReadError::Invalid {
                    message: "missing field `schema_version`".into(),
                    line: 1,
                    column: 1,
                });
            }
        }
        let report: ReportIn<'_> = serde_json::from_str(text).map_err(invalid)?;
        let rule = |id: &str| {
            registry
                .get(id)
                .ok_or_else(|| ReportReadError::UnknownRule { id: id.to_string() })
        };
        let rules = report
            .rules
            .into_iter()
            .map(|run| {
                let m = rule(&run.id)?.metadata();
                Ok(RuleRun {
                    id: m.id,
                    title: m.title,
                    risk: run.risk,
                    settings: run.settings,
                })
            })
            .collect::<Result<Vec<_>, ReportReadError>>()?;
        // Every finding of a rule shares one reason text per exception, as when written.
        let mut reasons: Vec<Arc<str>> = Vec::new();
        let findings = report
            .findings
            .into_iter()
            .map(|f| {
                let r = rule(&f.rule_id)?;
                let muted_reason =
                    f.muted_reason
                        .map(|reason| match reasons.iter().find(|known| ***known == *reason) {
                            Some(known) => Arc::clone(known),
                            None => {
                                let shared: Arc<str> = Arc::from(reason);
                                reasons.push(Arc::clone(&shared));
                                shared
                            }
                        });
                Ok(Finding {
                    rule: r.metadata(),
                    kind: r.kind(),
                    status: f.status,
                    risk: f.risk,
                    resource: f.resource,
                    message: f.message,
                    evidence: f.evidence.map(Evidence::from_raw).unwrap_or_default(),
                    remediation: f.remediation.map(Box::new),
                    muted_reason,
                    original_status: f.original_status,
                    scanned_account: f.scanned_account,
                })
            })
            .collect::<Result<Vec<_>, ReportReadError>>()?;
        Ok(Report {
            schema_version: REPORT_SCHEMA_VERSION,
            tool: report.tool,
            summary: Summary::of(&findings),
            rules,
            scan: report.scan,
            findings,
        })
    }
}

/// A JSON error's message without its ` at line L column C`, and the line and column
/// (said apart, in the caller's words).
pub(crate) fn json_error_parts(e: &serde_json::Error) -> (String, usize, usize) {
    let message = e.to_string();
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    (message, e.line(), e.column())
}
