use super::*;

use serde_json::Value;

fn render() -> Vec<Value> {
    let mut out = Vec::new();
    write_ocsf(&super::super::fixtures::report(), &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

/// Runs `scripts/ocsf_validate.py` (the `ocsf-json-schema` and `jsonschema` packages
/// from PyPI, which `scripts/test` installs) over `events`, with
/// `$CLOUDPOSTURE_PYTHON` or `python3`: whether they are valid, and what it said.
/// Missing Python or packages fail the test with what to install: it is never skipped.
fn validate(name: &str, events: &[u8]) -> (bool, String) {
    let path = std::env::temp_dir().join(format!("cloudposture-{}-{name}.ocsf.json", std::process::id()));
    std::fs::write(&path, events).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/ocsf_validate.py");
    let python = std::env::var("CLOUDPOSTURE_PYTHON").unwrap_or_else(|_| "python3".into());
    let run = std::process::Command::new(&python)
        .arg(script)
        .arg(&path)
        .arg(OCSF_VERSION)
        .output()
        .unwrap_or_else(|e| {
            panic!("could not run `{python}` ({e}): install Python 3 and run scripts/test, which installs the OCSF validator")
        });
    let _ = std::fs::remove_file(&path);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    match run.status.code() {
        Some(0) => (true, text),
        Some(1) => (false, text),
        _ => panic!("the OCSF validator could not run (scripts/test installs it):\n{text}"),
    }
}

fn assert_valid_ocsf(name: &str, report: &Report) {
    let mut out = Vec::new();
    write_ocsf(report, &mut out).unwrap();
    let (valid, text) = validate(name, &out);
    assert!(valid, "{name}: OCSF events are not valid:\n{text}");
}

#[test]
fn the_validator_refuses_an_owner_without_identity_and_undeclared_profiles() {
    let mut events = render();
    events[0]["resources"][0]["owner"] = serde_json::json!({"type_id": 1});
    events[1]["metadata"].as_object_mut().unwrap().remove("profiles");
    let (valid, text) = validate("broken", &serde_json::to_vec(&events).unwrap());
    assert!(!valid, "{text}");
    assert!(text.contains("event 0: resources/0/owner"), "{text}");
    assert!(text.contains("event 1: (event): Additional properties"), "{text}");
}

#[test]
fn events_are_valid_ocsf_for_every_status() {
    let report = super::super::fixtures::report();
    let statuses: Vec<Status> = report.findings.iter().map(|f| f.status).collect();
    for status in Status::ALL {
        assert!(statuses.contains(&status), "the fixture lacks a {status} finding");
    }
    assert!(report.findings.iter().any(super::super::is_scope_wide));
    assert_valid_ocsf("fixture", &report);

    // Muted findings of every verdict, every risk level, and no scanned account.
    let mut varied = report.clone();
    for (i, f) in varied.findings.iter_mut().enumerate() {
        f.original_status = Some(f.status);
        f.status = Status::Muted;
        f.muted_reason = Some("accepted".into());
        f.risk = RiskLevel::ALL[i % RiskLevel::ALL.len()];
    }
    varied.scan.account = None;
    assert_valid_ocsf("muted", &varied);
}

#[test]
fn every_finding_is_a_compliance_finding_event() {
    let events = render();
    assert_eq!(events.len(), 6);
    for e in &events {
        assert_eq!(e["class_uid"], 2003);
        assert_eq!(e["category_uid"], 2);
        assert_eq!(e["type_uid"], 200301);
        assert_eq!(e["metadata"]["version"], OCSF_VERSION);
        assert_eq!(e["cloud"]["account"]["uid"], "123456789012");
        assert!(e["time"].as_i64().is_some_and(|t| t > 0));
    }
    let status: Vec<&str> = events
        .iter()
        .filter_map(|e| e["compliance"]["status"].as_str())
        .collect();
    // A muted failure keeps its verdict; the workflow status says it is suppressed.
    assert_eq!(
        status,
        ["Pass", "Fail", "Warning", "Not Applicable", "Fail", "Warning"]
    );
    assert_eq!(events[1]["compliance"]["status_id"], 3);
    assert_eq!(events[1]["severity_id"], 2);
    assert_eq!(events[1]["resources"][0]["type"], "AWS::EC2::VPC");
    assert_eq!(events[1]["remediation"]["desc"], "Create a VPC flow log");
    assert_eq!(
        events[1]["compliance"]["requirements"][0],
        "CIS AWS Foundations Benchmark v1.2.0 2.9"
    );
    assert_eq!(events[4]["status_id"], 3);
    assert_eq!(events[4]["status_detail"], "sandbox VPCs are rebuilt every night");
    assert_eq!(
        events[1]["finding_info"]["uid"],
        "cloudposture/VPC-001/arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0fail"
    );
}

#[test]
fn verdicts_read_as_in_asff() {
    let events = render();
    let severities: Vec<&str> = events.iter().filter_map(|e| e["severity"].as_str()).collect();
    // Pass and skipped are informational, as in ASFF; the rest carry the risk (low).
    assert_eq!(
        severities,
        ["Informational", "Low", "Low", "Informational", "Low", "Low"]
    );
    assert_eq!(events[2]["compliance"]["status_id"], 2);
}

#[test]
fn the_event_is_the_scanned_accounts_and_the_resource_names_its_owner() {
    let shared = &render()[3];
    assert_eq!(shared["cloud"]["account"]["uid"], "123456789012");
    let owner = &shared["resources"][0]["owner"];
    assert_eq!(owner["uid"], "111122223333");
    assert_eq!(owner["account"]["uid"], "111122223333");
    assert_eq!(
        shared["metadata"]["profiles"],
        serde_json::json!(["cloud", "datetime"])
    );
}

#[test]
fn a_region_wide_error_names_its_region() {
    let wide = &render()[5];
    assert_eq!(wide["resources"][0]["name"], "all VPCs in sa-east-1");
    assert_eq!(wide["resources"][0]["uid"], "*");
    assert_eq!(
        wide["finding_info"]["title"],
        "VPC Flow Logs Enabled: all VPCs in sa-east-1"
    );
    assert_eq!(
        wide["finding_info"]["uid"],
        "cloudposture/VPC-001/123456789012/sa-east-1/*"
    );
}
