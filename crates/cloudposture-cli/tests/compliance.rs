//! Black-box tests of the compliance view: `--standard STANDARD:VERSION` selects the
//! rules of one version and ends the table with its controls, the controls no rule
//! checks (`not covered`) and the sections no rule checks; an unknown version is one
//! error line and exit 2. The assertions hold whatever other rules the build has.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn cloudposture() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("cloudposture");
    for var in [
        "CLOUDPOSTURE_CONFIG",
        "NO_COLOR",
        "COLUMNS",
        "RUST_LOG",
        "AWS_PROFILE",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account.json")
}

/// Runs `cloudposture ARGS`; returns stdout, stderr and the exit code.
fn run(args: &[&str]) -> (String, String, i32) {
    let output = cloudposture().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        String::from_utf8(output.stdout).unwrap(),
        stderr,
        output.status.code().unwrap(),
    )
}

/// A table scan of the demo snapshot with `args`.
fn table(args: &[&str]) -> (String, i32) {
    let demo = demo();
    let mut all = vec!["scan", "--snapshot", demo.to_str().unwrap(), "--color", "never"];
    all.extend_from_slice(args);
    let (stdout, stderr, code) = run(&all);
    assert_eq!(stderr, "", "{stdout}");
    (stdout, code)
}

/// The lines of the summary of `heading` (up to the end of the output).
fn summary<'a>(text: &'a str, heading: &str) -> Vec<&'a str> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == heading)
        .unwrap_or_else(|| panic!("no {heading:?} in\n{text}"));
    lines[start..].to_vec()
}

fn the_line<'a>(lines: &[&'a str], control: &str) -> &'a str {
    let prefix = format!("  {control} ");
    lines
        .iter()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no control {control} in\n{}", lines.join("\n")))
}

#[test]
fn a_version_ends_the_table_with_its_controls_and_what_is_not_covered() {
    let (text, code) = table(&["--standard", "cis:v3.0.0", "--rules", "VPC-001"]);
    assert_eq!(code, 1, "{text}");
    let lines = summary(&text, "CIS AWS Foundations Benchmark v3.0.0");
    let header: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        header,
        ["CONTROL", "TITLE", "RULES", "PASS", "FAIL", "ERROR"],
        "{text}"
    );

    // VPC-001's counts are the report's: the JSON of the same scan says what they are.
    let demo = demo();
    let (json, ..) = run(&[
        "scan",
        "--snapshot",
        demo.to_str().unwrap(),
        "--rules",
        "VPC-001",
        "--format",
        "json",
    ]);
    let summary_of: Value = serde_json::from_str(&json).unwrap();
    let s = &summary_of["summary"];
    let flow_logs = the_line(&lines, "3.7");
    assert!(
        flow_logs.contains("Ensure VPC flow logging is enabled in all VPCs")
            && flow_logs.contains(" VPC-001 "),
        "{text}"
    );
    let counts: Vec<&str> = flow_logs.split_whitespace().rev().take(3).collect();
    let expected = [&s["error"], &s["fail"], &s["pass"]].map(|n| n.to_string());
    assert_eq!(counts, expected, "{flow_logs}");

    // Logging controls that no rule checks are listed, not left out.
    for control in ["3.1", "3.3", "3.5"] {
        assert!(the_line(&lines, control).ends_with("not covered"), "{text}");
    }
    let not_checked = lines.iter().find(|l| l.starts_with("  Not checked: ")).unwrap();
    assert!(
        not_checked.starts_with("  Not checked: 1 Identity and Access Management, 2 Storage")
            && not_checked.contains("4 Monitoring"),
        "{text}"
    );
    assert_eq!(lines.last(), Some(not_checked));
}

#[test]
fn every_spelling_of_a_version_is_the_same_view() {
    let (reference, _) = table(&["--standard", "cis:v3.0.0", "--rules", "VPC-001"]);
    for spelling in ["cis:3.0.0", "CIS:V3.0.0", "cis:v3.0.0,cis:3.0.0"] {
        let (text, _) = table(&["--standard", spelling, "--rules", "VPC-001"]);
        assert_eq!(text, reference, "{spelling}");
    }
}

#[test]
fn each_version_has_its_own_control_ids() {
    let (text, _) = table(&["--standard", "cis:v1.2.0,cis:v1.4.0", "--rules", "VPC-001"]);
    let v120 = summary(&text, "CIS AWS Foundations Benchmark v1.2.0");
    assert!(the_line(&v120, "2.9").contains("VPC-001"), "{text}");
    assert!(the_line(&v120, "2.1").ends_with("not covered"), "{text}");
    let v140 = summary(&text, "CIS AWS Foundations Benchmark v1.4.0");
    assert!(the_line(&v140, "3.9").contains("VPC-001"), "{text}");
    assert!(
        v120.iter()
            .any(|l| l.starts_with("  Not checked: 1 Identity and Access Management, 3 Monitoring")),
        "{text}"
    );
}

#[test]
fn a_standard_without_a_version_selects_as_before_and_adds_no_summary() {
    let (text, code) = table(&["--standard", "cis", "--rules", "VPC-001"]);
    assert_eq!(code, 1);
    assert!(!text.contains("CIS AWS Foundations Benchmark v"), "{text}");
    assert!(!text.contains("not covered"), "{text}");
}

#[test]
fn machine_formats_are_unchanged_by_a_version() {
    let demo = demo();
    let (json, _, code) = run(&[
        "scan",
        "--snapshot",
        demo.to_str().unwrap(),
        "--standard",
        "cis:v3.0.0",
        "--rules",
        "VPC-001",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["rules"][0]["id"], "VPC-001");
}

#[test]
fn an_unknown_version_is_one_error_line_listing_the_known_versions() {
    let demo = demo();
    let snapshot = demo.to_str().unwrap();
    for args in [
        &["scan", "--snapshot", snapshot, "--standard", "cis:v9.0.0"][..],
        &["rules", "list", "--standard", "cis:v9.0.0"],
        &["iam-policy", "--standard", "cis:v9.0.0"],
    ] {
        let (stdout, stderr, code) = run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert_eq!(
            stderr,
            "error: CIS AWS Foundations Benchmark has no version `v9.0.0` known here; known versions: \
             v1.2.0, v1.4.0, v1.5.0, v2.0.0, v3.0.0, v4.0.0, v5.0.0 (e.g. `--standard cis:v5.0.0`)\n",
            "{args:?}"
        );
    }
    let (_, stderr, code) = run(&["scan", "--snapshot", snapshot, "--standard", "cis:"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no version after `cis:`"), "{stderr}");
    assert!(!stderr.contains("Error {"), "{stderr}");
}

#[test]
fn rules_list_selects_by_version_and_shows_its_control_ids() {
    let (text, stderr, code) = run(&["rules", "list", "--standard", "cis:v3.0.0"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("ID ") && header.ends_with("  CONTROLS"),
        "{text}"
    );
    let vpc_001 = text.lines().find(|l| l.starts_with("VPC-001 ")).unwrap();
    assert!(vpc_001.ends_with("  3.7"), "{text}");
    // Every rule listed maps a control of v3.0.0.
    assert!(text.lines().skip(1).all(|l| !l.ends_with("  ")), "{text}");

    let (text, _, code) = run(&[
        "rules",
        "list",
        "--standard",
        "cis:v1.2.0,cis:v3.0.0",
        "--rules",
        "VPC",
    ]);
    assert_eq!(code, 0);
    assert!(text.contains("cis v1.2.0 2.9; cis v3.0.0 3.7"), "{text}");

    let (text, _, _) = run(&["rules", "list", "--standard", "cis"]);
    assert!(text.lines().next().unwrap().ends_with("  STANDARDS"), "{text}");
}

/// The HTML report shows a benchmark even when no `--standard` names one: the newest CIS
/// version; named versions replace it.
#[test]
fn the_html_report_shows_the_newest_cis_version_unless_told() {
    let demo = demo();
    let (html, _, code) = run(&["scan", "--snapshot", demo.to_str().unwrap(), "--format", "html"]);
    assert_eq!(code, 1);
    assert!(
        html.contains("CIS AWS Foundations Benchmark v5.0.0"),
        "newest by default"
    );
    assert!(!html.contains("CIS AWS Foundations Benchmark v3.0.0"));
    let (named, _, _) = run(&[
        "scan",
        "--snapshot",
        demo.to_str().unwrap(),
        "--format",
        "html",
        "--standard",
        "cis:v3.0.0",
    ]);
    assert!(named.contains("CIS AWS Foundations Benchmark v3.0.0"));
    assert!(!named.contains("CIS AWS Foundations Benchmark v5.0.0"));
}
