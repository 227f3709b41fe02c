//! The remediation a failing VPC carries: its values, its destinations, and its text.

use cloudposture_core::{Remediation, SnippetKind};

use super::*;
use crate::vpc::vpc_001_flow_logs_enabled::remediation_for;

fn remediation(raw: serde_json::Value) -> Remediation {
    remediation_for(&vpc("vpc-0abc"), &settings(raw).unwrap())
}

fn snippet(r: &Remediation, kind: SnippetKind) -> &str {
    &r.snippets.iter().find(|s| s.kind == kind).unwrap().content
}

#[test]
fn remediation_snippets_carry_vpc_id_and_region() {
    let r = remediation(json!({}));
    assert_eq!(
        r.snippets.len(),
        5,
        "cli, cloudformation, terraform and two iam policies"
    );
    for s in &r.snippets[..3] {
        assert!(s.content.contains("vpc-0abc"), "{}: {}", s.title, s.content);
        assert!(s.content.contains(REGION), "{}: {}", s.title, s.content);
    }
}

#[test]
fn failing_vpcs_get_the_role_policies_of_their_own_region_and_account() {
    let findings = run(vec![
        region(vec![vpc("vpc-a1"), vpc("vpc-a2")], vec![]),
        named(
            region(
                vec![
                    in_region(vpc("vpc-b1"), "us-east-2"),
                    Vpc {
                        owner_id: "210987654321".into(),
                        ..in_region(vpc("vpc-b2"), "us-east-2")
                    },
                ],
                vec![],
            ),
            "us-east-2",
        ),
    ]);
    let policies = |f: &Finding| -> Vec<String> {
        f.remediation()
            .unwrap()
            .snippets
            .iter()
            .filter(|s| s.kind == SnippetKind::IamPolicy)
            .map(|s| s.content.clone())
            .collect()
    };
    let by_id = |id: &str| findings.iter().find(|f| f.resource.id == id).unwrap();
    let (a1, a2) = (policies(by_id("vpc-a1")), policies(by_id("vpc-a2")));
    assert_eq!(a1, a2, "one region, one account: the same policies");
    assert!(
        a1[0].contains(REGION) && a1[0].contains("123456789012"),
        "{}",
        a1[0]
    );
    let b1 = policies(by_id("vpc-b1"));
    assert!(
        b1[0].contains("us-east-2") && !b1[0].contains(REGION),
        "{}",
        b1[0]
    );
    assert!(
        b1[1].contains("arn:aws:logs:us-east-2:123456789012:"),
        "{}",
        b1[1]
    );
    // A VPC shared from another account is skipped, so no remediation to compare;
    // judge its owner's remediation directly.
    let owner = Vpc {
        owner_id: "210987654321".into(),
        ..in_region(vpc("vpc-b2"), "us-east-2")
    };
    let r = remediation_for(&owner, &settings(json!({})).unwrap());
    let trust = snippet(&r, SnippetKind::IamPolicy);
    assert!(
        trust.contains("210987654321") && !trust.contains("123456789012"),
        "{trust}"
    );
}

#[test]
fn remediation_uses_placeholders_without_settings() {
    let r = remediation(json!({}));
    let cli = snippet(&r, SnippetKind::Cli);
    assert!(cli.contains("--log-group-name '<LOG_GROUP_NAME>'"), "{cli}");
    assert!(
        cli.contains("--deliver-logs-permission-arn '<DELIVERY_ROLE_ARN>'"),
        "{cli}"
    );
    let tf = snippet(&r, SnippetKind::Terraform);
    assert!(tf.contains("log-group:<LOG_GROUP_NAME>"), "{tf}");
    assert!(tf.contains("\"<DELIVERY_ROLE_ARN>\""), "{tf}");
}

#[test]
fn remediation_uses_configured_destination_and_role() {
    let r = remediation(json!({
        "remediation_destination": "cloud-watch-logs:/vpc/flow-logs",
        "remediation_role_arn": "arn:aws:iam::123456789012:role/VPCFlowLogsDelivery",
    }));
    let cli = snippet(&r, SnippetKind::Cli);
    assert!(cli.contains("--log-group-name /vpc/flow-logs"), "{cli}");
    assert!(
        cli.contains("--deliver-logs-permission-arn arn:aws:iam::123456789012:role/VPCFlowLogsDelivery"),
        "{cli}"
    );
    assert!(!cli.contains('<'), "no placeholder left: {cli}");
    let policy = snippet(&r, SnippetKind::IamPolicy);
    assert!(policy.contains("vpc-flow-logs.amazonaws.com"));
}

#[test]
fn remediation_to_s3_needs_no_role_or_policy() {
    let r = remediation(json!({"remediation_destination": "s3:arn:aws:s3:::my-flow-logs/vpc"}));
    let cli = snippet(&r, SnippetKind::Cli);
    assert!(cli.contains("--log-destination-type s3"), "{cli}");
    assert!(
        cli.contains("--log-destination arn:aws:s3:::my-flow-logs/vpc"),
        "{cli}"
    );
    assert!(!cli.contains("--deliver-logs-permission-arn"), "{cli}");
    assert!(r.snippets.iter().all(|s| s.kind != SnippetKind::IamPolicy));
    // A bare bucket ARN works the same.
    let bare = remediation(json!({"remediation_destination": "arn:aws:s3:::my-flow-logs"}));
    assert!(snippet(&bare, SnippetKind::Cli).contains("--log-destination arn:aws:s3:::my-flow-logs"));
}

#[test]
fn remediation_falls_back_to_an_allowed_destination_type() {
    let r = remediation(json!({"destination_types": ["s3"]}));
    let cli = snippet(&r, SnippetKind::Cli);
    assert!(
        cli.contains("--log-destination 'arn:aws:s3:::<BUCKET_NAME>'"),
        "{cli}"
    );
    let r = remediation(json!({"destination_types": ["kinesis-data-firehose"]}));
    let cli = snippet(&r, SnippetKind::Cli);
    assert!(
        cli.contains("--log-destination-type kinesis-data-firehose"),
        "{cli}"
    );
    assert!(cli.contains("deliverystream/<DELIVERY_STREAM_NAME>"), "{cli}");
}

#[test]
fn remediation_traffic_type_is_the_required_one() {
    for (required, created) in [
        ("any", "ALL"),
        ("ALL", "ALL"),
        ("ACCEPT", "ACCEPT"),
        ("REJECT", "REJECT"),
    ] {
        let r = remediation(json!({"traffic_type": required}));
        assert!(snippet(&r, SnippetKind::Cli).contains(&format!("--traffic-type {created}")));
        assert!(snippet(&r, SnippetKind::Cloudformation).contains(&format!("TrafficType: {created}\n")));
    }
}

/// Every snippet and the summary, as people will paste them, for the three kinds of
/// destination; a change to any character of them shows here.
#[test]
fn remediation_text_is_exactly_as_documented() {
    let cases = [
        ("defaults", json!({})),
        (
            "a log group that needs quoting, a role, REJECT",
            json!({
                "traffic_type": "REJECT",
                "remediation_destination": "cloud-watch-logs:/vpc/flow#logs",
                "remediation_role_arn": "arn:aws:iam::123456789012:role/VPCFlowLogsDelivery",
            }),
        ),
        (
            "an S3 bucket and prefix",
            json!({"remediation_destination": "s3:arn:aws:s3:::my-flow-logs/vpc"}),
        ),
        (
            "a Firehose stream, a cross-account role, ACCEPT",
            json!({
                "traffic_type": "ACCEPT",
                "remediation_destination": "kinesis-data-firehose:arn:aws:firehose:eu-west-1:123456789012:deliverystream/flows",
                "remediation_role_arn": "arn:aws:iam::210987654321:role/FirehoseDelivery",
            }),
        ),
        (
            "only Firehose allowed, nothing configured",
            json!({"destination_types": ["kinesis-data-firehose"]}),
        ),
    ];
    let mut written = String::new();
    for (case, raw) in cases {
        let r = remediation(raw);
        written.push_str(&format!("=== {case}\n{}\n", r.summary));
        for s in &r.snippets {
            written.push_str(&format!("--- {:?} {}\n{}\n", s.kind, s.title, s.content));
        }
    }
    let expected = include_str!("../../testdata/vpc_001_remediation.txt");
    if written != expected {
        // The whole text, to compare or to take as the new expectation.
        std::fs::write(std::env::temp_dir().join("vpc_001_remediation.txt"), &written).unwrap();
    }
    assert_eq!(written, expected);
}

#[test]
fn remediation_given_another_id_is_the_same_as_built_anew() {
    use crate::vpc::vpc_001_flow_logs_enabled::remediation::RegionRemediation;
    for raw in [
        json!({}),
        json!({"remediation_destination": "s3:arn:aws:s3:::logs/prefix"}),
        json!({"remediation_destination": "cloud-watch-logs:/vpc/flow-logs",
               "remediation_role_arn": "arn:aws:iam::123456789012:role/flow-logs"}),
        json!({"destination_types": ["kinesis-data-firehose"], "traffic_type": "REJECT"}),
    ] {
        let settings = settings(raw.clone()).unwrap();
        let mut region = RegionRemediation::new(&settings);
        // Several ids per owner (the second onwards reuse the first's snippets), two
        // owners, and ids of other shapes (built anew).
        for vpc in [
            vpc("vpc-0abc"),
            vpc("vpc-0123456789abcdef0"),
            Vpc {
                owner_id: "210987654321".into(),
                ..vpc("vpc-1a2b3c4d")
            },
            vpc("vpc-9"),
            vpc("VPC-Upper"),
            vpc("vpc-with space'"),
        ] {
            assert_eq!(
                region.for_vpc(&vpc),
                remediation_for(&vpc, &settings),
                "{} with {raw}",
                vpc.id
            );
        }
    }
}
