//! The remediation of a template finding is the block to add to that template: loaded
//! from the fixtures, written into a copy of the template, and judged again, the
//! resource passes.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod common;

use std::fs;
use std::path::Path;

use cloudposture_core::{Report, Selection, SnippetKind, Status};
use cloudposture_templates::LoadOptions;
use common::{at, finding, fixture, only_snippet, scan_rules, scan_selected, status};

/// `path` judged by VPC-001 and EC2-003, read without errors.
fn scan(path: &Path) -> Report {
    let selection = Selection::rules(["VPC-001", "EC2-003"]);
    let (loaded, report) = scan_selected(
        &[path.to_path_buf()],
        &LoadOptions::default(),
        serde_json::json!({}),
        &selection,
    );
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    report
}

/// A copy of the fixture directory `name` (and its subdirectories).
fn copy_of(name: &str) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy(&path, &target);
            } else {
                fs::copy(&path, &target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(name), dir.path());
    dir
}

fn append(file: &Path, blocks: &[&str]) {
    let text = fs::read_to_string(file).unwrap();
    fs::write(file, format!("{text}\n{}", blocks.join("\n"))).unwrap();
}

#[test]
fn terraform_findings_get_blocks_that_make_them_pass_once_added() {
    let dir = copy_of("terraform/main");
    let before = scan(dir.path());
    let vpc = finding(&before, "VPC-001", "aws_vpc.other");
    assert_eq!(vpc.status, Status::Fail);
    let flow_log = only_snippet(vpc, SnippetKind::Terraform);
    assert!(
        flow_log.contains("resource \"aws_flow_log\" \"other\" {\n"),
        "{flow_log}"
    );
    assert!(flow_log.contains("  vpc_id = aws_vpc.other.id\n"), "{flow_log}");
    let group = finding(&before, "EC2-003", "aws_vpc.other.default_security_group_id");
    assert_eq!(group.status, Status::Fail);
    let takeover = only_snippet(group, SnippetKind::Terraform);
    assert!(
        takeover.contains("resource \"aws_default_security_group\" \"other\""),
        "{takeover}"
    );

    append(&dir.path().join("main.tf"), &[&flow_log, &takeover]);
    let after = scan(dir.path());
    let vpc = finding(&after, "VPC-001", "aws_vpc.other");
    assert_eq!(vpc.status, Status::Pass, "{}", vpc.message);
    let group = finding(&after, "EC2-003", "aws_default_security_group.other");
    assert_eq!(group.status, Status::Pass, "{}", group.message);
}

#[test]
fn a_vpc_of_a_module_gets_a_flow_log_written_inside_the_module() {
    let dir = copy_of("terraform/modules");
    let before = scan(dir.path());
    let vpc = finding(&before, "VPC-001", "module.zones[1].aws_vpc.this");
    assert_eq!(vpc.status, Status::Fail);
    let flow_log = only_snippet(vpc, SnippetKind::Terraform);
    assert!(flow_log.contains("  vpc_id = aws_vpc.this.id\n"), "{flow_log}");
    assert!(
        flow_log.contains("module called as module.zones[1] (in its source"),
        "{flow_log}"
    );

    // `module "zones"` has `source = "../net"`.
    append(&dir.path().join("net/main.tf"), &[&flow_log]);
    let after = scan(dir.path());
    for id in [
        "module.zones[1].aws_vpc.this",
        "module.by_env[\"dev\"].aws_vpc.this",
    ] {
        assert_eq!(status(&after, "VPC-001", id), Status::Pass, "{id}");
    }
}

#[test]
fn a_cloudformation_finding_gets_a_flow_log_that_makes_it_pass_once_added() {
    let (_, before) = scan_rules("cloudformation/network.yaml", &["VPC-001"]);
    let vpc = finding(&before, "VPC-001", "BareVpc");
    assert_eq!(vpc.status, Status::Fail);
    assert_eq!(
        at(vpc),
        "cloudformation/network.yaml:17",
        "the template to add to"
    );
    let addition = only_snippet(vpc, SnippetKind::Cloudformation);
    assert!(addition.contains("ResourceId: !Ref BareVpc\n"), "{addition}");

    // Merge the addition's resources into the template's, as its author would.
    let mut template: serde_norway::Value =
        serde_norway::from_str(&fs::read_to_string(fixture("cloudformation/network.yaml")).unwrap()).unwrap();
    let addition: serde_norway::Value = serde_norway::from_str(&addition).unwrap();
    let resources = template["Resources"].as_mapping_mut().unwrap();
    for (id, resource) in addition["Resources"].as_mapping().unwrap() {
        assert!(
            resources.insert(id.clone(), resource.clone()).is_none(),
            "a new logical id"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("network.yaml");
    fs::write(&file, serde_norway::to_string(&template).unwrap()).unwrap();
    let after = scan(&file);
    let vpc = finding(&after, "VPC-001", "BareVpc");
    assert_eq!(vpc.status, Status::Pass, "{}", vpc.message);
}
