//! A network ACL of a template gets the change to make in that template, in its
//! language alone: the allowing entries named, and the deny entries on the ACL as the
//! template refers to it.

use cloudposture_core::SnippetKind;

use super::*;
use crate::remediation::test_support::only_snippet;

/// The finding of `acl` renamed `id`, declared in a template.
fn declared(id: &str, acl: NetworkAcl) -> Finding {
    let acl = NetworkAcl {
        id: id.to_string(),
        region: String::new(),
        owner_id: String::new(),
        ..acl
    };
    let scope = crate::remediation::test_support::declared::<NetworkAcls>(vec![acl]);
    let findings = run_with(vec![scope], json!({"ports": [22]}));
    assert_eq!(findings.len(), 1);
    findings.into_iter().next().unwrap()
}

#[test]
fn terraform_names_the_allowing_entry_and_denies_below_it_on_the_acl_reference() {
    let f = declared(
        "aws_network_acl.open",
        custom(vec![entry(100, "6", "allow", "0.0.0.0/0", Some((0, 1024)))]),
    );
    let hcl = only_snippet(&f, SnippetKind::Terraform);
    assert!(
        hcl.contains("network_acl_id = aws_network_acl.open.id\n"),
        "{hcl}"
    );
    assert!(
        hcl.contains(
            "entry 100 of aws_network_acl.open lets tcp port 22 from 0.0.0.0/0 in: narrow or remove it"
        ),
        "{hcl}"
    );
    let body: serde_json::Value = hcl::from_str(hcl).unwrap();
    let rule = &body["resource"]["aws_network_acl_rule"]["open_deny_99"];
    assert_eq!(rule["network_acl_id"], "${aws_network_acl.open.id}");
    assert_eq!(rule["rule_number"], 99);
    assert_eq!(rule["rule_action"], "deny");
    assert_eq!(rule["cidr_block"], "0.0.0.0/0");
    assert!(
        f.remediation()
            .unwrap()
            .summary
            .starts_with("in the configuration that declares aws_network_acl.open, add inbound deny entries"),
        "{}",
        f.remediation().unwrap().summary
    );
}

#[test]
fn the_implicit_default_acl_is_reached_through_its_vpc() {
    let f = declared("aws_vpc.main.default_network_acl_id", default_acl(false));
    let hcl = only_snippet(&f, SnippetKind::Terraform);
    let body: serde_json::Value = hcl::from_str(hcl).unwrap();
    let rules = body["resource"]["aws_network_acl_rule"].as_object().unwrap();
    assert_eq!(rules.len(), 2, "tcp and udp: {hcl}");
    assert!(
        rules
            .values()
            .all(|r| r["network_acl_id"] == "${aws_vpc.main.default_network_acl_id}")
    );
    assert!(
        hcl.contains("the default ACL's entry 100, which AWS creates, lets"),
        "{hcl}"
    );

    let f = declared("MyVpc.DefaultNetworkAcl", default_acl(false));
    let yaml = only_snippet(&f, SnippetKind::Cloudformation);
    assert!(
        yaml.contains("NetworkAclId: !GetAtt MyVpc.DefaultNetworkAcl\n"),
        "{yaml}"
    );
}

#[test]
fn cloudformation_adds_network_acl_entries_that_ref_the_acl() {
    let f = declared("Acl", custom(vec![entry(100, "-1", "allow", "0.0.0.0/0", None)]));
    let yaml = only_snippet(&f, SnippetKind::Cloudformation);
    assert!(yaml.contains("NetworkAclId: !Ref Acl\n"), "{yaml}");
    let doc: serde_norway::Value = serde_norway::from_str(yaml).unwrap();
    let resources = doc["Resources"].as_mapping().unwrap();
    assert_eq!(resources.len(), 2, "tcp and udp: {yaml}");
    assert!(
        resources
            .values()
            .all(|r| r["Type"] == "AWS::EC2::NetworkAclEntry" && r["Properties"]["RuleAction"] == "deny")
    );
    assert!(doc.get("AWSTemplateFormatVersion").is_none());
}

#[test]
fn a_live_acl_keeps_its_commands() {
    let f = judge(custom(vec![entry(100, "-1", "allow", "0.0.0.0/0", None)]));
    assert_eq!(f.remediation().unwrap().snippets[0].kind, SnippetKind::Cli);
}

#[test]
fn a_template_acl_has_no_live_fix_to_plan() {
    let f = declared("Acl", custom(vec![entry(100, "-1", "allow", "0.0.0.0/0", None)]));
    let plan = cloudposture_core::FixPlan::from_findings([&f], |_| panic!("never asked")).unwrap();
    assert!(plan.actions.is_empty());
    assert!(
        plan.not_planned[0]
            .reason
            .starts_with("declared in a template (infra/main.tf:10)")
    );
}
