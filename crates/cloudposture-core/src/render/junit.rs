//! `--format junit`: JUnit XML, for CI systems that show test reports.

use std::io::{self, Write as _};
use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use crate::finding::{Finding, Status};
use crate::metadata::RuleMetadata;
use crate::report::Report;

/// A time as quick-junit takes it.
type Time = chrono::DateTime<chrono::FixedOffset>;

/// Writes JUnit XML: a `<testsuite>` per rule and a `<testcase>` per finding.
///
/// `fail` findings are `<failure>` (type = risk level), `error` findings `<error>`,
/// `skipped` and `muted` findings `<skipped>` (with the exception's reason), `pass`
/// findings plain test cases. Test case names are `region/resource-id`, class names
/// the rule id, so CI systems group them by rule; the one `error` finding of a region
/// whose resources could not be listed is `region/* (all VPCs)`. Suites come in the order in which
/// their rules first appear, each with the scanned account as a property. A failure's
/// text holds the resource's ARN, the risk, the message and the remediation; XML
/// parsers read line breaks in its `message` attribute as spaces, but not in its text.
pub fn write_junit(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let started = chrono::DateTime::from_timestamp_millis(report.scan.started_at.as_millisecond())
        .map(|t| t.fixed_offset());
    // A report has few rules: a list, looked through, finds a finding's suite.
    let mut suites: Vec<(&str, TestSuite)> = Vec::new();
    for f in &report.findings {
        let i = match suites.iter().position(|(id, _)| *id == f.rule.id) {
            Some(i) => i,
            None => {
                suites.push((f.rule.id, test_suite(report, f.rule, started)));
                suites.len() - 1
            }
        };
        suites[i].1.add_test_case(test_case(f));
    }

    let mut junit = quick_junit::Report::new("cloudposture");
    let scan = report.scan.finished_at.duration_since(report.scan.started_at);
    junit.set_time(Duration::try_from(scan).unwrap_or_default());
    if let Some(started) = started {
        junit.set_timestamp(started);
    }
    junit.add_test_suites(suites.into_iter().map(|(_, suite)| suite));
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    junit.serialize(&mut out).map_err(io::Error::other)?;
    out.flush()
}

/// The (empty) suite of `rule`'s findings.
fn test_suite(report: &Report, rule: &RuleMetadata, started: Option<Time>) -> TestSuite {
    let mut suite = TestSuite::new(format!("{} {}", rule.id, rule.title));
    suite.set_time(Duration::ZERO);
    if let Some(started) = started {
        suite.set_timestamp(started);
    }
    if let Some(account) = &report.scan.account {
        suite.add_property(Property::new("account", account.as_str()));
    }
    suite
}

/// `f` as a test case named `region/resource-id (Name tag)`.
fn test_case(f: &Finding) -> TestCase {
    let status = match f.status {
        Status::Pass => TestCaseStatus::success(),
        Status::Fail => non_success(NonSuccessKind::Failure, f.risk.as_str(), f),
        Status::Error => non_success(NonSuccessKind::Error, "error", f),
        Status::Skipped => skipped(&f.message),
        Status::Muted => {
            let reason = f.muted_reason.as_deref().unwrap_or("exception");
            skipped(&format!("muted: {reason} ({})", f.message))
        }
    };
    let r = &f.resource;
    let mut name = match &r.region {
        Some(region) => format!("{region}/{}", r.id),
        None => r.id.to_string(),
    };
    if super::is_scope_wide(f) {
        name = format!("{name} (all {})", f.kind.plural);
    } else if let Some(tag) = r.tags.get("Name") {
        name = format!("{name} ({tag})");
    }
    let mut case = TestCase::new(name, status);
    case.set_classname(f.rule.id).set_time(Duration::ZERO);
    case
}

fn skipped(message: &str) -> TestCaseStatus {
    let mut status = TestCaseStatus::skipped();
    status.set_message(message);
    status
}

/// A `<failure>` or `<error>` of type `kind`, with the resource, the risk, the message
/// and the remediation in its text.
fn non_success(kind: NonSuccessKind, ty: &str, f: &Finding) -> TestCaseStatus {
    let mut lines = Vec::new();
    if let Some(arn) = f.resource.arn() {
        lines.push(format!("resource: {arn}"));
    }
    lines.push(format!("risk: {}", f.risk.as_str()));
    lines.push(f.message.clone());
    if let Some(rem) = f.remediation() {
        lines.push(format!("\nremediation: {}", rem.summary));
        for s in &rem.snippets {
            lines.push(format!("\n# {}\n{}", s.title, s.content));
        }
    }
    let mut status = TestCaseStatus::non_success(kind);
    status
        .set_message(f.message.as_str())
        .set_type(ty)
        .set_description(lines.join("\n"));
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render() -> String {
        let mut out = Vec::new();
        write_junit(&super::super::fixtures::report(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// What an XML parser reads back: the output is well-formed JUnit.
    fn parsed() -> quick_junit::Report {
        quick_junit::Report::deserialize_from_str(&render()).unwrap()
    }

    #[test]
    fn one_suite_per_rule_and_a_case_per_finding() {
        let junit = parsed();
        assert_eq!(junit.name.as_deref(), Some("cloudposture"));
        assert_eq!(
            (junit.tests, junit.failures, junit.errors, junit.skipped),
            (6, 1, 2, 2)
        );
        let [suite] = &junit.test_suites[..] else {
            panic!("one suite expected: {:?}", junit.test_suites);
        };
        assert_eq!(&*suite.name, "VPC-001 VPC Flow Logs Enabled");
        assert_eq!(
            (suite.tests, suite.failures, suite.errors, suite.skipped),
            (6, 1, 2, 2)
        );
        assert_eq!(&*suite.properties[0].name, "account");
        assert_eq!(&*suite.properties[0].value, "123456789012");
        let names: Vec<&str> = suite.test_cases.iter().map(|c| &*c.name).collect();
        assert_eq!(
            names,
            [
                "eu-west-1/vpc-0pass",
                "eu-west-1/vpc-0fail (prod, \"core\" <edge> & co)",
                "ap-southeast-2/vpc-0err",
                "us-east-1/vpc-0shared",
                "eu-west-1/vpc-0muted",
                "sa-east-1/* (all VPCs)"
            ]
        );
        assert!(
            suite
                .test_cases
                .iter()
                .all(|c| c.classname.as_deref() == Some("VPC-001"))
        );
    }

    #[test]
    fn failures_carry_risk_message_and_remediation_and_muted_skips_the_reason() {
        let junit = parsed();
        let cases = &junit.test_suites[0].test_cases;
        let TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Failure,
            message,
            ty,
            description,
            ..
        } = &cases[1].status
        else {
            panic!("a failure expected: {:?}", cases[1].status);
        };
        assert_eq!(message.as_deref(), Some("no flow log\nat all"));
        assert_eq!(ty.as_deref(), Some("low"));
        assert_eq!(
            description.as_deref(),
            Some(
                "resource: arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0fail\nrisk: low\n\
                 no flow log\nat all\n\nremediation: Create a VPC flow log\n\n# AWS CLI\n\
                 aws ec2 create-flow-logs --resource-ids vpc-0fail"
            )
        );
        assert!(matches!(
            &cases[2].status,
            TestCaseStatus::NonSuccess { kind: NonSuccessKind::Error, ty, .. } if ty.as_deref() == Some("error")
        ));
        let TestCaseStatus::Skipped { message, .. } = &cases[4].status else {
            panic!("a skipped case expected: {:?}", cases[4].status);
        };
        assert_eq!(
            message.as_deref(),
            Some("muted: sandbox VPCs are rebuilt every night (no flow log)")
        );
    }

    #[test]
    fn markup_and_control_characters_in_values_are_escaped_or_dropped() {
        let mut report = super::super::fixtures::report();
        report.findings[1].message = "a\u{1}b\u{7}c <&>".into();
        let mut out = Vec::new();
        write_junit(&report, &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert!(
            xml.contains("vpc-0fail (prod, &quot;core&quot; &lt;edge&gt; &amp; co)"),
            "{xml}"
        );
        let junit = quick_junit::Report::deserialize_from_str(&xml).unwrap();
        let TestCaseStatus::NonSuccess { message, .. } = &junit.test_suites[0].test_cases[1].status else {
            panic!("a failure expected");
        };
        assert_eq!(message.as_deref(), Some("abc <&>"));
    }
}
