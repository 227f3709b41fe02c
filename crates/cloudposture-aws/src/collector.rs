//! The AWS API surface that collection depends on, as small mockable traits.
//!
//! They return this crate's model types, never SDK types. The `sdk` feature provides
//! the real implementation (`sdk::SdkCollector`); the `mocks` feature exports
//! `MockAccountApi` and `MockEc2Api` (mockall) for tests, also outside this crate.

use async_trait::async_trait;

use crate::error::CollectError;
use crate::model::{FlowLog, NetworkInterface, Subnet, Vpc};

/// Items of a complete listing (every page) and the API calls it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed<T> {
    /// The items.
    pub items: Vec<T>,
    /// Calls made (one per page).
    pub api_calls: u64,
}

impl<T> Listed<T> {
    /// A listing of `items` made in `api_calls` calls.
    pub fn new(items: Vec<T>, api_calls: u64) -> Self {
        Listed { items, api_calls }
    }
}

/// The account's regions, as DescribeRegions reports them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegionList {
    /// Regions enabled for the account (opt-in not required, or opted in).
    pub enabled: Vec<String>,
    /// Opt-in regions the account has not enabled.
    pub not_enabled: Vec<String>,
}

/// Account-level calls: made at most once per scan.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait AccountApi: Send + Sync {
    /// The account of the credentials (STS GetCallerIdentity).
    async fn caller_account(&self) -> Result<String, CollectError>;
    /// The account's regions (EC2 DescribeRegions with all regions).
    async fn regions(&self) -> Result<RegionList, CollectError>;
}

/// EC2 listings of one region. Each lists every page at the maximum page size.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait Ec2Api: Send + Sync {
    /// All VPCs of `region` (DescribeVpcs).
    async fn vpcs(&self, region: &str) -> Result<Listed<Vpc>, CollectError>;
    /// All flow logs of `region`, of every resource type (DescribeFlowLogs).
    async fn flow_logs(&self, region: &str) -> Result<Listed<FlowLog>, CollectError>;
    /// The subnets with these ids (DescribeSubnets).
    async fn subnets(&self, region: &str, ids: &[String]) -> Result<Listed<Subnet>, CollectError>;
    /// The network interfaces with these ids (DescribeNetworkInterfaces).
    async fn network_interfaces(
        &self,
        region: &str,
        ids: &[String],
    ) -> Result<Listed<NetworkInterface>, CollectError>;
}
