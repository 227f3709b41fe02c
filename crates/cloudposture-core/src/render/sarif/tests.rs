use super::*;

use serde_json::Value;

use crate::compliance::Standard;
use crate::metadata::{AuditStep, Reference};
use crate::render::{Format, fixtures};
use crate::report::RuleRun;
use crate::resource::Location;

/// The fixture report as a template scan: every resource declared in `infra/main.tf`,
/// on the line of its index + 1, but the scope-wide one.
fn template_report() -> Report {
    let mut report = fixtures::report();
    report.scan.source = ScanSource::Template;
    for (i, f) in report.findings.iter_mut().enumerate() {
        if f.resource.id != crate::rule::SCOPE_WIDE_ID {
            f.resource.location = Some(Location {
                file: "./infra/main.tf".into(),
                line: u32::try_from(i).unwrap() + 1,
            });
        }
    }
    report
}

fn render(report: &Report) -> Value {
    let mut out = Vec::new();
    write_sarif(report, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

fn results(sarif: &Value) -> &Vec<Value> {
    sarif["runs"][0]["results"].as_array().unwrap()
}

fn notifications(sarif: &Value) -> &Vec<Value> {
    sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
}

#[test]
fn only_template_scans_are_written() {
    assert_eq!(sarif_applies(ScanSource::Template), Ok(()));
    for (source, name) in [(ScanSource::Live, "live"), (ScanSource::Snapshot, "snapshot")] {
        let message = sarif_applies(source).unwrap_err();
        assert!(
            message.starts_with("--format sarif needs a template scan"),
            "{message}"
        );
        assert!(message.contains(&format!("a {name} scan has none")), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }
    let err = write_sarif(&fixtures::report(), &mut Vec::new()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(
        Format::Sarif
            .write(&fixtures::report(), &mut Vec::new())
            .unwrap_err()
            .kind(),
        io::ErrorKind::InvalidInput
    );
}

#[test]
fn a_result_per_failing_finding_at_its_file_and_line() {
    let sarif = render(&template_report());
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"].as_array().unwrap().len(), 1);
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "cloudposture");
    assert_eq!(driver["version"], "0.0.0-fixture");
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    // The failing VPC and the muted one that failed; not the pass, skipped or errors.
    let results = results(&sarif);
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["locations"][0]["logicalLocations"][0]["name"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["vpc-0fail", "vpc-0muted"]);
    let fail = &results[0];
    assert_eq!(fail["ruleId"], "VPC-001");
    assert_eq!(fail["ruleIndex"], 0);
    assert_eq!(fail["kind"], "fail");
    assert_eq!(fail["level"], "note", "a low risk");
    assert_eq!(fail["message"]["text"], "vpc-0fail: no flow log\nat all");
    let physical = &fail["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "infra/main.tf");
    assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(physical["region"]["startLine"], 2);
    assert_eq!(
        fail["locations"][0]["logicalLocations"][0],
        serde_json::json!({"name": "vpc-0fail", "fullyQualifiedName": "vpc-0fail", "kind": "resource"})
    );
    assert_eq!(
        fail["partialFingerprints"]["cloudposture/v1"],
        "VPC-001|vpc-0fail"
    );
    assert_eq!(fail["properties"]["resourceType"], "AWS::EC2::VPC");
    assert!(fail.get("suppressions").is_none());
}

#[test]
fn muted_failures_are_suppressed_results_with_the_reason() {
    let sarif = render(&template_report());
    let muted = &results(&sarif)[1];
    assert_eq!(
        muted["suppressions"],
        serde_json::json!([{
            "kind": "external",
            "status": "accepted",
            "justification": "sandbox VPCs are rebuilt every night"
        }])
    );
    // A muted finding that passed is no result at all.
    let mut report = template_report();
    report.findings[4].original_status = Some(Status::Pass);
    assert_eq!(results(&render(&report)).len(), 1);
}

#[test]
fn errors_and_failures_without_a_location_are_notifications() {
    let mut report = template_report();
    let sarif = render(&report);
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], false);
    let notes = notifications(&sarif);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(
        notes[0]["message"]["text"],
        "VPC-001 vpc-0err: DescribeFlowLogs access denied (UnauthorizedOperation)"
    );
    assert_eq!(
        notes[0]["associatedRule"],
        serde_json::json!({"id": "VPC-001", "index": 0})
    );
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    // The scope-wide error has its resource id `*` and no file.
    assert!(notes[1]["locations"][0].get("physicalLocation").is_none());
    assert_eq!(notes[1]["locations"][0]["logicalLocations"][0]["name"], "*");

    // A failing finding without a location is never dropped, nor written as a result
    // GitHub would reject.
    report.findings[1].resource.location = None;
    let sarif = render(&report);
    assert_eq!(results(&sarif).len(), 1);
    let notes = notifications(&sarif);
    assert_eq!(notes.len(), 3);
    assert_eq!(notes[0]["level"], "warning");
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("VPC-001 vpc-0fail: failing finding without a file location"),
        "{}",
        notes[0]["message"]
    );

    // Every resource judged and located: a successful invocation with no notifications.
    let mut report = template_report();
    report.findings.retain(|f| f.status != Status::Error);
    let sarif = render(&report);
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], true);
    assert!(
        sarif["runs"][0]["invocations"][0]
            .get("toolExecutionNotifications")
            .is_none()
    );
}

#[test]
fn uris_are_relative_forward_slashed_and_percent_encoded() {
    let relative = |uri: &str| (uri.to_string(), Some(SRCROOT));
    assert_eq!(file_uri("infra/main.tf"), relative("infra/main.tf"));
    assert_eq!(file_uri("./infra/main.tf"), relative("infra/main.tf"));
    assert_eq!(file_uri(".//././infra/main.tf"), relative("infra/main.tf"));
    assert_eq!(
        file_uri("infra\\net work\\vpc.yaml"),
        relative("infra/net%20work/vpc.yaml")
    );
    assert_eq!(file_uri("a:b/#100%/é.tf"), relative("a%3Ab/%23100%25/%C3%A9.tf"));
    assert_eq!(
        file_uri("/repo/infra/main.tf"),
        ("file:///repo/infra/main.tf".to_string(), None)
    );
    assert_eq!(
        file_uri("C:\\repo\\main.tf"),
        ("file:///C:/repo/main.tf".to_string(), None)
    );
}

#[test]
fn fingerprints_follow_rule_and_resource_not_file_or_line() {
    let report = template_report();
    let before = render(&report);
    let mut moved = template_report();
    for f in &mut moved.findings {
        if let Some(at) = &mut f.resource.location {
            at.file = "elsewhere/network.tf".into();
            at.line += 40;
        }
    }
    let after = render(&moved);
    let prints = |sarif: &Value| -> Vec<Value> {
        results(sarif)
            .iter()
            .map(|r| r["partialFingerprints"].clone())
            .collect()
    };
    assert_eq!(prints(&before), prints(&after));
    assert_eq!(prints(&before), prints(&render(&report)), "stable across writes");
    assert_eq!(fingerprint(&report.findings[1]), "VPC-001|vpc-0fail");
}

static DOCUMENTED: RuleMetadata = RuleMetadata {
    id: "EC2-009",
    title: "Default security group restricts all traffic",
    risk: RiskLevel::High,
    description: "Checks that default security groups allow no traffic.",
    rationale: "Open default groups expose every instance put in them.",
    remediation: &[
        AuditStep {
            via: "console",
            text: "Remove every rule of the default group.",
            code: None,
        },
        AuditStep {
            via: "cli",
            text: "Revoke the ingress rules.",
            code: Some("aws ec2 revoke-security-group-ingress \\\n  --group-id sg-1"),
        },
    ],
    references: &[
        Reference {
            title: "Default security groups",
            url: "https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",
        },
        Reference {
            title: "CIS",
            url: "https://www.cisecurity.org/",
        },
    ],
    ..fixtures::RULE
};

#[test]
fn rules_carry_help_severity_and_tags() {
    let mut report = template_report();
    report.findings[1].rule = &DOCUMENTED;
    report.findings[1].risk = RiskLevel::High;
    let sarif = render(&report);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2, "each rule once");
    let rule = &rules[1];
    assert_eq!(rule["id"], "EC2-009");
    assert_eq!(rule["name"], "DefaultSecurityGroupRestrictsAllTraffic");
    assert_eq!(rule["shortDescription"]["text"], DOCUMENTED.title);
    assert_eq!(rule["fullDescription"]["text"], DOCUMENTED.description);
    assert_eq!(rule["helpUri"], DOCUMENTED.references[0].url);
    assert_eq!(rule["properties"]["security-severity"], "8.0");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    let mut tags = vec!["security".to_string()];
    tags.extend(DOCUMENTED.standards().into_iter().map(|s| s.name().to_string()));
    assert_eq!(rule["properties"]["tags"], serde_json::json!(tags));
    assert!(tags.contains(&Standard::PciDss.name().to_string()));
    let text = rule["help"]["text"].as_str().unwrap();
    assert!(text.starts_with(DOCUMENTED.rationale), "{text}");
    assert!(text.contains("\n2. (cli) Revoke the ingress rules.\n   aws ec2 revoke-security-group-ingress \\\n     --group-id sg-1"), "{text}");
    assert!(text.contains("- CIS: https://www.cisecurity.org/"), "{text}");
    let markdown = rule["help"]["markdown"].as_str().unwrap();
    assert!(
        markdown.contains("1. *console*: Remove every rule of the default group."),
        "{markdown}"
    );
    assert!(markdown.contains("   ```\n   aws ec2 revoke"), "{markdown}");
    assert!(
        markdown.contains("- [CIS](https://www.cisecurity.org/)"),
        "{markdown}"
    );
    let result = &results(&sarif)[0];
    assert_eq!(
        (result["ruleId"].as_str(), result["ruleIndex"].as_u64()),
        (Some("EC2-009"), Some(1))
    );
    assert_eq!(result["level"], "error");
    // A rule without a description or references still has GitHub's required text.
    assert_eq!(rules[0]["fullDescription"]["text"], "VPC Flow Logs Enabled");
    assert!(rules[0].get("helpUri").is_none());
}

#[test]
fn severity_and_level_follow_the_effective_risk() {
    let expected = [
        (RiskLevel::Low, "3.0", "note"),
        (RiskLevel::Medium, "5.5", "warning"),
        (RiskLevel::High, "8.0", "error"),
        (RiskLevel::VeryHigh, "9.0", "error"),
        (RiskLevel::Extreme, "10.0", "error"),
    ];
    for (risk, severity, level) in expected {
        assert_eq!(
            (security_severity(risk), sarif_level(risk)),
            (severity, level),
            "{risk}"
        );
        let value: f64 = severity.parse().unwrap();
        assert!((0.0..=10.0).contains(&value));
    }
    // A config override of the rule's risk is what the scan judged by.
    let mut report = template_report();
    report.rules.push(RuleRun {
        id: "VPC-001",
        title: "VPC Flow Logs Enabled",
        risk: RiskLevel::VeryHigh,
        settings: Value::Null,
    });
    for f in &mut report.findings {
        f.risk = RiskLevel::VeryHigh;
    }
    let sarif = render(&report);
    let rule = &sarif["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(rule["properties"]["security-severity"], "9.0");
    assert_eq!(results(&sarif)[0]["level"], "error");
}
