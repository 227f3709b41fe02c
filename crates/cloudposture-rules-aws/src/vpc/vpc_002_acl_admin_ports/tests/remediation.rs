//! The deny entries a failing ACL's remediation adds: free rule numbers just below the
//! allowing entry, in each snippet language, read back by its parser.

use cloudposture_core::{Remediation, SnippetKind};

use super::*;
use crate::ec2::admin_ports::parsed;

fn remediation(acl: NetworkAcl) -> Remediation {
    judge(acl).remediation().unwrap().clone()
}

/// The `--flag value` pairs of one `create-network-acl-entry` command.
fn flags(words: &[String]) -> Vec<(String, String)> {
    assert_eq!(
        words[..4],
        ["aws", "ec2", "create-network-acl-entry", "--ingress"]
    );
    words[4..]
        .chunks(2)
        .map(|p| (p[0].clone(), p[1].clone()))
        .collect()
}

fn flag<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    &pairs.iter().find(|(f, _)| f == name).unwrap().1
}

#[test]
fn a_default_acl_gets_a_deny_per_port_and_protocol_just_below_entry_100() {
    let r = remediation(default_acl(false));
    assert_eq!(
        r.summary,
        "add inbound deny entries to acl-0def (eu-west-1) for tcp and udp ports 22 and 3389 from 0.0.0.0/0, each \
         numbered just below the entry that allows the traffic"
    );
    let (commands, comments) = parsed::cli(&r);
    let got: Vec<(String, String, String)> = commands
        .iter()
        .map(|c| {
            let f = flags(c);
            (
                flag(&f, "--rule-number").to_string(),
                flag(&f, "--protocol").to_string(),
                flag(&f, "--port-range").to_string(),
            )
        })
        .collect();
    let expected = [
        ("99", "tcp", "From=22,To=22"),
        ("98", "udp", "From=22,To=22"),
        ("97", "tcp", "From=3389,To=3389"),
        ("96", "udp", "From=3389,To=3389"),
    ];
    assert_eq!(
        got,
        expected.map(|(n, p, r)| (n.to_string(), p.to_string(), r.to_string()))
    );
    let first = flags(&commands[0]);
    assert_eq!(
        first,
        [
            ("--region", "eu-west-1"),
            ("--network-acl-id", "acl-0def"),
            ("--rule-number", "99"),
            ("--protocol", "tcp"),
            ("--port-range", "From=22,To=22"),
            ("--cidr-block", "0.0.0.0/0"),
            ("--rule-action", "deny"),
        ]
        .map(|(f, v)| (f.to_string(), v.to_string()))
    );
    assert_eq!(
        comments[0],
        "Denies tcp 22 from 0.0.0.0/0 as rule 99, just before entry 100 that allows it."
    );
}

#[test]
fn used_rule_numbers_are_skipped_and_ipv6_uses_its_own_flags() {
    let r = remediation(custom(vec![
        entry(98, "6", "allow", "10.0.0.0/8", Some((22, 22))),
        entry(99, "6", "deny", "0.0.0.0/0", Some((80, 80))),
        entry(100, "6", "allow", "::/0", Some((22, 22))),
    ]));
    let (commands, _) = parsed::cli(&r);
    assert_eq!(commands.len(), 1);
    let f = flags(&commands[0]);
    assert_eq!(flag(&f, "--rule-number"), "97");
    assert_eq!(flag(&f, "--ipv6-cidr-block"), "::/0");
    assert!(f.iter().all(|(name, _)| name != "--cidr-block"));

    let template = parsed::cloudformation(&r);
    assert_eq!(
        template["Resources"]["DenyAdmin97Acl0abc"],
        json!({"Type": "AWS::EC2::NetworkAclEntry", "Properties": {
            "NetworkAclId": "acl-0abc", "RuleNumber": 97, "Protocol": 6, "RuleAction": "deny",
            "Egress": false, "Ipv6CidrBlock": "::/0", "PortRange": {"From": 22, "To": 22}}})
    );
    let config = parsed::terraform(&r);
    assert_eq!(
        config["resource"]["aws_network_acl_rule"]["acl_0abc_deny_97"],
        json!({"network_acl_id": "acl-0abc", "rule_number": 97, "egress": false, "protocol": "tcp",
               "rule_action": "deny", "ipv6_cidr_block": "::/0", "from_port": 22, "to_port": 22})
    );
}

#[test]
fn snippets_say_what_they_do_and_where_to_apply_them() {
    let r = remediation(default_acl(true));
    let yaml = parsed::snippet(&r, SnippetKind::Cloudformation);
    assert!(
        yaml.starts_with("# Adds inbound deny entries to acl-0def just below"),
        "{yaml}"
    );
    assert!(
        yaml.contains("aws cloudformation deploy --region eu-west-1"),
        "{yaml}"
    );
    let hcl = parsed::snippet(&r, SnippetKind::Terraform);
    assert!(hcl.contains("inline ingress blocks"), "{hcl}");
    assert!(hcl.contains("configured for region eu-west-1"), "{hcl}");
    // IPv4 denies go below entry 100, IPv6 ones below 101, each on a number of its own.
    let template = parsed::cloudformation(&r);
    let mut numbers: Vec<(i64, String)> = template["Resources"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| {
            let p = &r["Properties"];
            let cidr = p.get("CidrBlock").or(p.get("Ipv6CidrBlock")).unwrap();
            (
                p["RuleNumber"].as_i64().unwrap(),
                cidr.as_str().unwrap().to_string(),
            )
        })
        .collect();
    numbers.sort();
    let (v4, v6) = ("0.0.0.0/0".to_string(), "::/0".to_string());
    assert_eq!(
        numbers,
        [
            (92, v6.clone()),
            (93, v6.clone()),
            (94, v4.clone()),
            (95, v4.clone()),
            (96, v6.clone()),
            (97, v6),
            (98, v4.clone()),
            (99, v4),
        ]
    );
    assert!(r.summary.contains("from 0.0.0.0/0 and ::/0"), "{}", r.summary);
}

#[test]
fn with_no_free_rule_number_below_the_allow_the_summary_says_so() {
    let r = judge_with(
        custom(vec![entry(1, "6", "allow", "0.0.0.0/0", Some((22, 22)))]),
        json!({"ports": [22]}),
    )
    .remediation()
    .unwrap()
    .clone();
    assert_eq!(
        r.summary,
        "add inbound deny entries to acl-0abc (eu-west-1) for tcp port 22 from 0.0.0.0/0, each numbered just \
         below the entry that allows the traffic; no rule number is free below the allowing entry for tcp 22 \
         from 0.0.0.0/0 (entry 1 allows it): renumber that entry, or narrow or remove it"
    );
    assert!(r.snippets.is_empty());
}
