//! The ready-to-run remediation a failing EC2-004 finding carries, built with the
//! toolkit from the instance itself.

use cloudposture_aws::Instance;
use cloudposture_core::{Remediation, ScopeId, Snippet};
use hcl::{Block, Expression};
use serde_json::json;

use crate::remediation::{
    CfnResource, CfnTemplate, CliCommand, Declared, Origin, TerraformConfig, TfAddress, cfn_logical_id,
    template_change, terraform_name,
};

const WARNING: &str = "Software on the instance that still uses IMDSv1 (old AWS SDKs and CLIs, scripts that \
    call 169.254.169.254 without a token) stops getting metadata and credentials.";

/// The remediation for `instance`: the AWS CLI command that requires IMDSv2 on it, the
/// `MetadataOptions` that its CloudFormation `AWS::EC2::Instance` or the
/// `AWS::EC2::LaunchTemplate` it is launched from should declare, and Terraform's
/// `metadata_options` block.
///
/// ```
/// use cloudposture_aws::{Instance, MetadataOptions};
/// use cloudposture_rules_aws::ec2::ec2_004_imdsv2::remediation_for;
///
/// let instance = Instance {
///     id: "i-0abc".into(),
///     region: "eu-west-1".into(),
///     owner_id: "123456789012".into(),
///     state: "running".into(),
///     instance_type: None,
///     vpc_id: None,
///     subnet_id: None,
///     image_id: None,
///     metadata_options: None,
///     tags: Default::default(),
///     is_launch_template: false,
/// };
/// let cli = &remediation_for(&instance).snippets[0].content;
/// assert!(cli.contains("--instance-id i-0abc"));
/// assert!(cli.contains("--http-tokens required"));
/// ```
pub fn remediation_for(instance: &Instance) -> Remediation {
    let summary = format!(
        "require IMDSv2 on {} in {}; IMDSv1 clients on the instance stop working",
        instance.id, instance.region
    );
    let cli = CliCommand::aws("ec2", "modify-instance-metadata-options")
        .arg("--region", &instance.region)
        .arg("--instance-id", &instance.id)
        .arg("--http-tokens", "required")
        .arg("--http-endpoint", "enabled");
    Remediation {
        summary,
        snippets: vec![
            cli.snippet("AWS CLI"),
            cloudformation_instance(instance)
                .snippet("CloudFormation: the instance's MetadataOptions (YAML)"),
            cloudformation_launch_template(instance).snippet("CloudFormation: a launch template (YAML)"),
            terraform(instance).snippet("Terraform"),
        ],
    }
}

/// The remediation of `instance` judged in `scope`: for an instance declared in a
/// template, only the change to that template, in its language
/// (`MetadataOptions: {HttpTokens: required}` on its `AWS::EC2::Instance`, or a
/// `metadata_options` block in its `aws_instance`; for a launch template judged as the
/// instances it launches, the same in its `LaunchTemplateData` or `aws_launch_template`);
/// [`remediation_for`] otherwise.
pub(super) fn remediation_in(scope: &ScopeId, instance: &Instance) -> Remediation {
    let (summary, snippet) = match Origin::of(scope, &instance.id) {
        Origin::Live => return remediation_for(instance),
        Origin::OtherTemplate => {
            return template_change(
                &instance.id,
                "set its metadata options to require IMDSv2 (HttpTokens required)",
            );
        }
        Origin::Template(Declared::CloudFormation(declared)) if instance.is_launch_template => {
            cloudformation_in_launch_template(&declared)
        }
        Origin::Template(Declared::Terraform(declared)) if instance.is_launch_template => {
            terraform_in_launch_template(&declared)
        }
        Origin::Template(Declared::CloudFormation(declared)) => {
            let where_to = declared.where_to_write();
            let change = CfnTemplate::addition()
                .comment(format!(
                    "In {where_to}, set these MetadataOptions in its Properties, keeping its other \
                     properties;\nthe change needs no interruption. If it has no MetadataOptions of \
                     its own and takes them from an AWS::EC2::LaunchTemplate,\nset them in the launch \
                     template's LaunchTemplateData instead: every instance launched from it gets them.\n\
                     {WARNING}"
                ))
                .resource(
                    &declared.logical_id,
                    "AWS::EC2::Instance",
                    [("MetadataOptions", metadata_options())],
                );
            (
                format!(
                    "in {where_to}, set MetadataOptions HttpTokens to required on its AWS::EC2::Instance; \
                     IMDSv1 clients on the instance stop working"
                ),
                change.snippet("CloudFormation: change in the template (YAML)"),
            )
        }
        Origin::Template(Declared::Terraform(declared)) => {
            let where_to = declared.where_to_write();
            let count = match declared.index {
                Some(_) => " (every instance of the resource gets it)",
                None => "",
            };
            let resource = with_metadata_options(&declared.resource_type, &declared.name);
            let change = TerraformConfig::new()
                .comment(format!(
                    "In {where_to}, add this metadata_options block to {}{count}, keeping its other \
                     arguments;\nTerraform changes the instance in place. If it has no metadata_options \
                     of its own and takes them from an aws_launch_template,\nadd the block to the launch \
                     template instead: every instance launched from it gets it.\n{WARNING}",
                    declared.local()
                ))
                .block(resource);
            (
                format!(
                    "in {where_to}, add metadata_options with http_tokens = \"required\" to it; IMDSv1 \
                     clients on the instance stop working"
                ),
                change.snippet("Terraform: change in the configuration"),
            )
        }
    };
    Remediation {
        summary,
        snippets: vec![snippet],
    }
}

const LAUNCHED_AFTERWARDS: &str = "Instances launched from it afterwards require IMDSv2 (an Auto Scaling group's \
    new instances, once it uses the new version); those already running keep their options.";

/// `MetadataOptions` in the `LaunchTemplateData` of the launch template `declared`.
fn cloudformation_in_launch_template(declared: &CfnResource) -> (String, Snippet) {
    let where_to = declared.where_to_write();
    let change = CfnTemplate::addition()
        .comment(format!(
            "In {where_to}, set these MetadataOptions in its LaunchTemplateData, keeping its other \
             properties.\n{LAUNCHED_AFTERWARDS}\n{WARNING}"
        ))
        .resource(
            &declared.logical_id,
            "AWS::EC2::LaunchTemplate",
            [(
                "LaunchTemplateData",
                json!({ "MetadataOptions": metadata_options() }),
            )],
        );
    (
        format!(
            "in {where_to}, set MetadataOptions HttpTokens to required in the LaunchTemplateData of its \
             AWS::EC2::LaunchTemplate; IMDSv1 clients on the instances it launches stop working"
        ),
        change.snippet("CloudFormation: change in the template (YAML)"),
    )
}

/// A `metadata_options` block in the `aws_launch_template` `declared`.
fn terraform_in_launch_template(declared: &TfAddress) -> (String, Snippet) {
    let where_to = declared.where_to_write();
    let change = TerraformConfig::new()
        .comment(format!(
            "In {where_to}, add this metadata_options block to the launch template {}, keeping its other \
             arguments.\n{LAUNCHED_AFTERWARDS}\n{WARNING}",
            declared.local()
        ))
        .block(with_metadata_options(&declared.resource_type, &declared.name));
    (
        format!(
            "in {where_to}, add metadata_options with http_tokens = \"required\" to the launch template; \
             IMDSv1 clients on the instances it launches stop working"
        ),
        change.snippet("Terraform: change in the configuration"),
    )
}

fn metadata_options() -> serde_json::Value {
    json!({ "HttpTokens": "required", "HttpEndpoint": "enabled" })
}

fn cloudformation_instance(instance: &Instance) -> CfnTemplate {
    CfnTemplate::new(format!(
        "IMDSv2 required on {} (cloudposture EC2-004)",
        instance.id
    ))
    .comment(format!(
        "In the stack that declares {}, add these MetadataOptions to its AWS::EC2::Instance, keeping its \
             other properties;\nthe change needs no interruption. {WARNING}",
        instance.id
    ))
    .resource(
        cfn_logical_id("Instance", &instance.id),
        "AWS::EC2::Instance",
        [("MetadataOptions", metadata_options())],
    )
}

fn cloudformation_launch_template(instance: &Instance) -> CfnTemplate {
    CfnTemplate::new("Launch template that requires IMDSv2 (cloudposture EC2-004)")
        .comment(
            "For instances launched from a launch template (e.g. by an Auto Scaling group), set \
             MetadataOptions in its LaunchTemplateData:\ninstances launched from it afterwards require \
             IMDSv2; those already running keep their options (use the AWS CLI command for them).",
        )
        .resource(
            cfn_logical_id("LaunchTemplate", &instance.id),
            "AWS::EC2::LaunchTemplate",
            [(
                "LaunchTemplateData",
                json!({ "MetadataOptions": metadata_options() }),
            )],
        )
}

/// `resource "TYPE" "NAME" { metadata_options { … } }`.
fn with_metadata_options(resource_type: &str, name: &str) -> Block {
    let options = Block::builder("metadata_options")
        .add_attribute(("http_tokens", Expression::from("required")))
        .add_attribute(("http_endpoint", Expression::from("enabled")))
        .build();
    Block::builder("resource")
        .add_label(resource_type)
        .add_label(name)
        .add_block(options)
        .build()
}

fn terraform(instance: &Instance) -> TerraformConfig {
    let resource = with_metadata_options("aws_instance", &terraform_name(&instance.id));
    TerraformConfig::new()
        .comment(format!(
            "In the configuration that manages {} (region {}), add this metadata_options block to its\n\
             aws_instance, keeping its other arguments; Terraform changes the instance in place.\nThe same \
             block in an aws_launch_template applies to instances launched from it afterwards.\n{WARNING}",
            instance.id, instance.region
        ))
        .block(resource)
}
