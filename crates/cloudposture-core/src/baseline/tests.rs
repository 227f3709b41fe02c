use super::*;
use crate::metadata::RuleMetadata;
use crate::render::fixtures;
use crate::resource::Location;

fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap()
}

fn baseline_of(report: &Report) -> Baseline {
    Baseline::from_json(&json(report)).unwrap()
}

/// The fixture report with its failing finding declared in a template.
fn report() -> Report {
    let mut report = fixtures::report();
    report.findings[1].resource.location = Some(Location {
        file: "infra/main.tf".into(),
        line: 6,
    });
    report
}

/// A change to a finding, named for messages.
type Change = (&'static str, fn(&mut Finding));

fn failing(report: &Report) -> &Finding {
    &report.findings[1]
}

#[test]
fn a_finding_failing_in_the_baseline_is_muted_and_the_summary_counted_again() {
    let baseline = baseline_of(&report());
    let mut new = report();
    assert_eq!(new.summary.fail, 1);
    assert_eq!(baseline.apply(&mut new), 1);
    let f = failing(&new);
    assert_eq!(f.status, Status::Muted);
    assert_eq!(f.original_status, Some(Status::Fail));
    assert_eq!(f.muted_reason.as_deref(), Some("in baseline"));
    assert_eq!((new.summary.fail, new.summary.muted), (0, 2));
    assert_eq!(new.summary, Summary::of(&new.findings));
    // Written as any muted finding is.
    let written: serde_json::Value = serde_json::from_str(&json(&new)).unwrap();
    assert_eq!(written["findings"][1]["status"], "muted");
    assert_eq!(written["findings"][1]["original_status"], "fail");
    assert_eq!(written["summary"]["fail"], 0);
    // The finding an exception muted keeps its reason.
    assert_eq!(
        new.findings[4].muted_reason.as_deref(),
        Some("sandbox VPCs are rebuilt every night")
    );
}

#[test]
fn every_part_of_the_key_must_match_but_the_line() {
    static OTHER: RuleMetadata = RuleMetadata {
        id: "VPC-002",
        ..fixtures::RULE
    };
    let baseline = baseline_of(&report());
    let changes: [Change; 7] = [
        ("rule", |f| f.rule = &OTHER),
        ("kind", |f| f.resource.kind = "aws.ec2.subnet".into()),
        ("id", |f| f.resource.id = "vpc-0new".into()),
        ("account", |f| f.resource.account = Some("210987654321".into())),
        ("region", |f| f.resource.region = Some("us-east-1".into())),
        ("file", |f| {
            f.resource.location = Some(Location {
                file: "other/main.tf".into(),
                line: 6,
            })
        }),
        ("no file", |f| f.resource.location = None),
    ];
    for (what, change) in changes {
        let mut new = report();
        change(&mut new.findings[1]);
        assert_eq!(baseline.apply(&mut new), 0, "another {what}");
        assert_eq!(failing(&new).status, Status::Fail, "another {what}");
    }
    // Lines move as the file is edited: the same resource further down still matches.
    let mut new = report();
    if let Some(at) = &mut new.findings[1].resource.location {
        at.line = 40;
    }
    assert_eq!(baseline.apply(&mut new), 1);
}

#[test]
fn a_report_made_with_a_baseline_is_a_baseline_of_the_same_findings() {
    let mut second = report();
    baseline_of(&report()).apply(&mut second);
    assert_eq!(failing(&second).status, Status::Muted);
    let chained = baseline_of(&second);
    assert_eq!(chained, baseline_of(&report()));
    let mut third = report();
    assert_eq!(chained.apply(&mut third), 1);
    assert_eq!(failing(&third).muted_reason.as_deref(), Some("in baseline"));
}

#[test]
fn only_fail_findings_are_muted_errors_stay_errors() {
    // A baseline in which every finding failed, the one in error included.
    let mut earlier = report();
    for f in &mut earlier.findings {
        f.status = Status::Fail;
        f.original_status = None;
    }
    let baseline = baseline_of(&earlier);
    let mut new = report();
    let before: Vec<Status> = new.findings.iter().map(|f| f.status).collect();
    assert_eq!(baseline.apply(&mut new), 1);
    for (i, (f, was)) in new.findings.iter().zip(before).enumerate() {
        let expected = if i == 1 { Status::Muted } else { was };
        assert_eq!(f.status, expected, "finding {i} ({})", f.resource.id);
    }
    assert_eq!(new.summary.error, 2);
}

#[test]
fn what_is_not_a_report_of_this_tool_is_said() {
    let error = |text: &str| Baseline::from_json(text).unwrap_err().to_string();
    assert_eq!(
        error("not json"),
        "not a cloudposture JSON report: expected ident at line 1, column 2"
    );
    let another_tool = "a baseline is a report written by `cloudposture scan --format json`";
    assert_eq!(
        error(r#"{"version": "2.1.0", "runs": []}"#),
        format!("not a cloudposture JSON report: it has no `tool`; {another_tool}")
    );
    assert_eq!(
        error(r#"{"schema_version": 2, "tool": {"name": "checkov", "version": "3"}}"#),
        format!("not a cloudposture JSON report: it was written by `checkov`; {another_tool}")
    );
    let mut report = serde_json::to_value(report()).unwrap();
    report["schema_version"] = 1.into();
    assert_eq!(
        error(&report.to_string()),
        "the baseline has schema version 1; this cloudposture reads version 2 only: write the baseline again with this version"
    );
    report["schema_version"] = 2.into();
    report["findings"][0]["resource"] = serde_json::json!("vpc-1");
    assert!(
        error(&report.to_string()).starts_with("not a cloudposture JSON report: invalid type: string"),
        "{}",
        error(&report.to_string())
    );
}

#[test]
fn findings_of_rules_this_build_lacks_are_read_and_never_match() {
    let mut written = serde_json::to_value(report()).unwrap();
    written["findings"][1]["rule_id"] = "XYZ-999".into();
    let baseline = Baseline::from_json(&written.to_string()).unwrap();
    // The renamed finding and the one an exception muted (judged fail).
    assert_eq!(baseline.len(), 2);
    let mut new = report();
    assert_eq!(baseline.apply(&mut new), 0);
}
