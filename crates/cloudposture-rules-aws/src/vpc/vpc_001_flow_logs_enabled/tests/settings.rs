//! The settings as a config file gives them: parsed, validated, with messages that say
//! what is allowed.

use super::*;
use crate::vpc::vpc_001_flow_logs_enabled::{AllowedDestination, RequiredTraffic};

fn settings_error(raw: serde_json::Value) -> String {
    settings(raw).unwrap_err().to_string()
}

#[test]
fn default_settings_are_valid() {
    let s = settings(json!({})).unwrap();
    assert_eq!(s, FlowLogSettings::default());
    assert_eq!(s.traffic_type, RequiredTraffic::Any);
    assert!(!s.count_failed_delivery);
    assert_eq!(s.destination_types, AllowedDestination::ALL);
    assert_eq!(s.remediation_destination, None);
    assert_eq!(s.remediation_role_arn, None);
}

#[test]
fn empty_destination_list_is_an_error() {
    assert_eq!(
        settings_error(json!({"destination_types": []})),
        "rule `VPC-001` setting `destination_types`: the list is empty, so no flow log could count; list \
         at least one of: cloud-watch-logs, s3, kinesis-data-firehose"
    );
}

#[test]
fn bad_destination_format_is_an_error() {
    assert_eq!(
        settings_error(json!({"remediation_destination": "my-bucket"})),
        "rule `VPC-001` setting `remediation_destination`: `my-bucket` is not a flow-log destination; use \
         `cloud-watch-logs:LOG_GROUP_NAME`, `s3:arn:aws:s3:::BUCKET[/PREFIX]` (or the bare bucket ARN) or \
         `kinesis-data-firehose:arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME`"
    );
    for (raw, expected) in [
        ("s3:my-bucket", "is not an S3 bucket ARN"),
        (
            "s3:arn:aws:s3:::My_Bucket",
            "names bucket `My_Bucket`, which is not a valid S3 bucket name",
        ),
        ("arn:aws:s3:::b", "names bucket `b`"),
        ("s3:arn:aws:s3:::logs/AWSLogs", "uses the folder `AWSLogs`"),
        (
            "cloud-watch-logs:",
            "is not a valid CloudWatch Logs log group name",
        ),
        (
            "cloud-watch-logs:bad group",
            "is not a valid CloudWatch Logs log group name",
        ),
        (
            "cloud-watch-logs:arn:aws:logs:eu-west-1:123456789012:log-group:g",
            "give its name",
        ),
        (
            "kinesis-data-firehose:arn:aws:firehose:eu-west-1:1234:deliverystream/s",
            "is not a Firehose",
        ),
    ] {
        let err = settings_error(json!({"remediation_destination": raw}));
        assert!(err.contains(expected), "{raw}: {err}");
    }
}

#[test]
fn good_destinations_are_accepted() {
    for raw in [
        "cloud-watch-logs:/aws/vpc/flow-logs#1",
        "s3:arn:aws:s3:::my.flow-logs",
        "s3:arn:aws-cn:s3:::my-flow-logs/prefix/",
        "arn:aws-us-gov:s3:::my-flow-logs",
        "kinesis-data-firehose:arn:aws:firehose:eu-west-1:123456789012:deliverystream/flow_logs-1",
    ] {
        assert!(settings(json!({"remediation_destination": raw})).is_ok(), "{raw}");
    }
}

#[test]
fn destination_type_not_allowed_by_destination_types_is_an_error() {
    let err = settings_error(json!({
        "destination_types": ["cloud-watch-logs"],
        "remediation_destination": "s3:arn:aws:s3:::my-flow-logs",
    }));
    assert!(
        err.contains("sends to s3, which `destination_types` does not allow (allowed: cloud-watch-logs)"),
        "{err}"
    );
}

#[test]
fn bad_role_arn_is_an_error() {
    for raw in [
        "VPCFlowLogsDelivery",
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:iam::12345:role/x",
        "arn:aws:iam::123456789012:role/",
        "arn:aws:sts::123456789012:role/x",
        "arn:aws:iam::123456789012:role/bad name",
    ] {
        let err = settings_error(json!({"remediation_role_arn": raw}));
        assert_eq!(
            err,
            format!(
                "rule `VPC-001` setting `remediation_role_arn`: `{raw}` is not an IAM role ARN; expected \
                 `arn:aws:iam::123456789012:role/NAME` (a path is allowed)"
            )
        );
    }
    for ok in [
        "arn:aws:iam::123456789012:role/VPCFlowLogsDelivery",
        "arn:aws-cn:iam::123456789012:role/service/flow-logs+delivery@x",
    ] {
        assert!(settings(json!({"remediation_role_arn": ok})).is_ok(), "{ok}");
    }
}

#[test]
fn role_with_an_s3_destination_is_an_error() {
    let err = settings_error(json!({
        "remediation_destination": "s3:arn:aws:s3:::my-flow-logs",
        "remediation_role_arn": "arn:aws:iam::123456789012:role/x",
    }));
    assert!(err.contains("written without a delivery role"), "{err}");
}

#[test]
fn wrong_traffic_type_is_rejected_by_core_with_allowed_values() {
    assert_eq!(
        settings_error(json!({"traffic_type": "all"})),
        "rule `VPC-001` setting `traffic_type`: `all` is not allowed; expected one of: any, ALL, ACCEPT, \
         REJECT"
    );
}

// ---- the decision table, one VPC of every kind in VPC-001.md ----
