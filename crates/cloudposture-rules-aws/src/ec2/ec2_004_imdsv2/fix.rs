//! Remediation that acts (`cloudposture fix`): requiring IMDSv2 on one failing instance.

use cloudposture_aws::Instances;
use cloudposture_aws::fix::{MODIFY_INSTANCE_METADATA_OPTIONS, RequireImdsV2Params};
use cloudposture_core::{Finding, FixAction, FixError, FixParameters, Kind};

use super::metadata::EC2_004;
use crate::ec2::fix_target::failing_target;

/// The action that fixes one failing EC2-004 finding: ModifyInstanceMetadataOptions
/// with `HttpTokens=required` on the instance (a [`RequireImdsV2Params`]).
///
/// `Ok(None)` for anything but a failing instance of an account: passing, muted and
/// error findings (metadata options that could not be read) are never touched, and an
/// instance declared in a template is fixed by changing the template.
///
/// ```
/// use cloudposture_aws::Instances;
/// use cloudposture_core::{Kind, NoSettings, ResourceRef, RiskLevel, RuleContext, ScopeId, Status};
/// use cloudposture_rules_aws::EC2_004;
/// use cloudposture_rules_aws::ec2::ec2_004_imdsv2::plan_fix;
///
/// let scope = ScopeId::region(None, "eu-west-1");
/// let ctx = RuleContext::new(&EC2_004, &Instances::INFO, &NoSettings {}, RiskLevel::High, &scope);
/// let instance = ResourceRef::new(Instances::INFO.name, "i-0abc").in_region("eu-west-1");
/// let finding = ctx.finding(Status::Fail, instance, "IMDSv1 is allowed");
/// let action = plan_fix(&finding)?.expect("a failing instance gets an action");
/// assert_eq!(action.operation, "ec2:ModifyInstanceMetadataOptions");
/// assert_eq!(
///     action.summary,
///     "require IMDSv2 on i-0abc (eu-west-1); IMDSv1 clients on the instance stop working"
/// );
/// # Ok::<(), cloudposture_core::FixError>(())
/// ```
pub fn plan_fix(finding: &Finding) -> Result<Option<FixAction>, FixError> {
    let Some(target) = failing_target(finding, &EC2_004, &Instances::INFO)? else {
        return Ok(None);
    };
    let instance_id = target.resource.id.to_string();
    let summary = format!(
        "require IMDSv2 on {instance_id} ({}); IMDSv1 clients on the instance stop working",
        target.region
    );
    Ok(Some(FixAction {
        rule_id: EC2_004.id,
        resource: target.resource.clone(),
        summary,
        operation: MODIFY_INSTANCE_METADATA_OPTIONS,
        parameters: FixParameters::new(RequireImdsV2Params {
            region: target.region.to_string(),
            instance_id,
        }),
    }))
}
