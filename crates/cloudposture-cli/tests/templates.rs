//! `scan --template`: CloudFormation and Terraform judged by the same rules, findings at
//! their file and line, unreadable files said and counted like a region in error.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::PathBuf;

use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../cloudposture-templates/tests/fixtures")
}

fn scan(args: &[&str]) -> (std::process::Output, String) {
    let output = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
        .current_dir(fixtures())
        .env_remove("CLOUDPOSTURE_CONFIG")
        .arg("scan")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output, stderr)
}

fn finding<'a>(report: &'a Value, rule: &str, id: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == rule && f["resource"]["id"] == id)
        .unwrap_or_else(|| panic!("no {rule} finding for {id}"))
}

#[test]
fn a_terraform_directory_is_judged_with_locations() {
    let (output, stderr) = scan(&["--template", "terraform/main", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["scan"]["source"], "template");
    assert_eq!(report["scan"]["regions"], Value::Array(vec![]));
    let ssh = finding(&report, "EC2-001", "aws_security_group.ssh");
    assert_eq!(ssh["status"], "fail");
    assert_eq!(
        ssh["resource"]["location"],
        serde_json::json!({"file": "terraform/main/main.tf", "line": 54})
    );
    assert_eq!(finding(&report, "VPC-001", "aws_vpc.other")["status"], "fail");
    assert_eq!(
        finding(&report, "VPC-001", "aws_vpc.by_key[\"b\"]")["status"],
        "fail"
    );
    // The module it cannot read yet is said, not passed over.
    assert!(stderr.contains("is not examined"), "{stderr}");

    let (table, _) = scan(&["--template", "terraform/main", "--color", "never"]);
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.starts_with("cloudposture scan · templates terraform/main\n"),
        "{table}"
    );
    assert!(
        table.contains("terraform/main/main.tf:54 aws_security_group.ssh"),
        "{table}"
    );
}

#[test]
fn unreadable_templates_are_said_and_never_clean() {
    // Nothing fails at `never`: the unreadable files decide, as a region in error would.
    let (output, stderr) = scan(&[
        "--template",
        "cloudformation",
        "--template",
        "broken",
        "--fail-on",
        "never",
    ]);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("error: broken/bad.yaml:6:1: not a valid CloudFormation template"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: broken/bad.tf:3:3: not valid HCL"),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 template error(s): see the `error:` lines above"),
        "{stderr}"
    );

    let (nothing, stderr) = scan(&["--template", "broken/bad.tf"]);
    assert_eq!(nothing.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.ends_with("error: no CloudFormation or Terraform template could be read in `broken/bad.tf`\n"),
        "{stderr}"
    );
    assert!(nothing.stdout.is_empty());
}

#[test]
fn template_flags_go_with_templates_only() {
    let (both, stderr) = scan(&["--template", "terraform/main", "--snapshot", "x.json"]);
    assert_eq!(both.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot be used with"), "{stderr}");
    let (accounts, stderr) = scan(&["--template", "terraform/main", "--accounts", "org"]);
    assert_eq!(
        accounts.status.code(),
        Some(2),
        "templates have no accounts: {stderr}"
    );
    assert!(stderr.contains("cannot be used with"), "{stderr}");
    let (alone, stderr) = scan(&["--var-file", "terraform/override/prod.tfvars"]);
    assert_eq!(alone.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--template"), "{stderr}");
}

#[test]
fn sarif_is_for_template_scans() {
    let (output, stderr) = scan(&["--template", "terraform/main", "--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let ssh = results
        .iter()
        .find(|r| {
            r["ruleId"] == "EC2-001"
                && r["message"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("aws_security_group.ssh")
        })
        .unwrap();
    let at = &ssh["locations"][0]["physicalLocation"];
    assert_eq!(at["artifactLocation"]["uri"], "terraform/main/main.tf");
    assert_eq!(at["region"]["startLine"], 54);

    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo-account.json");
    let (snapshot, stderr) = scan(&["--snapshot", demo, "--format", "sarif"]);
    assert_eq!(snapshot.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: --format sarif needs a template scan (--template PATH)"),
        "{stderr}"
    );
    assert!(snapshot.stdout.is_empty());
}

/// `scan` of the templates in `dir` (a temporary copy the test edits).
fn scan_in(dir: &std::path::Path, args: &[&str]) -> (std::process::Output, String) {
    let output = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
        .current_dir(dir)
        .env_remove("CLOUDPOSTURE_CONFIG")
        .args(["scan", "--rules", "VPC-001", "--template", "infra"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stderr)
}

#[test]
fn a_baseline_mutes_what_already_failed_so_that_only_new_problems_fail() {
    let dir = tempfile::TempDir::new().unwrap();
    let infra = dir.path().join("infra");
    std::fs::create_dir(&infra).unwrap();
    let vpc =
        |name: &str| format!("resource \"aws_vpc\" \"{name}\" {{\n  cidr_block = \"10.0.0.0/16\"\n}}\n");
    std::fs::write(infra.join("main.tf"), vpc("old")).unwrap();
    let (first, stderr) = scan_in(dir.path(), &["--format", "json", "--output", "baseline.json"]);
    assert_eq!(first.status.code(), Some(1), "{stderr}");

    // The same problem again: muted, in baseline, nothing fails.
    let (again, stderr) = scan_in(dir.path(), &["--format", "json", "--baseline", "baseline.json"]);
    assert_eq!(again.status.code(), Some(0), "{stderr}");
    let report: Value = serde_json::from_slice(&again.stdout).unwrap();
    let old = &report["findings"][0];
    assert_eq!(old["status"], "muted");
    assert_eq!(old["original_status"], "fail");
    assert_eq!(old["muted_reason"], "in baseline");

    // A new VPC without flow logs fails; the old one stays muted.
    std::fs::write(infra.join("main.tf"), format!("{}\n{}", vpc("old"), vpc("new"))).unwrap();
    let (new, stderr) = scan_in(dir.path(), &["--format", "json", "--baseline", "baseline.json"]);
    assert_eq!(new.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_slice(&new.stdout).unwrap();
    assert_eq!(finding(&report, "VPC-001", "aws_vpc.new")["status"], "fail");
    assert_eq!(finding(&report, "VPC-001", "aws_vpc.old")["status"], "muted");

    // What is not a report of this tool is bad input, before anything is read.
    std::fs::write(dir.path().join("other.json"), r#"{"results": []}"#).unwrap();
    let (bad, stderr) = scan_in(dir.path(), &["--baseline", "other.json"]);
    assert_eq!(bad.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: baseline other.json: not a cloudposture"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[test]
fn a_suppression_comment_mutes_its_resource_with_the_reason() {
    let dir = tempfile::TempDir::new().unwrap();
    let infra = dir.path().join("infra");
    std::fs::create_dir(&infra).unwrap();
    std::fs::write(
        infra.join("main.tf"),
        "# cloudposture:ignore VPC-001 lab network, deleted nightly\n\
         resource \"aws_vpc\" \"lab\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n\
         # cloudposture:ignore VPC-001\n\
         resource \"aws_vpc\" \"bare\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n",
    )
    .unwrap();
    let (output, stderr) = scan_in(dir.path(), &["--format", "json"]);
    // The suppression without a reason is an error (not applied): never clean.
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: infra/main.tf:5:") && stderr.contains("has no reason"),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let lab = finding(&report, "VPC-001", "aws_vpc.lab");
    assert_eq!(lab["status"], "muted");
    assert_eq!(lab["muted_reason"], "lab network, deleted nightly");
    assert_eq!(finding(&report, "VPC-001", "aws_vpc.bare")["status"], "fail");
}
