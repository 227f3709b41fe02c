//! The ready-to-run remediation a failing VPC-002 finding carries: deny entries placed
//! just before the entries that let the administration ports in, built with the toolkit.

use std::collections::HashSet;

use cloudposture_aws::NetworkAcl;
use cloudposture_core::{Remediation, ScopeId};
use hcl::Expression;

use super::evidence::{PortVerdict, opened_phrase};
use crate::ec2::admin_ports::{Transport, WORLD_IPV4, and_list, commented_cli};
use crate::remediation::{
    CfnTemplate, CliCommand, Declared, Origin, TerraformConfig, cfn_logical_id, inline_blocks_conflict,
    template_change, terraform_name,
};

/// Rule numbers go from 1 to 32766 (32767 is the final `*` entry).
const FIRST_RULE_NUMBER: i32 = 1;

/// A deny entry to add, before the entry that lets the traffic in.
struct DenyEntry<'a> {
    rule_number: i32,
    transport: Transport,
    port: u16,
    cidr: &'a str,
    before: i32,
}

impl DenyEntry<'_> {
    fn ipv4(&self) -> bool {
        self.cidr == WORLD_IPV4
    }

    fn what(&self) -> String {
        format!("{} {} from {}", self.transport.name(), self.port, self.cidr)
    }
}

/// The ready-to-run remediation for `acl`, whose open `verdicts` let administration
/// ports in: for each open port, protocol and world range, an inbound `deny` entry
/// numbered with the highest free rule number below the entry that allows it (so that
/// it changes nothing for the entries before), as AWS CLI commands, a CloudFormation
/// template (`AWS::EC2::NetworkAclEntry`) and Terraform (`aws_network_acl_rule`). Where
/// no number is free below the allowing entry, the summary says so and no entry is
/// written for it.
pub fn remediation_for(acl: &NetworkAcl, verdicts: &[PortVerdict], ports: &[u16]) -> Remediation {
    let planned = Planned::of(acl, verdicts, ports);
    let summary = planned.summary(&format!(
        "add inbound deny entries to {} ({}) for {}",
        acl.id, acl.region, planned.what
    ));
    if planned.entries.is_empty() {
        return Remediation {
            summary,
            snippets: Vec::new(),
        };
    }
    Remediation {
        summary,
        snippets: vec![
            cli(acl, &planned.entries),
            cloudformation(acl, &planned.entries).snippet("CloudFormation (YAML)"),
            terraform(acl, &planned.entries).snippet("Terraform"),
        ],
    }
}

/// The deny entries that close what an ACL lets in, and what could not get one.
struct Planned<'a> {
    entries: Vec<DenyEntry<'a>>,
    /// `tcp 22 from 0.0.0.0/0 (entry 100 allows it)`, for each that has no free number.
    no_room: Vec<String>,
    /// `port 22 (tcp) from 0.0.0.0/0`: what gets in.
    what: String,
    /// The rule numbers of the entries that let it in, lowest first.
    allowing: Vec<i32>,
}

impl<'a> Planned<'a> {
    fn of(acl: &NetworkAcl, verdicts: &'a [PortVerdict], ports: &[u16]) -> Self {
        let mut used: HashSet<i32> = acl.inbound().iter().map(|e| e.rule_number).collect();
        let mut entries = Vec::new();
        let mut no_room = Vec::new();
        let open: Vec<&PortVerdict> = verdicts.iter().filter(|v| v.open).collect();
        for v in &open {
            let Some(before) = v.decided_by.as_ref().map(|e| e.rule_number) else {
                continue;
            };
            let free = (FIRST_RULE_NUMBER..before).rev().find(|n| !used.contains(n));
            let entry = DenyEntry {
                rule_number: free.unwrap_or_default(),
                transport: v.protocol,
                port: v.port,
                cidr: &v.cidr,
                before,
            };
            match free {
                Some(n) => {
                    used.insert(n);
                    entries.push(entry);
                }
                None => no_room.push(format!("{} (entry {before} allows it)", entry.what())),
            }
        }
        // `0.0.0.0/0` sorts before `::/0`.
        let mut cidrs: Vec<String> = open.iter().map(|v| v.cidr.clone()).collect();
        cidrs.sort();
        cidrs.dedup();
        let mut allowing: Vec<i32> = open
            .iter()
            .filter_map(|v| v.decided_by.as_ref().map(|e| e.rule_number))
            .collect();
        allowing.sort_unstable();
        allowing.dedup();
        Planned {
            entries,
            no_room,
            what: format!("{} from {}", opened_phrase(&open, ports), and_list(&cidrs)),
            allowing,
        }
    }

    /// `start`, then where the entries go and what could not get one.
    fn summary(&self, start: &str) -> String {
        let mut summary = format!("{start}, each numbered just below the entry that allows the traffic");
        if !self.no_room.is_empty() {
            summary.push_str(&format!(
                "; no rule number is free below the allowing entry for {}: renumber that entry, or narrow or \
                 remove it",
                and_list(&self.no_room)
            ));
        }
        summary
    }

    /// `entry 100`, `entries 90 and 100`.
    fn allowing_phrase(&self) -> String {
        let numbers: Vec<String> = self.allowing.iter().map(i32::to_string).collect();
        let word = if numbers.len() == 1 { "entry" } else { "entries" };
        format!("{word} {}", and_list(&numbers))
    }
}

/// The remediation of `acl` judged in `scope`: for an ACL of a template, only the change
/// to that template, in its language: the allowing entries named, and the deny entries
/// as `AWS::EC2::NetworkAclEntry` with `NetworkAclId: !Ref MyAcl` or
/// `aws_network_acl_rule` with `network_acl_id = aws_network_acl.main.id`;
/// [`remediation_for`] otherwise.
pub(super) fn remediation_in(
    scope: &ScopeId,
    acl: &NetworkAcl,
    verdicts: &[PortVerdict],
    ports: &[u16],
) -> Remediation {
    let planned = Planned::of(acl, verdicts, ports);
    let what = &planned.what;
    let declared = match Origin::of(scope, &acl.id) {
        Origin::Live => return remediation_for(acl, verdicts, ports),
        Origin::OtherTemplate => {
            return template_change(
                &acl.id,
                &format!("deny inbound {what} before the entries that allow it"),
            );
        }
        Origin::Template(declared) => declared,
    };
    let where_to = declared.where_to_write();
    let allowing = planned.allowing_phrase();
    let (lets, them) = if planned.allowing.len() == 1 {
        ("lets", "it")
    } else {
        ("let", "them")
    };
    let change = match declared.implicit() {
        Some(_) => format!("the default ACL's {allowing}, which AWS creates, {lets} {what} in: add"),
        None => format!("{allowing} of {declared} {lets} {what} in: narrow or remove {them}, or add"),
    };
    let comment = format!(
        "In {where_to}, {change} these deny entries just below {them}\n(a network ACL applies the first entry \
         that matches)."
    );
    let name = declared.to_string();
    let snippet = match &declared {
        Declared::CloudFormation(acl) => {
            let template = CfnTemplate::addition().comment(comment);
            cfn_entries(template, acl.reference(), &name, &planned.entries)
                .snippet("CloudFormation: add to the template (YAML)")
        }
        Declared::Terraform(acl) => {
            let config = TerraformConfig::new()
                .comment(format!("{comment}\n{}", inline_blocks_conflict("ACL", "entries")));
            terraform_entries(config, acl.attribute("id"), &acl.block_name(), &planned.entries)
                .snippet("Terraform: add to the configuration")
        }
    };
    Remediation {
        summary: planned.summary(&format!(
            "in {where_to}, add inbound deny entries to {declared} for {what}"
        )),
        snippets: if planned.entries.is_empty() {
            Vec::new()
        } else {
            vec![snippet]
        },
    }
}

fn cli(acl: &NetworkAcl, entries: &[DenyEntry<'_>]) -> cloudposture_core::Snippet {
    let commands: Vec<(String, CliCommand)> = entries
        .iter()
        .map(|e| {
            let comment = format!(
                "Denies {} as rule {}, just before entry {} that allows it.",
                e.what(),
                e.rule_number,
                e.before
            );
            let cidr_flag = if e.ipv4() {
                "--cidr-block"
            } else {
                "--ipv6-cidr-block"
            };
            let command = CliCommand::new(["aws", "ec2", "create-network-acl-entry", "--ingress"])
                .arg("--region", &acl.region)
                .arg("--network-acl-id", &acl.id)
                .arg("--rule-number", e.rule_number.to_string())
                .arg("--protocol", e.transport.name())
                .arg("--port-range", format!("From={0},To={0}", e.port))
                .arg(cidr_flag, e.cidr)
                .arg("--rule-action", "deny");
            (comment, command)
        })
        .collect();
    commented_cli("AWS CLI", &commands)
}

fn cloudformation(acl: &NetworkAcl, entries: &[DenyEntry<'_>]) -> CfnTemplate {
    let deploy = CliCommand::aws("cloudformation", "deploy")
        .arg("--region", &acl.region)
        .arg("--stack-name", format!("{}-deny-admin-ports", acl.id))
        .arg("--template-file", "deny-admin-ports.yaml");
    let template = CfnTemplate::new(format!(
        "Deny remote administration ports from the internet on {} (cloudposture VPC-002)",
        acl.id
    ))
    .comment(format!(
        "Adds inbound deny entries to {} just below the entries that allow the traffic (a network ACL \
         applies the first entry that matches).\nIf CloudFormation manages the ACL, add them to its stack \
         instead. Deploy in {}, e.g.:\n  {}",
        acl.id,
        acl.region,
        deploy.to_line()
    ));
    cfn_entries(template, acl.id.as_str().into(), &acl.id, entries)
}

/// `template` with an `AWS::EC2::NetworkAclEntry` of the ACL (its id as the template
/// writes it) for each entry.
fn cfn_entries(
    mut template: CfnTemplate,
    acl: serde_json::Value,
    name: &str,
    entries: &[DenyEntry<'_>],
) -> CfnTemplate {
    for e in entries {
        let cidr_property = if e.ipv4() { "CidrBlock" } else { "Ipv6CidrBlock" };
        template = template.resource(
            cfn_logical_id(&format!("DenyAdmin{}", e.rule_number), name),
            "AWS::EC2::NetworkAclEntry",
            [
                ("NetworkAclId", acl.clone()),
                ("RuleNumber", e.rule_number.into()),
                ("Protocol", e.transport.number().into()),
                ("RuleAction", "deny".into()),
                ("Egress", false.into()),
                (cidr_property, e.cidr.into()),
                ("PortRange", serde_json::json!({"From": e.port, "To": e.port})),
            ],
        );
    }
    template
}

fn terraform(acl: &NetworkAcl, entries: &[DenyEntry<'_>]) -> TerraformConfig {
    let config = TerraformConfig::new().comment(format!(
        "Adds inbound deny entries to {} just below the entries that allow the traffic (a network ACL \
         applies the first entry that matches).\nIf Terraform manages the ACL with inline ingress blocks, add \
         them as ingress blocks instead: the two forms conflict. Apply with the AWS provider configured for \
         region {}.",
        acl.id, acl.region
    ));
    terraform_entries(config, acl.id.as_str().into(), &acl.id, entries)
}

/// `config` with an `aws_network_acl_rule` of the ACL (its id as the configuration
/// writes it) for each entry.
fn terraform_entries(
    mut config: TerraformConfig,
    acl: Expression,
    name: &str,
    entries: &[DenyEntry<'_>],
) -> TerraformConfig {
    for e in entries {
        let cidr_attribute = if e.ipv4() { "cidr_block" } else { "ipv6_cidr_block" };
        let attributes: [(&str, Expression); 8] = [
            ("network_acl_id", acl.clone()),
            ("rule_number", e.rule_number.into()),
            ("egress", false.into()),
            ("protocol", e.transport.name().into()),
            ("rule_action", "deny".into()),
            (cidr_attribute, e.cidr.into()),
            ("from_port", e.port.into()),
            ("to_port", e.port.into()),
        ];
        config = config.resource(
            "aws_network_acl_rule",
            &terraform_name(&format!("{name}_deny_{}", e.rule_number)),
            attributes,
        );
    }
    config
}
