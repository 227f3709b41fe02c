//! How a rule author tests a rule written outside this workspace, with public API only
//! (`cloudposture::rule_prelude`): over a hand-built inventory (fast, exact), and
//! through collection with mocked listers (the same path a live scan takes, without AWS).
#![allow(clippy::unwrap_used, reason = "test helpers panic on broken fixtures")]

use cloudposture::Registry;
use cloudposture::aws::{
    CollectError, CollectOptions, ErrorClass, MockAccountApi, NoProgress, RegionList, collect,
};
use cloudposture::aws::{Fetched, Listers, MockLister};
use cloudposture::core::jiff::Timestamp;
use cloudposture::core::{SCOPE_WIDE_ID, Scope, ScopeId};
use cloudposture::prelude::*;
use cloudposture::rule_prelude::*;

const ACCOUNT: &str = "123456789012";

/// The rule under test: default VPCs should not exist (they come with public subnets
/// and an internet gateway that nobody designed).
static NET_900: RuleMetadata = RuleMetadata {
    id: "NET-900",
    title: "No Default VPC",
    provider: "aws",
    service: "VPC",
    risk: RiskLevel::Medium,
    pillars: &[Pillar::Security],
    controls: &[Control::new(Standard::Nist, "Rev. 5", "SC-7")],
    description: "Regions have no default VPC.",
    rationale: "Default VPCs have public subnets and an internet gateway by default.",
    audit: &[AuditStep {
        via: "cli",
        text: "List the default VPCs of each region",
        code: Some("aws ec2 describe-vpcs --filters Name=is-default,Values=true"),
    }],
    remediation: &[AuditStep {
        via: "cli",
        text: "Delete the default VPC once nothing uses it",
        code: Some("aws ec2 delete-vpc --vpc-id vpc-..."),
    }],
    references: &[],
    published: "2026-11-27",
    // ec2:DescribeVpcs comes from the kind the rule reads.
    iam_audit_extra: &[],
    iam_remediate: &["ec2:DeleteVpc"],
};

/// A rule over VPCs that reads nothing else: the engine calls it once per region whose
/// VPCs were listed and writes the `error` finding itself where they could not be.
struct NoDefaultVpc;

impl Rule for NoDefaultVpc {
    type Kind = Vpcs;
    type Reads<'a> = ();
    type Settings = NoSettings;

    fn metadata(&self) -> &'static RuleMetadata {
        &NET_900
    }

    fn evaluate<'a>(&self, vpcs: &'a [Vpc], _: (), ctx: &RuleContext<'a, NoSettings>) -> Vec<Finding> {
        vpcs.iter()
            .map(|vpc| match vpc.is_default {
                true => ctx.fail(vpc, "default VPC exists"),
                false => ctx.pass(vpc, "not a default VPC"),
            })
            .collect()
    }
}

fn vpc(id: &str, region: &str, is_default: bool) -> Vpc {
    Vpc {
        id: id.into(),
        region: region.into(),
        owner_id: ACCOUNT.into(),
        cidr_blocks: vec!["172.31.0.0/16".into()],
        ipv6_cidr_blocks: vec![],
        is_default,
        state: "available".into(),
        tags: Tags::new(),
    }
}

fn registry() -> Registry {
    let mut registry = Registry::new();
    registry.register(NoDefaultVpc).unwrap();
    registry
}

fn scan(inventory: &Inventory) -> Report {
    let registry = registry();
    let plan = Plan::new(&registry, &Selection::all(), &Config::default()).unwrap();
    plan.evaluate(inventory, ScanSource::Snapshot, Timestamp::now())
}

fn statuses(report: &Report) -> Vec<(String, Option<String>, Status)> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.resource.id.to_string(),
                f.resource.region.as_deref().map(str::to_string),
                f.status,
            )
        })
        .collect()
}

fn finding(id: &str, region: &str, status: Status) -> (String, Option<String>, Status) {
    (id.to_string(), Some(region.to_string()), status)
}

#[test]
fn the_rule_needs_vpcs_and_the_permission_that_lists_them() {
    let registry = registry();
    let plan = Plan::new(&registry, &Selection::rules(["NET-900"]), &Config::default()).unwrap();
    assert_eq!(
        plan.required_kinds().into_iter().collect::<Vec<_>>(),
        [Vpcs::INFO.name]
    );
    let rule = registry.get("NET-900").unwrap();
    assert_eq!(rule.audit_actions(), ["ec2:DescribeVpcs"]);
}

#[test]
fn hand_built_inventory() {
    let mut region = Scope::new(ScopeId::region(Some(ACCOUNT), "eu-west-1"));
    region.insert::<Vpcs>(vec![
        vpc("vpc-default", "eu-west-1", true),
        vpc("vpc-app", "eu-west-1", false),
    ]);
    let mut inventory = Inventory::new(Some(ACCOUNT.into()));
    inventory.scopes.push(region);

    let report = scan(&inventory);
    assert_eq!(
        statuses(&report),
        [
            finding("vpc-default", "eu-west-1", Status::Fail),
            finding("vpc-app", "eu-west-1", Status::Pass),
        ]
    );
    assert_eq!(
        report.findings[0].resource.arn(),
        Some("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-default")
    );
}

#[tokio::test]
async fn through_collection_with_mocked_listers() {
    let mut account = MockAccountApi::new();
    account.expect_regions().times(1).returning(|| {
        Ok(RegionList {
            enabled: vec!["us-east-1".into(), "eu-west-1".into()],
            not_enabled: vec!["me-south-1".into()],
        })
    });
    account.expect_caller_account().returning(|| Ok(ACCOUNT.into()));

    let mut vpcs = MockLister::<Vpcs>::new();
    vpcs.expect_list().times(2).returning(|ctx| match ctx.region {
        "eu-west-1" => Ok(Fetched::new(vec![vpc("vpc-default", ctx.region, true)], 1)),
        _ => Err(CollectError::new(
            "DescribeVpcs",
            ErrorClass::AccessDenied,
            Some("UnauthorizedOperation".into()),
            "You are not authorized to perform this operation.",
        )),
    });
    // The rule needs VPCs only: a lister of another kind is never asked.
    let mut flow_logs = MockLister::<FlowLogs>::new();
    flow_logs.expect_list().never();
    let listers = Listers::new().add::<Vpcs>(vpcs).add::<FlowLogs>(flow_logs);

    let registry = registry();
    let plan = Plan::new(&registry, &Selection::rules(["NET-900"]), &Config::default()).unwrap();
    let options = CollectOptions::new(plan.required_kinds());
    let inventory = collect(&account, &listers, &options, &NoProgress).await.unwrap();
    let report = plan.evaluate(&inventory, ScanSource::Live, Timestamp::now());

    // Regions in order; the region whose VPCs could not be listed is one `error`
    // finding that stands for all of them, written by the engine, not the rule.
    assert_eq!(
        statuses(&report),
        [
            finding("vpc-default", "eu-west-1", Status::Fail),
            finding(SCOPE_WIDE_ID, "us-east-1", Status::Error),
        ]
    );
    let error = &report.findings[1].message;
    assert!(error.contains("could not list VPCs in us-east-1"), "{error}");
    assert!(error.contains("UnauthorizedOperation"), "{error}");
    assert_eq!(report.scan.regions_not_scanned[0].name, "me-south-1");
    assert!(
        !report.is_complete(),
        "a region that could not be read makes the scan incomplete"
    );
}

#[tokio::test]
async fn a_needed_kind_without_a_lister_stops_collection_before_any_call() {
    let mut account = MockAccountApi::new();
    account.expect_regions().never();
    account.expect_caller_account().never();
    let mut flow_logs = MockLister::<FlowLogs>::new();
    flow_logs.expect_list().never();
    let listers = Listers::new().add::<FlowLogs>(flow_logs);

    let registry = registry();
    let plan = Plan::new(&registry, &Selection::all(), &Config::default()).unwrap();
    let options = CollectOptions::new(plan.required_kinds());
    let failure = collect(&account, &listers, &options, &NoProgress)
        .await
        .unwrap_err();
    assert_eq!(
        failure.to_string(),
        "no collector reads `aws.ec2.vpc`, which the selected rules need; register a lister for it"
    );
}
