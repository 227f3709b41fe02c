//! A world-open group of a template gets the change to make in that template, in its
//! language alone: the offending rules named, and the same rules from `<ADMIN_CIDR>`
//! on the group as the template refers to it.

use cloudposture_core::{Finding, SnippetKind};

use super::*;
use crate::ec2::ec2_001_002_world_open_admin_ports::WorldFamily;
use crate::ec2::test_support::declared_with;
use crate::remediation::test_support::only_snippet;

/// The finding of `rule` for the group `id`, declared in a template with `ingress`.
fn declared(rule: SecurityGroupAdminPorts, id: &str, ingress: Vec<Permission>) -> Finding {
    let group = SecurityGroup {
        region: String::new(),
        owner_id: String::new(),
        ..group(id, ingress)
    };
    let findings = run_with(
        rule,
        vec![declared_with::<SecurityGroups>(vec![group])],
        json!({}),
    );
    assert_eq!(findings.len(), 1);
    findings.into_iter().next().unwrap()
}

#[test]
fn terraform_names_the_rule_to_remove_and_restricts_it_on_the_group_reference() {
    let f = declared(
        EC2_001,
        "aws_security_group.web",
        vec![tcp(22, &["0.0.0.0/0", "10.0.0.0/8"]), tcp(443, &["0.0.0.0/0"])],
    );
    let hcl = only_snippet(&f, SnippetKind::Terraform);
    assert!(
        hcl.contains("security_group_id = aws_security_group.web.id\n"),
        "{hcl}"
    );
    let body: serde_json::Value = hcl::from_str(hcl).unwrap();
    let rules = body["resource"]["aws_vpc_security_group_ingress_rule"]
        .as_object()
        .unwrap();
    assert_eq!(rules.len(), 1, "only the rule that opens an admin port: {hcl}");
    let rule = &rules["web_admin_1"];
    assert_eq!(rule["security_group_id"], "${aws_security_group.web.id}");
    assert_eq!(rule["ip_protocol"], "tcp");
    assert_eq!((&rule["from_port"], &rule["to_port"]), (&json!(22), &json!(22)));
    assert_eq!(rule["cidr_ipv4"], "<ADMIN_CIDR>");
    assert!(
        hcl.contains("remove the inbound tcp 22 from 0.0.0.0/0 of aws_security_group.web"),
        "{hcl}"
    );
    assert_eq!(
        f.remediation().unwrap().summary,
        "in the configuration that declares aws_security_group.web, remove the inbound tcp 22 from 0.0.0.0/0 \
         of aws_security_group.web and allow port 22 only from your administrators' network"
    );
}

#[test]
fn a_rule_on_an_implicit_default_group_is_restricted_through_its_vpc() {
    let f = declared(
        EC2_002,
        "aws_vpc.main.default_security_group_id",
        vec![all_traffic(&["::/0"])],
    );
    let body: serde_json::Value = hcl::from_str(only_snippet(&f, SnippetKind::Terraform)).unwrap();
    let rule = &body["resource"]["aws_vpc_security_group_ingress_rule"]["main_admin_1"];
    assert_eq!(
        rule["security_group_id"],
        "${aws_vpc.main.default_security_group_id}"
    );
    assert_eq!(rule["ip_protocol"], "-1");
    assert!(rule.get("from_port").is_none());
    assert_eq!(rule["cidr_ipv6"], "<ADMIN_IPV6_CIDR>");
}

#[test]
fn cloudformation_adds_ingress_from_the_admin_network_with_getatt_group_id() {
    let f = declared(
        EC2_001,
        "WebOnly",
        vec![permission("tcp", Some((0, 3389)), &["0.0.0.0/0"])],
    );
    let yaml = only_snippet(&f, SnippetKind::Cloudformation);
    assert!(yaml.contains("GroupId: !GetAtt WebOnly.GroupId\n"), "{yaml}");
    // The short tags read as YAML's own tagged values.
    let doc: serde_norway::Value = serde_norway::from_str(yaml).unwrap();
    let resources = doc["Resources"].as_mapping().unwrap();
    assert_eq!(resources.len(), 1);
    let ingress = &resources["AdminIngress1WebOnly"];
    assert_eq!(ingress["Type"], "AWS::EC2::SecurityGroupIngress");
    assert_eq!(ingress["Properties"]["CidrIp"], "<ADMIN_CIDR>");
    assert_eq!(ingress["Properties"]["FromPort"].as_u64(), Some(0));
    assert_eq!(ingress["Properties"]["ToPort"].as_u64(), Some(3389));
    assert!(
        yaml.contains("remove the inbound tcp 0-3389 from 0.0.0.0/0 of WebOnly"),
        "{yaml}"
    );

    let implicit = declared(
        EC2_001,
        "MyVpc.DefaultSecurityGroup",
        vec![tcp(22, &["0.0.0.0/0"])],
    );
    let yaml = only_snippet(&implicit, SnippetKind::Cloudformation);
    assert!(
        yaml.contains("GroupId: !GetAtt MyVpc.DefaultSecurityGroup\n"),
        "{yaml}"
    );
}

#[test]
fn a_live_group_keeps_its_revoke_command() {
    let f = judge(EC2_001, vec![tcp(22, &["0.0.0.0/0"])]);
    assert_eq!(f.remediation().unwrap().snippets[0].kind, SnippetKind::Cli);
}

#[test]
fn a_template_group_gets_no_live_fix() {
    let f = declared(EC2_001, "aws_security_group.web", vec![tcp(22, &["0.0.0.0/0"])]);
    assert!(f.resource.is_declared());
    assert_eq!(super::super::plan_fix(&f, WorldFamily::Ipv4), Ok(None));
}
