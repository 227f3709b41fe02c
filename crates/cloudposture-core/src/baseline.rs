//! A baseline: the failing findings of an earlier report, so that a scan reports as
//! failing only what is new (`cloudposture scan --baseline report.json`).
//!
//! A finding of the new scan is *in the baseline* when the earlier JSON report has a
//! failing finding of the same rule id, resource kind, resource id, resource account,
//! region and file (`resource.location.file`, for template findings). The line is not
//! part of the match: it moves whenever lines are added above the resource. "Failing"
//! means judged `fail`: a finding the earlier report muted (by a baseline, an exception
//! or a suppression) whose `original_status` is `fail` counts too, so baselines chain —
//! a report made with a baseline is a baseline of the same findings.
//!
//! [`Baseline::apply`] mutes (reason `in baseline`) the new report's `fail` findings in
//! the baseline and counts the summary again. Only `fail` findings are muted: what
//! could not be judged stays `error`, and passing or muted findings are left as they are.
//!
//! The baseline is read for these keys only, with no registry: a finding of a rule this
//! build lacks can never match, and is not an error.
//!
//! ```
//! # use cloudposture_core::*;
//! # fn demo(earlier_json: &str, report: &mut Report) -> Result<(), BaselineError> {
//! let baseline = Baseline::from_json(earlier_json)?;
//! let muted = baseline.apply(report);
//! eprintln!("{muted} failing findings are in the baseline");
//! # Ok(()) }
//! ```

use std::collections::HashSet;
use std::sync::Arc;

use serde::Deserialize;
use thiserror::Error;

use crate::finding::{Finding, Status};
use crate::report::{REPORT_SCHEMA_VERSION, Report, Summary};
use crate::report_read::json_error_parts;

/// The reason every finding muted by a baseline carries.
pub const BASELINE_REASON: &str = "in baseline";

/// The failing findings of an earlier report, by what identifies them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    keys: HashSet<Key>,
}

/// What identifies a finding across scans.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    rule: String,
    kind: String,
    id: String,
    account: Option<String>,
    region: Option<String>,
    file: Option<String>,
}

impl Key {
    fn of(f: &Finding) -> Key {
        let r = &f.resource;
        Key {
            rule: f.rule.id.to_string(),
            kind: r.kind.to_string(),
            id: r.id.to_string(),
            account: r.account.as_deref().map(str::to_string),
            region: r.region.as_deref().map(str::to_string),
            file: r.location.as_ref().map(|l| l.file.clone()),
        }
    }
}

/// A file that cannot be a baseline.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BaselineError {
    /// Not JSON, or JSON without the fields of a report.
    #[error("not a cloudposture JSON report: {message} at line {line}, column {column}")]
    Invalid {
        /// What is wrong.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// JSON, but not a report of this tool (another tool's, a snapshot, SARIF…).
    #[error(
        "not a cloudposture JSON report: {detail}; a baseline is a report written by `cloudposture scan --format json`"
    )]
    NotAReport {
        /// Why, e.g. it has no `tool`.
        detail: String,
    },
    /// A report of this tool with another layout.
    #[error(
        "the baseline has schema version {found}; this cloudposture reads version {supported} only: write the baseline again with this version"
    )]
    SchemaVersion {
        /// The report's version.
        found: u64,
        /// The one this build reads.
        supported: u32,
    },
}

#[derive(Deserialize)]
struct Header {
    schema_version: Option<u64>,
    tool: Option<ToolIn>,
}

#[derive(Deserialize)]
struct ToolIn {
    name: String,
}

#[derive(Deserialize)]
struct ReportIn {
    findings: Vec<FindingIn>,
}

#[derive(Deserialize)]
struct FindingIn {
    rule_id: String,
    status: Status,
    original_status: Option<Status>,
    resource: ResourceIn,
}

#[derive(Deserialize)]
struct ResourceIn {
    kind: String,
    id: String,
    region: Option<String>,
    account: Option<String>,
    #[serde(default)]
    location: Option<LocationIn>,
}

#[derive(Deserialize)]
struct LocationIn {
    file: String,
}

impl Baseline {
    /// Reads the failing findings of a report written as JSON (`--format json`).
    pub fn from_json(text: &str) -> Result<Baseline, BaselineError> {
        let invalid = |e: serde_json::Error| {
            let (message, line, column) = json_error_parts(&e);
            BaselineError::Invalid {
                message,
                line,
                column,
            }
        };
        let not_a_report = |detail: String| BaselineError::NotAReport { detail };
        let header: Header = serde_json::from_str(text).map_err(invalid)?;
        match header.tool {
            None => return Err(not_a_report("it has no `tool`".into())),
            Some(tool) if tool.name != "cloudposture" => {
                return Err(not_a_report(format!("it was written by `{}`", tool.name)));
            }
            Some(_) => {}
        }
        match header.schema_version {
            None => return Err(not_a_report("it has no `schema_version`".into())),
            Some(v) if v == u64::from(REPORT_SCHEMA_VERSION) => {}
            Some(found) => {
                return Err(BaselineError::SchemaVersion {
                    found,
                    supported: REPORT_SCHEMA_VERSION,
                });
            }
        }
        let report: ReportIn = serde_json::from_str(text).map_err(invalid)?;
        let keys = report
            .findings
            .into_iter()
            .filter(|f| f.original_status.unwrap_or(f.status) == Status::Fail)
            .map(|f| Key {
                rule: f.rule_id,
                kind: f.resource.kind,
                id: f.resource.id,
                account: f.resource.account,
                region: f.resource.region,
                file: f.resource.location.map(|l| l.file),
            })
            .collect();
        Ok(Baseline { keys })
    }

    /// Number of distinct failing findings in the baseline.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the baseline has no failing finding.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether `finding` is one the baseline has failing (whatever its status now).
    pub fn contains(&self, finding: &Finding) -> bool {
        self.keys.contains(&Key::of(finding))
    }

    /// Mutes, with the reason [`BASELINE_REASON`], every `fail` finding of `report` that
    /// the baseline has failing, and counts the summary again. Returns how many it muted.
    pub fn apply(&self, report: &mut Report) -> usize {
        let reason: Arc<str> = Arc::from(BASELINE_REASON);
        let mut muted = 0;
        for f in &mut report.findings {
            if f.status == Status::Fail && self.contains(f) && f.mute(Arc::clone(&reason)) {
                muted += 1;
            }
        }
        report.summary = Summary::of(&report.findings);
        muted
    }
}

#[cfg(test)]
mod tests;
