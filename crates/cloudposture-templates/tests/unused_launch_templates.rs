//! Launch templates that no declared instance is launched from (an Auto Scaling
//! group's, or nothing's) are judged by EC2-004 as the instances they will launch, at
//! their own declaration; those an instance is launched from are judged through the
//! instance only.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod common;

use cloudposture_core::{SnippetKind, Status};
use common::{at, finding, only_snippet, scan_rules as scan, status};

/// The ids EC2-004 judged.
fn judged(report: &cloudposture_core::Report) -> Vec<&str> {
    let mut ids: Vec<&str> = report.findings.iter().map(|f| f.resource.id.as_str()).collect();
    ids.sort_unstable();
    ids
}

#[test]
fn a_terraform_launch_template_of_an_auto_scaling_group_is_judged_at_its_declaration() {
    let (loaded, report) = scan("terraform/launch_template_asg", &["EC2-004"]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let legacy = finding(&report, "EC2-004", "aws_launch_template.legacy");
    assert_eq!(
        (legacy.status, at(legacy)),
        (
            Status::Fail,
            "terraform/launch_template_asg/main.tf:2".to_string()
        ),
        "{}",
        legacy.message
    );
    assert!(legacy.message.contains("launch template"), "{}", legacy.message);
    assert_eq!(
        legacy.evidence.to_value()["launch_template"],
        true,
        "the evidence says so too"
    );
    let hcl = only_snippet(legacy, SnippetKind::Terraform);
    let body: serde_json::Value = hcl::from_str(&hcl).unwrap();
    assert_eq!(
        body["resource"],
        serde_json::json!({"aws_launch_template": {"legacy": {"metadata_options": {
            "http_tokens": "required", "http_endpoint": "enabled"
        }}}}),
        "{hcl}"
    );
    assert_eq!(
        status(&report, "EC2-004", "aws_launch_template.hardened"),
        Status::Pass
    );
    // No metadata_options: AWS's default (HttpTokens optional) allows IMDSv1.
    let bare = finding(&report, "EC2-004", "aws_launch_template.bare");
    assert_eq!(
        (bare.status, at(bare)),
        (
            Status::Fail,
            "terraform/launch_template_asg/main.tf:20".to_string()
        )
    );
}

#[test]
fn a_suppression_above_an_unused_launch_template_mutes_its_finding() {
    let (loaded, report) = scan("terraform/launch_template_asg", &["EC2-004"]);
    let batch = finding(&report, "EC2-004", "aws_launch_template.batch");
    assert_eq!(
        (batch.status, batch.original_status, batch.muted_reason.as_deref()),
        (
            Status::Muted,
            Some(Status::Fail),
            Some("the batch image still calls IMDSv1; tracked in OPS-12")
        )
    );
    assert!(
        loaded.notes.iter().all(|n| !n.contains("mutes nothing")),
        "{:?}",
        loaded.notes
    );
}

#[test]
fn a_launch_template_an_instance_is_launched_from_is_judged_through_the_instance_only() {
    let (_, report) = scan("terraform/launch_template_asg", &["EC2-004"]);
    assert_eq!(status(&report, "EC2-004", "aws_instance.single"), Status::Fail);
    assert_eq!(
        judged(&report),
        [
            "aws_instance.single",
            "aws_launch_template.bare",
            "aws_launch_template.batch",
            "aws_launch_template.hardened",
            "aws_launch_template.legacy",
        ]
    );
}

#[test]
fn a_cloudformation_launch_template_of_an_auto_scaling_group_is_judged_at_its_logical_id() {
    let (loaded, report) = scan("launch_templates/auto_scaling.yaml", &["EC2-004"]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let legacy = finding(&report, "EC2-004", "Legacy");
    assert_eq!(
        (legacy.status, at(legacy)),
        (Status::Fail, "launch_templates/auto_scaling.yaml:3".to_string()),
        "{}",
        legacy.message
    );
    assert!(legacy.message.contains("launch template"), "{}", legacy.message);
    let yaml = only_snippet(legacy, SnippetKind::Cloudformation);
    let doc: serde_json::Value = serde_norway::from_str(&yaml).unwrap();
    assert_eq!(
        doc["Resources"]["Legacy"],
        serde_json::json!({
            "Type": "AWS::EC2::LaunchTemplate",
            "Properties": {"LaunchTemplateData": {
                "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"}
            }}
        }),
        "{yaml}"
    );
    assert_eq!(status(&report, "EC2-004", "Hardened"), Status::Pass);
    // ForInstance is judged through Single alone.
    assert_eq!(status(&report, "EC2-004", "Single"), Status::Fail);
    assert_eq!(judged(&report), ["Hardened", "Legacy", "Single"]);
}
