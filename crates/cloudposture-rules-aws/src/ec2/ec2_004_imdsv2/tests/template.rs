//! An instance declared in a template gets the change to make in that template, in its
//! language alone.

use cloudposture_core::{Finding, SnippetKind};

use super::*;
use crate::ec2::test_support::declared_with;
use crate::remediation::test_support::only_snippet;

/// The finding of `id`, declared in a template with IMDSv1 allowed (AWS's default).
fn declared(id: &str) -> Finding {
    let scope = declared_with::<Instances>(vec![Instance {
        region: String::new(),
        owner_id: String::new(),
        ..v1_allowed(id)
    }]);
    let mut findings = run(InstancesRequireImdsV2, vec![scope]);
    assert_eq!(findings.len(), 1);
    findings.remove(0)
}

#[test]
fn a_cloudformation_instance_gets_metadata_options_on_its_own_logical_id() {
    let f = declared("LegacyServer");
    let yaml = only_snippet(&f, SnippetKind::Cloudformation);
    let doc: serde_json::Value = serde_norway::from_str(yaml).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({"Resources": {"LegacyServer": {
            "Type": "AWS::EC2::Instance",
            "Properties": {"MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"}}
        }}})
    );
    assert!(
        yaml.starts_with("# In the template that declares LegacyServer, set these"),
        "{yaml}"
    );
    assert_eq!(
        f.remediation().unwrap().summary,
        "in the template that declares LegacyServer, set MetadataOptions HttpTokens to required on its \
         AWS::EC2::Instance; IMDSv1 clients on the instance stop working"
    );
}

#[test]
fn a_terraform_instance_gets_a_metadata_options_block_in_its_resource() {
    for (id, name) in [
        ("aws_instance.v1", "v1"),
        ("module.app.aws_instance.web[0]", "web"),
    ] {
        let f = declared(id);
        let hcl = only_snippet(&f, SnippetKind::Terraform);
        let body: serde_json::Value = hcl::from_str(hcl).unwrap();
        assert_eq!(
            body["resource"]["aws_instance"][name]["metadata_options"],
            serde_json::json!({"http_tokens": "required", "http_endpoint": "enabled"}),
            "{hcl}"
        );
    }
    let counted = declared("module.app.aws_instance.web[0]");
    let hcl = only_snippet(&counted, SnippetKind::Terraform);
    assert!(hcl.contains("module called as module.app"), "{hcl}");
    assert!(hcl.contains("every instance of the resource gets it"), "{hcl}");
    assert!(
        hcl.contains("add the block to the launch template instead"),
        "{hcl}"
    );
    assert_eq!(
        declared("aws_instance.v1").remediation().unwrap().summary,
        "in the configuration that declares aws_instance.v1, add metadata_options with http_tokens = \
         \"required\" to it; IMDSv1 clients on the instance stop working"
    );
}

#[test]
fn a_live_instance_keeps_its_command() {
    let f = judge_one(v1_allowed("i-0abc"));
    assert_eq!(f.remediation().unwrap().snippets[0].kind, SnippetKind::Cli);
}

#[test]
fn a_template_instance_gets_no_live_fix() {
    let f = declared("aws_instance.v1");
    assert!(f.resource.is_declared());
    assert_eq!(super::super::plan_fix(&f), Ok(None));
}

/// The finding of the launch template `id`, declared in a template with IMDSv1 allowed.
fn launch_template(id: &str) -> Finding {
    let scope = declared_with::<Instances>(vec![Instance {
        region: String::new(),
        owner_id: String::new(),
        is_launch_template: true,
        ..v1_allowed(id)
    }]);
    let mut findings = run(InstancesRequireImdsV2, vec![scope]);
    assert_eq!(findings.len(), 1);
    findings.remove(0)
}

#[test]
fn a_cloudformation_launch_template_gets_metadata_options_in_its_launch_template_data() {
    let f = launch_template("WebTemplate");
    assert_eq!(
        f.message,
        "on the instances this launch template launches, IMDSv1 is allowed: HttpTokens is optional and the \
         metadata endpoint is enabled"
    );
    let yaml = only_snippet(&f, SnippetKind::Cloudformation);
    let doc: serde_json::Value = serde_norway::from_str(yaml).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({"Resources": {"WebTemplate": {
            "Type": "AWS::EC2::LaunchTemplate",
            "Properties": {"LaunchTemplateData": {
                "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"}
            }}
        }}})
    );
    assert!(
        f.remediation()
            .unwrap()
            .summary
            .contains("in the LaunchTemplateData of its AWS::EC2::LaunchTemplate"),
        "{}",
        f.remediation().unwrap().summary
    );
}

#[test]
fn a_terraform_launch_template_gets_a_metadata_options_block_in_its_resource() {
    let f = launch_template("aws_launch_template.web");
    let hcl = only_snippet(&f, SnippetKind::Terraform);
    let body: serde_json::Value = hcl::from_str(hcl).unwrap();
    assert_eq!(
        body["resource"],
        serde_json::json!({"aws_launch_template": {"web": {"metadata_options": {
            "http_tokens": "required", "http_endpoint": "enabled"
        }}}}),
        "{hcl}"
    );
    assert!(
        hcl.contains("to the launch template aws_launch_template.web"),
        "{hcl}"
    );
    assert!(!hcl.contains("aws_instance"), "{hcl}");
    assert_eq!(
        f.remediation().unwrap().summary,
        "in the configuration that declares aws_launch_template.web, add metadata_options with http_tokens = \
         \"required\" to the launch template; IMDSv1 clients on the instances it launches stop working"
    );
}

#[test]
fn a_passing_launch_template_says_it_is_one() {
    let scope = declared_with::<Instances>(vec![Instance {
        is_launch_template: true,
        ..instance("aws_launch_template.hardened", Some("required"), Some("enabled"))
    }]);
    let findings = run(InstancesRequireImdsV2, vec![scope]);
    assert_eq!(
        findings[0].message,
        "on the instances this launch template launches, IMDSv2 is required (HttpTokens is required)"
    );
}
