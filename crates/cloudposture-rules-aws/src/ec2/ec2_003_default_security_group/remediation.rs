//! The ready-to-run remediation a failing EC2-003 finding carries: the revoke commands
//! with every rule the group has, and the Terraform that adopts and empties it.

use cloudposture_aws::SecurityGroup;
use cloudposture_core::{Remediation, ScopeId, Snippet, SnippetKind};
use hcl::Expression;

use super::evidence::{group_label, rule_count};
use crate::remediation::{
    CfnResource, Declared, Direction, Origin, TerraformConfig, TfAddress, revoke_command, template_change,
    terraform_name,
};

/// Why CloudFormation cannot empty the group, as the findings say it.
const NO_CLOUDFORMATION: &str = "\
CloudFormation cannot empty a default security group: it can add rules to it
(AWS::EC2::SecurityGroupIngress or SecurityGroupEgress with its GroupId), but no resource
removes the rules AWS created, and the group itself cannot be declared (a security group
named `default` cannot be created).";

/// What a live group's owner can do instead.
const LIVE_INSTEAD: &str = " Revoke the rules with the AWS CLI commands, or adopt
the group with Terraform's aws_default_security_group.";

/// What a template's author can do instead.
const TEMPLATE_INSTEAD: &str = "
Remove the rules the template adds to it; once the stack is deployed, revoke the rules
AWS created (a live scan's EC2-003 finding carries the commands), or record an exception
for this finding.";

/// `text` as `# ` comment lines: a snippet that explains instead of doing.
fn comment_lines(text: &str) -> String {
    text.lines().map(|line| format!("# {line}\n")).collect()
}

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
        content: comment_lines(&format!("{NO_CLOUDFORMATION}{LIVE_INSTEAD}")),
    });
    Remediation { summary, snippets }
}

/// The remediation of `group` judged in `scope`: for a group of a template, only what
/// to change in that template (Terraform: an `aws_default_security_group` of its VPC
/// that declares no rules; CloudFormation: why it cannot, and what to do instead);
/// [`remediation_for`] otherwise.
pub(super) fn remediation_in(scope: &ScopeId, group: &SecurityGroup) -> Remediation {
    match Origin::of(scope, &group.id) {
        Origin::Live => remediation_for(group),
        Origin::Template(Declared::CloudFormation(declared)) => in_cloudformation(&declared),
        Origin::Template(Declared::Terraform(declared)) => in_terraform(group, &declared),
        Origin::OtherTemplate => {
            template_change(&group.id, "declare the default security group with no rules")
        }
    }
}

fn in_cloudformation(declared: &CfnResource) -> Remediation {
    Remediation {
        summary: format!(
            "CloudFormation cannot empty {declared}: remove the rules {} adds to it, and revoke the rules AWS \
             created once the stack is deployed (or record an exception)",
            declared.where_to_write()
        ),
        snippets: vec![Snippet {
            kind: SnippetKind::Cloudformation,
            title: "CloudFormation (not possible)".to_string(),
            content: comment_lines(&format!("{NO_CLOUDFORMATION}{TEMPLATE_INSTEAD}")),
        }],
    }
}

fn in_terraform(group: &SecurityGroup, declared: &TfAddress) -> Remediation {
    let where_to = declared.where_to_write();
    // The group's VPC as the module refers to it (`aws_vpc.main.id`); a VPC of another
    // module, or one that is not an address, is named for the author to fill in.
    let vpc: Option<Expression> = group.vpc_id.as_deref().map(|vpc| {
        let local = vpc.rsplit_once(':').map_or(vpc, |(_, local)| local);
        match TfAddress::parse(local) {
            Some(address) if address.modules == declared.modules => address.attribute("id"),
            _ => format!("<ID OF {vpc}>").into(),
        }
    });
    let (name, change, summary) = match declared.implicit {
        Some(_) => (
            declared.block_name(),
            format!(
                "Add this resource to {where_to}: aws_default_security_group takes over the default group of \
                 {} and\nremoves every rule it has; this declares no ingress or egress block, so it is left \
                 with none.",
                declared.local()
            ),
            format!(
                "take over the default security group of {} with an aws_default_security_group that declares \
                 no rules, in {where_to}",
                declared.local()
            ),
        ),
        None => (
            declared.name.clone(),
            format!(
                "In {where_to}, remove every ingress and egress block from {}: declared with none, the group is \
                 left with none.",
                declared.local()
            ),
            format!(
                "remove every ingress and egress block of {} in {where_to}",
                declared.local()
            ),
        ),
    };
    let comment = format!(
        "{change}\nAlso remove the aws_security_group_rule, aws_vpc_security_group_ingress_rule and \
         aws_vpc_security_group_egress_rule resources that add rules to it.\nTraffic between members of the \
         group stops."
    );
    let config = TerraformConfig::new().comment(comment).resource(
        "aws_default_security_group",
        &name,
        vpc.map(|vpc| ("vpc_id", vpc)),
    );
    Remediation {
        summary: format!("{summary}; traffic between members of the group stops"),
        snippets: vec![config.snippet("Terraform: change in the configuration")],
    }
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
