//! Collection: turns an account into an [`Inventory`], fetching only what the
//! selected rules need, regions concurrently with a bound, every failure recorded
//! per region without aborting the others.

use std::collections::BTreeSet;

use futures::StreamExt;
use jiff::Timestamp;

use crate::collector::{AccountApi, Ec2Api, Listed};
use crate::error::CollectError;
use crate::inventory::{Collection, Inventory, RegionInventory, SNAPSHOT_SCHEMA_VERSION, SkippedRegion};
use crate::model::{FlowLogResourceType, kinds};

/// Default number of regions collected at once.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Which regions to scan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RegionScope {
    /// Every region enabled for the account (one DescribeRegions call).
    #[default]
    AllEnabled,
    /// Exactly these regions (no DescribeRegions call). A region that is not enabled
    /// answers with an error, recorded for that region.
    Only(Vec<String>),
}

/// What to collect and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectOptions {
    /// Regions to scan.
    pub regions: RegionScope,
    /// Resource kinds needed (see [`crate::model::kinds`]); others are not fetched.
    pub kinds: BTreeSet<String>,
    /// Regions collected at once (at least 1).
    pub concurrency: usize,
}

impl CollectOptions {
    /// All enabled regions, these kinds, the default concurrency.
    pub fn new<S: Into<String>>(kinds: impl IntoIterator<Item = S>) -> Self {
        CollectOptions {
            regions: RegionScope::AllEnabled,
            kinds: kinds.into_iter().map(Into::into).collect(),
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    fn needs(&self, kind: &str) -> bool {
        self.kinds.contains(kind)
    }
}

/// Hears about collection as it goes (for progress bars). Every method defaults to nothing.
pub trait CollectProgress: Send + Sync {
    /// The regions about to be collected.
    fn regions_planned(&self, _regions: &[String]) {}
    /// A region has started.
    fn region_started(&self, _region: &str) {}
    /// A region is done (with or without errors).
    fn region_finished(&self, _region: &RegionInventory) {}
}

/// A [`CollectProgress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl CollectProgress for NoProgress {}

/// Whether `name` looks like an AWS region name (`eu-west-1`, `us-gov-east-1`, `cn-north-1`).
pub fn is_valid_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Collects what `options` asks for.
///
/// Fails only when the region list itself cannot be read (nothing could be scanned);
/// every other failure is recorded in the inventory, per region.
pub async fn collect(
    account: &dyn AccountApi,
    ec2: &dyn Ec2Api,
    options: &CollectOptions,
    progress: &dyn CollectProgress,
) -> Result<Inventory, CollectError> {
    let collected_at = Timestamp::now();
    let mut global_api_calls = 0;
    let mut global_errors = Vec::new();

    let (regions, regions_not_scanned) = match &options.regions {
        RegionScope::Only(list) => {
            let mut list = list.clone();
            list.sort();
            list.dedup();
            (list, Vec::new())
        }
        RegionScope::AllEnabled => {
            let listed = account.regions().await?;
            global_api_calls += 1;
            let mut enabled = listed.enabled;
            enabled.sort();
            let skipped = listed
                .not_enabled
                .into_iter()
                .map(|name| SkippedRegion {
                    name,
                    reason: "opt-in region not enabled for the account".into(),
                })
                .collect();
            (enabled, skipped)
        }
    };

    let account_id = match account.caller_account().await {
        Ok(id) => {
            global_api_calls += 1;
            Some(id)
        }
        Err(e) => {
            global_api_calls += e.api_calls;
            global_errors.push(e);
            None
        }
    };

    progress.regions_planned(&regions);
    let mut done: Vec<RegionInventory> = futures::stream::iter(regions.iter())
        .map(|name| async move {
            progress.region_started(name);
            let region = collect_region(ec2, name, options).await;
            progress.region_finished(&region);
            region
        })
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    done.sort_by(|a, b| a.name.cmp(&b.name));

    Ok(Inventory {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        account: account_id,
        collected_at,
        regions: done,
        regions_not_scanned,
        global_api_calls,
        global_errors,
    })
}

/// Records a listing's outcome and counts its calls.
fn record<T>(calls: &mut u64, result: Result<Listed<T>, CollectError>) -> Collection<T> {
    match result {
        Ok(listed) => {
            *calls += listed.api_calls;
            Collection::Collected(listed.items)
        }
        Err(e) => {
            *calls += e.api_calls;
            Collection::Failed(e)
        }
    }
}

async fn collect_region(ec2: &dyn Ec2Api, name: &str, options: &CollectOptions) -> RegionInventory {
    let mut region = RegionInventory::new(name);
    let mut calls = 0;

    // VPCs and flow logs do not depend on each other: list them at the same time.
    let vpcs = async {
        if options.needs(kinds::VPC) {
            Some(ec2.vpcs(name).await)
        } else {
            None
        }
    };
    let flow_logs = async {
        if options.needs(kinds::FLOW_LOG) {
            Some(ec2.flow_logs(name).await)
        } else {
            None
        }
    };
    let (vpcs, flow_logs) = futures::join!(vpcs, flow_logs);
    if let Some(v) = vpcs {
        region.vpcs = record(&mut calls, v);
    }
    if let Some(f) = flow_logs {
        region.flow_logs = record(&mut calls, f);
    }

    // Subnets and network interfaces are looked up only for the ids that flow logs
    // name, and only when there are any: most regions need no call at all.
    if let Some(flow_logs) = region.flow_logs.items() {
        let ids_of = |t: FlowLogResourceType| -> Vec<String> {
            let ids: BTreeSet<&str> = flow_logs
                .iter()
                .filter(|f| f.resource_type == t)
                .map(|f| f.resource_id.as_str())
                .collect();
            ids.into_iter().map(str::to_string).collect()
        };
        let subnet_ids = ids_of(FlowLogResourceType::Subnet);
        let eni_ids = ids_of(FlowLogResourceType::NetworkInterface);
        // The two lookups do not depend on each other either.
        let subnets = async {
            match (options.needs(kinds::SUBNET), subnet_ids.is_empty()) {
                (false, _) => None,
                (true, true) => Some(Ok(Listed::new(Vec::new(), 0))),
                (true, false) => Some(ec2.subnets(name, &subnet_ids).await),
            }
        };
        let network_interfaces = async {
            match (options.needs(kinds::NETWORK_INTERFACE), eni_ids.is_empty()) {
                (false, _) => None,
                (true, true) => Some(Ok(Listed::new(Vec::new(), 0))),
                (true, false) => Some(ec2.network_interfaces(name, &eni_ids).await),
            }
        };
        let (subnets, network_interfaces) = futures::join!(subnets, network_interfaces);
        if let Some(s) = subnets {
            region.subnets = record(&mut calls, s);
        }
        if let Some(n) = network_interfaces {
            region.network_interfaces = record(&mut calls, n);
        }
    }
    region.api_calls = calls;
    region
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_checked() {
        for ok in ["eu-west-1", "us-gov-east-1", "cn-north-1", "ap-southeast-5"] {
            assert!(is_valid_region_name(ok), "{ok}");
        }
        for bad in ["eu-west", "EU-WEST-1", "euwest1", "eu--1", "eu-west-1a", ""] {
            assert!(!is_valid_region_name(bad), "{bad}");
        }
    }
}
