//! How a rule author tests a rule written outside this workspace: over a hand-built
//! inventory (fast, exact), and through collection with the mockall collector mocks
//! (the same path a live scan takes, without AWS).
#![allow(clippy::unwrap_used, reason = "test helpers panic on broken fixtures")]

use cloudposture::aws::{Listed, MockAccountApi, MockEc2Api, RegionList};
use cloudposture::core::jiff::Timestamp;
use cloudposture::prelude::*;

/// The rule under test: default VPCs should not exist (they come with public subnets
/// and an internet gateway that nobody designed).
static NET_900: RuleMetadata = RuleMetadata {
    id: "NET-900",
    title: "No Default VPC",
    provider: "aws",
    service: "VPC",
    resource_type: "AWS::EC2::VPC",
    resource_kind: kinds::VPC,
    requires: &[kinds::VPC],
    risk: RiskLevel::Medium,
    pillars: &[Pillar::Security],
    controls: &[Control::new(Standard::Nist, "Rev. 5", "SC-7")],
    description: "Regions have no default VPC.",
    rationale: "Default VPCs have public subnets and an internet gateway by default.",
    audit: &[AuditStep {
        via: "cli",
        text: "aws ec2 describe-vpcs --filters Name=is-default,Values=true",
        code: None,
    }],
    remediation: &[AuditStep {
        via: "cli",
        text: "aws ec2 delete-vpc --vpc-id vpc-…",
        code: None,
    }],
    references: &[],
    published: "2026-11-27",
    iam_audit: &["ec2:DescribeVpcs"],
    iam_remediate: &["ec2:DeleteVpc"],
    settings: &[],
};

struct NoDefaultVpc;

impl Rule<Inventory> for NoDefaultVpc {
    fn metadata(&self) -> &'static RuleMetadata {
        &NET_900
    }
    fn evaluate(&self, inventory: &Inventory, ctx: &RuleContext<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for region in &inventory.regions {
            match &region.vpcs {
                Collection::Collected(vpcs) => out.extend(vpcs.iter().map(|v| {
                    if v.is_default {
                        ctx.fail(v.to_ref(), "default VPC exists")
                    } else {
                        ctx.pass(v.to_ref(), "not a default VPC")
                    }
                })),
                Collection::Failed(e) => out.push(ctx.error(
                    ResourceRef::new(kinds::VPC, format!("{}/*", region.name)).in_region(&region.name),
                    e.to_string(),
                )),
                Collection::NotCollected => {}
            }
        }
        out
    }
}

fn vpc(id: &str, region: &str, is_default: bool) -> Vpc {
    Vpc {
        id: id.into(),
        region: region.into(),
        owner_id: "123456789012".into(),
        cidr_blocks: vec!["172.31.0.0/16".into()],
        ipv6_cidr_blocks: vec![],
        is_default,
        state: "available".into(),
        tags: Tags::new(),
    }
}

fn scan(inventory: &Inventory) -> Report {
    let mut registry = Registry::new();
    registry.register(NoDefaultVpc).unwrap();
    let plan = Plan::new(&registry, &Selection::all(), &Config::default()).unwrap();
    plan.evaluate(inventory, ScanSource::Snapshot, Timestamp::now())
}

fn statuses(report: &Report) -> Vec<(String, Status)> {
    report
        .findings
        .iter()
        .map(|f| (f.resource.id.to_string(), f.status))
        .collect()
}

#[test]
fn hand_built_inventory() {
    let mut inventory = Inventory::new(Some("123456789012".into()));
    let mut region = RegionInventory::new("eu-west-1");
    region.vpcs = Collection::Collected(vec![
        vpc("vpc-default", "eu-west-1", true),
        vpc("vpc-app", "eu-west-1", false),
    ]);
    inventory.regions.push(region);

    let report = scan(&inventory);
    assert_eq!(
        statuses(&report),
        [
            ("vpc-default".to_string(), Status::Fail),
            ("vpc-app".to_string(), Status::Pass)
        ]
    );
    assert_eq!(
        report.findings[0].resource.arn().as_deref(),
        Some("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-default")
    );
}

#[tokio::test]
async fn through_collection_with_mocked_collectors() {
    let mut account = MockAccountApi::new();
    account.expect_regions().times(1).returning(|| {
        Ok(RegionList {
            enabled: vec!["eu-west-1".into(), "us-east-1".into()],
            not_enabled: vec!["me-south-1".into()],
        })
    });
    account
        .expect_caller_account()
        .returning(|| Ok("123456789012".into()));

    let mut ec2 = MockEc2Api::new();
    ec2.expect_vpcs().returning(|region| match region {
        "eu-west-1" => Ok(Listed::new(vec![vpc("vpc-default", region, true)], 1)),
        _ => Err(CollectError::new(
            "DescribeVpcs",
            ErrorClass::AccessDenied,
            Some("UnauthorizedOperation".into()),
            "You are not authorized to perform this operation.",
        )),
    });
    // The rule needs VPCs only: the collector must not list flow logs.
    ec2.expect_flow_logs().never();

    let options = CollectOptions::new(NET_900.requires.iter().copied());
    let inventory = collect(&account, &ec2, &options, &NoProgress).await.unwrap();
    let report = scan(&inventory);

    assert_eq!(
        statuses(&report),
        [
            ("vpc-default".to_string(), Status::Fail),
            ("us-east-1/*".to_string(), Status::Error)
        ]
    );
    assert!(
        report.findings[1].message.contains("UnauthorizedOperation"),
        "{}",
        report.findings[1].message
    );
    assert_eq!(report.scan.regions_not_scanned[0].name, "me-south-1");
    assert!(
        !report.is_complete(),
        "a region that could not be read makes the scan incomplete"
    );
}
