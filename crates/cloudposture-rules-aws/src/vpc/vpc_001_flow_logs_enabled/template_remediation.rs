//! The remediation of a VPC declared in a template: the flow log to add to that
//! template, in its language, attached to the VPC the way the template names it.

use cloudposture_core::Remediation;

use super::remediation::{Place, Target};
use super::settings::FlowLogSettings;
use crate::remediation::{CfnTemplate, Declared, Origin, TerraformConfig, cfn_logical_id, template_change};

/// A template has no region or account yet: the ARNs that need them say so.
const TEMPLATE_PLACE: Place<'static> = Place {
    region: "<REGION>",
    account: "<ACCOUNT_ID>",
};

/// The remediation of the VPC `id` declared in a template (`origin`): an
/// `AWS::EC2::FlowLog` with `ResourceId: !Ref MyVpc`, or an `aws_flow_log` with
/// `vpc_id = aws_vpc.main.id`, recording the traffic and going to the destination of the
/// settings (placeholders when not set), as [`remediation_for`](super::remediation_for)
/// gives for a live VPC. No command: there is nothing deployed to change.
pub(super) fn template_remediation_for(id: &str, origin: &Origin, settings: &FlowLogSettings) -> Remediation {
    let target = Target::of(TEMPLATE_PLACE, settings);
    let traffic = settings.traffic_type.to_create();
    let traffic = traffic.as_str();
    let role_note = match &target {
        Target::CloudWatchLogs { role, .. } => format!(
            "\nThe delivery role {role} must trust vpc-flow-logs.amazonaws.com and be allowed to write to the \
             log group."
        ),
        _ => String::new(),
    };
    match origin {
        Origin::Template(Declared::CloudFormation(vpc)) => {
            let where_to = vpc.where_to_write();
            let addition = CfnTemplate::addition()
                .comment(format!(
                    "Add this resource to the Resources of {where_to}.{role_note}"
                ))
                .resource(
                    cfn_logical_id("FlowLog", &vpc.logical_id),
                    "AWS::EC2::FlowLog",
                    target.cfn_properties(vpc.reference(), traffic),
                );
            Remediation {
                summary: format!(
                    "add an AWS::EC2::FlowLog with ResourceId !Ref {} to {where_to}, that {}",
                    vpc.logical_id,
                    target.records(traffic)
                ),
                snippets: vec![addition.snippet("CloudFormation: add to the template (YAML)")],
            }
        }
        Origin::Template(Declared::Terraform(vpc)) => {
            let where_to = vpc.where_to_write();
            let vpc_id = vpc.attribute("id");
            let config = TerraformConfig::new()
                .comment(format!("Add this resource to {where_to}.{role_note}"))
                .resource(
                    "aws_flow_log",
                    &vpc.block_name(),
                    target.terraform_attributes(vpc_id.clone(), traffic, TEMPLATE_PLACE),
                );
            Remediation {
                summary: format!(
                    "add an aws_flow_log with vpc_id = {vpc_id} to {where_to}, that {}",
                    target.records(traffic)
                ),
                snippets: vec![config.snippet("Terraform: add to the configuration")],
            }
        }
        Origin::Live | Origin::OtherTemplate => template_change(
            id,
            &format!(
                "add a flow log attached to the VPC that {}",
                target.records(traffic)
            ),
        ),
    }
}
