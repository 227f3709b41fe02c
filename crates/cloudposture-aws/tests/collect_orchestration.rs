//! `collect()` over mocked listers: what is called, in which order, what is recorded,
//! what is counted — and a kind this crate does not have, mocked from outside it.

#![cfg(feature = "mocks")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use cloudposture_aws::kinds::{self, flow_log_targets};
use cloudposture_aws::{
    CollectError, CollectFailure, CollectOptions, DestinationType, ErrorClass, Fetched, FlowLog,
    FlowLogResourceType, FlowLogs, ListContext, Lister, Listers, MockAccountApi, MockLister,
    NetworkInterface, NetworkInterfaces, NoProgress, RegionList, RegionScope, Subnet, Subnets, TrafficType,
    Vpc, Vpcs, check_listers, collect, snapshot,
};
use cloudposture_core::{Entry, Kind, KindInfo, KindState, Listing, Resource, Tags};
use serde::{Deserialize, Serialize};

const ACCOUNT: &str = "111122223333";

fn vpc(id: &str, region: &str) -> Vpc {
    Vpc {
        id: id.into(),
        region: region.into(),
        owner_id: ACCOUNT.into(),
        cidr_blocks: vec!["10.0.0.0/16".into()],
        ipv6_cidr_blocks: vec![],
        is_default: false,
        state: "available".into(),
        tags: Default::default(),
    }
}

fn flow_log(id: &str, region: &str, resource_id: &str) -> FlowLog {
    FlowLog {
        id: id.into(),
        region: region.into(),
        account: Some(ACCOUNT.into()),
        resource_id: resource_id.into(),
        resource_type: FlowLogResourceType::from_resource_id(resource_id),
        traffic_type: TrafficType::All,
        flow_log_status: "ACTIVE".into(),
        deliver_logs_status: Some("SUCCESS".into()),
        deliver_logs_error_message: None,
        destination_type: DestinationType::S3,
        destination: Some("arn:aws:s3:::bucket".into()),
        log_group_name: None,
        deliver_logs_permission_arn: None,
        log_format: None,
        max_aggregation_interval: Some(600),
        creation_time: None,
        tags: Default::default(),
    }
}

fn denied(operation: &str) -> CollectError {
    CollectError::new(
        operation,
        ErrorClass::AccessDenied,
        Some("UnauthorizedOperation".into()),
        "You are not authorized to perform this operation.",
    )
}

fn account_with(enabled: &[&str], not_enabled: &[&str]) -> MockAccountApi {
    let list = RegionList {
        enabled: enabled.iter().map(|s| s.to_string()).collect(),
        not_enabled: not_enabled.iter().map(|s| s.to_string()).collect(),
    };
    let mut account = MockAccountApi::new();
    account
        .expect_regions()
        .times(1)
        .returning(move || Ok(list.clone()));
    account
        .expect_caller_account()
        .times(1)
        .returning(|| Ok(ACCOUNT.into()));
    account
}

fn options(regions: RegionScope, kinds: &[&str]) -> CollectOptions {
    let mut options = CollectOptions::new(kinds.iter().copied());
    options.regions = regions;
    options
}

/// Listers as the SDK registers them (lookups after flow logs), over mocks.
fn listers(
    vpcs: MockLister<Vpcs>,
    flow_logs: MockLister<FlowLogs>,
    subnets: MockLister<Subnets>,
    enis: MockLister<NetworkInterfaces>,
) -> Listers {
    Listers::new()
        .add::<Vpcs>(vpcs)
        .add::<FlowLogs>(flow_logs)
        .add_after::<Subnets>(subnets, &[kinds::FLOW_LOG])
        .add_after::<NetworkInterfaces>(enis, &[kinds::FLOW_LOG])
}

fn never<K: Kind>() -> MockLister<K> {
    let mut lister = MockLister::<K>::new();
    lister.expect_list().never();
    lister
}

fn vpcs_in_every_region() -> MockLister<Vpcs> {
    let mut vpcs = MockLister::<Vpcs>::new();
    vpcs.expect_list()
        .returning(|ctx| Ok(Fetched::new(vec![vpc("vpc-1", ctx.region)], 1)));
    vpcs
}

fn vpcs_of(scope: &cloudposture_core::Scope) -> Option<usize> {
    match scope.get::<Vpcs>() {
        KindState::Listed(v) => Some(v.len()),
        _ => None,
    }
}

#[tokio::test]
async fn a_failing_region_is_recorded_and_the_others_complete() {
    let account = account_with(&["eu-west-1", "us-east-1", "us-west-2"], &[]);
    let mut vpcs = MockLister::<Vpcs>::new();
    vpcs.expect_list().times(3).returning(|ctx| {
        if ctx.region == "eu-west-1" {
            Err(denied("DescribeVpcs"))
        } else {
            Ok(Fetched::new(vec![vpc("vpc-1", ctx.region)], 1))
        }
    });
    let mut flow_logs = MockLister::<FlowLogs>::new();
    flow_logs
        .expect_list()
        .times(3)
        .returning(|ctx| Ok(Fetched::new(vec![flow_log("fl-1", ctx.region, "vpc-1")], 1)));
    let listers = listers(vpcs, flow_logs, never(), never());

    let opts = options(RegionScope::AllEnabled, &[kinds::VPC, kinds::FLOW_LOG]);
    let inventory = collect(&account, &listers, &opts, &NoProgress).await.unwrap();

    let names: Vec<&str> = inventory.scopes.iter().map(|s| s.id.label()).collect();
    assert_eq!(names, ["eu-west-1", "us-east-1", "us-west-2"]);
    assert!(
        inventory
            .scopes
            .iter()
            .all(|s| s.id.account.as_deref() == Some(ACCOUNT))
    );
    let failed = inventory.region("eu-west-1").unwrap();
    let KindState::Failed(error) = failed.get::<Vpcs>() else {
        panic!("vpcs of eu-west-1 failed: {failed:?}");
    };
    assert_eq!(error.class, ErrorClass::AccessDenied);
    assert_eq!(error.code.as_deref(), Some("UnauthorizedOperation"));
    assert_eq!(failed.count(kinds::FLOW_LOG), 1);
    assert_eq!(
        failed.errors().map(|(kind, _)| kind).collect::<Vec<_>>(),
        [kinds::VPC]
    );
    for name in ["us-east-1", "us-west-2"] {
        let region = inventory.region(name).unwrap();
        assert_eq!(vpcs_of(region), Some(1), "{name}");
        assert_eq!(region.errors().count(), 0, "{name}");
    }
    let statuses = inventory.region_statuses();
    let eu = statuses.iter().find(|s| s.name == "eu-west-1").unwrap();
    assert!(eu.error.as_deref().unwrap().contains("UnauthorizedOperation"));
    assert!(
        statuses
            .iter()
            .filter(|s| s.name != "eu-west-1")
            .all(|s| s.error.is_none())
    );
}

#[tokio::test]
async fn flow_logs_are_not_listed_when_no_rule_needs_them() {
    let account = account_with(&["us-east-1"], &[]);
    let mut vpcs = MockLister::<Vpcs>::new();
    vpcs.expect_list()
        .times(1)
        .returning(|ctx| Ok(Fetched::new(vec![vpc("vpc-1", ctx.region)], 1)));
    let listers = listers(vpcs, never(), never(), never());

    let opts = options(RegionScope::AllEnabled, &[kinds::VPC]);
    let inventory = collect(&account, &listers, &opts, &NoProgress).await.unwrap();

    let region = inventory.region("us-east-1").unwrap();
    assert!(matches!(region.get::<FlowLogs>(), KindState::NotCollected));
    assert!(matches!(region.get::<Subnets>(), KindState::NotCollected));
    assert!(matches!(
        region.get::<NetworkInterfaces>(),
        KindState::NotCollected
    ));
    let kinds: Vec<&str> = region.entries().map(|(k, _)| k).collect();
    assert_eq!(kinds, [kinds::VPC]);
    assert_eq!(region.api_calls, 1);
}

/// Flow logs of every level: two subnets (one named twice), an ENI, a transit gateway.
fn mixed_flow_logs() -> MockLister<FlowLogs> {
    let mut flow_logs = MockLister::<FlowLogs>::new();
    flow_logs.expect_list().returning(|ctx| {
        let region = ctx.region;
        Ok(Fetched::new(
            vec![
                flow_log("fl-1", region, "vpc-1"),
                flow_log("fl-2", region, "subnet-b"),
                flow_log("fl-3", region, "subnet-a"),
                flow_log("fl-4", region, "subnet-b"),
                flow_log("fl-5", region, "eni-1"),
                flow_log("fl-6", region, "tgw-1"),
            ],
            1,
        ))
    });
    flow_logs
}

#[tokio::test]
async fn lookups_run_after_flow_logs_and_see_the_ids_they_name() {
    let account = account_with(&["us-east-1"], &[]);
    let subnet_calls = Arc::new(Mutex::new(Vec::<(String, Vec<String>)>::new()));
    let eni_calls = Arc::new(Mutex::new(Vec::<(String, Vec<String>)>::new()));
    let calls = Arc::clone(&subnet_calls);
    let mut subnets = MockLister::<Subnets>::new();
    subnets.expect_list().times(1).returning(move |ctx| {
        let ids = flow_log_targets(ctx.scope, FlowLogResourceType::Subnet);
        calls.lock().unwrap().push((ctx.region.to_string(), ids.clone()));
        let subnets = ids
            .into_iter()
            .map(|id| Subnet {
                id,
                vpc_id: "vpc-1".into(),
                region: ctx.region.into(),
                owner_id: None,
                tags: Default::default(),
            })
            .collect();
        Ok(Fetched::new(subnets, 1))
    });
    let calls = Arc::clone(&eni_calls);
    let mut enis = MockLister::<NetworkInterfaces>::new();
    enis.expect_list().times(1).returning(move |ctx| {
        assert_eq!(ctx.account, Some(ACCOUNT));
        let ids = flow_log_targets(ctx.scope, FlowLogResourceType::NetworkInterface);
        calls.lock().unwrap().push((ctx.region.to_string(), ids.clone()));
        let enis = ids
            .into_iter()
            .map(|id| NetworkInterface {
                id,
                vpc_id: "vpc-1".into(),
                region: ctx.region.into(),
                owner_id: None,
                tags: Default::default(),
            })
            .collect();
        Ok(Fetched::new(enis, 1))
    });
    let listers = listers(vpcs_in_every_region(), mixed_flow_logs(), subnets, enis);

    let all = [
        kinds::VPC,
        kinds::FLOW_LOG,
        kinds::SUBNET,
        kinds::NETWORK_INTERFACE,
    ];
    let inventory = collect(&account, &listers, &CollectOptions::new(all), &NoProgress)
        .await
        .unwrap();

    assert_eq!(
        *subnet_calls.lock().unwrap(),
        [(
            "us-east-1".to_string(),
            vec!["subnet-a".to_string(), "subnet-b".to_string()]
        )]
    );
    assert_eq!(
        *eni_calls.lock().unwrap(),
        [("us-east-1".to_string(), vec!["eni-1".to_string()])]
    );
    let region = inventory.region("us-east-1").unwrap();
    assert_eq!(region.count(kinds::SUBNET), 2);
    assert_eq!(region.count(kinds::NETWORK_INTERFACE), 1);
    assert_eq!(region.api_calls, 4);
}

#[tokio::test]
async fn asking_for_a_lookup_collects_what_it_runs_after() {
    let account = account_with(&["us-east-1"], &[]);
    let mut subnets = MockLister::<Subnets>::new();
    subnets.expect_list().times(1).returning(|ctx| {
        assert!(matches!(ctx.scope.get::<FlowLogs>(), KindState::Listed(l) if l.len() == 6));
        Ok(Fetched::new(vec![], 1))
    });
    let listers = listers(never(), mixed_flow_logs(), subnets, never());

    let opts = options(RegionScope::AllEnabled, &[kinds::SUBNET]);
    let inventory = collect(&account, &listers, &opts, &NoProgress).await.unwrap();

    let region = inventory.region("us-east-1").unwrap();
    let kinds: Vec<&str> = region.entries().map(|(k, _)| k).collect();
    assert_eq!(kinds, [kinds::FLOW_LOG, kinds::SUBNET]);
    assert_eq!(region.api_calls, 2);
}

#[tokio::test]
async fn a_lookup_is_not_collected_where_the_flow_log_listing_failed() {
    let account = account_with(&["eu-west-1", "us-east-1"], &[]);
    let mut flow_logs = MockLister::<FlowLogs>::new();
    flow_logs.expect_list().times(2).returning(|ctx| {
        if ctx.region == "eu-west-1" {
            Err(denied("DescribeFlowLogs"))
        } else {
            Ok(Fetched::new(vec![flow_log("fl-1", ctx.region, "subnet-1")], 1))
        }
    });
    let mut subnets = MockLister::<Subnets>::new();
    subnets
        .expect_list()
        .times(1)
        .withf(|ctx| ctx.region == "us-east-1")
        .returning(|_| Ok(Fetched::new(vec![], 1)));
    let listers = listers(vpcs_in_every_region(), flow_logs, subnets, never());

    let opts = options(
        RegionScope::AllEnabled,
        &[kinds::VPC, kinds::FLOW_LOG, kinds::SUBNET],
    );
    let inventory = collect(&account, &listers, &opts, &NoProgress).await.unwrap();

    let eu = inventory.region("eu-west-1").unwrap();
    assert!(matches!(eu.get::<FlowLogs>(), KindState::Failed(e) if e.operation == "DescribeFlowLogs"));
    assert!(matches!(eu.get::<Subnets>(), KindState::NotCollected), "{eu:?}");
    assert!(eu.entry(kinds::SUBNET).is_none());
    assert_eq!(vpcs_of(eu), Some(1), "the VPCs of the region are still read");
    assert_eq!(
        eu.errors().count(),
        1,
        "one failure, not one per kind that needed it"
    );
    let us = inventory.region("us-east-1").unwrap();
    assert!(matches!(us.get::<Subnets>(), KindState::Listed([])));
}

/// The VPC listings in flight, at most, and in all.
#[derive(Default)]
struct InFlight {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    calls: AtomicUsize,
}

/// A VPC lister that takes a little while, counted in `.0`.
struct SlowVpcs(Arc<InFlight>);

#[async_trait]
impl Lister<Vpcs> for SlowVpcs {
    async fn list<'a>(&self, ctx: &ListContext<'a>) -> Result<Fetched<Vpc>, CollectError> {
        let slow = &self.0;
        let now = slow.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        slow.max_in_flight.fetch_max(now, Ordering::SeqCst);
        slow.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(25)).await;
        slow.in_flight.fetch_sub(1, Ordering::SeqCst);
        Ok(Fetched::new(vec![vpc("vpc-1", ctx.region)], 1))
    }
}

#[tokio::test]
async fn regions_run_concurrently_up_to_the_bound() {
    let regions: Vec<String> = (1..=10).map(|i| format!("eu-test-{i}")).collect();
    let mut account = MockAccountApi::new();
    account.expect_regions().never();
    account.expect_caller_account().returning(|| Ok(ACCOUNT.into()));
    for bound in [1, 3] {
        let slow = Arc::new(InFlight::default());
        let listers = Listers::new().add::<Vpcs>(SlowVpcs(Arc::clone(&slow)));
        let mut opts = options(RegionScope::Only(regions.clone()), &[kinds::VPC]);
        opts.concurrency = bound;
        let inventory = collect(&account, &listers, &opts, &NoProgress).await.unwrap();
        assert_eq!(inventory.scopes.len(), 10);
        assert_eq!(slow.calls.load(Ordering::SeqCst), 10);
        assert_eq!(slow.max_in_flight.load(Ordering::SeqCst), bound, "bound {bound}");
    }
}

#[tokio::test]
async fn explicit_regions_skip_describe_regions() {
    let mut account = MockAccountApi::new();
    account.expect_regions().never();
    account
        .expect_caller_account()
        .times(1)
        .returning(|| Ok(ACCOUNT.into()));
    let mut vpcs = MockLister::<Vpcs>::new();
    vpcs.expect_list()
        .times(2)
        .returning(|ctx| Ok(Fetched::new(vec![vpc("vpc-1", ctx.region)], 1)));
    let listers = Listers::new().add::<Vpcs>(vpcs);

    let regions = RegionScope::Only(vec!["us-east-1".into(), "eu-west-1".into(), "us-east-1".into()]);
    let inventory = collect(&account, &listers, &options(regions, &[kinds::VPC]), &NoProgress)
        .await
        .unwrap();

    let names: Vec<&str> = inventory.scopes.iter().map(|s| s.id.label()).collect();
    assert_eq!(names, ["eu-west-1", "us-east-1"]);
    assert_eq!(inventory.global_api_calls, 1);
    assert!(inventory.regions_not_scanned.is_empty());
}

#[tokio::test]
async fn regions_not_opted_in_are_listed_as_not_scanned() {
    let account = account_with(&["us-east-1"], &["af-south-1", "me-south-1"]);
    let mut vpcs = MockLister::<Vpcs>::new();
    vpcs.expect_list()
        .times(1)
        .withf(|ctx| ctx.region == "us-east-1")
        .returning(|ctx| Ok(Fetched::new(vec![vpc("vpc-1", ctx.region)], 1)));
    let listers = Listers::new().add::<Vpcs>(vpcs);

    let opts = options(RegionScope::AllEnabled, &[kinds::VPC]);
    let inventory = collect(&account, &listers, &opts, &NoProgress).await.unwrap();

    assert_eq!(inventory.scopes.len(), 1);
    let skipped: Vec<&str> = inventory
        .regions_not_scanned
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(skipped, ["af-south-1", "me-south-1"]);
    assert!(inventory.regions_not_scanned[0].reason.contains("not enabled"));
    assert_eq!(inventory.global_api_calls, 2);
    let not_scanned: Vec<String> = inventory.not_scanned().into_iter().map(|r| r.name).collect();
    assert_eq!(not_scanned, ["af-south-1", "me-south-1"]);
}

#[tokio::test]
async fn a_caller_identity_failure_is_a_global_error() {
    let mut account = MockAccountApi::new();
    account.expect_regions().returning(|| {
        Ok(RegionList {
            enabled: vec!["us-east-1".into()],
            not_enabled: vec![],
        })
    });
    account
        .expect_caller_account()
        .times(1)
        .returning(|| Err(denied("GetCallerIdentity")));
    let listers = Listers::new().add::<Vpcs>(vpcs_in_every_region());

    let opts = options(RegionScope::AllEnabled, &[kinds::VPC]);
    let inventory = collect(&account, &listers, &opts, &NoProgress).await.unwrap();

    assert_eq!(inventory.account, None);
    assert_eq!(inventory.global_errors.len(), 1);
    assert_eq!(inventory.global_errors[0].operation, "GetCallerIdentity");
    assert_eq!(inventory.global_api_calls, 2, "DescribeRegions + the failed call");
    let region = inventory.region("us-east-1").unwrap();
    assert_eq!(vpcs_of(region), Some(1));
    assert_eq!(region.id.account, None);
    let statuses = inventory.region_statuses();
    assert!(statuses.iter().any(|s| s.name == "global" && s.error.is_some()));
}

#[tokio::test]
async fn a_region_listing_failure_fails_the_collection() {
    let mut account = MockAccountApi::new();
    account
        .expect_regions()
        .returning(|| Err(denied("DescribeRegions")));
    account
        .expect_caller_account()
        .returning(|| Ok("123456789012".into()));
    let listers = Listers::new().add::<Vpcs>(never());

    let opts = options(RegionScope::AllEnabled, &[kinds::VPC]);
    let failure = collect(&account, &listers, &opts, &NoProgress).await.unwrap_err();
    let CollectFailure::Regions(error) = &failure else {
        panic!("{failure:?}");
    };
    assert_eq!(error.operation, "DescribeRegions");
    assert_eq!(error.class, ErrorClass::AccessDenied);
    assert!(
        failure.to_string().starts_with("DescribeRegions access denied"),
        "{failure}"
    );
}

/// No credentials, or an endpoint that cannot be reached: the caller identity, read
/// first, fails the collection before any region is listed or read.
#[tokio::test]
async fn no_credentials_or_no_endpoint_stop_at_the_caller_identity() {
    for class in [ErrorClass::NoCredentials, ErrorClass::Unreachable] {
        let mut account = MockAccountApi::new();
        account
            .expect_caller_account()
            .times(2)
            .returning(move || Err(CollectError::new("GetCallerIdentity", class, None, "no way in")));
        account.expect_regions().never();
        let listers = Listers::new().add::<Vpcs>(never());
        for regions in [
            RegionScope::AllEnabled,
            RegionScope::Only(vec!["eu-west-1".into()]),
        ] {
            let opts = options(regions, &[kinds::VPC]);
            let failure = collect(&account, &listers, &opts, &NoProgress).await.unwrap_err();
            let CollectFailure::Identity(error) = &failure else {
                panic!("{failure:?}");
            };
            assert_eq!(error.class, class);
        }
    }
    // Any other failure of the identity leaves the account unknown and goes on.
    let mut account = MockAccountApi::new();
    account
        .expect_caller_account()
        .returning(|| Err(denied("GetCallerIdentity")));
    let listers = Listers::new().add::<Vpcs>(vpcs_in_every_region());
    let opts = options(RegionScope::Only(vec!["eu-west-1".into()]), &[kinds::VPC]);
    let inventory = collect(&account, &listers, &opts, &NoProgress).await.unwrap();
    assert_eq!(inventory.account, None);
    assert_eq!(inventory.global_errors[0].operation, "GetCallerIdentity");
    assert_eq!(inventory.scopes.len(), 1);
}

#[tokio::test]
async fn a_kind_without_a_lister_fails_before_any_call() {
    let mut account = MockAccountApi::new();
    account.expect_regions().never();
    account.expect_caller_account().never();
    // Flow logs asked for directly, and needed by the subnet lookup: neither has a lister.
    let listers = Listers::new()
        .add::<Vpcs>(never())
        .add_after::<Subnets>(never(), &[kinds::FLOW_LOG]);
    for asked in [vec![kinds::VPC, kinds::FLOW_LOG], vec![kinds::SUBNET]] {
        let opts = options(RegionScope::AllEnabled, &asked);
        let failure = collect(&account, &listers, &opts, &NoProgress).await.unwrap_err();
        assert_eq!(
            failure,
            CollectFailure::NoLister {
                kind: kinds::FLOW_LOG.into()
            },
            "{asked:?}"
        );
        assert!(failure.to_string().contains("`aws.ec2.flow-log`"), "{failure}");
        let kinds: BTreeSet<String> = asked.iter().map(|k| k.to_string()).collect();
        assert_eq!(check_listers(&listers, &kinds), Err(failure));
    }
    assert_eq!(
        check_listers(&listers, &BTreeSet::from([kinds::VPC.to_string()])),
        Ok(())
    );
}

#[tokio::test]
async fn kinds_that_wait_for_each_other_are_failed_not_run() {
    let account = account_with(&["us-east-1"], &[]);
    let listers = Listers::new()
        .add_after::<Vpcs>(never(), &[kinds::FLOW_LOG])
        .add_after::<FlowLogs>(never(), &[kinds::VPC]);

    let opts = options(RegionScope::AllEnabled, &[kinds::VPC]);
    let inventory = collect(&account, &listers, &opts, &NoProgress).await.unwrap();

    let region = inventory.region("us-east-1").unwrap();
    let failed: Vec<&str> = region.errors().map(|(k, _)| k).collect();
    assert_eq!(failed, [kinds::FLOW_LOG, kinds::VPC]);
    assert!(
        region
            .errors()
            .all(|(_, e)| e.message.contains("waits for kinds that wait for it"))
    );
    assert_eq!(region.api_calls, 0);
}

#[tokio::test]
async fn api_calls_are_counted_per_region() {
    let account = account_with(&["eu-west-1", "us-east-1"], &[]);
    let mut vpcs = MockLister::<Vpcs>::new();
    vpcs.expect_list().returning(|ctx| {
        let pages = if ctx.region == "us-east-1" { 3 } else { 1 };
        Ok(Fetched::new(vec![vpc("vpc-1", ctx.region)], pages))
    });
    let mut flow_logs = MockLister::<FlowLogs>::new();
    flow_logs.expect_list().returning(|ctx| {
        if ctx.region == "us-east-1" {
            Ok(Fetched::new(vec![flow_log("fl-1", ctx.region, "subnet-1")], 2))
        } else {
            // Failed on its second page: two calls made.
            let mut e = denied("DescribeFlowLogs");
            e.api_calls = 2;
            Err(e)
        }
    });
    let mut subnets = MockLister::<Subnets>::new();
    subnets
        .expect_list()
        .times(1)
        .returning(|_| Ok(Fetched::new(vec![], 1)));
    let listers = listers(vpcs, flow_logs, subnets, never());

    let opts = options(
        RegionScope::AllEnabled,
        &[kinds::VPC, kinds::FLOW_LOG, kinds::SUBNET],
    );
    let inventory = collect(&account, &listers, &opts, &NoProgress).await.unwrap();

    assert_eq!(inventory.region("us-east-1").unwrap().api_calls, 3 + 2 + 1);
    let eu = inventory.region("eu-west-1").unwrap();
    assert_eq!(eu.api_calls, 1 + 2);
    assert!(
        matches!(eu.get::<Subnets>(), KindState::NotCollected),
        "no lookup when flow logs failed"
    );
    assert_eq!(inventory.global_api_calls, 2);
    assert_eq!(inventory.api_calls(), 6 + 3 + 2);
}

// ---- a kind this crate does not have, listed by a mock from outside the crate ----

/// An internet gateway, as a crate outside the provider would model it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Gateway {
    id: String,
    region: String,
    attached_vpcs: Vec<String>,
}

impl Resource for Gateway {
    fn kind(&self) -> &'static str {
        InternetGateways::INFO.name
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn arn(&self) -> Option<String> {
        None
    }
    fn account(&self) -> Option<&str> {
        None
    }
    fn region(&self) -> Option<&str> {
        Some(&self.region)
    }
    fn tags(&self) -> &Tags {
        Tags::empty()
    }
}

struct InternetGateways;

impl Kind for InternetGateways {
    type Item = Gateway;
    const INFO: KindInfo = KindInfo {
        name: "example.ec2.internet-gateway",
        singular: "internet gateway",
        plural: "internet gateways",
        listing: Listing::Complete,
        audit_actions: &["ec2:DescribeInternetGateways"],
        resource_type: "AWS::EC2::InternetGateway",
        finding_type: None,
    };
}

#[tokio::test]
async fn a_kind_from_outside_the_crate_is_mocked_collected_and_saved() {
    let account = account_with(&["eu-west-1", "us-east-1"], &[]);
    let mut gateways = MockLister::<InternetGateways>::new();
    gateways.expect_list().times(2).returning(|ctx| {
        Ok(Fetched::new(
            vec![Gateway {
                id: format!("igw-{}", ctx.region),
                region: ctx.region.into(),
                attached_vpcs: vec!["vpc-1".into()],
            }],
            1,
        ))
    });
    // Beside a built-in kind, as a scan of VPC-001 and a rule over gateways would run.
    let listers = Listers::new()
        .add::<InternetGateways>(gateways)
        .add::<Vpcs>(vpcs_in_every_region());
    assert!(listers.lists("example.ec2.internet-gateway"));

    let opts = options(
        RegionScope::AllEnabled,
        &[InternetGateways::INFO.name, kinds::VPC],
    );
    let inventory = collect(&account, &listers, &opts, &NoProgress).await.unwrap();

    for region in ["eu-west-1", "us-east-1"] {
        let scope = inventory.region(region).unwrap();
        let KindState::Listed(found) = scope.get::<InternetGateways>() else {
            panic!("{scope:?}");
        };
        assert_eq!(found[0].id, format!("igw-{region}"));
        assert_eq!(found[0].to_ref().kind, "example.ec2.internet-gateway");
        assert_eq!(vpcs_of(scope), Some(1));
        assert_eq!(scope.api_calls, 2);
    }

    // A snapshot read with a registry that knows the kind gives it back typed; the
    // built-in registry keeps it as written.
    let json = snapshot::to_json(&inventory);
    let path = std::path::Path::new("custom.json");
    let typed = snapshot::from_json_with(&json, path, &kinds::registry().with::<InternetGateways>()).unwrap();
    assert_eq!(typed, inventory);
    let kept = snapshot::from_json(&json, path).unwrap();
    assert!(matches!(
        kept.scopes[0].entry(InternetGateways::INFO.name),
        Some(Entry::Unknown(_))
    ));
    assert_eq!(snapshot::to_json(&kept), json);
}
