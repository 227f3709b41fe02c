//! `--format ocsf`: OCSF Compliance Finding events.

use std::io;

use serde_json::{Value, json};

use crate::finding::{Finding, Status};
use crate::report::Report;
use crate::risk::RiskLevel;

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.3.0";

const CLASS_UID: u32 = 2003;
const CATEGORY_UID: u32 = 2;
const ACTIVITY_CREATE: u32 = 1;

/// Writes one OCSF Compliance Finding event (`class_uid` 2003, activity Create) per
/// finding, as a pretty JSON array.
///
/// Mapping:
/// - `compliance.status_id`: pass → 1 Pass, fail → 3 Fail, error → 0 Unknown (the
///   resource could not be judged), skipped → 99 Other (`Not Applicable`); a muted
///   finding keeps the status the rule gave it (99 Other `Muted` only if that is
///   unknown); `compliance.requirements` lists the rule's controls,
///   `compliance.standards` their standards, `compliance.control` the rule id.
/// - `severity_id` from the risk level: low → 2 Low, medium → 3 Medium, high → 4 High,
///   very-high → 5 Critical, extreme → 6 Fatal.
/// - `status_id` (the finding's workflow): 1 New, or 3 Suppressed for muted findings,
///   with the exception's reason in `status_detail`.
/// - `finding_info.uid` is stable across scans: `cloudposture/RULE/ARN` (or region and id).
/// - Evidence and the remediation snippets, which OCSF has no place for, are in `unmapped`.
pub fn write_ocsf(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let events: Vec<Value> = report.findings.iter().map(|f| event(report, f)).collect();
    super::write_pretty_json(&events, out)
}

fn severity(risk: RiskLevel) -> (u8, &'static str) {
    match risk {
        RiskLevel::Low => (2, "Low"),
        RiskLevel::Medium => (3, "Medium"),
        RiskLevel::High => (4, "High"),
        RiskLevel::VeryHigh => (5, "Critical"),
        RiskLevel::Extreme => (6, "Fatal"),
    }
}

fn compliance_status(status: Status) -> (u8, &'static str) {
    match status {
        Status::Pass => (1, "Pass"),
        Status::Fail => (3, "Fail"),
        Status::Error => (0, "Unknown"),
        Status::Skipped => (99, "Not Applicable"),
        Status::Muted => (99, "Muted"),
    }
}

fn event(report: &Report, f: &Finding) -> Value {
    let r = &f.resource;
    let time = report.scan.finished_at.as_millisecond();
    let time_dt = report.scan.finished_at.to_string();
    let (severity_id, severity_name) = severity(f.risk);
    // A muted finding keeps the rule's verdict; its workflow status says it is suppressed.
    let (compliance_id, compliance_name) = compliance_status(f.judged_status());
    let (status_id, status_name) = if f.status == Status::Muted {
        (3, "Suppressed")
    } else {
        (1, "New")
    };
    let mut standards: Vec<&str> = Vec::new();
    for c in f.rule.controls {
        if !standards.contains(&c.standard.name()) {
            standards.push(c.standard.name());
        }
    }
    let requirements: Vec<String> = f.rule.controls.iter().map(ToString::to_string).collect();
    let account = r.account.as_deref().or(report.scan.account.as_deref());
    let labels: Vec<String> = r.tags.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    let mut resource = json!({
        "uid": r.arn().as_deref().unwrap_or(&r.id),
        "name": r.tags.get("Name").unwrap_or(r.id.as_str()),
        "type": super::cloudformation_type(&r.kind),
        "region": r.region,
        "labels": labels,
        "data": { "id": r.id, "kind": r.kind, "tags": r.tags },
    });
    if let Some(region) = &r.region {
        resource["cloud_partition"] = json!(super::partition_of(region));
    }
    if let Some(account) = account {
        resource["owner"] = json!({ "account": { "uid": account, "type": "AWS Account", "type_id": 10 } });
    }
    // Built once: a deferred remediation is made on every read.
    let remediation = f.remediation();
    let mut event = json!({
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Compliance Finding: Create",
        "time": time,
        "time_dt": time_dt,
        "severity_id": severity_id,
        "severity": severity_name,
        "status_id": status_id,
        "status": status_name,
        "message": f.message,
        "metadata": {
            "version": OCSF_VERSION,
            "event_code": f.rule.id,
            "uid": super::finding_uid(f),
            "product": {
                "name": report.tool.name,
                "vendor_name": report.tool.name,
                "version": report.tool.version,
            },
        },
        "finding_info": {
            "uid": super::finding_uid(f),
            "title": f.rule.title,
            "desc": f.message,
            "types": ["Software and Configuration Checks"],
            "created_time": time,
            "first_seen_time": report.scan.started_at.as_millisecond(),
            "last_seen_time": time,
        },
        "compliance": {
            "control": f.rule.id,
            "standards": standards,
            "requirements": requirements,
            "status_id": compliance_id,
            "status": compliance_name,
            "status_detail": f.message,
        },
        "cloud": {
            "provider": "AWS",
            "region": r.region,
        },
        "resources": [resource],
        "unmapped": {
            "risk": f.risk,
            "evidence": f.evidence,
            "remediation": remediation,
        },
    });
    if let Some(account) = account {
        event["cloud"]["account"] = json!({ "uid": account, "type": "AWS Account", "type_id": 10 });
    }
    if let Some(reason) = &f.muted_reason {
        event["status_detail"] = json!(&**reason);
    }
    if let Some(rem) = &remediation {
        event["remediation"] = json!({ "desc": rem.summary });
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render() -> Vec<Value> {
        let mut out = Vec::new();
        write_ocsf(&super::super::fixtures::report(), &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn every_finding_is_a_compliance_finding_event() {
        let events = render();
        assert_eq!(events.len(), 5);
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
        assert_eq!(status, ["Pass", "Fail", "Unknown", "Not Applicable", "Fail"]);
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

    /// Every field of every record for the fixture report, as recorded in
    /// `testdata/report.ocsf.json` (compared as JSON trees, so key order does not matter).
    #[test]
    fn records_are_as_recorded() {
        let written = serde_json::Value::Array(render());
        let recorded: Value =
            serde_json::from_str(include_str!("testdata/report.ocsf.json")).unwrap();
        if written != recorded {
            let path = std::env::temp_dir().join("report.ocsf.json");
            std::fs::write(&path, serde_json::to_string_pretty(&written).unwrap()).unwrap();
            panic!("written differs from recorded; written is in {}", path.display());
        }
    }
}
