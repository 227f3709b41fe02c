//! `cloudposture fix`: the ModifyInstanceMetadataOptions action each failing instance
//! gets, and nothing for the others.

use cloudposture_aws::fix::RequireImdsV2Params;
use cloudposture_core::{FixPlan, NoSettings, Rule};

use super::*;
use crate::DefaultSecurityGroupRestrictsAll;
use crate::ec2::ec2_004_imdsv2::plan_fix;
use crate::ec2::test_support::denied;

#[test]
fn only_failing_instances_get_an_action_with_their_id_and_region() {
    let mut unknown = v1_allowed("i-unknown");
    unknown.metadata_options = None;
    let findings = run(
        InstancesRequireImdsV2,
        vec![
            region_with::<Instances>(
                REGION,
                vec![
                    v1_allowed("i-fail"),
                    instance("i-pass", Some("required"), Some("enabled")),
                    instance("i-off", Some("optional"), Some("disabled")),
                    unknown,
                ],
            ),
            denied::<Instances>("eu-west-2", "DescribeInstances"),
        ],
    );
    assert_eq!(findings.len(), 5);
    let fix =
        FixPlan::from_findings(&findings, |f| InstancesRequireImdsV2.plan_fix(f, &NoSettings {})).unwrap();
    assert_eq!(fix.actions.len(), 1);
    assert!(fix.not_planned.is_empty());
    let action = &fix.actions[0];
    assert_eq!(action.rule_id, "EC2-004");
    assert_eq!(action.operation, "ec2:ModifyInstanceMetadataOptions");
    assert_eq!(
        action.summary,
        "require IMDSv2 on i-fail (eu-west-1); IMDSv1 clients on the instance stop working"
    );
    assert_eq!(
        action.parameters.get::<RequireImdsV2Params>(),
        Some(&RequireImdsV2Params {
            region: REGION.to_string(),
            instance_id: "i-fail".to_string(),
        })
    );
    // Asked directly, the passing and error findings get nothing.
    for f in findings.iter().filter(|f| f.resource.id != "i-fail") {
        assert_eq!(plan_fix(f).unwrap(), None, "{}", f.resource.id);
    }
}

#[test]
fn other_rules_findings_get_no_action() {
    let f = judge_one(v1_allowed("i-1"));
    assert_eq!(
        DefaultSecurityGroupRestrictsAll
            .plan_fix(&f, &NoSettings {})
            .unwrap(),
        None
    );
    let mut other = f.clone();
    other.rule = &crate::EC2_003;
    assert_eq!(plan_fix(&other).unwrap(), None);
}

#[test]
fn a_failing_finding_without_a_region_is_an_error() {
    let mut f = judge_one(v1_allowed("i-1"));
    f.resource.region = None;
    assert_eq!(
        plan_fix(&f).unwrap_err().to_string(),
        "cannot plan a fix for rule `EC2-004`: the finding for `i-1` names no region"
    );
}
