//! `--format junit`: JUnit XML, for CI systems that show test reports.

use std::io;

use crate::finding::{Finding, Status};
use crate::report::Report;

/// Writes JUnit XML: a `<testsuite>` per rule and a `<testcase>` per finding.
///
/// `fail` findings are `<failure>` (type = risk level), `error` findings `<error>`,
/// `skipped` and `muted` findings `<skipped>` (with the exception's reason), `pass`
/// findings plain test cases. Test case names are `region/resource-id`, class names
/// the rule id, so CI systems group them by rule.
pub fn write_junit(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let s = &report.summary;
    let seconds = report
        .scan
        .finished_at
        .duration_since(report.scan.started_at)
        .as_secs_f64()
        .max(0.0);
    let timestamp = report.scan.started_at.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<testsuites name=\"cloudposture\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{seconds:.3}\" timestamp=\"{timestamp}\">\n",
        s.total,
        s.fail,
        s.error,
        s.skipped + s.muted
    ));
    out.write_all(xml.as_bytes())?;

    // Rules in order of first appearance; findings of one rule are usually adjacent.
    let mut rule_ids: Vec<&str> = Vec::new();
    for f in &report.findings {
        if !rule_ids.contains(&f.rule.id) {
            rule_ids.push(f.rule.id);
        }
    }
    for rule_id in rule_ids {
        let findings: Vec<&Finding> = report.findings.iter().filter(|f| f.rule.id == rule_id).collect();
        let count = |st: &[Status]| findings.iter().filter(|f| st.contains(&f.status)).count();
        let title = findings.first().map(|f| f.rule.title).unwrap_or_default();
        let mut suite = format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\" timestamp=\"{timestamp}\">\n",
            escape(&format!("{rule_id} {title}")),
            findings.len(),
            count(&[Status::Fail]),
            count(&[Status::Error]),
            count(&[Status::Skipped, Status::Muted]),
        );
        if let Some(account) = &report.scan.account {
            suite.push_str(&format!(
                "    <properties>\n      <property name=\"account\" value=\"{}\"/>\n    </properties>\n",
                escape(account)
            ));
        }
        out.write_all(suite.as_bytes())?;
        for f in findings {
            out.write_all(testcase(f).as_bytes())?;
        }
        out.write_all(b"  </testsuite>\n")?;
    }
    out.write_all(b"</testsuites>\n")?;
    out.flush()
}

fn testcase(f: &Finding) -> String {
    let r = &f.resource;
    let name = match (&r.region, r.tags.get("Name")) {
        (Some(region), Some(n)) => format!("{region}/{} ({n})", r.id),
        (Some(region), None) => format!("{region}/{}", r.id),
        (None, Some(n)) => format!("{} ({n})", r.id),
        (None, None) => r.id.to_string(),
    };
    let open = format!(
        "    <testcase name=\"{}\" classname=\"{}\" time=\"0\"",
        escape(&name),
        escape(f.rule.id)
    );
    let mut details = String::new();
    if let Some(arn) = r.arn() {
        details.push_str(&format!("resource: {arn}\n"));
    }
    details.push_str(&format!("risk: {}\n{}\n", f.risk, f.message));
    if let Some(rem) = f.remediation() {
        details.push_str(&format!("\nremediation: {}\n", rem.summary));
        for s in &rem.snippets {
            details.push_str(&format!("\n# {}\n{}\n", s.title, s.content));
        }
    }
    match f.status {
        Status::Pass => format!("{open}/>\n"),
        Status::Fail => format!(
            "{open}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
            escape(&f.message),
            f.risk,
            escape(&details)
        ),
        Status::Error => format!(
            "{open}>\n      <error message=\"{}\" type=\"error\">{}</error>\n    </testcase>\n",
            escape(&f.message),
            escape(&details)
        ),
        Status::Skipped => format!(
            "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>\n",
            escape(&f.message)
        ),
        Status::Muted => format!(
            "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>\n",
            escape(&format!(
                "muted: {} ({})",
                f.muted_reason.as_deref().unwrap_or("exception"),
                f.message
            ))
        ),
    }
}

/// Escapes text for XML content and attribute values, dropping characters XML 1.0
/// cannot carry (control characters other than tab, newline and carriage return).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render() -> String {
        let mut out = Vec::new();
        write_junit(&super::super::fixtures::report(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_suite_per_rule_and_a_case_per_finding() {
        let xml = render();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cloudposture\" tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"2\""), "{xml}");
        assert_eq!(xml.matches("<testsuite ").count(), 1);
        assert_eq!(xml.matches("<testcase ").count(), 5);
        assert_eq!(xml.matches("<failure ").count(), 1);
        assert_eq!(xml.matches("<error ").count(), 1);
        assert_eq!(xml.matches("<skipped ").count(), 2);
        assert!(
            xml.contains("<skipped message=\"muted: sandbox VPCs are rebuilt every night (no flow log)\"/>")
        );
        assert!(xml.trim_end().ends_with("</testsuites>"));
    }

    #[test]
    fn markup_in_values_is_escaped() {
        let xml = render();
        assert!(
            xml.contains("vpc-0fail (prod, &quot;core&quot; &lt;edge&gt; &amp; co)"),
            "{xml}"
        );
        assert!(xml.contains("message=\"no flow log&#10;at all\""));
        assert_eq!(escape("a\u{1}b\u{7}c"), "abc");
    }
}
