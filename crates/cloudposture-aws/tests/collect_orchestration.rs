//! `collect()` over mocked collectors: what is called, what is recorded, what is counted.

#![cfg(feature = "mocks")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use cloudposture_aws::{
    CollectError, CollectOptions, Collection, DestinationType, Ec2Api, ErrorClass, FlowLog,
    FlowLogResourceType, Listed, MockAccountApi, MockEc2Api, NetworkInterface, NoProgress, RegionList,
    RegionScope, Subnet, TrafficType, Vpc, collect, kinds,
};

fn vpc(id: &str, region: &str) -> Vpc {
    Vpc {
        id: id.into(),
        region: region.into(),
        owner_id: "111122223333".into(),
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
        account: Some("111122223333".into()),
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
        .returning(|| Ok("111122223333".into()));
    account
}

fn options(regions: RegionScope, kinds: &[&str]) -> CollectOptions {
    let mut options = CollectOptions::new(kinds.iter().copied());
    options.regions = regions;
    options
}

#[tokio::test]
async fn a_failing_region_is_recorded_and_the_others_complete() {
    let account = account_with(&["eu-west-1", "us-east-1", "us-west-2"], &[]);
    let mut ec2 = MockEc2Api::new();
    ec2.expect_vpcs().times(3).returning(|region| {
        if region == "eu-west-1" {
            Err(denied("DescribeVpcs"))
        } else {
            Ok(Listed::new(vec![vpc("vpc-1", region)], 1))
        }
    });
    ec2.expect_flow_logs()
        .times(3)
        .returning(|region| Ok(Listed::new(vec![flow_log("fl-1", region, "vpc-1")], 1)));

    let opts = options(RegionScope::AllEnabled, &[kinds::VPC, kinds::FLOW_LOG]);
    let inventory = collect(&account, &ec2, &opts, &NoProgress).await.unwrap();

    let names: Vec<&str> = inventory.regions.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["eu-west-1", "us-east-1", "us-west-2"]);
    let failed = inventory.region("eu-west-1").unwrap();
    let error = failed.vpcs.error().expect("vpcs of eu-west-1 failed");
    assert_eq!(error.class, ErrorClass::AccessDenied);
    assert_eq!(error.code.as_deref(), Some("UnauthorizedOperation"));
    assert_eq!(failed.flow_logs.items().map(<[_]>::len), Some(1));
    assert_eq!(failed.errors().count(), 1);
    for name in ["us-east-1", "us-west-2"] {
        let region = inventory.region(name).unwrap();
        assert_eq!(region.vpcs.items().map(<[_]>::len), Some(1), "{name}");
        assert_eq!(region.errors().count(), 0, "{name}");
    }
    let statuses = cloudposture_core::Inventory::regions(&inventory);
    let eu = statuses.iter().find(|s| s.name == "eu-west-1").unwrap();
    assert!(eu.error.as_deref().unwrap().contains("UnauthorizedOperation"));
}

#[tokio::test]
async fn flow_logs_are_not_listed_when_no_rule_needs_them() {
    let account = account_with(&["us-east-1"], &[]);
    let mut ec2 = MockEc2Api::new();
    ec2.expect_vpcs()
        .times(1)
        .returning(|region| Ok(Listed::new(vec![vpc("vpc-1", region)], 1)));
    ec2.expect_flow_logs().never();
    ec2.expect_subnets().never();
    ec2.expect_network_interfaces().never();

    let opts = options(RegionScope::AllEnabled, &[kinds::VPC]);
    let inventory = collect(&account, &ec2, &opts, &NoProgress).await.unwrap();

    let region = inventory.region("us-east-1").unwrap();
    assert_eq!(region.flow_logs, Collection::NotCollected);
    assert_eq!(region.subnets, Collection::NotCollected);
    assert_eq!(region.network_interfaces, Collection::NotCollected);
    assert_eq!(region.api_calls, 1);
}

#[tokio::test]
async fn no_subnet_or_interface_lookup_without_such_flow_logs() {
    let account = account_with(&["us-east-1"], &[]);
    let mut ec2 = MockEc2Api::new();
    ec2.expect_vpcs()
        .returning(|region| Ok(Listed::new(vec![vpc("vpc-1", region)], 1)));
    ec2.expect_flow_logs()
        .returning(|region| Ok(Listed::new(vec![flow_log("fl-1", region, "vpc-1")], 1)));
    ec2.expect_subnets().never();
    ec2.expect_network_interfaces().never();

    let inventory = collect(&account, &ec2, &CollectOptions::new(kinds::ALL), &NoProgress)
        .await
        .unwrap();

    let region = inventory.region("us-east-1").unwrap();
    assert_eq!(region.subnets, Collection::Collected(vec![]));
    assert_eq!(region.network_interfaces, Collection::Collected(vec![]));
    assert_eq!(region.api_calls, 2);
}

#[tokio::test]
async fn subnets_and_interfaces_are_looked_up_only_for_the_ids_flow_logs_name() {
    let account = account_with(&["us-east-1"], &[]);
    let subnet_calls = Arc::new(Mutex::new(Vec::<(String, Vec<String>)>::new()));
    let eni_calls = Arc::new(Mutex::new(Vec::<(String, Vec<String>)>::new()));
    let mut ec2 = MockEc2Api::new();
    ec2.expect_vpcs()
        .returning(|region| Ok(Listed::new(vec![vpc("vpc-1", region)], 1)));
    ec2.expect_flow_logs().returning(|region| {
        Ok(Listed::new(
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
    let calls = Arc::clone(&subnet_calls);
    ec2.expect_subnets().times(1).returning(move |region, ids| {
        calls.lock().unwrap().push((region.to_string(), ids.to_vec()));
        let subnets = ids
            .iter()
            .map(|id| Subnet {
                id: id.clone(),
                vpc_id: "vpc-1".into(),
                region: region.into(),
                owner_id: None,
                tags: Default::default(),
            })
            .collect();
        Ok(Listed::new(subnets, 1))
    });
    let calls = Arc::clone(&eni_calls);
    ec2.expect_network_interfaces()
        .times(1)
        .returning(move |region, ids| {
            calls.lock().unwrap().push((region.to_string(), ids.to_vec()));
            let enis = ids
                .iter()
                .map(|id| NetworkInterface {
                    id: id.clone(),
                    vpc_id: "vpc-1".into(),
                    region: region.into(),
                    owner_id: None,
                    tags: Default::default(),
                })
                .collect();
            Ok(Listed::new(enis, 1))
        });

    let inventory = collect(&account, &ec2, &CollectOptions::new(kinds::ALL), &NoProgress)
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
    assert_eq!(region.subnets.items().map(<[_]>::len), Some(2));
    assert_eq!(region.network_interfaces.items().map(<[_]>::len), Some(1));
    assert_eq!(region.api_calls, 4);
}

/// Counts the VPC listings in flight; each takes a little while.
#[derive(Default)]
struct SlowEc2 {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    calls: AtomicUsize,
}

#[async_trait]
impl Ec2Api for SlowEc2 {
    async fn vpcs(&self, region: &str) -> Result<Listed<Vpc>, CollectError> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(25)).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        Ok(Listed::new(vec![vpc("vpc-1", region)], 1))
    }
    async fn flow_logs(&self, _: &str) -> Result<Listed<FlowLog>, CollectError> {
        unreachable!("flow logs were not requested")
    }
    async fn subnets(&self, _: &str, _: &[String]) -> Result<Listed<Subnet>, CollectError> {
        unreachable!("subnets were not requested")
    }
    async fn network_interfaces(
        &self,
        _: &str,
        _: &[String],
    ) -> Result<Listed<NetworkInterface>, CollectError> {
        unreachable!("network interfaces were not requested")
    }
}

#[tokio::test]
async fn regions_run_concurrently_up_to_the_bound() {
    let regions: Vec<String> = (1..=10).map(|i| format!("eu-test-{i}")).collect();
    let account = {
        let mut account = MockAccountApi::new();
        account.expect_regions().never();
        account
            .expect_caller_account()
            .returning(|| Ok("111122223333".into()));
        account
    };
    for bound in [1, 3] {
        let ec2 = SlowEc2::default();
        let mut opts = options(RegionScope::Only(regions.clone()), &[kinds::VPC]);
        opts.concurrency = bound;
        let inventory = collect(&account, &ec2, &opts, &NoProgress).await.unwrap();
        assert_eq!(inventory.regions.len(), 10);
        assert_eq!(ec2.calls.load(Ordering::SeqCst), 10);
        assert_eq!(ec2.max_in_flight.load(Ordering::SeqCst), bound, "bound {bound}");
    }
}

#[tokio::test]
async fn explicit_regions_skip_describe_regions() {
    let mut account = MockAccountApi::new();
    account.expect_regions().never();
    account
        .expect_caller_account()
        .times(1)
        .returning(|| Ok("111122223333".into()));
    let mut ec2 = MockEc2Api::new();
    ec2.expect_vpcs()
        .times(2)
        .returning(|region| Ok(Listed::new(vec![vpc("vpc-1", region)], 1)));

    let regions = RegionScope::Only(vec!["us-east-1".into(), "eu-west-1".into(), "us-east-1".into()]);
    let inventory = collect(&account, &ec2, &options(regions, &[kinds::VPC]), &NoProgress)
        .await
        .unwrap();

    let names: Vec<&str> = inventory.regions.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["eu-west-1", "us-east-1"]);
    assert_eq!(inventory.global_api_calls, 1);
    assert!(inventory.regions_not_scanned.is_empty());
}

#[tokio::test]
async fn regions_not_opted_in_are_listed_as_not_scanned() {
    let account = account_with(&["us-east-1"], &["af-south-1", "me-south-1"]);
    let mut ec2 = MockEc2Api::new();
    ec2.expect_vpcs()
        .times(1)
        .withf(|region| region == "us-east-1")
        .returning(|region| Ok(Listed::new(vec![vpc("vpc-1", region)], 1)));

    let opts = options(RegionScope::AllEnabled, &[kinds::VPC]);
    let inventory = collect(&account, &ec2, &opts, &NoProgress).await.unwrap();

    assert_eq!(inventory.regions.len(), 1);
    let skipped: Vec<&str> = inventory
        .regions_not_scanned
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(skipped, ["af-south-1", "me-south-1"]);
    assert!(inventory.regions_not_scanned[0].reason.contains("not enabled"));
    assert_eq!(inventory.global_api_calls, 2);
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
    let mut ec2 = MockEc2Api::new();
    ec2.expect_vpcs()
        .returning(|region| Ok(Listed::new(vec![vpc("vpc-1", region)], 1)));

    let opts = options(RegionScope::AllEnabled, &[kinds::VPC]);
    let inventory = collect(&account, &ec2, &opts, &NoProgress).await.unwrap();

    assert_eq!(inventory.account, None);
    assert_eq!(inventory.global_errors.len(), 1);
    assert_eq!(inventory.global_errors[0].operation, "GetCallerIdentity");
    assert_eq!(inventory.global_api_calls, 2, "DescribeRegions + the failed call");
    assert_eq!(
        inventory
            .region("us-east-1")
            .unwrap()
            .vpcs
            .items()
            .map(<[_]>::len),
        Some(1)
    );
    let statuses = cloudposture_core::Inventory::regions(&inventory);
    assert!(statuses.iter().any(|s| s.name == "global" && s.error.is_some()));
}

#[tokio::test]
async fn a_region_listing_failure_fails_the_collection() {
    let mut account = MockAccountApi::new();
    account
        .expect_regions()
        .returning(|| Err(denied("DescribeRegions")));
    account.expect_caller_account().never();
    let mut ec2 = MockEc2Api::new();
    ec2.expect_vpcs().never();

    let opts = options(RegionScope::AllEnabled, &[kinds::VPC]);
    let error = collect(&account, &ec2, &opts, &NoProgress).await.unwrap_err();
    assert_eq!(error.operation, "DescribeRegions");
    assert_eq!(error.class, ErrorClass::AccessDenied);
}

#[tokio::test]
async fn api_calls_are_counted_per_region() {
    let account = account_with(&["eu-west-1", "us-east-1"], &[]);
    let mut ec2 = MockEc2Api::new();
    ec2.expect_vpcs().returning(|region| {
        let pages = if region == "us-east-1" { 3 } else { 1 };
        Ok(Listed::new(vec![vpc("vpc-1", region)], pages))
    });
    ec2.expect_flow_logs().returning(|region| {
        if region == "us-east-1" {
            Ok(Listed::new(vec![flow_log("fl-1", region, "subnet-1")], 2))
        } else {
            // Failed on its second page: two calls made.
            let mut e = denied("DescribeFlowLogs");
            e.api_calls = 2;
            Err(e)
        }
    });
    ec2.expect_subnets()
        .times(1)
        .returning(|_, _| Ok(Listed::new(vec![], 1)));

    let opts = options(
        RegionScope::AllEnabled,
        &[kinds::VPC, kinds::FLOW_LOG, kinds::SUBNET],
    );
    let inventory = collect(&account, &ec2, &opts, &NoProgress).await.unwrap();

    assert_eq!(inventory.region("us-east-1").unwrap().api_calls, 3 + 2 + 1);
    let eu = inventory.region("eu-west-1").unwrap();
    assert_eq!(eu.api_calls, 1 + 2);
    assert_eq!(
        eu.subnets,
        Collection::NotCollected,
        "no lookup when flow logs failed"
    );
    assert_eq!(inventory.global_api_calls, 2);
}
