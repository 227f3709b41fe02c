//! The flags of `merge`.

use std::path::PathBuf;

use clap::Args;

use super::{FailOn, ScanFormat, parse_fail_on};

/// `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard reports (`scan --shard K/N --format json`), one per shard.
    #[arg(value_name = "REPORT", required = true)]
    pub reports: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Table)]
    pub format: ScanFormat,
    /// Write the merged report to FILE (completely or not at all) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a failing finding has at least this risk; `never` to exit 1 on no finding.
    #[arg(long, value_name = "RISK|never", default_value = "low", value_parser = parse_fail_on)]
    pub fail_on: FailOn,
    /// In the table, list passing, skipped and muted findings too (by default only counted).
    #[arg(long)]
    pub show_passing: bool,
    /// An earlier JSON report of this tool: every failing finding already failing there (same
    /// rule, resource kind and id, account, region and file) is reported as `muted` with the
    /// reason "in baseline", so that only new problems fail.
    #[arg(long, value_name = "REPORT")]
    pub baseline: Option<PathBuf>,
}
