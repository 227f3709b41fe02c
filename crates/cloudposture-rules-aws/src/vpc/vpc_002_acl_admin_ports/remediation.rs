//! The ready-to-run remediation a failing VPC-002 finding carries: deny entries placed
//! just before the entries that let the administration ports in, built with the toolkit.

use std::collections::HashSet;

use cloudposture_aws::NetworkAcl;
use cloudposture_core::Remediation;
use hcl::Expression;

use super::evidence::{PortVerdict, opened_phrase};
use crate::ec2::admin_ports::{Transport, WORLD_IPV4, and_list, commented_cli};
use crate::remediation::{CfnTemplate, CliCommand, TerraformConfig, cfn_logical_id, terraform_name};

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
    let mut summary = format!(
        "add inbound deny entries to {} ({}) for {} from {}, each numbered just below the entry that allows \
         the traffic",
        acl.id,
        acl.region,
        opened_phrase(&open, ports),
        and_list(&cidrs)
    );
    if !no_room.is_empty() {
        summary.push_str(&format!(
            "; no rule number is free below the allowing entry for {}: renumber that entry, or narrow or remove \
             it",
            and_list(&no_room)
        ));
    }
    if entries.is_empty() {
        return Remediation {
            summary,
            snippets: Vec::new(),
        };
    }
    Remediation {
        summary,
        snippets: vec![
            cli(acl, &entries),
            cloudformation(acl, &entries).snippet("CloudFormation (YAML)"),
            terraform(acl, &entries).snippet("Terraform"),
        ],
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
    let mut template = CfnTemplate::new(format!(
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
    for e in entries {
        let cidr_property = if e.ipv4() { "CidrBlock" } else { "Ipv6CidrBlock" };
        template = template.resource(
            cfn_logical_id(&format!("DenyAdmin{}", e.rule_number), &acl.id),
            "AWS::EC2::NetworkAclEntry",
            [
                ("NetworkAclId", acl.id.as_str().into()),
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
    let mut config = TerraformConfig::new().comment(format!(
        "Adds inbound deny entries to {} just below the entries that allow the traffic (a network ACL \
         applies the first entry that matches).\nIf Terraform manages the ACL with inline ingress blocks, add \
         them as ingress blocks instead: the two forms conflict. Apply with the AWS provider configured for \
         region {}.",
        acl.id, acl.region
    ));
    for e in entries {
        let cidr_attribute = if e.ipv4() { "cidr_block" } else { "ipv6_cidr_block" };
        let attributes: [(&str, Expression); 8] = [
            ("network_acl_id", acl.id.as_str().into()),
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
            &terraform_name(&format!("{}_deny_{}", acl.id, e.rule_number)),
            attributes,
        );
    }
    config
}
