//! A default group of a template gets what to change in that template, in its language
//! alone: Terraform takes it over with no rules, CloudFormation cannot and says why.

use cloudposture_core::{Finding, SnippetKind};

use super::*;
use crate::ec2::test_support::declared_with;
use crate::remediation::test_support::only_snippet;

/// The finding of the default group `id` of `vpc`, declared in a template with AWS's rules.
fn declared(id: &str, vpc: &str) -> Finding {
    let group = SecurityGroup {
        region: String::new(),
        owner_id: String::new(),
        ..as_created(id, vpc)
    };
    let findings = run(
        DefaultSecurityGroupRestrictsAll,
        vec![declared_with::<SecurityGroups>(vec![group])],
    );
    assert_eq!(findings.len(), 1);
    findings.into_iter().next().unwrap()
}

#[test]
fn terraform_takes_over_the_implicit_default_group_of_its_vpc_with_no_rules() {
    let f = declared("aws_vpc.main.default_security_group_id", "aws_vpc.main");
    let hcl = only_snippet(&f, SnippetKind::Terraform);
    assert!(hcl.contains("vpc_id = aws_vpc.main.id\n"), "{hcl}");
    let body: serde_json::Value = hcl::from_str(hcl).unwrap();
    assert_eq!(
        body["resource"]["aws_default_security_group"]["main"],
        serde_json::json!({"vpc_id": "${aws_vpc.main.id}"}),
        "no ingress or egress block: {hcl}"
    );
    assert_eq!(
        f.remediation().unwrap().summary,
        "take over the default security group of aws_vpc.main with an aws_default_security_group that \
         declares no rules, in the configuration that declares aws_vpc.main; traffic between members of the \
         group stops"
    );
}

#[test]
fn a_declared_default_group_with_rules_is_declared_again_without_them() {
    let f = declared(
        "module.net.aws_default_security_group.this",
        "module.net.aws_vpc.this",
    );
    let hcl = only_snippet(&f, SnippetKind::Terraform);
    let body: serde_json::Value = hcl::from_str(hcl).unwrap();
    assert_eq!(
        body["resource"]["aws_default_security_group"]["this"],
        serde_json::json!({"vpc_id": "${aws_vpc.this.id}"}),
        "{hcl}"
    );
    assert!(hcl.contains("remove every ingress and egress block from aws_default_security_group.this"));
    assert!(hcl.contains("module called as module.net"), "{hcl}");
}

#[test]
fn cloudformation_says_it_cannot_empty_the_group_and_what_to_do_instead() {
    let f = declared("MyVpc.DefaultSecurityGroup", "MyVpc");
    let text = only_snippet(&f, SnippetKind::Cloudformation);
    assert!(text.lines().all(|l| l.starts_with("# ")), "only comments: {text}");
    assert!(text.contains("CloudFormation cannot empty a default security group"));
    assert!(
        text.contains("Remove the rules the template adds to it"),
        "{text}"
    );
    assert!(!text.contains("AWS CLI commands"), "{text}");
    assert!(
        f.remediation()
            .unwrap()
            .summary
            .starts_with("CloudFormation cannot empty MyVpc.DefaultSecurityGroup: remove the rules the template that declares MyVpc adds"),
        "{}",
        f.remediation().unwrap().summary
    );
}

#[test]
fn a_live_default_group_keeps_its_commands() {
    let f = judge_one(as_created("sg-0abc", "vpc-0abc"));
    assert_eq!(f.remediation().unwrap().snippets[0].kind, SnippetKind::Cli);
}

#[test]
fn a_template_default_group_gets_no_live_fix() {
    let f = declared("aws_vpc.main.default_security_group_id", "aws_vpc.main");
    assert!(f.resource.is_declared());
    assert_eq!(super::super::plan_fix(&f), Ok(None));
}
