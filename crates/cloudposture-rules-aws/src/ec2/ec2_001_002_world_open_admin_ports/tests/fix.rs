//! `cloudposture fix`: the revoke each failing group gets, with only the world ranges of
//! the rule's family, and nothing for the other findings.

use cloudposture_aws::fix::RevokePermissionsParams;
use cloudposture_core::{
    Config, Exception, FixAction, FixPlan, Plan, Registry, ResourceRef, Rule, RuleContext, SCOPE_WIDE_ID,
    ScanSource, Selection, Status, jiff,
};

use super::*;
use crate::ec2::ec2_001_002_world_open_admin_ports::{AdminPortSettings, WorldFamily, plan_fix};

fn params(action: &FixAction) -> RevokePermissionsParams {
    action
        .parameters
        .get::<RevokePermissionsParams>()
        .unwrap()
        .clone()
}

/// eu-west-1: one group open to both worlds, one closed, one muted by the config;
/// eu-west-2: its security groups could not be listed.
fn account() -> Inventory {
    let both = vec![
        tcp(22, &["10.0.0.0/8", "0.0.0.0/0", "::/0"]),
        all_traffic(&["0.0.0.0/0"]),
    ];
    let readable = region(vec![
        group("sg-open", both.clone()),
        group("sg-closed", vec![tcp(22, &["10.0.0.0/8"])]),
        group("sg-muted", both),
    ]);
    let mut unreadable = Scope::new(ScopeId::region(Some(ACCOUNT), "eu-west-2"));
    unreadable.fail(
        SecurityGroups::INFO.name,
        CollectError::new(
            "DescribeSecurityGroups",
            ErrorClass::Throttled,
            None,
            "Rate exceeded",
        ),
    );
    let mut inventory = Inventory::new(Some(ACCOUNT.to_string()));
    inventory.scopes = vec![readable, unreadable];
    inventory
}

#[test]
fn only_failing_groups_of_the_rule_get_an_action() {
    let mut registry = Registry::new();
    registry.register(EC2_001).unwrap();
    registry.register(EC2_002).unwrap();
    let config = Config {
        exceptions: vec![Exception {
            resources: Some(vec!["sg-muted".to_string()]),
            reason: "bastion under review".to_string(),
            ..Exception::default()
        }],
        ..Config::default()
    };
    let plan = Plan::new(&registry, &Selection::rules(["EC2"]), &config).unwrap();
    let report = plan.evaluate(&account(), ScanSource::Snapshot, jiff::Timestamp::now());
    let statuses: Vec<(&str, &str, Status)> = report
        .findings
        .iter()
        .map(|f| (f.rule.id, f.resource.id.as_str(), f.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("EC2-001", "sg-open", Status::Fail),
            ("EC2-001", "sg-closed", Status::Pass),
            ("EC2-001", "sg-muted", Status::Muted),
            ("EC2-001", SCOPE_WIDE_ID, Status::Error),
            ("EC2-002", "sg-open", Status::Fail),
            ("EC2-002", "sg-closed", Status::Pass),
            ("EC2-002", "sg-muted", Status::Muted),
            ("EC2-002", SCOPE_WIDE_ID, Status::Error),
        ]
    );
    let settings = AdminPortSettings::default();
    for rule in [EC2_001, EC2_002] {
        let fix = FixPlan::from_findings(&report.findings, |f| rule.plan_fix(f, &settings)).unwrap();
        // Its own failing group; the other rule's failing finding is not its to fix.
        let planned: Vec<(&str, &str)> = fix
            .actions
            .iter()
            .map(|a| (a.rule_id, a.resource.id.as_str()))
            .collect();
        assert_eq!(planned, [(rule.metadata().id, "sg-open")]);
    }
}

#[test]
fn the_revoke_names_only_the_world_ranges_of_the_rules_family() {
    let findings = run_with(EC2_001, vec![account().scopes.remove(0)], json!({}));
    let action = plan_fix(&findings[0], WorldFamily::Ipv4).unwrap().unwrap();
    assert_eq!(action.rule_id, "EC2-001");
    assert_eq!(action.operation, "ec2:RevokeSecurityGroupRules");
    assert_eq!(action.resource.id, "sg-open");
    assert_eq!(
        action.summary,
        "revoke inbound tcp 22 and all traffic from 0.0.0.0/0 on sg-open (eu-west-1); whoever reaches ports \
         22 and 3389 from the internet through this group is cut off"
    );
    let p = params(&action);
    assert_eq!((p.region.as_str(), p.group_id.as_str()), ("eu-west-1", "sg-open"));
    assert!(p.egress.is_empty());
    assert_eq!(
        p.ingress,
        [
            permission("tcp", Some((22, 22)), &["0.0.0.0/0"]),
            permission("-1", None, &["0.0.0.0/0"]),
        ]
    );

    let findings = run_with(EC2_002, vec![account().scopes.remove(0)], json!({}));
    let p = params(&plan_fix(&findings[0], WorldFamily::Ipv6).unwrap().unwrap());
    assert_eq!(p.ingress, [permission("tcp", Some((22, 22)), &["::/0"])]);
}

fn finding(status: Status, resource: ResourceRef) -> Finding {
    let settings = AdminPortSettings::default();
    let scope = ScopeId::region(Some(ACCOUNT), REGION);
    RuleContext::new(
        &super::super::EC2_001,
        &SecurityGroups::INFO,
        &settings,
        RiskLevel::High,
        &scope,
    )
    .finding(status, resource, "port 22 is open to 0.0.0.0/0")
}

fn sg(id: &str) -> ResourceRef {
    ResourceRef::new(SecurityGroups::INFO.name, id).in_region(REGION)
}

#[test]
fn passing_muted_error_and_other_rules_findings_get_nothing() {
    for status in [Status::Pass, Status::Muted, Status::Error, Status::Skipped] {
        assert_eq!(
            plan_fix(&finding(status, sg("sg-1")), WorldFamily::Ipv4).unwrap(),
            None
        );
    }
    // A region-wide error stands for no group that could be changed, even marked failing.
    let wide = finding(Status::Fail, sg(SCOPE_WIDE_ID));
    assert_eq!(plan_fix(&wide, WorldFamily::Ipv4).unwrap(), None);
    // An EC2-001 finding is not EC2-002's to fix.
    assert_eq!(
        plan_fix(&finding(Status::Fail, sg("sg-1")), WorldFamily::Ipv6).unwrap(),
        None
    );
}

#[test]
fn a_failing_finding_without_what_to_revoke_is_an_error_not_a_guess() {
    let err = plan_fix(&finding(Status::Fail, sg("sg-1")), WorldFamily::Ipv4).unwrap_err();
    assert_eq!(err.rule_id, "EC2-001");
    assert_eq!(
        err.message,
        "the finding for `sg-1` does not name the inbound rules from 0.0.0.0/0 to revoke; scan again to fix it"
    );
    let no_region = finding(Status::Fail, ResourceRef::new(SecurityGroups::INFO.name, "sg-1"));
    assert_eq!(
        plan_fix(&no_region, WorldFamily::Ipv4).unwrap_err().message,
        "the finding for `sg-1` names no region"
    );
}
