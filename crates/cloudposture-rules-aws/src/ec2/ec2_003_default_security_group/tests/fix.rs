//! `cloudposture fix`: the revoke action each failing default group gets, and nothing
//! for the others.

use cloudposture_aws::SecurityGroups;
use cloudposture_aws::fix::RevokePermissionsParams;
use cloudposture_core::{
    Config, Exception, FixPlan, Inventory, Kind, NoSettings, Plan, Registry, ResourceRef, Rule, RuleContext,
    ScanSource, Selection, Status, jiff,
};

use super::*;
use crate::InstancesRequireImdsV2;
use crate::ec2::ec2_003_default_security_group::{EC2_003, plan_fix};
use crate::ec2::test_support::denied;
use serde_json::json;

/// eu-west-1: a failing, a passing and a muted default group and a non-default group;
/// eu-west-2: its groups could not be listed.
fn account() -> Inventory {
    let mut inventory = Inventory::new(Some(ACCOUNT.to_string()));
    inventory.scopes = vec![
        region_with::<SecurityGroups>(
            REGION,
            vec![
                as_created("sg-fail", "vpc-1"),
                group("sg-pass", "default", "vpc-2"),
                as_created("sg-muted", "vpc-3"),
                as_created("sg-web", "vpc-1").renamed("web"),
            ],
        ),
        denied::<SecurityGroups>("eu-west-2", "DescribeSecurityGroups"),
    ];
    inventory
}

trait Renamed {
    fn renamed(self, name: &str) -> Self;
}

impl Renamed for SecurityGroup {
    fn renamed(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }
}

#[test]
fn only_failing_default_groups_get_an_action() {
    let mut registry = Registry::new();
    registry.register(DefaultSecurityGroupRestrictsAll).unwrap();
    let config = Config {
        exceptions: vec![Exception {
            resources: Some(vec!["sg-muted".to_string()]),
            reason: "lab".to_string(),
            ..Exception::default()
        }],
        ..Config::default()
    };
    let plan = Plan::new(&registry, &Selection::rules(["EC2-003"]), &config).unwrap();
    let report = plan.evaluate(&account(), ScanSource::Snapshot, jiff::Timestamp::now());
    let statuses: Vec<(&str, Status)> = report
        .findings
        .iter()
        .map(|f| (f.resource.id.as_str(), f.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("sg-fail", Status::Fail),
            ("sg-pass", Status::Pass),
            ("sg-muted", Status::Muted),
            ("*", Status::Error),
        ]
    );
    let fix = FixPlan::from_findings(&report.findings, |f| {
        DefaultSecurityGroupRestrictsAll.plan_fix(f, &NoSettings {})
    })
    .unwrap();
    let planned: Vec<&str> = fix.actions.iter().map(|a| a.resource.id.as_str()).collect();
    assert_eq!(planned, ["sg-fail"]);
    assert!(fix.not_planned.is_empty());
    // Asked directly, the others get nothing either.
    for f in &report.findings[1..] {
        assert_eq!(plan_fix(f).unwrap(), None, "{}", f.resource.id);
    }
}

#[test]
fn the_action_revokes_every_rule_the_evidence_lists() {
    let mut g = as_created("sg-0abc", "vpc-0abc");
    g.egress.push(all_traffic(&["::/0"]));
    let expected = g.clone();
    let action = plan_fix(&judge_one(g)).unwrap().unwrap();
    assert_eq!(action.rule_id, "EC2-003");
    assert_eq!(action.operation, "ec2:RevokeSecurityGroupRules");
    assert_eq!(action.resource.id, "sg-0abc");
    assert_eq!(
        action.summary,
        "revoke all 3 rules of the default security group sg-0abc (eu-west-1); traffic between members of \
         the group stops"
    );
    let params = action.parameters.get::<RevokePermissionsParams>().unwrap();
    assert_eq!(
        params,
        &RevokePermissionsParams {
            region: REGION.to_string(),
            group_id: "sg-0abc".to_string(),
            ingress: expected.ingress,
            egress: expected.egress,
        }
    );
}

fn failing(evidence: serde_json::Value) -> Finding {
    let scope = cloudposture_core::ScopeId::region(Some(ACCOUNT), REGION);
    let ctx = RuleContext::new(
        &EC2_003,
        &SecurityGroups::INFO,
        &NoSettings {},
        cloudposture_core::RiskLevel::High,
        &scope,
    );
    let group = ResourceRef::new(SecurityGroups::INFO.name, "sg-1").in_region(REGION);
    ctx.finding(Status::Fail, group, "allows 1 rule")
        .with_evidence(evidence)
}

#[test]
fn a_failing_finding_without_readable_evidence_is_an_error() {
    let err = plan_fix(&failing(json!({"rules": 2}))).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "cannot plan a fix for rule `EC2-003`: the finding for `sg-1` does not say which rules"
        ),
        "{err}"
    );
    let err = plan_fix(&failing(json!({"ingress": [], "egress": []}))).unwrap_err();
    assert_eq!(
        err.message,
        "the failing finding for `sg-1` lists no rule to revoke; scan again"
    );
}

#[test]
fn findings_of_other_rules_get_no_action() {
    let mut f = failing(json!({"ingress": [{"protocol": "-1"}], "egress": []}));
    assert!(plan_fix(&f).unwrap().is_some());
    f.rule = &crate::EC2_004;
    assert_eq!(plan_fix(&f).unwrap(), None);
    // And the other rules do not act on EC2-003's findings.
    let f = judge_one(as_created("sg-1", "vpc-1"));
    assert_eq!(InstancesRequireImdsV2.plan_fix(&f, &NoSettings {}).unwrap(), None);
}
