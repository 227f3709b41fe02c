//! Terraform `dynamic` blocks, and instances that take the metadata options of their
//! launch template (Terraform and CloudFormation), judged by the real rules.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod common;

use cloudposture_core::Status;
use common::{at, finding, scan_rules as scan, status};

#[test]
fn dynamic_ingress_blocks_are_expanded_for_each_element() {
    let (loaded, report) = scan("terraform/dynamic", &["EC2-001", "VPC-002"]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    // for_each = [22, 443]: port 22 open to 0.0.0.0/0.
    let open = finding(&report, "EC2-001", "aws_security_group.open");
    assert_eq!(
        (open.status, at(open)),
        (Status::Fail, "terraform/dynamic/main.tf:10".to_string()),
        "{}",
        open.message
    );
    // A map with `iterator = rule`: 443 only.
    let web = finding(&report, "EC2-001", "aws_security_group.web");
    assert_eq!(web.status, Status::Pass, "{}", web.message);
    // In a network ACL, `rule_no = 100 + ingress.key`.
    let acl = finding(&report, "VPC-002", "aws_network_acl.open");
    assert_eq!(
        (acl.status, at(acl)),
        (Status::Fail, "terraform/dynamic/main.tf:43".to_string())
    );
}

#[test]
fn a_dynamic_block_whose_for_each_is_unknown_is_named_never_passed() {
    let (_, report) = scan("terraform/dynamic_unresolved", &["EC2-001"]);
    let groups = finding(&report, "EC2-001", "*");
    assert_eq!(groups.status, Status::Error);
    assert!(
        groups.message.contains(
            "aws_security_group.open (",
        ) && groups.message.contains(
            "main.tf:5): dynamic \"ingress\" for_each = var.ports cannot be resolved (variable without a default)"
        ),
        "{}",
        groups.message
    );
}

#[test]
fn a_terraform_instance_takes_its_launch_templates_metadata_options_unless_it_has_its_own() {
    let (loaded, report) = scan("terraform/launch_template", &["EC2-004"]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    // The template allows IMDSv1 (http_tokens = "optional").
    let inherits = finding(&report, "EC2-004", "aws_instance.inherits");
    assert_eq!(
        (inherits.status, at(inherits)),
        (Status::Fail, "terraform/launch_template/main.tf:18".to_string())
    );
    // The instance's own `metadata_options` wins.
    let overrides = finding(&report, "EC2-004", "aws_instance.overrides");
    assert_eq!(
        (overrides.status, at(overrides)),
        (Status::Pass, "terraform/launch_template/main.tf:27".to_string())
    );
    // By `name = aws_launch_template.required.name`, and by the name written out.
    assert_eq!(status(&report, "EC2-004", "aws_instance.by_name"), Status::Pass);
    assert_eq!(
        status(&report, "EC2-004", "aws_instance.by_literal_name"),
        Status::Pass
    );
    // Both launch templates have instances launched from them: they are judged through
    // those instances only (see unused_launch_templates.rs for the others).
    assert!(
        report
            .findings
            .iter()
            .all(|f| !f.resource.id.starts_with("aws_launch_template."))
    );
}

#[test]
fn an_instance_of_a_launch_template_not_in_the_templates_cannot_be_judged() {
    let (_, report) = scan("terraform/launch_template_missing", &["EC2-004"]);
    let instances = finding(&report, "EC2-004", "*");
    assert_eq!(instances.status, Status::Error);
    assert!(
        instances.message.contains(
            "aws_instance.elsewhere (",
        ) && instances.message.contains(
            "main.tf:2): launch template `lt-0123456789abcdef0` is not declared in the templates, so its metadata options are unknown"
        ),
        "{}",
        instances.message
    );
}

#[test]
fn a_cloudformation_instance_takes_its_launch_templates_metadata_options() {
    let (loaded, report) = scan("launch_templates/instances.yaml", &["EC2-004"]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    // `LaunchTemplateId: !Ref Legacy`, HttpTokens optional.
    let inherits = finding(&report, "EC2-004", "Inherits");
    assert_eq!(
        (inherits.status, at(inherits)),
        (Status::Fail, "launch_templates/instances.yaml:17".to_string())
    );
    assert_eq!(status(&report, "EC2-004", "Overrides"), Status::Pass);
    // `!GetAtt Hardened.LaunchTemplateId`, and `LaunchTemplateName: hardened`.
    assert_eq!(status(&report, "EC2-004", "ByGetAtt"), Status::Pass);
    assert_eq!(status(&report, "EC2-004", "ByName"), Status::Pass);
}
