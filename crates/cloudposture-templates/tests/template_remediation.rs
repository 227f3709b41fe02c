//! The remediation of a template finding is the block to add to that template: loaded
//! from the fixtures, written into a copy of the template, and judged again, the
//! resource passes.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::fs;
use std::path::{Path, PathBuf};

use cloudposture_core::{Config, Finding, Plan, Report, ScanSource, Selection, SnippetKind, Status, jiff};
use cloudposture_templates::{LoadOptions, load};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn scan(path: &Path) -> Report {
    let loaded = load(&[path.to_path_buf()], &LoadOptions::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let registry = cloudposture_rules_aws::registry().unwrap();
    let selection = Selection::rules(["VPC-001", "EC2-003"]);
    let plan = Plan::new(&registry, &selection, &Config::default()).unwrap();
    plan.evaluate(&loaded.inventory, ScanSource::Template, jiff::Timestamp::now())
}

fn finding<'r>(report: &'r Report, rule: &str, id: &str) -> &'r Finding {
    report
        .findings
        .iter()
        .find(|f| f.rule.id == rule && f.resource.id == id)
        .unwrap_or_else(|| panic!("{rule} {id}"))
}

/// The one snippet of the finding, which must be of `kind`.
fn only_snippet(f: &Finding, kind: SnippetKind) -> String {
    let r = f.remediation().expect("a failing finding has a remediation");
    let kinds: Vec<SnippetKind> = r.snippets.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [kind], "no CLI command for a template: {r:#?}");
    r.snippets[0].content.clone()
}

#[test]
fn terraform_findings_get_blocks_that_make_them_pass_once_added() {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(fixture("terraform/main")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
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

    let main = dir.path().join("main.tf");
    let text = fs::read_to_string(&main).unwrap();
    fs::write(&main, format!("{text}\n{flow_log}\n{takeover}")).unwrap();
    let after = scan(dir.path());
    let vpc = finding(&after, "VPC-001", "aws_vpc.other");
    assert_eq!(vpc.status, Status::Pass, "{}", vpc.message);
    let group = finding(&after, "EC2-003", "aws_default_security_group.other");
    assert_eq!(group.status, Status::Pass, "{}", group.message);
}

#[test]
fn a_cloudformation_finding_gets_a_flow_log_that_makes_it_pass_once_added() {
    let before = scan(&fixture("cloudformation/network.yaml"));
    let vpc = finding(&before, "VPC-001", "BareVpc");
    assert_eq!(vpc.status, Status::Fail);
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
