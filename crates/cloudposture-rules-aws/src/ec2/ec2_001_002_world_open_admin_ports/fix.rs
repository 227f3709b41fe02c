//! Remediation that acts (`cloudposture fix`): revoking the world ranges that open
//! administration ports on one failing security group.

use cloudposture_aws::SecurityGroups;
use cloudposture_aws::fix::{REVOKE_SECURITY_GROUP_RULES, RevokePermissionsParams};
use cloudposture_core::{Finding, FixAction, FixError, FixParameters, Kind, SCOPE_WIDE_ID, Status};

use super::WorldFamily;
use super::evidence::{OpenPermission, OpenPortsEvidence, all_opened_ports};
use crate::ec2::admin_ports::{and_list, ports_phrase};

/// The action that fixes one failing EC2-001 (`family` IPv4) or EC2-002 (IPv6)
/// finding: one [`REVOKE_SECURITY_GROUP_RULES`] action whose [`RevokePermissionsParams`]
/// name each offending inbound permission with only its world range (same protocol and
/// ports), so that the permission's other sources stay. The permissions come from the
/// finding's evidence ([`OpenPortsEvidence`]).
///
/// Whoever reaches the administration ports from the internet through the group is cut
/// off; the summary says so.
///
/// `Ok(None)` for anything but a failing security-group finding of the rule: passing,
/// muted, skipped and error findings (a region that could not be read) are never
/// touched, and a group declared in a template is fixed by changing the template. A
/// failing finding whose evidence does not say what to revoke is an error.
///
/// ```
/// use cloudposture_aws::kinds::SecurityGroups;
/// use cloudposture_core::{Kind, ResourceRef, RiskLevel, RuleContext, ScopeId, Status};
/// use cloudposture_rules_aws::EC2_001;
/// use cloudposture_rules_aws::ec2::ec2_001_002_world_open_admin_ports::{
///     AdminPortSettings, WorldFamily, plan_fix,
/// };
///
/// let settings = AdminPortSettings::default();
/// let scope = ScopeId::region(None, "eu-west-1");
/// let ctx = RuleContext::new(&EC2_001, &SecurityGroups::INFO, &settings, RiskLevel::High, &scope);
/// let group = ResourceRef::new("aws.ec2.security-group", "sg-0abc").in_region("eu-west-1");
/// let finding = ctx.finding(Status::Fail, group, "port 22 is open to 0.0.0.0/0").with_evidence(
///     serde_json::json!({"world": "0.0.0.0/0", "open": [
///         {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0", "ports": [22]}
///     ]}),
/// );
/// let action = plan_fix(&finding, WorldFamily::Ipv4)?.expect("a failing group gets an action");
/// assert_eq!(action.operation, "ec2:RevokeSecurityGroupRules");
/// assert!(action.summary.starts_with("revoke inbound tcp 22 from 0.0.0.0/0 on sg-0abc (eu-west-1)"));
/// # Ok::<(), cloudposture_core::FixError>(())
/// ```
pub fn plan_fix(finding: &Finding, family: WorldFamily) -> Result<Option<FixAction>, FixError> {
    let rule = family.metadata();
    let resource = &finding.resource;
    if finding.rule.id != rule.id
        || finding.status != Status::Fail
        || resource.kind != SecurityGroups::INFO.name
        || resource.id == SCOPE_WIDE_ID
        || resource.is_declared()
    {
        return Ok(None);
    }
    let fix_error = |message: String| FixError {
        rule_id: rule.id.to_string(),
        message,
    };
    let region = resource.region.as_deref().unwrap_or_default();
    if region.is_empty() {
        return Err(fix_error(format!(
            "the finding for `{}` names no region",
            resource.id
        )));
    }
    let open: Vec<OpenPermission> = finding
        .evidence
        .parse::<OpenPortsEvidence>()
        .map(|e| e.open)
        .unwrap_or_default()
        .into_iter()
        .filter(|o| o.cidr == family.cidr())
        .collect();
    if open.is_empty() {
        return Err(fix_error(format!(
            "the finding for `{}` does not name the inbound rules from {} to revoke; scan again to fix it",
            resource.id,
            family.cidr()
        )));
    }
    let rules: Vec<String> = open.iter().map(OpenPermission::label).collect();
    let summary = format!(
        "revoke inbound {} from {} on {} ({region}); whoever reaches {} from the internet through this \
         group is cut off",
        and_list(&rules),
        family.cidr(),
        resource.id,
        ports_phrase(&all_opened_ports(&open))
    );
    let params = RevokePermissionsParams {
        region: region.to_string(),
        group_id: resource.id.to_string(),
        ingress: open
            .iter()
            .map(|o| o.to_revoke(family == WorldFamily::Ipv6))
            .collect(),
        egress: Vec::new(),
    };
    Ok(Some(FixAction {
        rule_id: rule.id,
        resource: resource.clone(),
        summary,
        operation: REVOKE_SECURITY_GROUP_RULES,
        parameters: FixParameters::new(params),
    }))
}
