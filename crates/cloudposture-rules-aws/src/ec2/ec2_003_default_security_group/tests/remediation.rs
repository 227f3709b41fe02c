//! The remediation a failing default group carries: revoke commands that name every
//! rule, Terraform that empties it, and no CloudFormation that would not work.

use cloudposture_core::{Remediation, SnippetKind};
use serde_json::json;

use super::*;
use crate::ec2::ec2_003_default_security_group::remediation_for;

/// The `--flag value` pairs of a CLI snippet, as the shell would pass them.
fn cli_args(content: &str, operation: &str) -> Vec<(String, String)> {
    let words = shell_words::split(content).unwrap();
    assert_eq!(words[..3], ["aws", "ec2", operation]);
    words[3..]
        .chunks(2)
        .map(|p| (p[0].clone(), p[1].clone()))
        .collect()
}

fn arg<'a>(args: &'a [(String, String)], flag: &str) -> &'a str {
    &args.iter().find(|(f, _)| f == flag).unwrap().1
}

fn snippets(r: &Remediation, kind: SnippetKind) -> Vec<&str> {
    r.snippets
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| s.content.as_str())
        .collect()
}

#[test]
fn failing_findings_carry_revoke_commands_with_every_rule() {
    let mut g = as_created("sg-0abc", "vpc-0abc");
    g.egress.push(ports("tcp", 443, 443, &["::/0"]));
    let f = judge_one(g);
    let r = f.remediation().unwrap();
    assert_eq!(
        r.summary,
        "revoke all 3 rules of the default security group of vpc-0abc (sg-0abc) in eu-west-1; traffic \
         between members of the group stops"
    );
    let cli = snippets(r, SnippetKind::Cli);
    assert_eq!(cli.len(), 2, "one command per direction");
    let inbound = cli_args(cli[0], "revoke-security-group-ingress");
    assert_eq!(arg(&inbound, "--region"), REGION);
    assert_eq!(arg(&inbound, "--group-id"), "sg-0abc");
    let permissions: serde_json::Value = serde_json::from_str(arg(&inbound, "--ip-permissions")).unwrap();
    assert_eq!(
        permissions,
        json!([{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-0abc"}]}])
    );
    let outbound = cli_args(cli[1], "revoke-security-group-egress");
    let permissions: serde_json::Value = serde_json::from_str(arg(&outbound, "--ip-permissions")).unwrap();
    assert_eq!(
        permissions,
        json!([
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        ])
    );
}

#[test]
fn a_direction_without_rules_gets_no_command() {
    let mut g = group("sg-1", "default", "vpc-1");
    g.ingress = vec![from_group("-1", "sg-1")];
    let r = remediation_for(&g);
    let cli = snippets(&r, SnippetKind::Cli);
    assert_eq!(cli.len(), 1);
    assert!(
        cli[0].starts_with("aws ec2 revoke-security-group-ingress"),
        "{}",
        cli[0]
    );
}

#[test]
fn prefix_lists_and_other_accounts_groups_are_revoked_by_their_ids() {
    let mut g = group("sg-1", "default", "vpc-1");
    let mut p = ports("tcp", 22, 22, &["10.0.0.0/8"]);
    p.prefix_list_ids = vec!["pl-1".to_string()];
    p.groups = vec![cloudposture_aws::GroupPair {
        group_id: "sg-9".to_string(),
        user_id: Some("444455556666".to_string()),
    }];
    g.ingress = vec![p];
    let r = remediation_for(&g);
    let args = cli_args(snippets(&r, SnippetKind::Cli)[0], "revoke-security-group-ingress");
    let permissions: serde_json::Value = serde_json::from_str(arg(&args, "--ip-permissions")).unwrap();
    assert_eq!(
        permissions,
        json!([{
            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
            "PrefixListIds": [{"PrefixListId": "pl-1"}],
            "UserIdGroupPairs": [{"GroupId": "sg-9", "UserId": "444455556666"}],
        }])
    );
}

#[test]
fn terraform_adopts_the_group_and_declares_no_rules() {
    let r = remediation_for(&as_created("sg-0abc", "vpc-0abc"));
    let tf = snippets(&r, SnippetKind::Terraform);
    assert_eq!(tf.len(), 1);
    let body: hcl::Body = hcl::from_str(tf[0]).unwrap();
    let blocks: Vec<&hcl::Block> = body.blocks().collect();
    assert_eq!(blocks.len(), 1);
    let labels: Vec<&str> = blocks[0].labels().iter().map(|l| l.as_str()).collect();
    assert_eq!(labels, ["aws_default_security_group", "sg_0abc"]);
    let inner = blocks[0].body();
    assert_eq!(inner.blocks().count(), 0, "no ingress or egress block: {}", tf[0]);
    let attributes: Vec<(&str, String)> = inner
        .attributes()
        .map(|a| (a.key(), a.expr().to_string()))
        .collect();
    assert_eq!(attributes, [("vpc_id", "\"vpc-0abc\"".to_string())]);
    assert!(tf[0].contains("removes every rule it has"), "{}", tf[0]);
    assert!(
        tf[0].contains("terraform import aws_default_security_group.sg_0abc sg-0abc"),
        "{}",
        tf[0]
    );
    assert!(
        tf[0].contains("Traffic between members of the group stops."),
        "{}",
        tf[0]
    );
    assert!(tf[0].contains(REGION), "{}", tf[0]);
}

#[test]
fn cloudformation_is_explained_not_offered() {
    let r = remediation_for(&as_created("sg-0abc", "vpc-0abc"));
    let cfn = snippets(&r, SnippetKind::Cloudformation);
    assert_eq!(cfn.len(), 1);
    assert!(
        cfn[0].lines().all(|l| l.starts_with("# ")),
        "only an explanation, no template: {}",
        cfn[0]
    );
    assert!(cfn[0].contains("CloudFormation cannot empty a default security group"));
}
