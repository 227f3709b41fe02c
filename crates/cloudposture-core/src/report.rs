//! The report: findings, summary and scan metadata. Every output format renders this.
//!
//! JSON field names are stable (documented in the README); `schema_version` changes
//! when a field is renamed or removed.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::compliance::Standard;
use crate::finding::{Finding, Status};
use crate::risk::RiskLevel;

/// Version of the report's JSON layout.
pub const REPORT_SCHEMA_VERSION: u32 = 2;

/// The result of a scan.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// [`REPORT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The tool that wrote it.
    pub tool: ToolInfo,
    /// Where the data came from and how collection went.
    pub scan: ScanMetadata,
    /// Counts.
    pub summary: Summary,
    /// The rules that ran, each with the settings it judged by (written once here, not
    /// in every finding).
    pub rules: Vec<RuleRun>,
    /// One finding per resource per rule.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Whether every resource could be judged, every region read and every account
    /// scanned (or left out on purpose).
    pub fn is_complete(&self) -> bool {
        self.summary.error == 0
            && self.scan.regions.iter().all(|r| r.status == RegionState::Ok)
            && self
                .scan
                .accounts
                .iter()
                .all(|a| a.status != AccountScanState::Error)
    }

    /// Failing findings (not muted) at or above `risk`.
    pub fn failures_at_or_above(&self, risk: RiskLevel) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |f| f.status == Status::Fail && f.risk >= risk)
    }
}

/// A rule as it ran in a scan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleRun {
    /// Rule id.
    pub id: &'static str,
    /// Rule title.
    pub title: &'static str,
    /// Effective risk (the rule's, or the config override).
    pub risk: RiskLevel,
    /// The settings it judged by, defaults filled in.
    pub settings: serde_json::Value,
}

/// Name and version of the tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// `cloudposture`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo {
            name: "cloudposture".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// Where the data came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanSource {
    /// Collected from the cloud during this run.
    Live,
    /// Loaded from a saved snapshot.
    Snapshot,
    /// Read from infrastructure-as-code templates (CloudFormation, Terraform).
    Template,
}

/// Scan metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanMetadata {
    /// Live, snapshot or template.
    pub source: ScanSource,
    /// When collection (or loading) began.
    pub started_at: Timestamp,
    /// When evaluation ended.
    pub finished_at: Timestamp,
    /// The caller's account (whose credentials started the scan).
    pub account: Option<String>,
    /// Every account of the scan, with its regions: the caller's alone for a
    /// single-account scan; with `--accounts`, each named or listed account.
    #[serde(default)]
    pub accounts: Vec<AccountStatus>,
    /// Regions scanned, with state: every scope of every account (each says its account),
    /// kept as in single-account reports; none for a template scan.
    pub regions: Vec<RegionStatus>,
    /// Regions not scanned on purpose, with why.
    pub regions_not_scanned: Vec<RegionNotScanned>,
    /// Total API calls (all regions plus global calls).
    pub api_calls: u64,
    /// The shard of the organization's accounts this scan covered (`--shard K/N`);
    /// `cloudposture merge` combines the reports of every shard into one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::Shard>,
}

/// One account of a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountStatus {
    /// The 12-digit account id (unknown when a single-account scan could not read the
    /// caller identity).
    pub id: Option<String>,
    /// Its name in the organization, if known.
    #[serde(default)]
    pub name: Option<String>,
    /// Whether it was read completely.
    pub status: AccountScanState,
    /// Why it could not be read, or was left out (`not_scanned`).
    #[serde(default)]
    pub error: Option<String>,
    /// Its regions, with state.
    #[serde(default)]
    pub regions: Vec<RegionStatus>,
    /// API calls made for it (its regions and its account-level calls).
    #[serde(default)]
    pub api_calls: u64,
}

/// State of an account's collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountScanState {
    /// Every region was read.
    Ok,
    /// The account, or some of its regions, could not be read.
    Error,
    /// Left out on purpose (an account that is not ACTIVE).
    NotScanned,
}

/// One scanned region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionStatus {
    /// Region name.
    pub name: String,
    /// The account it belongs to, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Whether everything needed could be read.
    pub status: RegionState,
    /// What could not be read, when `status` is `error`.
    pub error: Option<String>,
    /// API calls made for this region.
    pub api_calls: u64,
}

/// State of a region's collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionState {
    /// Everything needed was read.
    Ok,
    /// Something could not be read.
    Error,
}

/// A region left out of the scan on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionNotScanned {
    /// Region name.
    pub name: String,
    /// Why, e.g. `opt-in region not enabled for the account`.
    pub reason: String,
}

/// Counts by status, risk and control. Muted findings count only under `muted`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Findings in all.
    pub total: u64,
    /// Passing.
    pub pass: u64,
    /// Failing.
    pub fail: u64,
    /// Could not be judged.
    pub error: u64,
    /// Not applicable.
    pub skipped: u64,
    /// Muted by an exception.
    pub muted: u64,
    /// Status counts per risk level (only levels that have findings).
    pub by_risk: BTreeMap<RiskLevel, StatusCounts>,
    /// Pass and fail counts per compliance control.
    pub by_control: Vec<ControlSummary>,
    /// Status counts per scanned account (the account whose credentials read each
    /// finding's resource; `unknown` when it could not be read).
    pub by_account: BTreeMap<String, StatusCounts>,
}

/// Counts of findings by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    /// Passing.
    pub pass: u64,
    /// Failing.
    pub fail: u64,
    /// Could not be judged.
    pub error: u64,
    /// Not applicable.
    pub skipped: u64,
    /// Muted.
    pub muted: u64,
}

impl StatusCounts {
    pub(crate) fn add(&mut self, status: Status) {
        match status {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::Error => self.error += 1,
            Status::Skipped => self.skipped += 1,
            Status::Muted => self.muted += 1,
        }
    }

    pub(crate) fn merge(&mut self, other: &StatusCounts) {
        self.pass += other.pass;
        self.fail += other.fail;
        self.error += other.error;
        self.skipped += other.skipped;
        self.muted += other.muted;
    }
}

/// Pass/fail counts of one compliance control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlSummary {
    /// Standard code.
    pub standard: Standard,
    /// Standard version.
    pub version: &'static str,
    /// Control id, if the standard has one.
    pub id: Option<&'static str>,
    /// Passing findings of rules mapped to it.
    pub pass: u64,
    /// Failing findings of rules mapped to it.
    pub fail: u64,
    /// Findings that could not be judged.
    pub error: u64,
}

impl Summary {
    /// Counts `findings`.
    pub fn of(findings: &[Finding]) -> Summary {
        let mut totals = StatusCounts::default();
        let mut by_risk: BTreeMap<RiskLevel, StatusCounts> = BTreeMap::new();
        // Findings of one rule share one `controls` slice: count per rule first, then
        // spread to controls, so the cost is per finding, not per finding × control.
        let mut per_rule: BTreeMap<&'static str, (&'static [crate::Control], StatusCounts)> = BTreeMap::new();
        // Findings come in runs of one rule and mostly one risk: count a run, then add it.
        let mut run: Option<(&'static str, &'static [crate::Control], RiskLevel, StatusCounts)> = None;
        let mut flush = |run: (&'static str, &'static [crate::Control], RiskLevel, StatusCounts)| {
            let (rule_id, controls, risk, counts) = run;
            by_risk.entry(risk).or_default().merge(&counts);
            per_rule
                .entry(rule_id)
                .or_insert((controls, StatusCounts::default()))
                .1
                .merge(&counts);
        };
        let mut by_account: BTreeMap<String, StatusCounts> = BTreeMap::new();
        // Findings come in runs of one scope, so of one account: count a run, then add it.
        let mut account_run: Option<(Option<&str>, StatusCounts)> = None;
        let mut add_account = |run: (Option<&str>, StatusCounts)| {
            let key = run.0.unwrap_or("unknown").to_string();
            by_account.entry(key).or_default().merge(&run.1);
        };
        for f in findings {
            totals.add(f.status);
            let account = f.scanned_account.as_deref();
            match &mut account_run {
                Some((current, counts)) if *current == account => counts.add(f.status),
                _ => {
                    let mut counts = StatusCounts::default();
                    counts.add(f.status);
                    if let Some(done) = account_run.replace((account, counts)) {
                        add_account(done);
                    }
                }
            }
            match &mut run {
                Some((rule_id, _, risk, counts)) if std::ptr::eq(*rule_id, f.rule.id) && *risk == f.risk => {
                    counts.add(f.status)
                }
                _ => {
                    let mut counts = StatusCounts::default();
                    counts.add(f.status);
                    if let Some(done) = run.replace((f.rule.id, f.rule.controls, f.risk, counts)) {
                        flush(done);
                    }
                }
            }
        }
        if let Some(done) = run {
            flush(done);
        }
        if let Some(done) = account_run {
            add_account(done);
        }
        let mut by_control: BTreeMap<crate::Control, StatusCounts> = BTreeMap::new();
        for (controls, counts) in per_rule.values() {
            for c in controls.iter() {
                let e = by_control.entry(*c).or_default();
                e.pass += counts.pass;
                e.fail += counts.fail;
                e.error += counts.error;
            }
        }
        Summary {
            total: findings.len() as u64,
            pass: totals.pass,
            fail: totals.fail,
            error: totals.error,
            skipped: totals.skipped,
            muted: totals.muted,
            by_risk,
            by_control: by_control
                .into_iter()
                .map(|(c, n)| ControlSummary {
                    standard: c.standard,
                    version: c.version,
                    id: c.id,
                    pass: n.pass,
                    fail: n.fail,
                    error: n.error,
                })
                .collect(),
            by_account,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_counted_per_scanned_account() {
        let mut findings = crate::render::fixtures::report().findings;
        let n = findings.len();
        for (i, f) in findings.iter_mut().enumerate() {
            f.scanned_account = match i % 3 {
                0 => Some("111111111111".into()),
                1 => Some("222222222222".into()),
                _ => None,
            };
        }
        let summary = Summary::of(&findings);
        let total: u64 = summary
            .by_account
            .values()
            .map(|c| c.pass + c.fail + c.error + c.skipped + c.muted)
            .sum();
        assert_eq!(total, n as u64);
        let expected = |account: Option<&str>| {
            let mut counts = StatusCounts::default();
            for f in findings
                .iter()
                .filter(|f| f.scanned_account.as_deref() == account)
            {
                counts.add(f.status);
            }
            counts
        };
        assert_eq!(summary.by_account["111111111111"], expected(Some("111111111111")));
        assert_eq!(summary.by_account["222222222222"], expected(Some("222222222222")));
        assert_eq!(summary.by_account["unknown"], expected(None));
    }
}
