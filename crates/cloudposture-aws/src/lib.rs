//! The AWS provider of cloudposture: resource kinds, mockable listers, the SDK adapter,
//! collection into an [`Inventory`], and snapshots.
//!
//! - [`kinds`]: one file per resource kind (model, kind declaration, ARN, SDK listing).
//! - [`collector`]: [`AccountApi`] and [`Lister<K>`], the traits collection calls, and
//!   [`Listers`], one lister per kind.
//! - [`collect()`]: regions concurrently with a bound, the kinds the rules need, every
//!   failure recorded per region and kind.
//! - [`snapshot`]: the inventory saved and loaded, kinds by name.
//! - `accounts` (feature `sdk`): many accounts in one scan (an organization, or a list),
//!   roles assumed in each, one concurrency bound for all.
//!
//! Features: `sdk` (default) compiles the `aws-sdk-ec2` adapter; without it, rule
//! crates get the kinds and inventory quickly. `mocks` exports mockall mocks of the
//! traits ([`MockAccountApi`], `MockLister<K>`).
//!
//! Remediation that acts: [`fix`] describes the actions that rules plan (create flow
//! logs, revoke security group rules, require IMDSv2) and their outcomes; `sdk::fix`
//! carries them out (feature `sdk`).

#[macro_use]
mod aws_enum;

#[cfg(feature = "sdk")]
pub mod accounts;
pub mod arn;
pub mod collect;
pub mod collector;
pub mod fix;
pub mod kinds;
#[cfg(feature = "sdk")]
pub mod sdk;
pub mod snapshot;

#[cfg(feature = "sdk")]
pub use accounts::{
    AccountSelection, Accounts, AccountsOptions, OrgAccount, REGIONS_PER_ACCOUNT, collect_accounts,
    collect_accounts_each, is_valid_account_id,
};
pub use arn::{ec2_arn, partition_of};
/// The attribute that `Lister` implementations need (re-exported so that a crate adding a
/// kind uses the same version).
pub use async_trait::async_trait;
pub use cloudposture_core::{CollectError, ErrorClass, Inventory, SNAPSHOT_SCHEMA_VERSION, Scope, ScopeId};
pub use collect::{
    CollectFailure, CollectOptions, CollectProgress, DEFAULT_CONCURRENCY, NoProgress, RegionScope,
    check_listers, collect, is_valid_region_name,
};
pub use collector::{AccountApi, Fetched, ListContext, Lister, Listers, RegionList};
#[cfg(feature = "mocks")]
pub use collector::{MockAccountApi, MockLister};
pub use kinds::{
    AclEntry, DestinationType, FlowLog, FlowLogResourceType, FlowLogs, GroupPair, Instance, Instances,
    IpRange, MetadataOptions, NetworkAcl, NetworkAcls, NetworkInterface, NetworkInterfaces, Permission,
    PortRange, SecurityGroup, SecurityGroups, Subnet, Subnets, TrafficType, Vpc, Vpcs,
};
pub use snapshot::SnapshotError;
