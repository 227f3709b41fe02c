//! Remediation that acts (`cloudposture fix`): revoking every rule of one failing
//! default security group.

use cloudposture_aws::SecurityGroups;
use cloudposture_aws::fix::{REVOKE_SECURITY_GROUP_RULES, RevokePermissionsParams};
use cloudposture_core::{Finding, FixAction, FixError, FixParameters, Kind};

use super::evidence::{DefaultGroupEvidence, rule_count};
use super::metadata::EC2_003;
use crate::ec2::fix_target::{failing_target, fix_error};

/// The action that fixes one failing EC2-003 finding: revoke every inbound and outbound
/// permission the group had when it was scanned, as the finding's evidence lists them
/// (a [`RevokePermissionsParams`]). Rules added since stay.
///
/// `Ok(None)` for anything but a failing default group of an account: passing, muted
/// and error findings are never touched, and a group declared in a template is fixed by
/// changing the template. A failing finding whose evidence cannot be read back is
/// an error, since nothing would say what to revoke.
///
/// ```
/// use cloudposture_aws::SecurityGroups;
/// use cloudposture_core::{Kind, NoSettings, ResourceRef, RiskLevel, RuleContext, ScopeId, Status};
/// use cloudposture_rules_aws::EC2_003;
/// use cloudposture_rules_aws::ec2::ec2_003_default_security_group::plan_fix;
///
/// let scope = ScopeId::region(None, "eu-west-1");
/// let ctx = RuleContext::new(&EC2_003, &SecurityGroups::INFO, &NoSettings {}, RiskLevel::High, &scope);
/// let group = ResourceRef::new(SecurityGroups::INFO.name, "sg-0abc").in_region("eu-west-1");
/// let finding = ctx
///     .finding(Status::Fail, group, "the default security group of vpc-0abc allows …")
///     .with_evidence(serde_json::json!({
///         "vpc_id": "vpc-0abc",
///         "ingress": [{"protocol": "-1", "groups": [{"group_id": "sg-0abc"}]}],
///         "egress": [{"protocol": "-1", "ipv4_ranges": [{"cidr": "0.0.0.0/0"}]}],
///     }));
/// let action = plan_fix(&finding)?.expect("a failing default group gets an action");
/// assert_eq!(action.operation, "ec2:RevokeSecurityGroupRules");
/// assert_eq!(
///     action.summary,
///     "revoke all 2 rules of the default security group sg-0abc (eu-west-1); traffic between members of \
///      the group stops"
/// );
/// # Ok::<(), cloudposture_core::FixError>(())
/// ```
pub fn plan_fix(finding: &Finding) -> Result<Option<FixAction>, FixError> {
    let Some(target) = failing_target(finding, &EC2_003, &SecurityGroups::INFO)? else {
        return Ok(None);
    };
    let group_id = target.resource.id.as_str();
    let evidence: DefaultGroupEvidence = finding.evidence.parse().map_err(|e| {
        fix_error(
            &EC2_003,
            format!("the finding for `{group_id}` does not say which rules the group has ({e}); scan again"),
        )
    })?;
    let total = rule_count(&evidence.ingress) + rule_count(&evidence.egress);
    if total == 0 {
        return Err(fix_error(
            &EC2_003,
            format!("the failing finding for `{group_id}` lists no rule to revoke; scan again"),
        ));
    }
    let summary = format!(
        "revoke all {total} {} of the default security group {group_id} ({}); traffic between members of \
         the group stops",
        if total == 1 { "rule" } else { "rules" },
        target.region
    );
    let params = RevokePermissionsParams {
        region: target.region.to_string(),
        group_id: group_id.to_string(),
        ingress: evidence.ingress,
        egress: evidence.egress,
    };
    Ok(Some(FixAction {
        rule_id: EC2_003.id,
        resource: target.resource.clone(),
        summary,
        operation: REVOKE_SECURITY_GROUP_RULES,
        parameters: FixParameters::new(params),
    }))
}
