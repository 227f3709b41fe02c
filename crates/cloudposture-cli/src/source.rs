//! Where the inventory comes from: a live account (the AWS SDK) or a snapshot file.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, anyhow};
use cloudposture_aws::sdk::{SdkCollector, SdkOptions};
use cloudposture_aws::{
    CollectFailure, CollectOptions, CollectProgress, Inventory, NoProgress, RegionScope, collect, snapshot,
};

use crate::cli::LiveArgs;
use crate::exit::CliError;
use crate::progress::RegionBar;

/// Loads a snapshot. Any problem with the file is bad input (exit 2).
pub fn load_snapshot(path: &Path) -> anyhow::Result<Inventory> {
    snapshot::load(path).map_err(anyhow::Error::new)
}

/// The SDK options of the live flags (profile, endpoint, attempts).
pub fn sdk_options(args: &LiveArgs) -> SdkOptions {
    SdkOptions {
        profile: args.profile.clone(),
        endpoint_url: args.endpoint_url.clone(),
        max_attempts: args.max_attempts,
        ..SdkOptions::default()
    }
}

/// Collects `kinds` from the live account described by `args`.
///
/// Regions that fail are recorded in the inventory (the report says so and the exit
/// code is 3). Only when nothing at all can be read — the region list — is it an
/// error, and then an incomplete one (exit 3): the input was fine, the account
/// could not be reached.
pub fn collect_live(
    args: &LiveArgs,
    kinds: &BTreeSet<&str>,
    show_progress: bool,
) -> Result<Inventory, CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let options = CollectOptions {
        regions: args.regions.clone(),
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        concurrency: usize::from(args.concurrency),
    };
    let sdk_options = sdk_options(args);
    tracing::info!(regions = ?options.regions, kinds = ?options.kinds, "collecting");
    runtime.block_on(async {
        let sdk = SdkCollector::new(sdk_options).await;
        let bar = show_progress.then(RegionBar::new);
        let progress: &dyn CollectProgress = match &bar {
            Some(bar) => bar,
            None => &NoProgress,
        };
        let result = collect(&sdk, &sdk.listers(), &options, progress).await;
        if let Some(bar) = &bar {
            bar.finish();
        }
        result.map_err(|e| match e {
            // The selected rules need a kind nothing collects: the plan is wrong (exit 2).
            CollectFailure::NoLister { .. } => CliError::from(anyhow::Error::new(e)),
            CollectFailure::Regions(e) => {
                let hint = match options.regions {
                    RegionScope::AllEnabled => "; name the regions with `--regions` to skip the listing",
                    RegionScope::Only(_) => "",
                };
                CliError::incomplete(anyhow!("cannot list the account's regions: {e}{hint}"))
            }
        })
    })
}
