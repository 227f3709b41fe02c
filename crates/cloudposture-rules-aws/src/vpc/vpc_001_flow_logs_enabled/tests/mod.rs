//! Unit tests of VPC-001: hand-built scopes run through the rule as the engine runs it
//! (with its bookkeeping for what could not be read). Each test states only its case.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod fix;
mod judging;
mod regions;
mod remediation;
mod settings;
mod template;

use cloudposture_aws::{
    CollectError, DestinationType, ErrorClass, FlowLog, FlowLogResourceType, FlowLogs, NetworkInterface,
    NetworkInterfaces, Subnet, Subnets, TrafficType, Vpc, Vpcs,
};
use cloudposture_core::{
    Finding, Inventory, Kind, RiskLevel, Scope, ScopeId, SettingsError, erase, settings::parse,
};
use serde_json::json;

use super::{FlowLogEvidence, FlowLogSettings, VPC_001, VpcFlowLogsEnabled};

const ACCOUNT: &str = "123456789012";
const OTHER_ACCOUNT: &str = "210987654321";
const REGION: &str = "eu-west-1";

fn vpc(id: &str) -> Vpc {
    Vpc {
        id: id.to_string(),
        region: REGION.to_string(),
        owner_id: ACCOUNT.to_string(),
        cidr_blocks: vec!["10.0.0.0/16".to_string()],
        ipv6_cidr_blocks: Vec::new(),
        is_default: false,
        state: "available".to_string(),
        tags: Default::default(),
    }
}

fn shared(id: &str) -> Vpc {
    Vpc {
        owner_id: OTHER_ACCOUNT.to_string(),
        ..vpc(id)
    }
}

/// An active, delivering flow log of ALL traffic to CloudWatch Logs on `resource_id`.
fn flow_log(id: &str, resource_id: &str) -> FlowLog {
    FlowLog {
        id: id.to_string(),
        region: REGION.to_string(),
        account: Some(ACCOUNT.to_string()),
        resource_id: resource_id.to_string(),
        resource_type: FlowLogResourceType::from_resource_id(resource_id),
        traffic_type: TrafficType::All,
        flow_log_status: "ACTIVE".to_string(),
        deliver_logs_status: Some("SUCCESS".to_string()),
        deliver_logs_error_message: None,
        destination_type: DestinationType::CloudWatchLogs,
        destination: None,
        log_group_name: Some("vpc-flow-logs".to_string()),
        deliver_logs_permission_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/flow-logs")),
        log_format: None,
        max_aggregation_interval: Some(600),
        creation_time: None,
        tags: Default::default(),
    }
}

fn in_region(mut v: Vpc, name: &str) -> Vpc {
    v.region = name.to_string();
    v
}

fn traffic(mut log: FlowLog, t: TrafficType) -> FlowLog {
    log.traffic_type = t;
    log
}

fn failing_delivery(mut log: FlowLog, error: &str) -> FlowLog {
    log.deliver_logs_status = Some("FAILED".to_string());
    log.deliver_logs_error_message = Some(error.to_string());
    log
}

fn to_s3(mut log: FlowLog) -> FlowLog {
    log.destination_type = DestinationType::S3;
    log.destination = Some("arn:aws:s3:::flow-log-bucket".to_string());
    log.log_group_name = None;
    log
}

fn subnet(id: &str, vpc_id: &str) -> Subnet {
    Subnet {
        id: id.to_string(),
        vpc_id: vpc_id.to_string(),
        region: REGION.to_string(),
        owner_id: Some(ACCOUNT.to_string()),
        tags: Default::default(),
    }
}

fn interface(id: &str, vpc_id: &str) -> NetworkInterface {
    NetworkInterface {
        id: id.to_string(),
        vpc_id: vpc_id.to_string(),
        region: REGION.to_string(),
        owner_id: Some(ACCOUNT.to_string()),
        tags: Default::default(),
    }
}

/// A region of the scanned account where everything was read (no subnet or interface).
fn region(vpcs: Vec<Vpc>, flow_logs: Vec<FlowLog>) -> Scope {
    let mut scope = Scope::new(ScopeId::region(Some(ACCOUNT), REGION));
    scope.insert::<Vpcs>(vpcs);
    scope.insert::<FlowLogs>(flow_logs);
    scope.insert::<Subnets>(Vec::new());
    scope.insert::<NetworkInterfaces>(Vec::new());
    scope
}

/// A region of that name where nothing has been read yet.
fn empty_region(name: &str) -> Scope {
    Scope::new(ScopeId::region(Some(ACCOUNT), name))
}

fn named(mut scope: Scope, name: &str) -> Scope {
    scope.id.region = Some(name.to_string());
    scope
}

fn access_denied(operation: &str) -> CollectError {
    CollectError::new(
        operation,
        ErrorClass::AccessDenied,
        Some("UnauthorizedOperation".to_string()),
        "You are not authorized to perform this operation.",
    )
}

fn fail<K: Kind>(scope: &mut Scope, error: CollectError) {
    scope.fail(K::INFO.name, error);
}

/// Settings from `raw` (as in a config file), parsed and validated as the engine does.
fn settings(raw: serde_json::Value) -> Result<FlowLogSettings, SettingsError> {
    parse::<FlowLogSettings>(VPC_001.id, raw.as_object().unwrap())
}

fn run_with(scopes: Vec<Scope>, raw: serde_json::Value) -> Vec<Finding> {
    let rule = erase(VpcFlowLogsEnabled);
    let configured = rule.configure(raw.as_object().unwrap()).unwrap();
    let mut inventory = Inventory::new(Some(ACCOUNT.to_string()));
    inventory.scopes = scopes;
    rule.evaluate(&inventory, &configured, RiskLevel::Low)
}

fn run(scopes: Vec<Scope>) -> Vec<Finding> {
    run_with(scopes, json!({}))
}

/// The single finding of a one-VPC region.
fn judge_one(vpc: Vpc, logs: Vec<FlowLog>, raw: serde_json::Value) -> Finding {
    let findings = run_with(vec![region(vec![vpc], logs)], raw);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    findings.into_iter().next().unwrap()
}

/// The evidence as its documented type; it must say nothing the type does not.
fn evidence(f: &Finding) -> FlowLogEvidence {
    let typed: FlowLogEvidence = f.evidence.parse().unwrap();
    assert_eq!(
        serde_json::to_value(&typed).unwrap(),
        f.evidence.to_value(),
        "the evidence is exactly a FlowLogEvidence"
    );
    typed
}
