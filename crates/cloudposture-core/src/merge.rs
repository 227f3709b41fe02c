//! Combining reports: the reports of every shard of an organization scan (`--shard K/N`)
//! into the one report a single process would have written.
//!
//! [`merge_shards`] checks that the reports are the shards `1/N` … `N/N` of one scan,
//! each once, with the same rules and settings, and no account in two of them, then
//! [`combine`]s them: findings in the order a single scan gives them (rule by rule, each
//! rule's findings by account, then region), accounts and regions sorted, API calls
//! added up, the summary counted again from the findings.

use std::collections::BTreeMap;

use thiserror::Error;

use crate::report::{Report, ScanSource, Summary};
use crate::shard::Shard;

/// Why shard reports cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MergeError {
    /// Nothing to merge.
    #[error("no report to merge")]
    Empty,
    /// A report is not one shard of a scan.
    #[error(
        "{name} is not a shard report (its scan has no `shard`: it was not written by `scan --shard K/N`)"
    )]
    NotShard {
        /// The report's name (its file).
        name: String,
    },
    /// A report is not of a live scan.
    #[error("{name} is a {scanned} scan; only live scans of an organization are sharded")]
    NotLive {
        /// The report's name.
        name: String,
        /// What it scanned: `snapshot` or `template`.
        scanned: &'static str,
    },
    /// The reports split the accounts differently.
    #[error(
        "{name} is shard {shard}, but {first} is shard {first_shard}: every report must be a shard of the same N"
    )]
    Counts {
        /// A report.
        name: String,
        /// Its shard.
        shard: Shard,
        /// The first report.
        first: String,
        /// Its shard.
        first_shard: Shard,
    },
    /// A shard is given twice.
    #[error("shard {shard} is given twice: {first} and {second}")]
    Repeated {
        /// The shard.
        shard: Shard,
        /// One report.
        first: String,
        /// The other.
        second: String,
    },
    /// Shards are missing.
    #[error("shard {} of {count} is missing: merge needs the reports of all {count} shards", .missing.iter().map(u32::to_string).collect::<Vec<_>>().join(", "))]
    Missing {
        /// The missing shard indexes.
        missing: Vec<u32>,
        /// The number of shards.
        count: u32,
    },
    /// An account is in two reports.
    #[error("account {account} is in both {first} and {second}")]
    AccountTwice {
        /// The account.
        account: String,
        /// One report.
        first: String,
        /// The other.
        second: String,
    },
    /// The reports ran different rules or settings.
    #[error(
        "{name} ran other rules or settings than {first}: shards must be scanned with the same rules and config"
    )]
    Rules {
        /// A report.
        name: String,
        /// The first report.
        first: String,
    },
}

/// Merges the reports of every shard of one scan, each named (by its file) for errors.
pub fn merge_shards(parts: Vec<(String, Report)>) -> Result<Report, MergeError> {
    let Some((first, first_report)) = parts.first() else {
        return Err(MergeError::Empty);
    };
    let shard_of = |name: &str, report: &Report| {
        if report.scan.source != ScanSource::Live {
            return Err(MergeError::NotLive {
                name: name.to_string(),
                scanned: match report.scan.source {
                    ScanSource::Snapshot => "snapshot",
                    ScanSource::Template => "template",
                    ScanSource::Live => "live",
                },
            });
        }
        report.scan.shard.ok_or_else(|| MergeError::NotShard {
            name: name.to_string(),
        })
    };
    let first_shard = shard_of(first, first_report)?;
    let mut seen: BTreeMap<u32, &str> = BTreeMap::new();
    let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, report) in &parts {
        let shard = shard_of(name, report)?;
        if shard.count != first_shard.count {
            return Err(MergeError::Counts {
                name: name.clone(),
                shard,
                first: first.clone(),
                first_shard,
            });
        }
        if let Some(other) = seen.insert(shard.index, name) {
            return Err(MergeError::Repeated {
                shard,
                first: other.to_string(),
                second: name.clone(),
            });
        }
        if report.rules != first_report.rules {
            return Err(MergeError::Rules {
                name: name.clone(),
                first: first.clone(),
            });
        }
        for account in report.scan.accounts.iter().filter_map(|a| a.id.as_deref()) {
            if let Some(other) = owners.insert(account, name) {
                return Err(MergeError::AccountTwice {
                    account: account.to_string(),
                    first: other.to_string(),
                    second: name.clone(),
                });
            }
        }
    }
    let missing: Vec<u32> = (1..=first_shard.count)
        .filter(|k| !seen.contains_key(k))
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing,
            count: first_shard.count,
        });
    }
    let mut merged = combine(parts.into_iter().map(|(_, report)| report).collect());
    merged.scan.shard = None;
    Ok(merged)
}

/// Combines reports of disjoint accounts of one scan (same rules), unchecked: findings
/// in the order of a single scan, accounts and regions sorted, API calls added up,
/// started at the earliest start and finished at the latest end, the summary counted
/// again. The scan metadata not listed (source, caller account, shard) is the first
/// report's.
pub fn combine(parts: Vec<Report>) -> Report {
    let mut parts = parts.into_iter();
    let Some(mut merged) = parts.next() else {
        return Report {
            schema_version: crate::REPORT_SCHEMA_VERSION,
            tool: crate::ToolInfo::default(),
            scan: crate::ScanMetadata {
                source: ScanSource::Live,
                started_at: jiff::Timestamp::now(),
                finished_at: jiff::Timestamp::now(),
                account: None,
                accounts: Vec::new(),
                regions: Vec::new(),
                regions_not_scanned: Vec::new(),
                api_calls: 0,
                shard: None,
            },
            summary: Summary::default(),
            rules: Vec::new(),
            findings: Vec::new(),
        };
    };
    for part in parts {
        let scan = &mut merged.scan;
        scan.started_at = scan.started_at.min(part.scan.started_at);
        scan.finished_at = scan.finished_at.max(part.scan.finished_at);
        scan.account = scan.account.take().or(part.scan.account);
        scan.accounts.extend(part.scan.accounts);
        scan.regions.extend(part.scan.regions);
        for skipped in part.scan.regions_not_scanned {
            if !scan.regions_not_scanned.contains(&skipped) {
                scan.regions_not_scanned.push(skipped);
            }
        }
        scan.api_calls += part.scan.api_calls;
        merged.findings.extend(part.findings);
    }
    let scan = &mut merged.scan;
    scan.accounts.sort_by(|a, b| a.id.cmp(&b.id));
    scan.regions
        .sort_by(|a, b| (&a.account, &a.name).cmp(&(&b.account, &b.name)));
    // A single scan gives each rule's findings scope by scope (account, then region);
    // within a scope, each report kept the rule's order. A stable sort restores it.
    let rank: BTreeMap<&str, usize> = merged
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| (rule.id, i))
        .collect();
    merged.findings.sort_by_cached_key(|f| {
        (
            rank.get(f.rule.id).copied().unwrap_or(usize::MAX),
            f.scanned_account.clone(),
            f.resource.region.clone(),
        )
    });
    merged.summary = Summary::of(&merged.findings);
    merged
}
