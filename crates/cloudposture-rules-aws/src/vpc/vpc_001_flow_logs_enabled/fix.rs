//! Remediation that acts (`cloudposture fix`): the `ec2:CreateFlowLogs` action that
//! fixes one failing VPC.

use cloudposture_aws::fix::{CREATE_FLOW_LOGS, CreateFlowLogParams, FlowLogSpec};
use cloudposture_aws::{DestinationType, Vpcs};
use cloudposture_core::{Finding, FixAction, FixError, FixParameters, Kind, SCOPE_WIDE_ID, Status};

use super::metadata::VPC_001;
use super::settings::{Destination, FlowLogSettings};

fn fix_error(message: impl Into<String>) -> FixError {
    FixError {
        rule_id: VPC_001.id.to_string(),
        message: message.into(),
    }
}

/// The action that fixes one failing VPC-001 finding: a VPC-level flow log of the
/// `traffic_type` setting's traffic (ALL for `any`) to `remediation_destination`, with
/// `remediation_role_arn` as the delivery role (required for CloudWatch Logs, not allowed
/// for S3). The parameters are a [`CreateFlowLogParams`], with a client token derived from
/// the VPC and the destination so that a repeated run creates nothing twice.
///
/// `Ok(None)` for anything but a failing VPC of an account: passing, muted, skipped
/// (shared) and error findings (a region that could not be read) are never touched, and
/// a VPC declared in a template is fixed by changing the template (its remediation). A missing destination,
/// or a role that does not go with it, is an error, whatever the finding.
///
/// ```
/// use cloudposture_aws::kinds::Vpcs;
/// use cloudposture_core::{Kind, RiskLevel, RuleContext, ResourceRef, ScopeId};
/// use cloudposture_rules_aws::VPC_001;
/// use cloudposture_rules_aws::vpc::vpc_001_flow_logs_enabled::{Destination, FlowLogSettings, plan_fix};
///
/// let settings = FlowLogSettings {
///     remediation_destination: Some(Destination::parse("s3:arn:aws:s3:::flow-logs").unwrap()),
///     ..FlowLogSettings::default()
/// };
/// let scope = ScopeId::region(None, "eu-west-1");
/// let ctx = RuleContext::new(&VPC_001, &Vpcs::INFO, &settings, RiskLevel::Low, &scope);
/// let vpc = ResourceRef::new("aws.ec2.vpc", "vpc-0abc").in_region("eu-west-1");
/// let finding = ctx.finding(cloudposture_core::Status::Fail, vpc, "no flow log");
/// let action = plan_fix(&finding, &settings)?.expect("a failing VPC gets an action");
/// assert_eq!(action.operation, "ec2:CreateFlowLogs");
/// assert_eq!(action.summary, "create an ALL flow log on vpc-0abc (eu-west-1) to s3 arn:aws:s3:::flow-logs");
/// # Ok::<(), cloudposture_core::FixError>(())
/// ```
pub fn plan_fix(finding: &Finding, settings: &FlowLogSettings) -> Result<Option<FixAction>, FixError> {
    let region = finding.resource.region.as_deref().unwrap_or_default();
    // Checked whatever the finding, so that bad options fail before any VPC is looked at.
    let spec = fix_spec(region, settings)?;
    let resource = &finding.resource;
    if finding.rule.id != VPC_001.id
        || finding.status != Status::Fail
        || resource.kind != Vpcs::INFO.name
        || resource.id == SCOPE_WIDE_ID
        || resource.is_declared()
    {
        return Ok(None);
    }
    if region.is_empty() {
        return Err(fix_error(format!(
            "the finding for `{}` names no region",
            resource.id
        )));
    }
    let article = if spec.traffic_type == cloudposture_aws::TrafficType::Reject {
        "a"
    } else {
        "an"
    };
    let summary = format!(
        "create {article} {} flow log on {} ({region}) to {}",
        spec.traffic_type,
        resource.id,
        spec.destination_label()
    );
    let params = CreateFlowLogParams::new(resource.id.to_string(), spec);
    Ok(Some(FixAction {
        rule_id: VPC_001.id,
        resource: resource.clone(),
        summary,
        operation: CREATE_FLOW_LOGS,
        parameters: FixParameters::new(params),
    }))
}

/// The flow log a fix creates in `region`, from the settings.
fn fix_spec(region: &str, settings: &FlowLogSettings) -> Result<FlowLogSpec, FixError> {
    let destination = settings.remediation_destination.as_ref().ok_or_else(|| {
        fix_error(
            "no destination: pass --destination s3:arn:aws:s3:::BUCKET[/prefix] or cloud-watch-logs:GROUP \
             (or set `remediation_destination`)",
        )
    })?;
    let role = settings
        .remediation_role_arn
        .as_ref()
        .map(|r| r.as_str().to_string());
    let (destination_type, log_destination, log_group_name) = match destination {
        Destination::CloudWatchLogs(log_group) => {
            if role.is_none() {
                return Err(fix_error(format!(
                    "the cloud-watch-logs destination `{log_group}` needs a delivery role: pass --role-arn \
                     arn:aws:iam::ACCOUNT:role/NAME (or set `remediation_role_arn`)"
                )));
            }
            (DestinationType::CloudWatchLogs, None, Some(log_group.clone()))
        }
        Destination::S3(arn) => {
            if role.is_some() {
                return Err(fix_error(
                    "an s3 destination takes no delivery role: remove --role-arn (or `remediation_role_arn`)",
                ));
            }
            (DestinationType::S3, Some(arn.clone()), None)
        }
        Destination::Firehose(arn) => (DestinationType::KinesisDataFirehose, Some(arn.clone()), None),
    };
    Ok(FlowLogSpec {
        region: region.to_string(),
        traffic_type: settings.traffic_type.to_create(),
        destination_type,
        log_destination,
        log_group_name,
        deliver_logs_permission_arn: role,
    })
}
