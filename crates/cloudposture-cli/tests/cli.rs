//! Black-box tests of the `cloudposture` binary over snapshots: every command and
//! format, the config file, exit codes and bad input of every kind.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

fn cloudposture() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("cloudposture");
    // Nothing from the developer's environment may change what the tests see.
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

fn demo_json() -> Value {
    serde_json::from_str(&std::fs::read_to_string(demo()).unwrap()).unwrap()
}

/// Writes `value` as a snapshot file in `dir`.
fn snapshot_file(dir: &TempDir, name: &str, value: &Value) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path
}

/// The demo account with only the regions named.
fn demo_with_regions(regions: &[&str]) -> Value {
    let mut v = demo_json();
    let kept: Vec<Value> = v["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| regions.contains(&s["region"].as_str().unwrap()))
        .cloned()
        .collect();
    v["scopes"] = Value::Array(kept);
    v
}

fn config_file(dir: &TempDir, text: &str) -> PathBuf {
    let path = dir.path().join("cloudposture.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs a JSON scan of VPC-001 alone and returns the report and the exit code: the
/// counts the tests assert are VPC-001's, whatever other rules the build has.
fn scan_json(snapshot: &Path, extra: &[&str]) -> (Value, i32) {
    scan_json_selecting(snapshot, &[&["--rules", "VPC-001"], extra].concat())
}

/// Runs a JSON scan of the rules `args` select (all of them without a selection).
fn scan_json_selecting(snapshot: &Path, args: &[&str]) -> (Value, i32) {
    let output = cloudposture()
        .args(["scan", "--format", "json", "--snapshot"])
        .arg(snapshot)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr: {stderr}"));
    (report, output.status.code().unwrap())
}

/// Status of the finding about `vpc`.
fn status_of<'a>(report: &'a Value, vpc: &str) -> &'a str {
    let found: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["resource"]["id"] == vpc)
        .collect();
    assert_eq!(found.len(), 1, "one finding for {vpc}");
    found[0]["status"].as_str().unwrap()
}

fn finding<'a>(report: &'a Value, vpc: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"]["id"] == vpc)
        .unwrap()
}

/// Asserts a clean failure: exit code, message on stderr, nothing on stdout, no panic.
fn assert_fails(cmd: &mut Command, code: i32, message: &str) {
    let output = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    assert!(
        stderr.contains(message),
        "expected {message:?} in stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        output.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&output.stdout)
    );
}

// VPCs of the demo account (see tests/demo_snapshot.rs).
const PROD_CORE: &str = "vpc-0e1a00000000000a1";
const STAGING: &str = "vpc-0e1a00000000000b2";
const ANALYTICS_FAILED_DELIVERY: &str = "vpc-0e1a00000000000c3";
const LEGACY_INACTIVE: &str = "vpc-0e1a00000000000d4";
const SANDBOX: &str = "vpc-0e1a00000000000e5";
const DEFAULT_EU: &str = "vpc-0e1a00000000000f6";
const REJECT_ONLY: &str = "vpc-0a5e0000000000a11";
const ACCEPT_REJECT_PAIR: &str = "vpc-0a5e0000000000b12";
const FIREHOSE: &str = "vpc-0a5e0000000000c13";
const SUBNET_ONLY: &str = "vpc-0a5e0000000000d14";
const ENI_ONLY: &str = "vpc-0a5e0000000000e15";
const SHARED: &str = "vpc-0a5e0000000000f16";
const SYDNEY_APP: &str = "vpc-0a9000000000000a1";
const SYDNEY_DATA: &str = "vpc-0a9000000000000b2";

// ---------------------------------------------------------------------------------------------
// scan: verdicts and formats
// ---------------------------------------------------------------------------------------------

#[test]
fn demo_scan_judges_every_kind_of_vpc() {
    let (report, code) = scan_json(&demo(), &[]);
    assert_eq!(code, 1, "the demo account has failing VPCs");
    for (vpc, status) in [
        (PROD_CORE, "pass"),
        (STAGING, "fail"),
        (ANALYTICS_FAILED_DELIVERY, "fail"),
        (LEGACY_INACTIVE, "fail"),
        (SANDBOX, "fail"),
        (DEFAULT_EU, "fail"),
        (REJECT_ONLY, "pass"),
        (ACCEPT_REJECT_PAIR, "pass"),
        (FIREHOSE, "pass"),
        (SUBNET_ONLY, "fail"),
        (ENI_ONLY, "fail"),
        (SHARED, "skipped"),
        (SYDNEY_APP, "error"),
        (SYDNEY_DATA, "error"),
    ] {
        assert_eq!(status_of(&report, vpc), status, "{vpc}");
    }
    let s = &report["summary"];
    assert_eq!(
        (
            s["total"].as_u64(),
            s["pass"].as_u64(),
            s["fail"].as_u64(),
            s["error"].as_u64()
        ),
        (Some(14), Some(4), Some(7), Some(2))
    );
    assert_eq!(s["skipped"], 1);
    assert_eq!(s["muted"], 0);
    assert!(
        finding(&report, STAGING)["remediation"]["snippets"]
            .as_array()
            .unwrap()
            .len()
            >= 3
    );
    assert!(
        finding(&report, ANALYTICS_FAILED_DELIVERY)["message"]
            .as_str()
            .unwrap()
            .contains("Access error")
    );
}

#[test]
fn json_report_has_the_stable_fields() {
    let (report, _) = scan_json(&demo(), &[]);
    assert_eq!(report["schema_version"], 2);
    assert_eq!(report["tool"]["name"], "cloudposture");
    // The settings VPC-001 judged by, once for the scan.
    assert_eq!(report["rules"][0]["id"], "VPC-001");
    assert_eq!(report["rules"][0]["settings"]["traffic_type"], "any");
    assert!(report["tool"]["version"].is_string());
    let scan = &report["scan"];
    assert_eq!(scan["source"], "snapshot");
    assert_eq!(scan["account"], "123456789012");
    for key in ["started_at", "finished_at", "api_calls", "regions_not_scanned"] {
        assert!(!scan[key].is_null(), "scan.{key}");
    }
    assert_eq!(scan["api_calls"], 19);
    let regions = scan["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 3);
    let sydney = regions.iter().find(|r| r["name"] == "ap-southeast-2").unwrap();
    assert_eq!(sydney["status"], "error");
    assert!(
        sydney["error"]
            .as_str()
            .unwrap()
            .contains("UnauthorizedOperation")
    );
    assert_eq!(scan["regions_not_scanned"][0]["name"], "me-central-1");
    let summary = &report["summary"];
    for key in [
        "total",
        "pass",
        "fail",
        "error",
        "skipped",
        "muted",
        "by_risk",
        "by_control",
    ] {
        assert!(!summary[key].is_null(), "summary.{key}");
    }
    assert_eq!(summary["by_risk"]["low"]["fail"], 7);
    let cis = summary["by_control"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["standard"] == "cis" && c["version"] == "v1.2.0")
        .unwrap();
    assert_eq!((cis["id"].as_str(), cis["fail"].as_u64()), (Some("2.9"), Some(7)));
    let f = finding(&report, STAGING);
    for key in [
        "rule_id",
        "title",
        "status",
        "risk",
        "message",
        "evidence",
        "controls",
        "remediation",
        "muted_reason",
    ] {
        assert!(f.get(key).is_some(), "finding.{key}");
    }
    for key in ["kind", "id", "arn", "region", "account", "tags"] {
        assert!(f["resource"].get(key).is_some(), "resource.{key}");
    }
    assert_eq!(
        f["resource"]["arn"],
        format!("arn:aws:ec2:eu-west-1:123456789012:vpc/{STAGING}")
    );
    assert_eq!(f["controls"][0]["standard"], "cis");
}

#[test]
fn table_lists_failures_first_then_counts_and_summary() {
    let output = cloudposture()
        .args(["scan", "--rules", "VPC-001", "--snapshot"])
        .arg(demo())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(!table.contains('\x1b'), "no colour when stdout is not a terminal");
    for line in table.lines() {
        assert!(
            line.chars().count() <= 100,
            "line wider than 100 columns: {line:?}"
        );
    }
    let fail_at = table
        .find("FAIL   VPC-001  VPC Flow Logs Enabled  [low]  7 failing")
        .unwrap();
    let error_at = table
        .find("ERROR  VPC-001  VPC Flow Logs Enabled  [low]  2 could not be judged")
        .unwrap();
    assert!(fail_at < error_at, "{table}");
    assert!(
        table.contains(&format!("  eu-west-1\n    {STAGING}  staging ")),
        "{table}"
    );
    assert!(
        table.contains("is failing delivery"),
        "the reason, cut to fit: {table}"
    );
    assert!(!table.contains(PROD_CORE), "passing VPCs are counted, not listed");
    assert!(table.contains("Not listed: 4 pass, 1 skipped, 0 muted"));
    assert!(table.contains("Regions in error"));
    assert!(table.contains("me-central-1"));
    assert!(table.contains("\n14 findings: 7 fail, 2 error, 4 pass, 1 skipped, 0 muted · 3 regions (1 in error) · 19 API calls"), "{table}");
    assert!(table.contains("--format json"));
}

#[test]
fn table_shows_passing_on_request_and_colour_when_forced() {
    let output = cloudposture()
        .args([
            "scan",
            "--rules",
            "VPC-001",
            "--show-passing",
            "--color",
            "always",
            "--snapshot",
        ])
        .arg(demo())
        .output()
        .unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.contains(PROD_CORE) && table.contains(SHARED), "{table}");
    assert!(table.contains("\x1b[31m"), "failures in red: {table:?}");
}

#[test]
fn muted_findings_are_listed_with_their_reason_on_request() {
    let dir = TempDir::new().unwrap();
    let config = config_file(
        &dir,
        "[[exceptions]]\ntags = [\"Environment::sandbox\"]\nreason = \"rebuilt nightly\"\n",
    );
    let output = cloudposture()
        .args(["scan", "--rules", "VPC-001", "--show-passing", "--config"])
        .arg(&config)
        .arg("--snapshot")
        .arg(demo())
        .output()
        .unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.contains("6 failing"), "{table}");
    assert!(
        table.contains("MUTED  VPC-001  VPC Flow Logs Enabled  [low]  1 muted"),
        "{table}"
    );
    assert!(
        table.contains(&format!(
            "{SANDBOX}  sandbox-42  muted: rebuilt nightly (no flow log"
        )),
        "{table}"
    );
}

#[test]
fn verbose_logs_go_to_stderr_only() {
    let output = cloudposture()
        .args([
            "-v",
            "scan",
            "--rules",
            "VPC-001",
            "--format",
            "json",
            "--snapshot",
        ])
        .arg(demo())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("planned") && stderr.contains("evaluated"),
        "{stderr}"
    );
    let _: Value = serde_json::from_slice(&output.stdout).unwrap();
}

#[test]
fn no_color_env_turns_colour_off_in_auto_mode() {
    cloudposture()
        .env("NO_COLOR", "1")
        .args(["scan", "--rules", "VPC-001", "--snapshot"])
        .arg(demo())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\x1b[").not());
}

#[test]
fn quiet_drops_the_hints() {
    cloudposture()
        .args(["-q", "scan", "--rules", "VPC-001", "--snapshot"])
        .arg(demo())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("--format json").not())
        .stderr("");
}

#[test]
fn csv_has_a_header_and_a_row_per_finding() {
    let output = cloudposture()
        .args(["scan", "--rules", "VPC-001", "--format", "csv", "--snapshot"])
        .arg(demo())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = text.split("\r\n");
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("rule_id,title,status,risk,account,region,resource_kind,resource_id")
    );
    assert_eq!(text.matches("\r\nVPC-001,").count(), 14);
    assert!(text.contains(&format!(
        ",fail,low,123456789012,eu-west-1,aws.ec2.vpc,{STAGING},"
    )));
}

#[test]
fn junit_is_xml_with_a_testcase_per_finding() {
    let output = cloudposture()
        .args(["scan", "--rules", "VPC-001", "--format", "junit", "--snapshot"])
        .arg(demo())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let xml = String::from_utf8(output.stdout).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    let suites = &xml[xml.find("<testsuites ").unwrap()..];
    let suites = &suites[..suites.find('>').unwrap()];
    for attribute in [
        "name=\"cloudposture\"",
        "tests=\"14\"",
        "failures=\"7\"",
        "errors=\"2\"",
        "skipped=\"1\"",
    ] {
        assert!(suites.contains(attribute), "{attribute} in {suites}");
    }
    assert_eq!(xml.matches("<testcase ").count(), 14);
    assert_eq!(xml.matches("<failure ").count(), 7);
    assert_eq!(xml.matches("<error ").count(), 2);
    assert!(xml.trim_end().ends_with("</testsuites>"));
}

#[test]
fn ocsf_is_an_array_of_compliance_findings() {
    let output = cloudposture()
        .args(["scan", "--rules", "VPC-001", "--format", "ocsf", "--snapshot"])
        .arg(demo())
        .output()
        .unwrap();
    let events: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(events.len(), 14);
    assert!(
        events
            .iter()
            .all(|e| e["class_uid"] == 2003 && e["type_uid"] == 200301)
    );
    let staging = events
        .iter()
        .find(|e| e["resources"][0]["data"]["id"] == STAGING)
        .unwrap();
    assert_eq!(staging["compliance"]["status"], "Fail");
    assert_eq!(staging["cloud"]["account"]["uid"], "123456789012");
}

#[test]
fn asff_is_an_array_of_security_hub_findings() {
    let output = cloudposture()
        .args(["scan", "--rules", "VPC-001", "--format", "asff", "--snapshot"])
        .arg(demo())
        .output()
        .unwrap();
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(findings.len(), 14);
    let staging = findings
        .iter()
        .find(|f| f["Resources"][0]["Id"] == format!("arn:aws:ec2:eu-west-1:123456789012:vpc/{STAGING}"))
        .unwrap();
    assert_eq!(staging["Compliance"]["Status"], "FAILED");
    assert_eq!(staging["Resources"][0]["Type"], "AwsEc2Vpc");
    assert_eq!(staging["Severity"]["Label"], "LOW");
    assert!(staging["Remediation"]["Recommendation"]["Text"].is_string());
    assert!(
        staging["Compliance"]["RelatedRequirements"]
            .as_array()
            .unwrap()
            .contains(&Value::from("CIS AWS Foundations Benchmark v1.2.0/2.9"))
    );
    let statuses: Vec<&str> = findings
        .iter()
        .map(|f| f["Compliance"]["Status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.contains(&"PASSED") && statuses.contains(&"WARNING") && statuses.contains(&"NOT_AVAILABLE")
    );
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("report.json");
    cloudposture()
        .args(["scan", "--rules", "VPC-001", "--format", "json", "--snapshot"])
        .arg(demo())
        .arg("--output")
        .arg(&path)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("wrote").and(predicate::str::contains("report.json")));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(report["summary"]["total"], 14);
    // Only the report: no temporary file left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn output_into_a_missing_directory_fails_before_scanning() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("missing/report.json");
    assert_fails(
        cloudposture()
            .args(["scan", "--snapshot"])
            .arg(demo())
            .arg("--output")
            .arg(&path),
        2,
        "error: cannot write",
    );
    assert!(!path.exists());
}

// ---------------------------------------------------------------------------------------------
// exit codes and selection
// ---------------------------------------------------------------------------------------------

#[test]
fn fail_on_never_exits_0_when_everything_was_judged() {
    let dir = TempDir::new().unwrap();
    let complete = snapshot_file(
        &dir,
        "complete.json",
        &demo_with_regions(&["eu-west-1", "us-east-1"]),
    );
    let (_, code) = scan_json(&complete, &[]);
    assert_eq!(code, 1);
    let (_, code) = scan_json(&complete, &["--fail-on", "never"]);
    assert_eq!(code, 0);
    // Above the rule's risk nothing fails.
    let (_, code) = scan_json(&complete, &["--fail-on", "medium"]);
    assert_eq!(code, 0);
}

#[test]
fn incomplete_scans_exit_3_unless_something_fails() {
    let dir = TempDir::new().unwrap();
    let only_errors = snapshot_file(&dir, "errors.json", &demo_with_regions(&["ap-southeast-2"]));
    let (report, code) = scan_json(&only_errors, &[]);
    assert_eq!(code, 3);
    assert_eq!(report["summary"]["error"], 2);
    assert_eq!(report["summary"]["total"], 2);
    // Unknown is never a pass, whatever the threshold.
    let (_, code) = scan_json(&demo(), &["--fail-on", "never"]);
    assert_eq!(code, 3);
    let (_, code) = scan_json(&demo(), &["--fail-on", "extreme"]);
    assert_eq!(code, 3);
}

#[test]
fn a_snapshot_without_vpcs_is_complete_and_exits_0() {
    let dir = TempDir::new().unwrap();
    let mut v = demo_with_regions(&[]);
    v["regions_not_scanned"] = Value::Array(Vec::new());
    let empty = snapshot_file(&dir, "empty.json", &v);
    let (report, code) = scan_json(&empty, &[]);
    assert_eq!((code, report["summary"]["total"].as_u64()), (0, Some(0)));
    cloudposture()
        .args(["scan", "--rules", "VPC-001", "--snapshot"])
        .arg(&empty)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "No resources of the selected rules were found",
        ));
}

#[test]
fn selection_by_rule_prefix_standard_and_risk() {
    for args in [
        &["--rules", "VPC"][..],
        &["--rules", "vpc-001"],
        &["--standard", "cis"],
        &["--standard", "pci,gdpr"],
        &["--standard", "nist"],
        &["--min-risk", "low"],
    ] {
        let (report, code) = scan_json_selecting(&demo(), args);
        let selected: Vec<&str> = report["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert!(selected.contains(&"VPC-001"), "{args:?}: {selected:?}");
        let findings = report["findings"].as_array().unwrap();
        assert!(
            findings
                .iter()
                .all(|f| selected.contains(&f["rule_id"].as_str().unwrap())),
            "{args:?}: findings of the selected rules only"
        );
        let vpc_001 = findings.iter().filter(|f| f["rule_id"] == "VPC-001").count();
        assert_eq!((code, vpc_001), (1, 14), "{args:?}");
    }
    assert_fails(
        cloudposture()
            .args(["scan", "--rules", "VPC-001", "--min-risk", "high", "--snapshot"])
            .arg(demo()),
        2,
        "error: no rule is selected",
    );
    assert_fails(
        cloudposture()
            .args(["scan", "--standard", "iso", "--snapshot"])
            .arg(demo()),
        2,
        "unknown standard `iso`",
    );
}

// ---------------------------------------------------------------------------------------------
// config file
// ---------------------------------------------------------------------------------------------

#[test]
fn settings_change_verdicts() {
    let dir = TempDir::new().unwrap();
    let all = config_file(&dir, "[rules.VPC-001]\ntraffic_type = \"ALL\"\n");
    let (report, _) = scan_json(&demo(), &["--config", all.to_str().unwrap()]);
    assert_eq!(status_of(&report, REJECT_ONLY), "fail");
    assert_eq!(status_of(&report, ACCEPT_REJECT_PAIR), "pass");
    assert_eq!(status_of(&report, PROD_CORE), "pass");

    let dest = config_file(
        &dir,
        "[rules.VPC-001]\ndestination_types = [\"cloud-watch-logs\", \"s3\"]\n",
    );
    let (report, _) = scan_json(&demo(), &["--config", dest.to_str().unwrap()]);
    assert_eq!(status_of(&report, FIREHOSE), "fail");

    let delivery = config_file(&dir, "[rules.VPC-001]\ncount_failed_delivery = true\n");
    let (report, _) = scan_json(&demo(), &["--config", delivery.to_str().unwrap()]);
    assert_eq!(status_of(&report, ANALYTICS_FAILED_DELIVERY), "pass");
}

#[test]
fn risk_override_and_disabling() {
    let dir = TempDir::new().unwrap();
    let medium = config_file(&dir, "[rules.VPC-001]\nenabled = true\nrisk = \"medium\"\n");
    let (report, code) = scan_json(
        &demo(),
        &["--config", medium.to_str().unwrap(), "--fail-on", "medium"],
    );
    assert_eq!(code, 1);
    assert_eq!(finding(&report, STAGING)["risk"], "medium");
    let (_, code) = scan_json(
        &demo(),
        &["--config", medium.to_str().unwrap(), "--fail-on", "high"],
    );
    assert_eq!(code, 3, "nothing fails at high, and Sydney could not be read");

    let disabled = config_file(&dir, "[rules.VPC-001]\nenabled = false\n");
    assert_fails(
        cloudposture()
            .args(["scan", "--rules", "VPC-001", "--config"])
            .arg(&disabled)
            .arg("--snapshot")
            .arg(demo()),
        2,
        "no rule is selected",
    );
}

#[test]
fn exceptions_mute_with_their_reason_by_each_criterion() {
    let dir = TempDir::new().unwrap();
    let cases: [(&str, &[&str]); 6] = [
        ("tags = [\"Environment::sandbox\"]", &[SANDBOX]),
        ("tags = [\"Ephemeral\"]", &[SANDBOX]),
        ("resources = [\"vpc-0e1a00000000000b2\"]", &[STAGING]),
        (
            "resources = [\"arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0e1a00000000000c3\"]",
            &[ANALYTICS_FAILED_DELIVERY],
        ),
        (
            "regions = [\"us-east-1\"]\ntags = [\"Name::eni-logged\"]",
            &[ENI_ONLY],
        ),
        (
            "rules = [\"VPC-001\"]\nregions = [\"ap-southeast-2\"]",
            &[SYDNEY_APP, SYDNEY_DATA],
        ),
    ];
    for (criteria, muted) in cases {
        let config = config_file(
            &dir,
            &format!("[[exceptions]]\n{criteria}\nreason = \"accepted by the security team\"\n"),
        );
        let (report, _) = scan_json(&demo(), &["--config", config.to_str().unwrap()]);
        for vpc in muted {
            let f = finding(&report, vpc);
            assert_eq!(f["status"], "muted", "{criteria}: {vpc}");
            assert_eq!(f["muted_reason"], "accepted by the security team");
        }
        assert_eq!(report["summary"]["muted"], muted.len(), "{criteria}");
        assert_eq!(report["summary"]["total"], 14, "muted findings are kept");
        assert_eq!(status_of(&report, PROD_CORE), "pass", "{criteria}");
    }
}

#[test]
fn muting_every_failure_exits_0_on_a_complete_scan() {
    let dir = TempDir::new().unwrap();
    let complete = snapshot_file(
        &dir,
        "complete.json",
        &demo_with_regions(&["eu-west-1", "us-east-1"]),
    );
    let config = config_file(&dir, "[[exceptions]]\nrules = [\"VPC\"]\nreason = \"known\"\n");
    let (report, code) = scan_json(&complete, &["--config", config.to_str().unwrap()]);
    assert_eq!((code, report["summary"]["fail"].as_u64()), (0, Some(0)));
}

#[test]
fn config_from_the_environment_variable() {
    let dir = TempDir::new().unwrap();
    let config = config_file(&dir, "[rules.VPC-001]\ntrafic_type = \"ALL\"\n");
    assert_fails(
        cloudposture()
            .env("CLOUDPOSTURE_CONFIG", &config)
            .args(["scan", "--snapshot"])
            .arg(demo()),
        2,
        "has no setting `trafic_type`",
    );
}

// ---------------------------------------------------------------------------------------------
// bad input
// ---------------------------------------------------------------------------------------------

#[test]
fn missing_snapshot() {
    assert_fails(
        cloudposture().args(["scan", "--snapshot", "/nonexistent/snap.json"]),
        2,
        "error: snapshot `/nonexistent/snap.json`: No such file or directory",
    );
}

#[test]
fn truncated_snapshot() {
    let dir = TempDir::new().unwrap();
    let text = std::fs::read_to_string(demo()).unwrap();
    let path = dir.path().join("truncated.json");
    std::fs::write(&path, &text[..text.len() / 2]).unwrap();
    assert_fails(
        cloudposture().args(["scan", "--snapshot"]).arg(&path),
        2,
        "is not a valid snapshot: EOF while parsing",
    );
}

#[test]
fn binary_snapshot() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("binary.json");
    std::fs::write(&path, [0x7f, b'E', b'L', b'F', 0xff, 0xfe, 0, 1, 2]).unwrap();
    assert_fails(
        cloudposture().args(["scan", "--snapshot"]).arg(&path),
        2,
        "is not a valid snapshot: the file is not UTF-8 text (binary?)",
    );
}

#[test]
fn snapshot_of_a_future_version() {
    let dir = TempDir::new().unwrap();
    let mut v = demo_json();
    v["schema_version"] = Value::from(99);
    let path = snapshot_file(&dir, "future.json", &v);
    assert_fails(
        cloudposture().args(["scan", "--snapshot"]).arg(&path),
        2,
        "has schema version 99, newer than the 2 this cloudposture reads; upgrade cloudposture",
    );
}

#[test]
fn a_report_is_not_a_snapshot() {
    let dir = TempDir::new().unwrap();
    let (report, _) = scan_json(&demo(), &[]);
    let path = snapshot_file(&dir, "report.json", &report);
    assert_fails(
        cloudposture().args(["scan", "--snapshot"]).arg(&path),
        2,
        "is a scan report (it has `findings`), not a snapshot",
    );
}

#[test]
fn broken_toml_names_file_and_line() {
    let dir = TempDir::new().unwrap();
    let config = config_file(&dir, "[rules.VPC-001]\ntraffic_type = \"ALL\n");
    assert_fails(
        cloudposture()
            .arg("--config")
            .arg(&config)
            .args(["scan", "--snapshot"])
            .arg(demo()),
        2,
        &format!("error: config `{}`: TOML parse error at line 2", config.display()),
    );
}

#[test]
fn misspelt_setting_names_file_line_rule_and_key() {
    let dir = TempDir::new().unwrap();
    let config = config_file(&dir, "[rules.VPC-001]\nenabled = true\ntrafic_type = \"ALL\"\n");
    assert_fails(
        cloudposture()
            .arg("--config")
            .arg(&config)
            .args(["scan", "--snapshot"])
            .arg(demo()),
        2,
        &format!(
            "error: config `{}` line 3: rule `VPC-001` has no setting `trafic_type`; its settings are: traffic_type,",
            config.display()
        ),
    );
}

#[test]
fn bad_setting_value_lists_the_allowed_values() {
    let dir = TempDir::new().unwrap();
    let config = config_file(&dir, "[rules.VPC-001]\ntraffic_type = \"all\"\n");
    assert_fails(
        cloudposture()
            .arg("--config")
            .arg(&config)
            .args(["scan", "--snapshot"])
            .arg(demo()),
        2,
        "line 2: rule `VPC-001` setting `traffic_type`: `all` is not allowed; expected one of: any, ALL, ACCEPT, REJECT",
    );
    let config = config_file(&dir, "[rules.VPC-001]\nrisk = \"severe\"\n");
    assert_fails(
        cloudposture()
            .arg("--config")
            .arg(&config)
            .args(["scan", "--snapshot"])
            .arg(demo()),
        2,
        "severe",
    );
}

#[test]
fn unknown_rule_in_config() {
    let dir = TempDir::new().unwrap();
    let config = config_file(&dir, "[rules.VPC-999]\nenabled = false\n");
    assert_fails(
        cloudposture()
            .arg("--config")
            .arg(&config)
            .args(["scan", "--snapshot"])
            .arg(demo()),
        2,
        "line 1: `[rules.VPC-999]` names no known rule",
    );
}

#[test]
fn unusable_exceptions() {
    let dir = TempDir::new().unwrap();
    for (text, message) in [
        ("[[exceptions]]\ntags = [\"Env::x\"]\n", "missing field `reason`"),
        (
            "[[exceptions]]\nreason = \"everything\"\n",
            "exception 1: it has no criterion",
        ),
        (
            "[[exceptions]]\nrule = [\"VPC-001\"]\nreason = \"x\"\n",
            "unknown field `rule`",
        ),
        (
            "[[exceptions]]\nrules = [\"S3\"]\nreason = \"x\"\n",
            "exception 1: no rule matches `S3`",
        ),
    ] {
        let config = config_file(&dir, text);
        assert_fails(
            cloudposture()
                .arg("--config")
                .arg(&config)
                .args(["scan", "--snapshot"])
                .arg(demo()),
            2,
            message,
        );
    }
}

#[test]
fn missing_config_file() {
    assert_fails(
        cloudposture()
            .args(["--config", "/nonexistent/cp.toml", "scan", "--snapshot"])
            .arg(demo()),
        2,
        "error: cannot read config `/nonexistent/cp.toml`: No such file or directory",
    );
}

#[test]
fn unknown_rule_selector() {
    assert_fails(
        cloudposture()
            .args(["scan", "--rules", "S3", "--snapshot"])
            .arg(demo()),
        2,
        "error: no rule matches `S3`; `cloudposture rules list` shows the rules",
    );
}

#[test]
fn malformed_region_name() {
    assert_fails(
        cloudposture().args(["scan", "--regions", "eu-west"]),
        2,
        "`eu-west` is not a region name",
    );
}

#[test]
fn snapshot_conflicts_with_live_flags() {
    assert_fails(
        cloudposture()
            .args(["scan", "--regions", "eu-west-1", "--snapshot"])
            .arg(demo()),
        2,
        "cannot be used with",
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    assert_fails(
        cloudposture().args(["scan", "--format", "xml"]),
        2,
        "invalid value 'xml'",
    );
    assert_fails(
        cloudposture().args(["scan", "--fail-on", "severe"]),
        2,
        "unknown risk level `severe`",
    );
    assert_fails(
        cloudposture().args(["scan", "--concurrency", "0"]),
        2,
        "invalid value '0'",
    );
    assert_fails(
        cloudposture().args(["scan", "--endpoint-url", "localhost:5000"]),
        2,
        "not an http",
    );
    assert_fails(cloudposture().arg("frobnicate"), 2, "unrecognized subcommand");
    assert_fails(cloudposture().arg("collect"), 2, "--output <FILE>");
}

// ---------------------------------------------------------------------------------------------
// rules, iam-policy, help
// ---------------------------------------------------------------------------------------------

#[test]
fn rules_list_as_table_and_json() {
    cloudposture()
        .args(["rules", "list"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("VPC-001").and(predicate::str::contains("VPC Flow Logs Enabled")));
    let output = cloudposture()
        .args(["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    let rules: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let vpc_001 = rules.iter().find(|r| r["id"] == "VPC-001").unwrap();
    assert_eq!(vpc_001["risk"], "low");
}

#[test]
fn rules_show_is_the_knowledge_base_page() {
    let output = cloudposture()
        .args(["rules", "show", "VPC-001"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8(output.stdout).unwrap();
    for part in [
        "# VPC-001 — VPC Flow Logs Enabled",
        "| Risk | **low** |",
        "Security, Sustainability",
        "CIS AWS Foundations Benchmark**: v1.2.0 2.9",
        "## Audit by hand",
        "## Remediation",
        "aws ec2 create-flow-logs",
        "AWS::EC2::FlowLog",
        "aws_flow_log",
        "| `traffic_type` | string | `\"any\"` | `any`, `ALL`, `ACCEPT`, `REJECT` |",
        "`ec2:DescribeFlowLogs`",
        "`ec2:CreateFlowLogs`",
        "## References",
    ] {
        assert!(page.contains(part), "missing {part:?}:\n{page}");
    }
    let output = cloudposture()
        .args(["rules", "show", "vpc-001", "--format", "json"])
        .output()
        .unwrap();
    let rule: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rule["id"], "VPC-001");
    assert_fails(
        cloudposture().args(["rules", "show", "S3-001"]),
        2,
        "error: no rule `S3-001`",
    );
}

#[test]
fn iam_policy_is_least_privilege() {
    let output = cloudposture()
        .args(["iam-policy", "--rules", "VPC"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let policy: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(policy["Version"], "2012-10-17");
    let statements = policy["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    assert_eq!(statements[0]["Effect"], "Allow");
    assert_eq!(statements[0]["Resource"], "*");
    let actions: Vec<&str> = statements[0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let mut sorted = actions.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(actions, sorted, "sorted and unique");
    assert!(actions.contains(&"ec2:DescribeFlowLogs") && actions.contains(&"ec2:DescribeVpcs"));
    assert!(!actions.contains(&"ec2:CreateFlowLogs"));

    let output = cloudposture()
        .args(["iam-policy", "--remediation"])
        .output()
        .unwrap();
    let policy: Value = serde_json::from_slice(&output.stdout).unwrap();
    let actions = policy["Statement"][0]["Action"].as_array().unwrap();
    assert!(actions.contains(&Value::from("ec2:CreateFlowLogs")));
    assert!(actions.contains(&Value::from("ec2:DescribeFlowLogs")));
    assert_fails(
        cloudposture().args(["iam-policy", "--rules", "S3"]),
        2,
        "no rule matches `S3`",
    );
}

#[test]
fn help_documents_exit_codes() {
    cloudposture()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Exit codes:").and(predicate::str::contains("incomplete")));
    cloudposture()
        .args(["scan", "--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("--fail-on"));
}

#[test]
fn snapshot_with_a_vpc_twice_is_refused_before_any_finding() {
    let dir = TempDir::new().unwrap();
    let mut v = demo_json();
    let scope = &mut v["scopes"][1]["kinds"]["aws.ec2.vpc"]["listed"];
    let first = scope[0].clone();
    scope.as_array_mut().unwrap().push(first);
    let path = snapshot_file(&dir, "twice.json", &v);
    assert_fails(
        cloudposture().args(["scan", "--snapshot"]).arg(&path),
        2,
        "is not consistent: `aws.ec2.vpc` `vpc-0e1a00000000000a1` is listed twice in eu-west-1",
    );
}
