//! The flags of `merge`.

use std::path::PathBuf;

use clap::Args;

use super::ReportArgs;

/// `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard reports (`scan --shard K/N --format json`), one per shard.
    #[arg(value_name = "REPORT", required = true)]
    pub reports: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}
