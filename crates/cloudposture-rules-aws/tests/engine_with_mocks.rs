//! VPC-001 driven the way a rule author outside the workspace would drive it: mocked
//! collectors → `cloudposture_aws::collect()` → `Plan::evaluate`, with configuration
//! (settings and exceptions) as a user writes it.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use cloudposture_aws::kinds::{FLOW_LOG, flow_log_targets};
use cloudposture_aws::{
    CollectError, CollectOptions, DestinationType, ErrorClass, Fetched, FlowLog, FlowLogResourceType,
    FlowLogs, Listers, MockAccountApi, MockLister, NetworkInterfaces, NoProgress, RegionList, RegionScope,
    Subnet, Subnets, TrafficType, Vpc, Vpcs, collect,
};
use cloudposture_core::{Config, EngineError, Plan, Report, ScanSource, Selection, Status, jiff};
use serde_json::json;

const ACCOUNT: &str = "123456789012";

fn vpc(id: &str, region: &str, tags: &[(&str, &str)]) -> Vpc {
    Vpc {
        id: id.to_string(),
        region: region.to_string(),
        owner_id: ACCOUNT.to_string(),
        cidr_blocks: vec!["10.0.0.0/16".to_string()],
        ipv6_cidr_blocks: Vec::new(),
        is_default: false,
        state: "available".to_string(),
        tags: tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    }
}

fn flow_log(id: &str, resource_id: &str, region: &str, traffic: TrafficType) -> FlowLog {
    FlowLog {
        id: id.to_string(),
        region: region.to_string(),
        account: Some(ACCOUNT.to_string()),
        resource_id: resource_id.to_string(),
        resource_type: FlowLogResourceType::from_resource_id(resource_id),
        traffic_type: traffic,
        flow_log_status: "ACTIVE".to_string(),
        deliver_logs_status: Some("SUCCESS".to_string()),
        deliver_logs_error_message: None,
        destination_type: DestinationType::S3,
        destination: Some("arn:aws:s3:::flow-logs".to_string()),
        log_group_name: None,
        deliver_logs_permission_arn: None,
        log_format: None,
        max_aggregation_interval: Some(600),
        creation_time: None,
        tags: Default::default(),
    }
}

fn account_api() -> MockAccountApi {
    let mut account = MockAccountApi::new();
    account.expect_regions().times(1).returning(|| {
        Ok(RegionList {
            enabled: vec!["us-east-1".to_string(), "eu-west-1".to_string()],
            not_enabled: vec!["ap-east-1".to_string()],
        })
    });
    account
        .expect_caller_account()
        .times(1)
        .returning(|| Ok(ACCOUNT.to_string()));
    account
}

/// No lookup: no flow log names a network interface (the SDK lister then makes no call).
fn no_interfaces() -> MockLister<NetworkInterfaces> {
    let mut interfaces = MockLister::<NetworkInterfaces>::new();
    interfaces
        .expect_list()
        .withf(|ctx| flow_log_targets(ctx.scope, FlowLogResourceType::NetworkInterface).is_empty())
        .returning(|_| Ok(Fetched::new(Vec::new(), 0)));
    interfaces
}

/// eu-west-1: a VPC with a REJECT-only flow log, one with only a subnet-level flow log,
/// and a sandbox VPC without any. us-east-1: DescribeVpcs is denied.
fn listers() -> Listers {
    let mut vpcs = MockLister::<Vpcs>::new();
    vpcs.expect_list()
        .withf(|ctx| ctx.region == "eu-west-1")
        .times(1)
        .returning(|ctx| {
            Ok(Fetched::new(
                vec![
                    vpc("vpc-reject", ctx.region, &[]),
                    vpc("vpc-subnet-only", ctx.region, &[("Name", "app")]),
                    vpc("vpc-sandbox", ctx.region, &[("Environment", "sandbox")]),
                ],
                1,
            ))
        });
    vpcs.expect_list()
        .withf(|ctx| ctx.region == "us-east-1")
        .times(1)
        .returning(|_| {
            Err(CollectError::new(
                "DescribeVpcs",
                ErrorClass::AccessDenied,
                Some("UnauthorizedOperation".to_string()),
                "You are not authorized to perform this operation.",
            ))
        });
    // Once per region, never once per VPC.
    let mut flow_logs = MockLister::<FlowLogs>::new();
    flow_logs
        .expect_list()
        .withf(|ctx| ctx.region == "eu-west-1")
        .times(1)
        .returning(|ctx| {
            Ok(Fetched::new(
                vec![
                    flow_log("fl-reject", "vpc-reject", ctx.region, TrafficType::Reject),
                    flow_log("fl-subnet", "subnet-1", ctx.region, TrafficType::All),
                ],
                1,
            ))
        });
    flow_logs
        .expect_list()
        .withf(|ctx| ctx.region == "us-east-1")
        .times(1)
        .returning(|_| Ok(Fetched::new(Vec::new(), 1)));
    // Subnets are looked up after the flow logs, for the ids that flow logs name.
    let mut subnets = MockLister::<Subnets>::new();
    subnets
        .expect_list()
        .withf(|ctx| {
            ctx.region == "eu-west-1"
                && flow_log_targets(ctx.scope, FlowLogResourceType::Subnet) == ["subnet-1"]
        })
        .times(1)
        .returning(|ctx| {
            Ok(Fetched::new(
                vec![Subnet {
                    id: "subnet-1".to_string(),
                    vpc_id: "vpc-subnet-only".to_string(),
                    region: ctx.region.to_string(),
                    owner_id: Some(ACCOUNT.to_string()),
                    tags: Default::default(),
                }],
                1,
            ))
        });
    subnets
        .expect_list()
        .withf(|ctx| {
            ctx.region == "us-east-1" && flow_log_targets(ctx.scope, FlowLogResourceType::Subnet).is_empty()
        })
        .times(1)
        .returning(|_| Ok(Fetched::new(Vec::new(), 0)));
    Listers::new()
        .add::<Vpcs>(vpcs)
        .add::<FlowLogs>(flow_logs)
        .add_after::<Subnets>(subnets, &[FLOW_LOG])
        .add_after::<NetworkInterfaces>(no_interfaces(), &[FLOW_LOG])
}

fn config(value: serde_json::Value) -> Config {
    serde_json::from_value(value).unwrap()
}

async fn scan(config: &Config) -> Report {
    let registry = cloudposture_rules_aws::registry().unwrap();
    let plan = Plan::new(&registry, &Selection::rules(["VPC-001"]), config).unwrap();
    let kinds = plan.required_kinds();
    let options = CollectOptions::new(kinds.iter().copied());
    let started = jiff::Timestamp::now();
    let inventory = collect(&account_api(), &listers(), &options, &NoProgress)
        .await
        .unwrap();
    plan.evaluate(&inventory, ScanSource::Live, started)
}

fn outcomes(report: &Report) -> Vec<(String, String, Status)> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.resource.region_str().to_string(),
                f.resource.id.to_string(),
                f.status,
            )
        })
        .collect()
}

fn outcome(region: &str, id: &str, status: Status) -> (String, String, Status) {
    (region.to_string(), id.to_string(), status)
}

#[tokio::test]
async fn scan_with_default_settings_and_a_tag_exception() {
    let report = scan(&config(json!({
        "exceptions": [{
            "rules": ["VPC-001"],
            "tags": ["Environment::sandbox"],
            "reason": "sandbox VPCs are rebuilt every night",
        }],
    })))
    .await;

    assert_eq!(
        outcomes(&report),
        [
            outcome("eu-west-1", "vpc-reject", Status::Pass),
            outcome("eu-west-1", "vpc-subnet-only", Status::Fail),
            outcome("eu-west-1", "vpc-sandbox", Status::Muted),
            outcome("us-east-1", "*", Status::Error),
        ]
    );

    let subnet_only = &report.findings[1];
    assert_eq!(
        subnet_only.message,
        "no flow log is attached to the VPC; flow logs of its subnets or network interfaces do not count for \
         the VPC: fl-subnet on subnet-1"
    );
    assert_eq!(
        subnet_only.evidence.to_value()["subnet_and_interface_flow_logs"][0]["id"],
        "fl-subnet"
    );
    let remediation = subnet_only.remediation().unwrap();
    assert!(
        remediation.snippets[0]
            .content
            .contains("--resource-ids vpc-subnet-only")
    );

    let sandbox = &report.findings[2];
    assert_eq!(
        sandbox.muted_reason.as_deref(),
        Some("sandbox VPCs are rebuilt every night")
    );
    assert!(
        sandbox.remediation.is_some(),
        "a muted failure keeps its remediation"
    );
    assert_eq!(
        sandbox.original_status,
        Some(Status::Fail),
        "and the rule's verdict"
    );

    let denied = &report.findings[3];
    assert_eq!(
        denied.message,
        "could not list VPCs in us-east-1: DescribeVpcs access denied (UnauthorizedOperation: You are not \
         authorized to perform this operation.)"
    );

    assert_eq!(report.summary.pass, 1);
    assert_eq!(report.summary.fail, 1);
    assert_eq!(report.summary.muted, 1);
    assert_eq!(report.summary.error, 1);
    assert!(!report.is_complete(), "a region could not be read");
    assert_eq!(report.scan.account.as_deref(), Some(ACCOUNT));
    assert_eq!(report.scan.regions_not_scanned[0].name, "ap-east-1");
}

#[tokio::test]
async fn traffic_type_all_from_config_fails_the_reject_only_vpc() {
    let report = scan(&config(json!({
        "rules": { "VPC-001": { "traffic_type": "ALL", "remediation_destination": "s3:arn:aws:s3:::flow-logs" } },
    })))
    .await;
    let reject = &report.findings[0];
    assert_eq!(reject.resource.id, "vpc-reject");
    assert_eq!(reject.status, Status::Fail);
    assert_eq!(
        reject.message,
        "only REJECT traffic is logged but ALL is required"
    );
    let remediation = reject.remediation().unwrap();
    let cli = &remediation.snippets[0].content;
    assert!(cli.contains("--log-destination arn:aws:s3:::flow-logs"), "{cli}");
    // Without the exception, the sandbox VPC fails like any other.
    assert_eq!(report.findings[2].status, Status::Fail);
}

#[test]
fn bad_settings_stop_the_scan_before_any_api_call() {
    let registry = cloudposture_rules_aws::registry().unwrap();
    let bad = config(json!({ "rules": { "VPC-001": { "destination_types": [] } } }));
    let err = Plan::new(&registry, &Selection::rules(["VPC-001"]), &bad)
        .err()
        .unwrap();
    assert!(matches!(err, EngineError::Config(_)));
    assert_eq!(
        err.to_string(),
        "rule `VPC-001` setting `destination_types`: the list is empty, so no flow log could count; list at \
         least one of: cloud-watch-logs, s3, kinesis-data-firehose"
    );
    let bad = config(json!({ "rules": { "VPC-001": { "remediation_role_arn": "VPCFlowLogsDelivery" } } }));
    let err = Plan::new(&registry, &Selection::rules(["VPC-001"]), &bad)
        .err()
        .unwrap();
    assert!(err.to_string().contains("is not an IAM role ARN"), "{err}");
}

#[test]
fn plan_asks_the_collector_for_exactly_the_kinds_the_rule_needs() {
    let registry = cloudposture_rules_aws::registry().unwrap();
    let plan = Plan::new(&registry, &Selection::rules(["VPC-001"]), &Config::default()).unwrap();
    assert_eq!(
        plan.required_kinds().into_iter().collect::<Vec<_>>(),
        [
            "aws.ec2.flow-log",
            "aws.ec2.network-interface",
            "aws.ec2.subnet",
            "aws.ec2.vpc"
        ]
    );
}

#[tokio::test]
async fn throttled_flow_log_listing_gives_an_error_per_vpc_never_a_pass() {
    let mut account = MockAccountApi::new();
    account.expect_regions().never();
    account
        .expect_caller_account()
        .returning(|| Ok(ACCOUNT.to_string()));
    let mut vpcs = MockLister::<Vpcs>::new();
    vpcs.expect_list().times(1).returning(|ctx| {
        Ok(Fetched::new(
            vec![vpc("vpc-1", ctx.region, &[]), vpc("vpc-2", ctx.region, &[])],
            1,
        ))
    });
    let mut flow_logs = MockLister::<FlowLogs>::new();
    flow_logs.expect_list().times(1).returning(|_| {
        Err(CollectError::new(
            "DescribeFlowLogs",
            ErrorClass::Throttled,
            Some("RequestLimitExceeded".to_string()),
            "Request limit exceeded.",
        ))
    });
    // Lookups of what the flow logs name are not run when the flow logs failed.
    let mut subnets = MockLister::<Subnets>::new();
    subnets.expect_list().never();
    let mut interfaces = MockLister::<NetworkInterfaces>::new();
    interfaces.expect_list().never();
    let listers = Listers::new()
        .add::<Vpcs>(vpcs)
        .add::<FlowLogs>(flow_logs)
        .add_after::<Subnets>(subnets, &[FLOW_LOG])
        .add_after::<NetworkInterfaces>(interfaces, &[FLOW_LOG]);

    let registry = cloudposture_rules_aws::registry().unwrap();
    let plan = Plan::new(&registry, &Selection::rules(["VPC-001"]), &Config::default()).unwrap();
    let mut options = CollectOptions::new(plan.required_kinds());
    options.regions = RegionScope::Only(vec!["eu-central-1".to_string()]);
    let inventory = collect(&account, &listers, &options, &NoProgress).await.unwrap();
    let report = plan.evaluate(&inventory, ScanSource::Live, jiff::Timestamp::now());

    assert_eq!(
        outcomes(&report),
        [
            outcome("eu-central-1", "vpc-1", Status::Error),
            outcome("eu-central-1", "vpc-2", Status::Error),
        ]
    );
    assert_eq!(
        report.findings[0].message,
        "could not list flow logs in eu-central-1: DescribeFlowLogs throttled after retries \
         (RequestLimitExceeded: Request limit exceeded.); the VPC cannot be judged"
    );
    assert!(!report.is_complete());
}
