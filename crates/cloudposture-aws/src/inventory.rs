//! The collected data of an AWS account: what rules evaluate and snapshots store.

use cloudposture_core::{RegionNotScanned, RegionState, RegionStatus};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::CollectError;
use crate::model::{FlowLog, NetworkInterface, Subnet, Vpc};

/// Version of the snapshot layout; loading a newer one is refused with a clear error.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 1;

/// Everything collected in one scan of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    /// [`SNAPSHOT_SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// The scanned account (from the caller identity), if it could be read.
    pub account: Option<String>,
    /// When collection started.
    pub collected_at: Timestamp,
    /// Scanned regions, sorted by name.
    pub regions: Vec<RegionInventory>,
    /// Regions not scanned on purpose (e.g. opt-in regions not enabled), with why.
    #[serde(default)]
    pub regions_not_scanned: Vec<SkippedRegion>,
    /// API calls outside any region (region listing, caller identity).
    #[serde(default)]
    pub global_api_calls: u64,
    /// Failures outside any region (e.g. the caller identity could not be read).
    #[serde(default)]
    pub global_errors: Vec<CollectError>,
}

impl Inventory {
    /// An empty inventory for `account`, collected now.
    pub fn new(account: Option<String>) -> Self {
        Inventory {
            schema_version: SNAPSHOT_SCHEMA_VERSION,
            account,
            collected_at: Timestamp::now(),
            regions: Vec::new(),
            regions_not_scanned: Vec::new(),
            global_api_calls: 0,
            global_errors: Vec::new(),
        }
    }

    /// The region called `name`.
    pub fn region(&self, name: &str) -> Option<&RegionInventory> {
        self.regions.iter().find(|r| r.name == name)
    }

    /// VPCs listed, in all regions.
    pub fn vpc_count(&self) -> usize {
        self.regions.iter().map(|r| r.vpcs.items_or_empty().len()).sum()
    }

    /// Flow logs listed, in all regions.
    pub fn flow_log_count(&self) -> usize {
        self.regions
            .iter()
            .map(|r| r.flow_logs.items_or_empty().len())
            .sum()
    }

    /// API calls made: every region's plus the account-level ones.
    pub fn api_calls(&self) -> u64 {
        self.regions.iter().map(|r| r.api_calls).sum::<u64>() + self.global_api_calls
    }
}

/// A region left out on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRegion {
    /// Region name.
    pub name: String,
    /// Why, e.g. `opt-in region not enabled for the account`.
    pub reason: String,
}

/// What was collected in one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionInventory {
    /// Region name, e.g. `eu-west-1`.
    pub name: String,
    /// VPCs (DescribeVpcs).
    pub vpcs: Collection<Vpc>,
    /// Flow logs of every resource type (DescribeFlowLogs).
    pub flow_logs: Collection<FlowLog>,
    /// Subnets named by subnet-level flow logs.
    pub subnets: Collection<Subnet>,
    /// Network interfaces named by ENI-level flow logs.
    pub network_interfaces: Collection<NetworkInterface>,
    /// API calls made for this region (pages; retries not counted).
    pub api_calls: u64,
}

impl RegionInventory {
    /// A region where nothing has been collected yet.
    pub fn new(name: impl Into<String>) -> Self {
        RegionInventory {
            name: name.into(),
            vpcs: Collection::NotCollected,
            flow_logs: Collection::NotCollected,
            subnets: Collection::NotCollected,
            network_interfaces: Collection::NotCollected,
            api_calls: 0,
        }
    }

    /// Every collection that failed in this region.
    pub fn errors(&self) -> impl Iterator<Item = &CollectError> {
        [
            self.vpcs.error(),
            self.flow_logs.error(),
            self.subnets.error(),
            self.network_interfaces.error(),
        ]
        .into_iter()
        .flatten()
    }
}

/// The result of listing one kind of resource in one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Collection<T> {
    /// No selected rule needed it.
    #[default]
    NotCollected,
    /// Listed completely (every page).
    Collected(Vec<T>),
    /// The listing failed; nothing from it can be trusted.
    Failed(CollectError),
}

impl<T> Collection<T> {
    /// The items, if listed completely.
    pub fn items(&self) -> Option<&[T]> {
        match self {
            Collection::Collected(v) => Some(v),
            _ => None,
        }
    }

    /// The failure, if any.
    pub fn error(&self) -> Option<&CollectError> {
        match self {
            Collection::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// The items, or an empty slice when not collected or failed.
    pub fn items_or_empty(&self) -> &[T] {
        self.items().unwrap_or(&[])
    }
}

impl cloudposture_core::Inventory for Inventory {
    fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    fn regions(&self) -> Vec<RegionStatus> {
        // Account-level failures (e.g. the caller identity) are reported as a
        // pseudo-region `global` so that the scan is marked incomplete.
        let global = (!self.global_errors.is_empty()).then(|| RegionStatus {
            name: "global".to_string(),
            status: RegionState::Error,
            error: Some(
                self.global_errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            api_calls: 0,
        });
        global
            .into_iter()
            .chain(self.regions.iter().map(|r| {
                let errors: Vec<String> = r.errors().map(ToString::to_string).collect();
                RegionStatus {
                    name: r.name.clone(),
                    status: if errors.is_empty() {
                        RegionState::Ok
                    } else {
                        RegionState::Error
                    },
                    error: (!errors.is_empty()).then(|| errors.join("; ")),
                    api_calls: r.api_calls,
                }
            }))
            .collect()
    }

    fn regions_not_scanned(&self) -> Vec<RegionNotScanned> {
        self.regions_not_scanned
            .iter()
            .map(|s| RegionNotScanned {
                name: s.name.clone(),
                reason: s.reason.clone(),
            })
            .collect()
    }

    fn global_api_calls(&self) -> u64 {
        self.global_api_calls
    }
}
