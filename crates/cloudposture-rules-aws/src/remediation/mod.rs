//! The remediation toolkit every rule shares: what a failing finding carries, built as
//! data and written by the crates of each language, so that no rule quotes by hand.
//!
//! - [`CliCommand`]: an AWS CLI command (program, subcommand, `--flag value` pairs),
//!   written with POSIX shell quoting (`shell-words`).
//! - [`CfnTemplate`]: CloudFormation resources, written as YAML (`serde_norway`) or JSON
//!   (`serde_json`).
//! - [`TerraformConfig`]: Terraform blocks built with `hcl-rs`'s builders, written by it.
//! - [`PolicyDocument`]: IAM policy documents as serde structs, written as JSON.
//! - [`Origin`]: whether a finding's resource comes from an account, a CloudFormation
//!   template or Terraform, and how a template refers to it (`!Ref MyVpc`,
//!   `aws_vpc.main.id`). A finding from a template gets the change to make in that
//!   template, in its language alone: there is nothing deployed for a command to change.
//!
//! A rule builds its remediation from the resource it judged (the model, not only its
//! reference): the VPC's id, region and owner are what the snippets name.
//!
//! ```
//! use cloudposture_rules_aws::remediation::{CfnTemplate, CliCommand, TerraformConfig};
//!
//! let cli = CliCommand::aws("ec2", "create-flow-logs")
//!     .arg("--resource-ids", "vpc-0abc")
//!     .arg("--log-group-name", "<LOG_GROUP_NAME>");
//! assert_eq!(
//!     cli.to_line(),
//!     "aws ec2 create-flow-logs --resource-ids vpc-0abc --log-group-name '<LOG_GROUP_NAME>'"
//! );
//!
//! let template = CfnTemplate::new("Flow log of vpc-0abc").resource(
//!     "FlowLog",
//!     "AWS::EC2::FlowLog",
//!     [("ResourceId", "vpc-0abc".into())],
//! );
//! assert!(template.to_yaml().contains("ResourceId: vpc-0abc"));
//!
//! let terraform = TerraformConfig::new().resource(
//!     "aws_flow_log",
//!     "vpc_0abc",
//!     [("vpc_id", "vpc-0abc")],
//! );
//! assert!(terraform.to_hcl().contains(r#"resource "aws_flow_log" "vpc_0abc" {"#));
//! ```

mod cli;
mod cloudformation;
mod iam;
mod origin;
mod security_group;
mod terraform;

pub use cli::CliCommand;
pub use cloudformation::{CfnTemplate, cfn_logical_id};
pub use iam::{OneOrMany, PolicyDocument, Principal, Statement};
pub use origin::{
    CfnResource, Declared, Implicit, Origin, TfAddress, TfIndex, inline_blocks_conflict, template_change,
};
pub use security_group::{Direction, revoke_command};
pub use terraform::{TerraformConfig, terraform_name};

/// Comment lines (`# …`) before a snippet: each line of `comments`, then `content`.
fn with_comments(comments: &[String], content: String) -> String {
    let mut out = String::new();
    for comment in comments {
        for line in comment.lines() {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str(&content);
    out
}

#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;
