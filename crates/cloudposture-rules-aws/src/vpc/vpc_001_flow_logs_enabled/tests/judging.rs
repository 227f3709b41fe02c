//! The decision branches: one VPC and its flow logs, as the settings judge them.

use cloudposture_core::Status;

use super::*;
use crate::vpc::vpc_001_flow_logs_enabled::NotCounted;

#[test]
fn vpc_without_flow_log_fails_with_remediation() {
    let f = judge_one(vpc("vpc-1"), vec![], json!({}));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.message, "no flow log is attached to the VPC");
    assert_eq!(f.resource.id, "vpc-1");
    assert_eq!(f.resource.region.as_deref(), Some(REGION));
    assert!(evidence(&f).flow_logs.is_empty());
    let remediation = f.remediation().unwrap().clone();
    assert_eq!(
        remediation.summary,
        "create a flow log on vpc-1 in eu-west-1 that records ALL traffic to CloudWatch Logs log group \
         <LOG_GROUP_NAME>"
    );
}

#[test]
fn active_delivering_all_traffic_flow_log_passes() {
    let f = judge_one(vpc("vpc-1"), vec![flow_log("fl-1", "vpc-1")], json!({}));
    assert_eq!(f.status, Status::Pass);
    assert_eq!(
        f.message,
        "flow log fl-1 is active and records ALL traffic to cloud-watch-logs (log group vpc-flow-logs)"
    );
    assert!(f.remediation.is_none());
    let e = evidence(&f);
    assert_eq!(e.flow_logs.len(), 1);
    assert!(e.flow_logs[0].counted);
    assert!(e.flow_logs[0].reasons.is_empty());
    assert_eq!(e.flow_logs[0].destination, "log group vpc-flow-logs");
    // The settings are the report's (`rules`), not repeated in every finding.
    let raw = f.evidence.to_value();
    assert!(raw.get("required_traffic_type").is_none(), "{raw}");
    // Nothing empty is written: no subnet-level logs, no notes, no reasons.
    assert!(raw.get("subnet_and_interface_flow_logs").is_none(), "{raw}");
    assert!(raw.get("notes").is_none(), "{raw}");
    assert!(raw["flow_logs"][0].get("reasons").is_none(), "{raw}");
    // A flow log of the VPC itself does not repeat the VPC's id.
    assert!(raw["flow_logs"][0].get("attached_to").is_none(), "{raw}");
}

#[test]
fn flow_log_that_is_not_active_fails() {
    let mut log = flow_log("fl-1", "vpc-1");
    log.flow_log_status = "INACTIVE".to_string();
    let f = judge_one(vpc("vpc-1"), vec![log], json!({}));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.message, "flow log fl-1 is not active (status INACTIVE)");
    let e = evidence(&f);
    assert!(!e.flow_logs[0].counted);
    assert_eq!(e.flow_logs[0].status, "INACTIVE");
    assert!(f.remediation.is_some());
}

#[test]
fn flow_log_failing_delivery_fails_by_default() {
    let log = failing_delivery(flow_log("fl-1", "vpc-1"), "Access error");
    let f = judge_one(vpc("vpc-1"), vec![log], json!({}));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.message, "flow log fl-1 is failing delivery: Access error");
    let e = evidence(&f);
    assert_eq!(e.flow_logs[0].delivery_status.as_deref(), Some("FAILED"));
    assert_eq!(e.flow_logs[0].delivery_error.as_deref(), Some("Access error"));
    assert_eq!(e.flow_logs[0].reasons, [NotCounted::DeliveryFailing]);
    assert_eq!(
        f.evidence.to_value()["flow_logs"][0]["reasons"],
        json!(["delivery_failing"])
    );
}

#[test]
fn flow_log_failing_delivery_passes_when_failed_delivery_counts() {
    let log = failing_delivery(flow_log("fl-1", "vpc-1"), "Access error");
    let f = judge_one(vpc("vpc-1"), vec![log], json!({"count_failed_delivery": true}));
    assert_eq!(f.status, Status::Pass);
    assert!(
        f.message
            .contains("its delivery is failing (Access error) but counts because"),
        "{}",
        f.message
    );
    let e = evidence(&f);
    assert!(e.flow_logs[0].counted && e.flow_logs[0].reasons.is_empty());
    assert_eq!(e.flow_logs[0].delivery_status.as_deref(), Some("FAILED"));
}

#[test]
fn flow_log_failing_delivery_without_error_message_says_so() {
    let mut log = failing_delivery(flow_log("fl-1", "vpc-1"), "");
    log.deliver_logs_error_message = None;
    let f = judge_one(vpc("vpc-1"), vec![log], json!({}));
    assert_eq!(
        f.message,
        "flow log fl-1 is failing delivery: no error message reported"
    );
}

#[test]
fn flow_log_with_several_problems_names_them_all() {
    let mut log = to_s3(failing_delivery(flow_log("fl-1", "vpc-1"), "Access error"));
    log.flow_log_status = "INACTIVE".to_string();
    let f = judge_one(
        vpc("vpc-1"),
        vec![log],
        json!({"destination_types": ["cloud-watch-logs"]}),
    );
    assert_eq!(
        f.message,
        "flow log fl-1 is not active (status INACTIVE), and is failing delivery: Access error, and sends \
         to s3, which is not an allowed destination (allowed: cloud-watch-logs)"
    );
}

#[test]
fn reject_only_flow_log_passes_any_and_reject() {
    for required in ["any", "REJECT"] {
        let log = traffic(flow_log("fl-1", "vpc-1"), TrafficType::Reject);
        let f = judge_one(vpc("vpc-1"), vec![log], json!({"traffic_type": required}));
        assert_eq!(f.status, Status::Pass, "{required}: {}", f.message);
    }
}

#[test]
fn reject_only_flow_log_fails_all() {
    let log = traffic(flow_log("fl-1", "vpc-1"), TrafficType::Reject);
    let f = judge_one(vpc("vpc-1"), vec![log], json!({"traffic_type": "ALL"}));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.message, "only REJECT traffic is logged but ALL is required");
    let e = evidence(&f);
    assert!(!e.flow_logs[0].counted);
    assert_eq!(e.flow_logs[0].reasons, [NotCounted::TrafficNotCovered]);
    // The remediation creates what is required.
    let remediation = f.remediation().unwrap().clone();
    let cli = &remediation.snippets[0].content;
    assert!(cli.contains("--traffic-type ALL"), "{cli}");
}

#[test]
fn reject_only_flow_log_fails_accept() {
    let log = traffic(flow_log("fl-1", "vpc-1"), TrafficType::Reject);
    let f = judge_one(vpc("vpc-1"), vec![log], json!({"traffic_type": "ACCEPT"}));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.message, "only REJECT traffic is logged but ACCEPT is required");
    let remediation = f.remediation().unwrap().clone();
    let cli = &remediation.snippets[0].content;
    assert!(cli.contains("--traffic-type ACCEPT"), "{cli}");
}

#[test]
fn all_traffic_flow_log_covers_accept_and_reject() {
    for required in ["ACCEPT", "REJECT", "ALL"] {
        let f = judge_one(
            vpc("vpc-1"),
            vec![flow_log("fl-1", "vpc-1")],
            json!({"traffic_type": required}),
        );
        assert_eq!(f.status, Status::Pass, "{required}: {}", f.message);
    }
}

#[test]
fn accept_and_reject_flow_logs_together_cover_all() {
    let logs = vec![
        traffic(flow_log("fl-a", "vpc-1"), TrafficType::Accept),
        traffic(flow_log("fl-r", "vpc-1"), TrafficType::Reject),
    ];
    let f = judge_one(vpc("vpc-1"), logs, json!({"traffic_type": "ALL"}));
    assert_eq!(f.status, Status::Pass);
    assert_eq!(
        f.message,
        "flow logs fl-a (ACCEPT) and fl-r (REJECT) together record ALL traffic"
    );
    assert!(evidence(&f).flow_logs.iter().all(|l| l.counted));
}

#[test]
fn accept_flow_log_and_failing_reject_flow_log_do_not_cover_all() {
    let logs = vec![
        traffic(flow_log("fl-a", "vpc-1"), TrafficType::Accept),
        failing_delivery(
            traffic(flow_log("fl-r", "vpc-1"), TrafficType::Reject),
            "Rate limited",
        ),
    ];
    let f = judge_one(vpc("vpc-1"), logs, json!({"traffic_type": "ALL"}));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.message,
        "only ACCEPT traffic is logged but ALL is required; flow log fl-r is failing delivery: Rate limited"
    );
    let e = evidence(&f);
    assert!(e.flow_logs.iter().all(|l| !l.counted));
    assert_eq!(e.flow_logs[0].reasons, [NotCounted::TrafficNotCovered]);
    assert_eq!(e.flow_logs[1].reasons, [NotCounted::DeliveryFailing]);
}

#[test]
fn flow_log_of_the_wrong_traffic_type_is_not_counted_when_another_passes() {
    let logs = vec![
        traffic(flow_log("fl-a", "vpc-1"), TrafficType::Accept),
        traffic(flow_log("fl-r", "vpc-1"), TrafficType::Reject),
    ];
    let f = judge_one(vpc("vpc-1"), logs, json!({"traffic_type": "REJECT"}));
    assert_eq!(f.status, Status::Pass);
    let e = evidence(&f);
    assert!(!e.flow_logs[0].counted);
    assert_eq!(e.flow_logs[0].reasons, [NotCounted::TrafficNotRequired]);
    assert!(e.flow_logs[1].counted);
}

#[test]
fn flow_log_to_a_destination_not_allowed_fails() {
    let log = to_s3(flow_log("fl-1", "vpc-1"));
    let f = judge_one(
        vpc("vpc-1"),
        vec![log],
        json!({"destination_types": ["cloud-watch-logs"]}),
    );
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.message,
        "flow log fl-1 sends to s3, which is not an allowed destination (allowed: cloud-watch-logs)"
    );
    let e = evidence(&f);
    assert_eq!(e.flow_logs[0].destination_type, "s3");
    assert_eq!(e.flow_logs[0].destination, "arn:aws:s3:::flow-log-bucket");
}

#[test]
fn flow_log_to_an_allowed_destination_passes() {
    let log = to_s3(flow_log("fl-1", "vpc-1"));
    let f = judge_one(vpc("vpc-1"), vec![log], json!({"destination_types": ["s3"]}));
    assert_eq!(f.status, Status::Pass);
    assert_eq!(
        f.message,
        "flow log fl-1 is active and records ALL traffic to s3 (arn:aws:s3:::flow-log-bucket)"
    );
}

#[test]
fn good_flow_log_passes_despite_a_bad_one() {
    let logs = vec![
        failing_delivery(flow_log("fl-bad", "vpc-1"), "Access error"),
        flow_log("fl-good", "vpc-1"),
    ];
    let f = judge_one(vpc("vpc-1"), logs, json!({}));
    assert_eq!(f.status, Status::Pass);
    assert!(f.message.starts_with("flow log fl-good"), "{}", f.message);
    let e = evidence(&f);
    assert_eq!(
        e.flow_logs
            .iter()
            .map(|l| (l.id.as_str(), l.counted))
            .collect::<Vec<_>>(),
        [("fl-bad", false), ("fl-good", true)]
    );
}

#[test]
fn flow_log_of_another_vpc_does_not_make_this_vpc_pass() {
    let findings = run(vec![region(
        vec![vpc("vpc-1"), vpc("vpc-2")],
        vec![flow_log("fl-1", "vpc-1")],
    )]);
    let status: Vec<(&str, Status)> = findings
        .iter()
        .map(|f| (f.resource.id.as_str(), f.status))
        .collect();
    assert_eq!(status, [("vpc-1", Status::Pass), ("vpc-2", Status::Fail)]);
    assert!(evidence(&findings[1]).flow_logs.is_empty());
}

#[test]
fn subnet_and_interface_flow_logs_are_named_but_not_counted() {
    let mut r = region(
        vec![vpc("vpc-1")],
        vec![flow_log("fl-s", "subnet-1"), flow_log("fl-e", "eni-1")],
    );
    r.insert::<Subnets>(vec![subnet("subnet-1", "vpc-1")]);
    r.insert::<NetworkInterfaces>(vec![interface("eni-1", "vpc-1")]);
    let findings = run(vec![r]);
    let f = &findings[0];
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.message,
        "no flow log is attached to the VPC; flow logs of its subnets or network interfaces do not count \
         for the VPC: fl-s on subnet-1, fl-e on eni-1"
    );
    let e = evidence(f);
    assert!(e.flow_logs.is_empty());
    let below: Vec<(&str, &str, bool)> = e
        .subnet_and_interface_flow_logs
        .iter()
        .map(|l| {
            (
                l.id.as_str(),
                l.attached_to.as_deref().unwrap_or_default(),
                l.counted,
            )
        })
        .collect();
    assert_eq!(below, [("fl-s", "subnet-1", false), ("fl-e", "eni-1", false)]);
    assert_eq!(
        e.subnet_and_interface_flow_logs[0].reasons,
        [NotCounted::AttachedToSubnet]
    );
    assert_eq!(
        e.subnet_and_interface_flow_logs[1].reasons,
        [NotCounted::AttachedToNetworkInterface]
    );
}

#[test]
fn subnet_flow_log_of_another_vpc_is_not_named() {
    let mut r = region(vec![vpc("vpc-1")], vec![flow_log("fl-s", "subnet-9")]);
    r.insert::<Subnets>(vec![subnet("subnet-9", "vpc-9")]);
    let findings = run(vec![r]);
    assert_eq!(findings[0].message, "no flow log is attached to the VPC");
    assert!(evidence(&findings[0]).subnet_and_interface_flow_logs.is_empty());
}

#[test]
fn failed_subnet_lookup_leaves_verdict_alone_and_says_so() {
    let mut r = region(
        vec![vpc("vpc-1")],
        vec![flow_log("fl-1", "vpc-1"), flow_log("fl-s", "subnet-1")],
    );
    fail::<Subnets>(&mut r, access_denied("DescribeSubnets"));
    let findings = run(vec![r]);
    let f = &findings[0];
    assert_eq!(f.status, Status::Pass);
    let notes = evidence(f).notes;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with("1 subnet-level flow log in eu-west-1 could not be matched to a VPC"));
    assert!(notes[0].contains("DescribeSubnets access denied"), "{}", notes[0]);
}

#[test]
fn failed_interface_lookup_on_a_failing_vpc_still_fails() {
    let mut r = region(vec![vpc("vpc-1")], vec![flow_log("fl-e", "eni-1")]);
    fail::<NetworkInterfaces>(&mut r, access_denied("DescribeNetworkInterfaces"));
    let findings = run(vec![r]);
    assert_eq!(findings[0].status, Status::Fail);
    assert!(evidence(&findings[0]).notes[0].contains("DescribeNetworkInterfaces access denied"));
}

#[test]
fn long_lists_in_messages_are_capped_and_evidence_keeps_all() {
    let logs: Vec<FlowLog> = (0..8)
        .map(|i| failing_delivery(flow_log(&format!("fl-{i}"), "vpc-1"), "Access error"))
        .collect();
    let f = judge_one(vpc("vpc-1"), logs, json!({}));
    assert!(
        f.message
            .ends_with("3 other flow logs do not count (see the evidence)"),
        "{}",
        f.message
    );
    assert_eq!(evidence(&f).flow_logs.len(), 8);
}

#[test]
fn findings_carry_the_rule_metadata() {
    let f = judge_one(vpc("vpc-1"), vec![], json!({}));
    assert_eq!(f.rule.id, "VPC-001");
    assert_eq!(f.rule.title, "VPC Flow Logs Enabled");
    assert_eq!(f.risk, RiskLevel::Low);
    assert_eq!(f.rule.controls.len(), VPC_001.controls.len());
    assert_eq!(
        f.resource.arn(),
        Some("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1")
    );
}
