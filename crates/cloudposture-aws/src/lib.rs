//! The AWS provider of cloudposture: resource models, mockable collectors, the SDK
//! adapter, collection into an [`Inventory`], and snapshots.
//!
//! Features: `sdk` (default) compiles the `aws-sdk-ec2` adapter; without it, rule
//! crates get the models and inventory quickly. `mocks` exports mockall mocks of the
//! collector traits ([`MockAccountApi`], [`MockEc2Api`]).
//!
//! Remediation that acts: [`fix`] describes the `ec2:CreateFlowLogs` actions that rules
//! plan and their outcomes; `sdk::fix` carries them out (feature `sdk`).

pub mod collect;
pub mod collector;
pub mod error;
pub mod fix;
pub mod inventory;
pub mod model;
#[cfg(feature = "sdk")]
pub mod sdk;
pub mod snapshot;

pub use collect::{
    CollectOptions, CollectProgress, DEFAULT_CONCURRENCY, NoProgress, RegionScope, collect,
    is_valid_region_name,
};
pub use collector::{AccountApi, Ec2Api, Listed, RegionList};
#[cfg(feature = "mocks")]
pub use collector::{MockAccountApi, MockEc2Api};
pub use error::{CollectError, ErrorClass};
pub use inventory::{Collection, Inventory, RegionInventory, SNAPSHOT_SCHEMA_VERSION, SkippedRegion};
pub use model::{
    DestinationType, FlowLog, FlowLogResourceType, NetworkInterface, Subnet, TrafficType, Vpc, ec2_arn,
    ec2_arn_of, kinds, partition_of,
};
pub use snapshot::SnapshotError;
