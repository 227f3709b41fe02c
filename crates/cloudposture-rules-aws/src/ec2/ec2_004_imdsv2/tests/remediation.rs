//! The remediation a failing instance carries, read back by the parsers of each language.

use cloudposture_core::{Remediation, SnippetKind};

use super::*;
use crate::ec2::ec2_004_imdsv2::remediation_for;

fn snippets(r: &Remediation, kind: SnippetKind) -> Vec<&str> {
    r.snippets
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| s.content.as_str())
        .collect()
}

#[test]
fn the_cli_command_requires_imdsv2_on_the_instance() {
    let f = judge_one(v1_allowed("i-0abc"));
    let r = f.remediation().unwrap();
    assert_eq!(
        r.summary,
        "require IMDSv2 on i-0abc in eu-west-1; IMDSv1 clients on the instance stop working"
    );
    let cli = snippets(r, SnippetKind::Cli);
    assert_eq!(cli.len(), 1);
    let words = shell_words::split(cli[0]).unwrap();
    assert_eq!(
        words,
        [
            "aws",
            "ec2",
            "modify-instance-metadata-options",
            "--region",
            "eu-west-1",
            "--instance-id",
            "i-0abc",
            "--http-tokens",
            "required",
            "--http-endpoint",
            "enabled"
        ]
    );
}

#[test]
fn cloudformation_sets_metadata_options_on_the_instance_and_launch_template() {
    let r = remediation_for(&v1_allowed("i-0abc"));
    let cfn = snippets(&r, SnippetKind::Cloudformation);
    assert_eq!(cfn.len(), 2);
    let instance: serde_json::Value = serde_norway::from_str(cfn[0]).unwrap();
    let resource = &instance["Resources"]["InstanceI0abc"];
    assert_eq!(resource["Type"], "AWS::EC2::Instance");
    assert_eq!(
        resource["Properties"]["MetadataOptions"],
        serde_json::json!({"HttpTokens": "required", "HttpEndpoint": "enabled"})
    );
    assert!(cfn[0].contains("In the stack that declares i-0abc"), "{}", cfn[0]);
    assert!(cfn[0].contains("stops getting metadata"), "{}", cfn[0]);
    let template: serde_json::Value = serde_norway::from_str(cfn[1]).unwrap();
    let resource = &template["Resources"]["LaunchTemplateI0abc"];
    assert_eq!(resource["Type"], "AWS::EC2::LaunchTemplate");
    assert_eq!(
        resource["Properties"]["LaunchTemplateData"]["MetadataOptions"]["HttpTokens"],
        "required"
    );
}

#[test]
fn terraform_adds_a_metadata_options_block() {
    let r = remediation_for(&v1_allowed("i-0abc"));
    let tf = snippets(&r, SnippetKind::Terraform);
    assert_eq!(tf.len(), 1);
    let body: hcl::Body = hcl::from_str(tf[0]).unwrap();
    let resource = body.blocks().next().unwrap();
    let labels: Vec<&str> = resource.labels().iter().map(|l| l.as_str()).collect();
    assert_eq!(labels, ["aws_instance", "i_0abc"]);
    let options = resource.body().blocks().next().unwrap();
    assert_eq!(options.identifier(), "metadata_options");
    let attributes: Vec<(&str, String)> = options
        .body()
        .attributes()
        .map(|a| (a.key(), a.expr().to_string()))
        .collect();
    assert_eq!(
        attributes,
        [
            ("http_tokens", "\"required\"".to_string()),
            ("http_endpoint", "\"enabled\"".to_string())
        ]
    );
    assert!(tf[0].contains("manages i-0abc (region eu-west-1)"), "{}", tf[0]);
}
