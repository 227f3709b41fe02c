//! The remediation snippets of VPC-001 parse in their own languages (YAML, HCL, JSON,
//! POSIX shell) and say the right things, for every kind of destination: what the
//! toolkit writes, read back by the parsers of those languages.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use cloudposture_aws::Vpc;
use cloudposture_core::settings::parse;
use cloudposture_core::{Remediation, SnippetKind};
use cloudposture_rules_aws::VPC_001;
use cloudposture_rules_aws::vpc::vpc_001_flow_logs_enabled::{FlowLogSettings, remediation_for};
use serde_json::json;

const ROLE: &str = "arn:aws:iam::123456789012:role/VPCFlowLogsDelivery";

fn vpc() -> Vpc {
    Vpc {
        id: "vpc-0abc123".to_string(),
        region: "eu-west-1".to_string(),
        owner_id: "123456789012".to_string(),
        cidr_blocks: vec!["10.0.0.0/16".to_string()],
        ipv6_cidr_blocks: Vec::new(),
        is_default: false,
        state: "available".to_string(),
        tags: Default::default(),
    }
}

fn remediation(raw: serde_json::Value) -> Remediation {
    // Parsed and validated as the engine does with a `[rules.VPC-001]` table.
    let settings: FlowLogSettings = parse(VPC_001.id, raw.as_object().unwrap()).unwrap();
    remediation_for(&vpc(), &settings)
}

fn snippets(r: &Remediation, kind: SnippetKind) -> Vec<&str> {
    r.snippets
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| s.content.as_str())
        .collect()
}

fn snippet(r: &Remediation, kind: SnippetKind) -> &str {
    let found = snippets(r, kind);
    assert_eq!(found.len(), 1, "one {kind:?} snippet");
    found[0]
}

// ---- AWS CLI ----

/// The command as the shell would pass it: `--flag value` pairs after the 3 command words.
fn cli_args(r: &Remediation) -> Vec<(String, String)> {
    let words = shell_words::split(snippet(r, SnippetKind::Cli)).unwrap();
    assert_eq!(words[..3], ["aws", "ec2", "create-flow-logs"]);
    let rest = &words[3..];
    assert_eq!(rest.len() % 2, 0, "flag/value pairs: {rest:?}");
    rest.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(f, v)| (f.to_string(), v.to_string()))
        .collect()
}

#[test]
fn cli_to_cloudwatch_logs_with_placeholders() {
    let r = remediation(json!({}));
    assert_eq!(
        cli_args(&r),
        pairs(&[
            ("--region", "eu-west-1"),
            ("--resource-type", "VPC"),
            ("--resource-ids", "vpc-0abc123"),
            ("--traffic-type", "ALL"),
            ("--log-destination-type", "cloud-watch-logs"),
            ("--log-group-name", "<LOG_GROUP_NAME>"),
            ("--deliver-logs-permission-arn", "<DELIVERY_ROLE_ARN>"),
        ])
    );
}

#[test]
fn cli_to_cloudwatch_logs_from_settings() {
    let r = remediation(json!({
        "traffic_type": "REJECT",
        "remediation_destination": "cloud-watch-logs:/aws/vpc/flow-logs#prod",
        "remediation_role_arn": ROLE,
    }));
    let args = cli_args(&r);
    assert!(args.contains(&("--traffic-type".into(), "REJECT".into())));
    assert!(args.contains(&("--log-group-name".into(), "/aws/vpc/flow-logs#prod".into())));
    assert!(args.contains(&("--deliver-logs-permission-arn".into(), ROLE.into())));
}

#[test]
fn cli_to_s3_has_no_role() {
    let r = remediation(json!({"remediation_destination": "s3:arn:aws:s3:::my-flow-logs/vpc/"}));
    let args = cli_args(&r);
    assert_eq!(
        args[4..],
        pairs(&[
            ("--log-destination-type", "s3"),
            ("--log-destination", "arn:aws:s3:::my-flow-logs/vpc/"),
        ])
    );
}

#[test]
fn cli_to_firehose_with_cross_account_role() {
    let stream = "arn:aws:firehose:eu-west-1:210987654321:deliverystream/flow-logs";
    let r = remediation(json!({
        "remediation_destination": format!("kinesis-data-firehose:{stream}"),
        "remediation_role_arn": ROLE,
        "destination_types": ["kinesis-data-firehose"],
    }));
    assert_eq!(
        cli_args(&r)[4..],
        pairs(&[
            ("--log-destination-type", "kinesis-data-firehose"),
            ("--log-destination", stream),
            ("--deliver-cross-account-role", ROLE),
        ])
    );
}

// ---- CloudFormation ----

fn cfn_properties(r: &Remediation) -> serde_norway::Mapping {
    let doc: serde_norway::Value = serde_norway::from_str(snippet(r, SnippetKind::Cloudformation)).unwrap();
    assert_eq!(doc["AWSTemplateFormatVersion"], "2010-09-09");
    let resources = doc["Resources"].as_mapping().unwrap();
    assert_eq!(resources.len(), 1);
    let (logical_id, resource) = resources.iter().next().unwrap();
    let logical_id = logical_id.as_str().unwrap();
    assert!(
        !logical_id.is_empty() && logical_id.chars().all(|c| c.is_ascii_alphanumeric()),
        "CloudFormation logical ids are alphanumeric: {logical_id}"
    );
    assert_eq!(resource["Type"], "AWS::EC2::FlowLog");
    resource["Properties"].as_mapping().unwrap().clone()
}

fn yaml_map(expected: &[(&str, &str)]) -> serde_norway::Mapping {
    expected
        .iter()
        .map(|(k, v)| (serde_norway::Value::from(*k), serde_norway::Value::from(*v)))
        .collect()
}

#[test]
fn cloudformation_to_cloudwatch_logs() {
    let r = remediation(json!({}));
    assert_eq!(
        cfn_properties(&r),
        yaml_map(&[
            ("ResourceType", "VPC"),
            ("ResourceId", "vpc-0abc123"),
            ("TrafficType", "ALL"),
            ("LogDestinationType", "cloud-watch-logs"),
            ("LogGroupName", "<LOG_GROUP_NAME>"),
            ("DeliverLogsPermissionArn", "<DELIVERY_ROLE_ARN>"),
        ])
    );
    let text = snippet(&r, SnippetKind::Cloudformation);
    assert!(text.contains("--region eu-west-1"), "the region is named: {text}");
}

#[test]
fn cloudformation_to_s3() {
    let r = remediation(
        json!({"remediation_destination": "arn:aws:s3:::my-flow-logs", "traffic_type": "ACCEPT"}),
    );
    assert_eq!(
        cfn_properties(&r),
        yaml_map(&[
            ("ResourceType", "VPC"),
            ("ResourceId", "vpc-0abc123"),
            ("TrafficType", "ACCEPT"),
            ("LogDestinationType", "s3"),
            ("LogDestination", "arn:aws:s3:::my-flow-logs"),
        ])
    );
}

// ---- Terraform ----

/// The single `resource "aws_flow_log" "…"` block: its labels and string attributes.
fn terraform(r: &Remediation) -> (Vec<String>, Vec<(String, String)>) {
    let body = hcl::parse(snippet(r, SnippetKind::Terraform)).unwrap();
    let blocks: Vec<&hcl::Block> = body.blocks().collect();
    assert_eq!(blocks.len(), 1);
    assert_eq!(body.attributes().count(), 0);
    let block = blocks[0];
    assert_eq!(block.identifier(), "resource");
    let labels = block.labels().iter().map(|l| l.as_str().to_string()).collect();
    let attributes = block
        .body()
        .attributes()
        .map(|a| {
            let hcl::Expression::String(value) = a.expr() else {
                panic!("`{}` is not a plain string: {:?}", a.key(), a.expr());
            };
            (a.key().to_string(), value.clone())
        })
        .collect();
    (labels, attributes)
}

#[test]
fn terraform_to_cloudwatch_logs() {
    let r = remediation(
        json!({"remediation_destination": "cloud-watch-logs:vpc-flow-logs", "remediation_role_arn": ROLE}),
    );
    let (labels, attributes) = terraform(&r);
    assert_eq!(labels, ["aws_flow_log", "vpc_0abc123"]);
    assert_eq!(
        attributes,
        pairs(&[
            ("vpc_id", "vpc-0abc123"),
            ("traffic_type", "ALL"),
            ("log_destination_type", "cloud-watch-logs"),
            (
                "log_destination",
                "arn:aws:logs:eu-west-1:123456789012:log-group:vpc-flow-logs"
            ),
            ("iam_role_arn", ROLE),
        ])
    );
}

#[test]
fn terraform_to_s3_with_placeholder_bucket() {
    let r = remediation(json!({"destination_types": ["s3"]}));
    let (_, attributes) = terraform(&r);
    assert_eq!(
        attributes,
        pairs(&[
            ("vpc_id", "vpc-0abc123"),
            ("traffic_type", "ALL"),
            ("log_destination_type", "s3"),
            ("log_destination", "arn:aws:s3:::<BUCKET_NAME>"),
        ])
    );
    assert!(snippet(&r, SnippetKind::Terraform).contains("region eu-west-1"));
}

// ---- IAM policies ----

fn policies(r: &Remediation) -> (serde_json::Value, serde_json::Value) {
    let found = snippets(r, SnippetKind::IamPolicy);
    assert_eq!(found.len(), 2, "trust policy and permissions policy");
    for policy in &found {
        assert!(
            policy.starts_with("{\n  \"Version\": \"2012-10-17\""),
            "Version first: {policy}"
        );
    }
    (
        serde_json::from_str(found[0]).unwrap(),
        serde_json::from_str(found[1]).unwrap(),
    )
}

#[test]
fn iam_trust_policy_lets_the_flow_logs_service_assume_the_role() {
    let (trust, _) = policies(&remediation(json!({})));
    assert_eq!(trust["Version"], "2012-10-17");
    let statements = trust["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    let s = &statements[0];
    assert_eq!(s["Effect"], "Allow");
    assert_eq!(s["Principal"]["Service"], "vpc-flow-logs.amazonaws.com");
    assert_eq!(s["Action"], "sts:AssumeRole");
    assert_eq!(
        s["Condition"]["StringEquals"]["aws:SourceAccount"],
        "123456789012"
    );
    assert_eq!(
        s["Condition"]["ArnLike"]["aws:SourceArn"],
        "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*"
    );
}

#[test]
fn iam_permissions_policy_grants_what_delivery_needs() {
    let (_, permissions) = policies(&remediation(
        json!({"remediation_destination": "cloud-watch-logs:g1"}),
    ));
    let statements = permissions["Statement"].as_array().unwrap();
    let mut actions: Vec<&str> = statements
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap())
        .map(|a| a.as_str().unwrap())
        .collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        [
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:DescribeLogGroups",
            "logs:DescribeLogStreams",
            "logs:PutLogEvents",
        ]
    );
    assert!(statements.iter().all(|s| s["Effect"] == "Allow"));
    assert_eq!(
        statements[0]["Resource"],
        json!([
            "arn:aws:logs:eu-west-1:123456789012:log-group:g1",
            "arn:aws:logs:eu-west-1:123456789012:log-group:g1:*"
        ])
    );
}

#[test]
fn no_iam_policies_for_s3_or_firehose() {
    for raw in [
        json!({"remediation_destination": "s3:arn:aws:s3:::my-flow-logs"}),
        json!({"destination_types": ["kinesis-data-firehose"]}),
    ] {
        assert!(snippets(&remediation(raw), SnippetKind::IamPolicy).is_empty());
    }
}

#[test]
fn partition_follows_the_region() {
    let mut china = vpc();
    china.region = "cn-north-1".to_string();
    let r = remediation_for(&china, &FlowLogSettings::default());
    let (trust, permissions) = policies(&r);
    assert!(
        trust["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws-cn:ec2:cn-north-1:")
    );
    assert!(permissions.to_string().contains("arn:aws-cn:logs:cn-north-1:"));
}
