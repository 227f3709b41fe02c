//! The ready-to-run remediation a failing EC2-001 or EC2-002 finding carries: the
//! revoke of exactly the world ranges that open administration ports, and the same
//! rules restricted to the administrators' network, built with the toolkit.

use cloudposture_aws::{Permission, SecurityGroup};
use cloudposture_core::{Remediation, ScopeId};
use hcl::Expression;

use super::WorldFamily;
use super::evidence::{OpenPermission, all_opened_ports};
use crate::ec2::admin_ports::{IpProtocol, and_list, commented_cli, ports_phrase};
use crate::remediation::{
    CfnTemplate, CliCommand, Declared, Direction, Origin, TerraformConfig, cfn_logical_id,
    inline_blocks_conflict, revoke_command, template_change, terraform_name,
};

const ADMIN_CIDR: &str = "<ADMIN_CIDR>";
const ADMIN_IPV6_CIDR: &str = "<ADMIN_IPV6_CIDR>";

/// The ready-to-run remediation for `group`, whose inbound permissions `open` open
/// administration ports to `family`'s world range: an AWS CLI command that revokes
/// exactly those ranges (the permissions' other sources stay), and the same rules
/// allowed only from `<ADMIN_CIDR>` (`<ADMIN_IPV6_CIDR>`) as CloudFormation
/// `AWS::EC2::SecurityGroupIngress` and Terraform `aws_vpc_security_group_ingress_rule`
/// resources. The group id and region are filled in.
pub fn remediation_for(group: &SecurityGroup, family: WorldFamily, open: &[OpenPermission]) -> Remediation {
    let world = family.cidr();
    let rules: Vec<String> = open.iter().map(OpenPermission::label).collect();
    let ports = ports_phrase(&all_opened_ports(open));
    let summary = format!(
        "revoke inbound {} from {world} on {} ({}) and allow {ports} only from your administrators' network",
        and_list(&rules),
        group.id,
        group.region
    );
    let revoke: Vec<Permission> = open
        .iter()
        .map(|o| o.to_revoke(family == WorldFamily::Ipv6))
        .collect();
    let comment = format!(
        "Revokes the inbound rules of {} that open {ports} to {world}: only their {world} range, their \
         other sources stay.\nWhoever reaches these ports from the internet through this group is cut \
         off; give administrators another way in first (a known network, a VPN or Session Manager).",
        group.id
    );
    Remediation {
        summary,
        snippets: vec![
            commented_cli(
                "AWS CLI",
                &[(
                    comment,
                    revoke_command(Direction::Ingress, &group.region, &group.id, &revoke),
                )],
            ),
            cloudformation(group, family, open).snippet("CloudFormation (YAML)"),
            terraform(group, family, open).snippet("Terraform"),
        ],
    }
}

/// `-1`, `tcp` or `udp`, as CloudFormation and Terraform take it.
fn protocol_name(raw: &str) -> &str {
    match IpProtocol::parse(raw) {
        IpProtocol::All => "-1",
        IpProtocol::Transport(t) => t.name(),
        IpProtocol::Other => raw,
    }
}

/// The restricted rules' source, and the property or attribute that names it.
fn source(family: WorldFamily) -> (&'static str, &'static str, &'static str) {
    match family {
        WorldFamily::Ipv4 => ("CidrIp", "cidr_ipv4", ADMIN_CIDR),
        WorldFamily::Ipv6 => ("CidrIpv6", "cidr_ipv6", ADMIN_IPV6_CIDR),
    }
}

/// The restricted rules' description. AWS allows letters, digits, spaces and `._-:/()#,@[]+=&;{}!$*`
/// in it: no apostrophe.
fn description(family: WorldFamily) -> String {
    format!(
        "Remote administration from the admin network instead of {} (cloudposture {})",
        family.cidr(),
        family.metadata().id
    )
}

fn cloudformation(group: &SecurityGroup, family: WorldFamily, open: &[OpenPermission]) -> CfnTemplate {
    let (_, _, placeholder) = source(family);
    let deploy = CliCommand::aws("cloudformation", "deploy")
        .arg("--region", &group.region)
        .arg("--stack-name", format!("{}-admin-ingress", group.id))
        .arg("--template-file", "admin-ingress.yaml");
    let template = CfnTemplate::new(format!(
        "Remote administration to {} from the administrators' network only (cloudposture {})",
        group.id,
        family.metadata().id
    ))
    .comment(format!(
        "Allows the same traffic only from your administrators' network once the {} rules are revoked: \
         replace {placeholder} with that network's CIDR.\nIf CloudFormation manages {}, change the {} \
         source of its rule in that stack instead.\nDeploy in {}, e.g.:\n  {}",
        family.cidr(),
        group.id,
        family.cidr(),
        group.region,
        deploy.to_line()
    ));
    cfn_ingress(template, group.id.as_str().into(), &group.id, family, open)
}

/// `template` with one `AWS::EC2::SecurityGroupIngress` of `group` (its id as the
/// template writes it) per permission of `open`, allowed only from the placeholder.
fn cfn_ingress(
    mut template: CfnTemplate,
    group: serde_json::Value,
    name: &str,
    family: WorldFamily,
    open: &[OpenPermission],
) -> CfnTemplate {
    let (property, _, placeholder) = source(family);
    for (n, o) in open.iter().enumerate() {
        let mut properties: Vec<(&str, serde_json::Value)> = vec![
            ("GroupId", group.clone()),
            ("IpProtocol", protocol_name(&o.protocol).into()),
        ];
        properties.extend(o.from_port.map(|p| ("FromPort", p.into())));
        properties.extend(o.to_port.map(|p| ("ToPort", p.into())));
        properties.push((property, placeholder.into()));
        properties.push(("Description", description(family).into()));
        template = template.resource(
            cfn_logical_id(&format!("AdminIngress{}", n + 1), name),
            "AWS::EC2::SecurityGroupIngress",
            properties,
        );
    }
    template
}

fn terraform(group: &SecurityGroup, family: WorldFamily, open: &[OpenPermission]) -> TerraformConfig {
    let (_, _, placeholder) = source(family);
    let config = TerraformConfig::new().comment(format!(
        "Allows the same traffic only from your administrators' network once the {} rules are revoked: \
         replace {placeholder} with that network's CIDR.\nIf Terraform manages {}, change the {} source \
         of its rule instead. Apply with the AWS provider configured for region {}.",
        family.cidr(),
        group.id,
        family.cidr(),
        group.region
    ));
    terraform_ingress(config, group.id.as_str().into(), &group.id, family, open)
}

/// `config` with one `aws_vpc_security_group_ingress_rule` of `group` (its id as the
/// configuration writes it) per permission of `open`, allowed only from the placeholder.
fn terraform_ingress(
    mut config: TerraformConfig,
    group: Expression,
    name: &str,
    family: WorldFamily,
    open: &[OpenPermission],
) -> TerraformConfig {
    let (_, attribute, placeholder) = source(family);
    for (n, o) in open.iter().enumerate() {
        let mut attributes: Vec<(&str, Expression)> = vec![
            ("security_group_id", group.clone()),
            ("ip_protocol", protocol_name(&o.protocol).into()),
        ];
        // Terraform refuses ports on a rule of all protocols; AWS lists none for it.
        attributes.extend(o.from_port.map(|p| ("from_port", p.into())));
        attributes.extend(o.to_port.map(|p| ("to_port", p.into())));
        attributes.push((attribute, placeholder.into()));
        attributes.push(("description", description(family).into()));
        config = config.resource(
            "aws_vpc_security_group_ingress_rule",
            &terraform_name(&format!("{name}_admin_{}", n + 1)),
            attributes,
        );
    }
    config
}

/// The remediation of `group` judged in `scope`: for a group of a template, only the
/// change to that template, in its language: remove the world-open rules (named) and
/// add the same ones from `<ADMIN_CIDR>`, as `AWS::EC2::SecurityGroupIngress` with
/// `GroupId: !GetAtt WebSg.GroupId` or `aws_vpc_security_group_ingress_rule` with
/// `security_group_id = aws_security_group.web.id`; [`remediation_for`] otherwise.
pub(super) fn remediation_in(
    scope: &ScopeId,
    group: &SecurityGroup,
    family: WorldFamily,
    open: &[OpenPermission],
) -> Remediation {
    let world = family.cidr();
    let (_, _, placeholder) = source(family);
    let rules = and_list(&open.iter().map(OpenPermission::label).collect::<Vec<_>>());
    let ports = ports_phrase(&all_opened_ports(open));
    let declared = match Origin::of(scope, &group.id) {
        Origin::Live => return remediation_for(group, family, open),
        Origin::OtherTemplate => {
            return template_change(
                &group.id,
                &format!(
                    "remove the inbound {rules} from {world} and allow {ports} only from your administrators' \
                     network"
                ),
            );
        }
        Origin::Template(declared) => declared,
    };
    let where_to = declared.where_to_write();
    let forms = match &declared {
        Declared::CloudFormation(_) => {
            "an entry of its SecurityGroupIngress, or the AWS::EC2::SecurityGroupIngress that adds it"
        }
        Declared::Terraform(_) => {
            "an ingress block of the group, or the aws_security_group_rule or \
             aws_vpc_security_group_ingress_rule that adds it"
        }
    };
    let comment = format!(
        "In {where_to}, remove the inbound {rules} from {world} of {declared}\n({forms}); keep the rules' \
         other sources.\nThese allow {ports} only from your administrators' network instead: replace \
         {placeholder} with its CIDR."
    );
    let name = declared.to_string();
    let snippet = match &declared {
        Declared::CloudFormation(group) => {
            let template = CfnTemplate::addition().comment(comment);
            cfn_ingress(template, group.get_att("GroupId"), &name, family, open)
                .snippet("CloudFormation: change in the template (YAML)")
        }
        Declared::Terraform(group) => {
            let config = TerraformConfig::new()
                .comment(format!("{comment}\n{}", inline_blocks_conflict("group", "rules")));
            terraform_ingress(config, group.attribute("id"), &group.block_name(), family, open)
                .snippet("Terraform: change in the configuration")
        }
    };
    Remediation {
        summary: format!(
            "in {where_to}, remove the inbound {rules} from {world} of {declared} and allow {ports} only from \
             your administrators' network"
        ),
        snippets: vec![snippet],
    }
}
