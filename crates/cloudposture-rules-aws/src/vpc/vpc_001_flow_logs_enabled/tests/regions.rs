//! Shared VPCs, unknown accounts, and regions (scopes) whose kinds could not be read:
//! the engine's bookkeeping around the rule, and the order of findings.

use cloudposture_core::{SCOPE_WIDE_ID, Status};

use super::*;

#[test]
fn shared_vpc_is_skipped() {
    let mut shared = vpc("vpc-shared");
    shared.owner_id = OTHER_ACCOUNT.to_string();
    let f = judge_one(shared, vec![], json!({}));
    assert_eq!(f.status, Status::Skipped);
    assert_eq!(
        f.message,
        "VPC is owned by account 210987654321 and shared with account 123456789012 through AWS RAM; only \
         its owner can create its flow logs"
    );
    assert_eq!(f.evidence.to_value()["owner_id"], OTHER_ACCOUNT);
    assert!(f.remediation.is_none());
}

#[test]
fn shared_vpc_is_skipped_even_when_flow_logs_could_not_be_listed() {
    let mut shared = vpc("vpc-shared");
    shared.owner_id = OTHER_ACCOUNT.to_string();
    let mut r = region(vec![shared], vec![]);
    fail::<FlowLogs>(&mut r, access_denied("DescribeFlowLogs"));
    assert_eq!(run(vec![r])[0].status, Status::Skipped);
}

#[test]
fn vpcs_are_evaluated_when_the_account_is_unknown_and_evidence_says_so() {
    let mut shared = vpc("vpc-shared");
    shared.owner_id = OTHER_ACCOUNT.to_string();
    let mut r = region(vec![shared], vec![]);
    r.id.account = None;
    let findings = run(vec![r]);
    assert_eq!(findings[0].status, Status::Fail);
    let notes = evidence(&findings[0]).notes;
    assert!(
        notes[0].starts_with("the scanned account is unknown"),
        "{notes:?}"
    );
}

#[test]
fn region_whose_vpcs_could_not_be_listed_gives_one_error() {
    let mut r = region(vec![], vec![flow_log("fl-1", "vpc-1")]);
    fail::<Vpcs>(&mut r, access_denied("DescribeVpcs"));
    let findings = run(vec![r]);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.status, Status::Error);
    assert_eq!(
        f.message,
        "could not list VPCs in eu-west-1: DescribeVpcs access denied (UnauthorizedOperation: You are not \
         authorized to perform this operation.)"
    );
    assert_eq!(f.resource.kind, Vpcs::INFO.name);
    assert_eq!(f.resource.id, SCOPE_WIDE_ID);
    assert_eq!(f.resource.region.as_deref(), Some(REGION));
    assert_eq!(f.resource.account.as_deref(), Some(ACCOUNT));
    assert_eq!(f.evidence.to_value()["error"]["code"], "UnauthorizedOperation");
    assert!(f.remediation.is_none());
}

#[test]
fn region_not_enabled_is_an_error_for_that_region_only() {
    let mut bad = empty_region("ap-east-1");
    fail::<Vpcs>(
        &mut bad,
        CollectError::new(
            "DescribeVpcs",
            ErrorClass::RegionNotEnabled,
            Some("AuthFailure".to_string()),
            "AWS was not able to validate the provided access credentials",
        ),
    );
    let inv = vec![bad, region(vec![vpc("vpc-1")], vec![flow_log("fl-1", "vpc-1")])];
    let findings = run(inv);
    let status: Vec<(&str, Status)> = findings
        .iter()
        .map(|f| (f.resource.id.as_str(), f.status))
        .collect();
    assert_eq!(status, [("*", Status::Error), ("vpc-1", Status::Pass)]);
    assert!(
        findings[0].message.contains("AuthFailure"),
        "{}",
        findings[0].message
    );
}

#[test]
fn throttled_flow_log_listing_is_an_error_per_vpc_never_a_pass() {
    let mut r = region(vec![vpc("vpc-1"), vpc("vpc-2")], vec![]);
    fail::<FlowLogs>(
        &mut r,
        CollectError::new(
            "DescribeFlowLogs",
            ErrorClass::Throttled,
            Some("RequestLimitExceeded".to_string()),
            "Request limit exceeded.",
        ),
    );
    let findings = run(vec![r]);
    assert_eq!(findings.len(), 2);
    for f in &findings {
        assert_eq!(f.status, Status::Error);
        assert_eq!(
            f.message,
            "could not list flow logs in eu-west-1: DescribeFlowLogs throttled after retries \
             (RequestLimitExceeded: Request limit exceeded.); the VPC cannot be judged"
        );
        assert!(f.remediation.is_none());
    }
}

#[test]
fn uncollected_vpcs_or_flow_logs_are_errors_not_silence() {
    let no_vpcs = empty_region(REGION);
    let findings = run(vec![no_vpcs]);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].status, Status::Error);
    assert!(
        findings[0]
            .message
            .starts_with("VPCs were not collected in eu-west-1")
    );

    let mut no_logs = empty_region(REGION);
    no_logs.insert::<Vpcs>(vec![vpc("vpc-1")]);
    let findings = run(vec![no_logs]);
    assert_eq!(findings[0].status, Status::Error);
    assert!(
        findings[0]
            .message
            .starts_with("flow logs were not collected in eu-west-1")
    );
}

#[test]
fn region_without_vpcs_gives_no_finding() {
    assert!(run(vec![region(vec![], vec![])]).is_empty());
}

#[test]
fn findings_follow_the_inventory_order_across_regions() {
    // The report reads region by region, in the order of the inventory, with an unlisted
    // region's finding in its place.
    let names = ["eu-west-1", "us-east-1", "ap-south-1", "sa-east-1"];
    let regions: Vec<Scope> = names
        .iter()
        .enumerate()
        .map(|(r, name)| {
            let vpcs: Vec<Vpc> = (0..2_500)
                .map(|i| in_region(vpc(&format!("vpc-{r}{i:04}")), name))
                .collect();
            let logs = (0..2_500)
                .step_by(2)
                .map(|i| flow_log(&format!("fl-{r}{i:04}"), &format!("vpc-{r}{i:04}")))
                .collect();
            let mut region = named(region(vpcs, logs), name);
            if r == 2 {
                fail::<Vpcs>(&mut region, access_denied("DescribeVpcs"));
            }
            region
        })
        .collect();
    let findings = run(regions);
    let expected: Vec<String> = (0..4)
        .flat_map(|r| -> Vec<String> {
            if r == 2 {
                vec![SCOPE_WIDE_ID.to_string()]
            } else {
                (0..2_500).map(|i| format!("vpc-{r}{i:04}")).collect()
            }
        })
        .collect();
    let ids: Vec<&str> = findings.iter().map(|f| f.resource.id.as_str()).collect();
    assert_eq!(ids, expected);
    assert_eq!(findings[2 * 2_500].resource.region.as_deref(), Some("ap-south-1"));
    // Even VPCs of each region have a flow log.
    for f in findings.iter().filter(|f| f.resource.id != SCOPE_WIDE_ID) {
        let n: usize = f.resource.id[5..].parse().unwrap();
        assert_eq!(f.status == Status::Pass, n.is_multiple_of(2), "{}", f.resource.id);
    }
}

#[test]
fn thousands_of_vpcs_and_flow_logs_are_all_judged_once() {
    const N: usize = 5_000;
    let vpcs: Vec<Vpc> = (0..N).map(|i| vpc(&format!("vpc-{i:05}"))).collect();
    // Every even VPC has a good flow log; every VPC divisible by 3 also has a failing one.
    let mut logs: Vec<FlowLog> = (0..N)
        .step_by(2)
        .map(|i| flow_log(&format!("fl-{i:05}"), &format!("vpc-{i:05}")))
        .collect();
    logs.extend((0..N).step_by(3).map(|i| {
        failing_delivery(
            flow_log(&format!("fl-x{i:05}"), &format!("vpc-{i:05}")),
            "Access error",
        )
    }));
    let findings = run(vec![region(vpcs, logs)]);
    assert_eq!(findings.len(), N);
    let mut seen = std::collections::HashSet::new();
    for (i, f) in findings.iter().enumerate() {
        assert_eq!(f.resource.id, format!("vpc-{i:05}"));
        assert!(
            seen.insert(f.resource.id.clone()),
            "{} judged twice",
            f.resource.id
        );
        let expected = if i % 2 == 0 { Status::Pass } else { Status::Fail };
        assert_eq!(f.status, expected, "{}: {}", f.resource.id, f.message);
    }
    assert_eq!(
        findings.iter().filter(|f| f.status == Status::Pass).count(),
        N / 2
    );
}

#[test]
fn exactly_one_finding_per_vpc_across_regions() {
    let west = region(vec![vpc("vpc-1"), vpc("vpc-2")], vec![flow_log("fl-1", "vpc-1")]);
    let east = named(
        region(vec![in_region(vpc("vpc-3"), "us-east-1")], vec![]),
        "us-east-1",
    );
    let findings = run(vec![west, east]);
    let ids: Vec<(&str, Option<&str>)> = findings
        .iter()
        .map(|f| (f.resource.id.as_str(), f.resource.region.as_deref()))
        .collect();
    assert_eq!(
        ids,
        [
            ("vpc-1", Some("eu-west-1")),
            ("vpc-2", Some("eu-west-1")),
            ("vpc-3", Some("us-east-1"))
        ]
    );
}

#[test]
fn decision_table() {
    let mut shared = vpc("vpc-shared");
    shared.owner_id = OTHER_ACCOUNT.to_string();
    let mut inactive = flow_log("fl-inactive", "vpc-inactive");
    inactive.flow_log_status = "INACTIVE".to_string();
    let mut ok = region(
        [
            "vpc-none",
            "vpc-good",
            "vpc-inactive",
            "vpc-failing",
            "vpc-reject",
            "vpc-ar",
            "vpc-s3",
            "vpc-sub",
        ]
        .into_iter()
        .map(vpc)
        .chain([shared])
        .collect(),
        vec![
            flow_log("fl-good", "vpc-good"),
            inactive,
            failing_delivery(flow_log("fl-failing", "vpc-failing"), "Access error"),
            traffic(flow_log("fl-reject", "vpc-reject"), TrafficType::Reject),
            traffic(flow_log("fl-accept", "vpc-ar"), TrafficType::Accept),
            traffic(flow_log("fl-reject2", "vpc-ar"), TrafficType::Reject),
            to_s3(flow_log("fl-s3", "vpc-s3")),
            flow_log("fl-subnet", "subnet-1"),
        ],
    );
    ok.insert::<Subnets>(vec![subnet("subnet-1", "vpc-sub")]);
    let mut denied = empty_region("us-east-1");
    fail::<Vpcs>(&mut denied, access_denied("DescribeVpcs"));
    let mut logs_denied = named(
        region(vec![in_region(vpc("vpc-nologs"), "us-west-2")], vec![]),
        "us-west-2",
    );
    fail::<FlowLogs>(&mut logs_denied, access_denied("DescribeFlowLogs"));
    let findings = run_with(
        vec![ok, denied, logs_denied],
        json!({"traffic_type": "ALL", "destination_types": ["cloud-watch-logs"]}),
    );
    let table: Vec<(String, Status)> = findings
        .iter()
        .map(|f| {
            (
                format!(
                    "{}/{}",
                    f.resource.region.as_deref().unwrap_or("-"),
                    f.resource.id
                ),
                f.status,
            )
        })
        .collect();
    for f in &findings {
        println!("| {} | {} | {} |", f.resource.id, f.status, f.message);
    }
    let expected = [
        ("eu-west-1/vpc-none", Status::Fail),
        ("eu-west-1/vpc-good", Status::Pass),
        ("eu-west-1/vpc-inactive", Status::Fail),
        ("eu-west-1/vpc-failing", Status::Fail),
        ("eu-west-1/vpc-reject", Status::Fail),
        ("eu-west-1/vpc-ar", Status::Pass),
        ("eu-west-1/vpc-s3", Status::Fail),
        ("eu-west-1/vpc-sub", Status::Fail),
        ("eu-west-1/vpc-shared", Status::Skipped),
        ("us-east-1/*", Status::Error),
        ("us-west-2/vpc-nologs", Status::Error),
    ];
    let expected: Vec<(String, Status)> = expected.iter().map(|(id, s)| (id.to_string(), *s)).collect();
    assert_eq!(table, expected);
}
