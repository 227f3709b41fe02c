//! `cloudposture fix`: the CreateFlowLogs action each failing VPC gets, and nothing for
//! the others.

use cloudposture_aws::fix::CreateFlowLogParams;
use cloudposture_core::{
    Config, Exception, FixAction, FixPlan, Plan, Registry, ResourceRef, RuleContext, SCOPE_WIDE_ID,
    ScanSource, Selection, Status, jiff,
};

use super::*;
use crate::vpc::vpc_001_flow_logs_enabled::{Destination, RequiredTraffic, RoleArn, plan_fix};
use cloudposture_core::Rule;

const ROLE: &str = "arn:aws:iam::123456789012:role/flow-logs";

fn flow_log_on(vpc_id: &str) -> FlowLog {
    to_s3(FlowLog {
        destination: Some("arn:aws:s3:::flows".to_string()),
        ..flow_log(&format!("fl-{vpc_id}"), vpc_id)
    })
}

/// eu-west-1: one VPC failing, one passing, one muted by the config, one shared from
/// another account; eu-west-2: its flow logs could not be listed.
fn account() -> Inventory {
    let readable = region(
        vec![
            vpc("vpc-fail"),
            vpc("vpc-pass"),
            vpc("vpc-muted"),
            shared("vpc-shared"),
        ],
        vec![flow_log_on("vpc-pass")],
    );
    let mut unreadable = empty_region("eu-west-2");
    unreadable.insert::<Vpcs>(vec![in_region(vpc("vpc-unknown"), "eu-west-2")]);
    fail::<FlowLogs>(&mut unreadable, access_denied("DescribeFlowLogs"));
    let mut inventory = Inventory::new(Some(ACCOUNT.to_string()));
    inventory.scopes = vec![readable, unreadable];
    inventory
}

fn settings(destination: Option<&str>, role: Option<&str>) -> FlowLogSettings {
    FlowLogSettings {
        remediation_destination: destination.map(|d| Destination::parse(d).unwrap()),
        remediation_role_arn: role.map(|r| RoleArn::parse(r).unwrap()),
        ..FlowLogSettings::default()
    }
}

fn finding(status: Status, resource: ResourceRef) -> Finding {
    let settings = FlowLogSettings::default();
    let scope = ScopeId::region(Some(ACCOUNT), REGION);
    RuleContext::new(&VPC_001, &Vpcs::INFO, &settings, RiskLevel::Low, &scope).finding(
        status,
        resource,
        "no flow log",
    )
}

fn failing(vpc_id: &str) -> Finding {
    finding(
        Status::Fail,
        ResourceRef::new(Vpcs::INFO.name, vpc_id).in_region("eu-west-1"),
    )
}

fn params(action: &FixAction) -> CreateFlowLogParams {
    action.parameters.get::<CreateFlowLogParams>().unwrap().clone()
}

#[test]
fn only_failing_vpcs_get_an_action() {
    let mut registry = Registry::new();
    registry.register(VpcFlowLogsEnabled).unwrap();
    let config = Config {
        exceptions: vec![Exception {
            resources: Some(vec!["vpc-muted".to_string()]),
            reason: "sandbox".to_string(),
            ..Exception::default()
        }],
        ..Config::default()
    };
    let plan = Plan::new(&registry, &Selection::rules(["VPC-001"]), &config).unwrap();
    let report = plan.evaluate(&account(), ScanSource::Snapshot, jiff::Timestamp::now());
    let statuses: Vec<(&str, Status)> = report
        .findings
        .iter()
        .map(|f| (f.resource.id.as_str(), f.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("vpc-fail", Status::Fail),
            ("vpc-pass", Status::Pass),
            ("vpc-muted", Status::Muted),
            ("vpc-shared", Status::Skipped),
            ("vpc-unknown", Status::Error),
        ]
    );
    let settings = settings(Some("s3:arn:aws:s3:::flows"), None);
    let planned: Vec<String> = report
        .findings
        .iter()
        .filter_map(|f| VpcFlowLogsEnabled.plan_fix(f, &settings).unwrap())
        .map(|a| a.resource.id.to_string())
        .collect();
    assert_eq!(planned, ["vpc-fail"]);
    // The core plan asks only about failing findings and lists none as unfixable.
    let fix =
        FixPlan::from_findings(&report.findings, |f| VpcFlowLogsEnabled.plan_fix(f, &settings)).unwrap();
    assert_eq!(fix.actions.len(), 1);
    assert!(fix.not_planned.is_empty());
}

#[test]
fn a_region_wide_error_finding_gets_no_action() {
    let settings = settings(Some("s3:arn:aws:s3:::flows"), None);
    let mut finding = finding(
        Status::Error,
        ResourceRef::new(Vpcs::INFO.name, SCOPE_WIDE_ID).in_region("eu-west-1"),
    );
    assert_eq!(plan_fix(&finding, &settings).unwrap(), None);
    // Even marked failing by mistake, the `*` stands for no VPC that could be changed.
    finding.status = Status::Fail;
    assert_eq!(plan_fix(&finding, &settings).unwrap(), None);
}

#[test]
fn s3_destination_becomes_the_parameters_and_summary() {
    let action = plan_fix(
        &failing("vpc-1"),
        &settings(Some("s3:arn:aws:s3:::flows/vpc"), None),
    )
    .unwrap()
    .unwrap();
    assert_eq!(action.rule_id, "VPC-001");
    assert_eq!(action.operation, "ec2:CreateFlowLogs");
    assert_eq!(
        action.summary,
        "create an ALL flow log on vpc-1 (eu-west-1) to s3 arn:aws:s3:::flows/vpc"
    );
    let p = params(&action);
    assert_eq!(p.vpc_id, "vpc-1");
    assert_eq!(p.spec.region, "eu-west-1");
    assert_eq!(p.spec.traffic_type, TrafficType::All);
    assert_eq!(p.spec.destination_type, DestinationType::S3);
    assert_eq!(p.spec.log_destination.as_deref(), Some("arn:aws:s3:::flows/vpc"));
    assert_eq!(p.spec.log_group_name, None);
    assert_eq!(p.spec.deliver_logs_permission_arn, None);
    // A bare bucket ARN is an S3 destination too.
    let bare = plan_fix(&failing("vpc-1"), &settings(Some("arn:aws:s3:::flows"), None))
        .unwrap()
        .unwrap();
    assert_eq!(params(&bare).spec.destination_type, DestinationType::S3);
}

#[test]
fn cloud_watch_logs_destination_needs_and_carries_the_role() {
    let action = plan_fix(
        &failing("vpc-1"),
        &settings(Some("cloud-watch-logs:/vpc/flows"), Some(ROLE)),
    )
    .unwrap()
    .unwrap();
    let p = params(&action);
    assert_eq!(p.spec.destination_type, DestinationType::CloudWatchLogs);
    assert_eq!(p.spec.log_group_name.as_deref(), Some("/vpc/flows"));
    assert_eq!(p.spec.log_destination, None);
    assert_eq!(p.spec.deliver_logs_permission_arn.as_deref(), Some(ROLE));
    assert_eq!(
        action.summary,
        format!(
            "create an ALL flow log on vpc-1 (eu-west-1) to cloud-watch-logs log group /vpc/flows (role {ROLE})"
        )
    );

    let err = plan_fix(
        &failing("vpc-1"),
        &settings(Some("cloud-watch-logs:/vpc/flows"), None),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot plan a fix for rule `VPC-001`: the cloud-watch-logs destination `/vpc/flows` needs a delivery \
         role: pass --role-arn arn:aws:iam::ACCOUNT:role/NAME (or set `remediation_role_arn`)"
    );
}

#[test]
fn firehose_destination_is_planned() {
    let arn = "arn:aws:firehose:eu-west-1:123456789012:deliverystream/flows";
    let action = plan_fix(
        &failing("vpc-1"),
        &settings(Some(&format!("kinesis-data-firehose:{arn}")), None),
    )
    .unwrap()
    .unwrap();
    let p = params(&action);
    assert_eq!(p.spec.destination_type, DestinationType::KinesisDataFirehose);
    assert_eq!(p.spec.log_destination.as_deref(), Some(arn));
}

#[test]
fn missing_or_mismatched_options_are_errors_even_for_a_passing_vpc() {
    let err = plan_fix(&failing("vpc-1"), &settings(None, None)).unwrap_err();
    assert_eq!(
        err.message,
        "no destination: pass --destination s3:arn:aws:s3:::BUCKET[/prefix] or cloud-watch-logs:GROUP \
         (or set `remediation_destination`)"
    );
    let mut passing = failing("vpc-1");
    passing.status = Status::Pass;
    assert!(plan_fix(&passing, &settings(None, None)).is_err());
    // Settings built in code skip validation: a role with an S3 destination is refused here.
    let err = plan_fix(
        &failing("vpc-1"),
        &settings(Some("s3:arn:aws:s3:::flows"), Some(ROLE)),
    )
    .unwrap_err();
    assert!(
        err.message
            .starts_with("an s3 destination takes no delivery role"),
        "{err}"
    );
}

#[test]
fn traffic_type_setting_decides_what_is_created() {
    let plan = |traffic: RequiredTraffic| {
        let settings = FlowLogSettings {
            traffic_type: traffic,
            ..settings(Some("s3:arn:aws:s3:::flows"), None)
        };
        plan_fix(&failing("vpc-1"), &settings).unwrap().unwrap()
    };
    assert_eq!(
        params(&plan(RequiredTraffic::Any)).spec.traffic_type,
        TrafficType::All
    );
    assert_eq!(
        params(&plan(RequiredTraffic::All)).spec.traffic_type,
        TrafficType::All
    );
    assert_eq!(
        params(&plan(RequiredTraffic::Accept)).spec.traffic_type,
        TrafficType::Accept
    );
    let reject = plan(RequiredTraffic::Reject);
    assert_eq!(params(&reject).spec.traffic_type, TrafficType::Reject);
    assert!(
        reject.summary.starts_with("create a REJECT flow log"),
        "{}",
        reject.summary
    );
}

#[test]
fn client_tokens_are_deterministic_per_vpc_and_destination() {
    let s3 = settings(Some("s3:arn:aws:s3:::flows"), None);
    let token = |finding: &Finding, settings: &FlowLogSettings| {
        params(&plan_fix(finding, settings).unwrap().unwrap()).client_token
    };
    let first = token(&failing("vpc-1"), &s3);
    assert_eq!(
        first,
        token(&failing("vpc-1"), &s3),
        "a repeated run sends the same token"
    );
    assert_ne!(first, token(&failing("vpc-2"), &s3));
    assert_ne!(
        first,
        token(&failing("vpc-1"), &settings(Some("s3:arn:aws:s3:::other"), None))
    );
    let reject = FlowLogSettings {
        traffic_type: RequiredTraffic::Reject,
        ..s3.clone()
    };
    assert_ne!(first, token(&failing("vpc-1"), &reject));
    assert!(first.len() <= 64 && first.is_ascii(), "{first}");
}
