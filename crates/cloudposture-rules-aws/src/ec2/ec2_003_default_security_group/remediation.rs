//! The ready-to-run remediation a failing EC2-003 finding carries: the revoke commands
//! with every rule the group has, and the Terraform that adopts and empties it.

use cloudposture_aws::SecurityGroup;
use cloudposture_core::{Remediation, Snippet, SnippetKind};

use super::evidence::{group_label, rule_count};
use crate::remediation::{Direction, TerraformConfig, revoke_command, terraform_name};

/// Why no CloudFormation snippet is offered, as the finding says it.
const NO_CLOUDFORMATION: &str = "\
CloudFormation cannot empty a default security group: it can add rules to it
(AWS::EC2::SecurityGroupIngress or SecurityGroupEgress with its GroupId), but no resource
removes the rules AWS created, and the group itself cannot be declared (a security group
named `default` cannot be created). Revoke the rules with the AWS CLI commands, or adopt
the group with Terraform's aws_default_security_group.";

/// The remediation for `group`: an AWS CLI revoke command for its inbound rules and one
/// for its outbound rules (each only when it has some), with every permission it has
/// written as `--ip-permissions` JSON; a Terraform `aws_default_security_group` that
/// declares no rules; and why CloudFormation cannot do it.
///
/// ```
/// use cloudposture_aws::{GroupPair, Permission, SecurityGroup};
/// use cloudposture_rules_aws::ec2::ec2_003_default_security_group::remediation_for;
///
/// let group = SecurityGroup {
///     id: "sg-0abc".into(),
///     name: "default".into(),
///     description: "default VPC security group".into(),
///     vpc_id: Some("vpc-0abc".into()),
///     region: "eu-west-1".into(),
///     owner_id: "123456789012".into(),
///     ingress: vec![Permission {
///         protocol: "-1".into(),
///         from_port: None,
///         to_port: None,
///         ipv4_ranges: vec![],
///         ipv6_ranges: vec![],
///         prefix_list_ids: vec![],
///         groups: vec![GroupPair { group_id: "sg-0abc".into(), user_id: None }],
///     }],
///     egress: vec![],
///     tags: Default::default(),
/// };
/// let cli = &remediation_for(&group).snippets[0].content;
/// assert!(cli.starts_with("aws ec2 revoke-security-group-ingress"));
/// assert!(cli.contains(r#"'[{"IpProtocol":"-1","UserIdGroupPairs":[{"GroupId":"sg-0abc"}]}]'"#));
/// ```
pub fn remediation_for(group: &SecurityGroup) -> Remediation {
    let total = rule_count(&group.ingress) + rule_count(&group.egress);
    let summary = format!(
        "revoke all {total} {} of {} ({}) in {}; traffic between members of the group stops",
        if total == 1 { "rule" } else { "rules" },
        group_label(group),
        group.id,
        group.region
    );
    let mut snippets = Vec::new();
    if !group.ingress.is_empty() {
        snippets.push(
            revoke_command(Direction::Ingress, &group.region, &group.id, &group.ingress)
                .snippet("AWS CLI (inbound rules)"),
        );
    }
    if !group.egress.is_empty() {
        snippets.push(
            revoke_command(Direction::Egress, &group.region, &group.id, &group.egress)
                .snippet("AWS CLI (outbound rules)"),
        );
    }
    snippets.push(terraform(group).snippet("Terraform"));
    snippets.push(Snippet {
        kind: SnippetKind::Cloudformation,
        title: "CloudFormation (not possible)".to_string(),
        content: NO_CLOUDFORMATION
            .lines()
            .map(|line| format!("# {line}\n"))
            .collect(),
    });
    Remediation { summary, snippets }
}

fn terraform(group: &SecurityGroup) -> TerraformConfig {
    let mut comment = format!(
        "Apply with the AWS provider configured for region {}.\n\
         aws_default_security_group adopts the existing default group (Terraform never creates or deletes \
         one)\nand removes every rule it has: this declares no ingress or egress block, so it is left with \
         none.\nTraffic between members of the group stops.",
        group.region
    );
    let name = terraform_name(&group.id);
    comment.push_str(&format!(
        "\nIf the group is already in your state, import it instead of adding a second resource:\n  \
         terraform import aws_default_security_group.{name} {}",
        group.id
    ));
    let attributes: Vec<(&str, String)> = group.vpc_id.iter().map(|vpc| ("vpc_id", vpc.clone())).collect();
    TerraformConfig::new()
        .comment(comment)
        .resource("aws_default_security_group", &name, attributes)
}
