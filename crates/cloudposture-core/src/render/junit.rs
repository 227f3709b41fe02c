//! `--format junit`: JUnit XML, for CI systems that show test reports.

use std::fmt::Write as _;
use std::io::{self, Write as _};

use crate::finding::{Finding, Status};
use crate::metadata::RuleMetadata;
use crate::report::Report;

/// Writes JUnit XML: a `<testsuite>` per rule and a `<testcase>` per finding.
///
/// `fail` findings are `<failure>` (type = risk level), `error` findings `<error>`,
/// `skipped` and `muted` findings `<skipped>` (with the exception's reason), `pass`
/// findings plain test cases. Test case names are `region/resource-id`, class names
/// the rule id, so CI systems group them by rule.
pub fn write_junit(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    let s = &report.summary;
    let seconds = report
        .scan
        .finished_at
        .duration_since(report.scan.started_at)
        .as_secs_f64()
        .max(0.0);
    let timestamp = report.scan.started_at.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cloudposture\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{seconds:.3}\" timestamp=\"{timestamp}\">\n",
        s.total,
        s.fail,
        s.error,
        s.skipped + s.muted
    )?;

    // A suite per rule, in order of first appearance, in one pass over the findings
    // (a rule's findings usually come together: the last rule is looked at first).
    let mut suites: Vec<(&'static RuleMetadata, Vec<&Finding>)> = Vec::new();
    for f in &report.findings {
        match suites
            .iter_mut()
            .rev()
            .find(|(rule, _)| std::ptr::eq(*rule, f.rule))
        {
            Some((_, findings)) => findings.push(f),
            None => suites.push((f.rule, vec![f])),
        }
    }
    let mut buf = String::new();
    let mut details = String::new();
    for (rule, findings) in suites {
        let count = |st: &[Status]| findings.iter().filter(|f| st.contains(&f.status)).count();
        buf.clear();
        buf.push_str("  <testsuite name=\"");
        push_escaped(&mut buf, rule.id);
        buf.push(' ');
        push_escaped(&mut buf, rule.title);
        writeln!(
            buf,
            "\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\" timestamp=\"{timestamp}\">",
            findings.len(),
            count(&[Status::Fail]),
            count(&[Status::Error]),
            count(&[Status::Skipped, Status::Muted]),
        )
        .map_err(io::Error::other)?;
        if let Some(account) = &report.scan.account {
            buf.push_str("    <properties>\n      <property name=\"account\" value=\"");
            push_escaped(&mut buf, account);
            buf.push_str("\"/>\n    </properties>\n");
        }
        out.write_all(buf.as_bytes())?;
        for f in findings {
            buf.clear();
            testcase(&mut buf, &mut details, f);
            out.write_all(buf.as_bytes())?;
        }
        out.write_all(b"  </testsuite>\n")?;
    }
    out.write_all(b"</testsuites>\n")?;
    out.flush()
}

/// Writes `f`'s `<testcase>` into `out`; `details` is a buffer to reuse.
fn testcase(out: &mut String, details: &mut String, f: &Finding) {
    let r = &f.resource;
    out.push_str("    <testcase name=\"");
    if let Some(region) = &r.region {
        push_escaped(out, region);
        out.push('/');
    }
    push_escaped(out, &r.id);
    if let Some(name) = r.tags.get("Name") {
        out.push_str(" (");
        push_escaped(out, name);
        out.push(')');
    }
    out.push_str("\" classname=\"");
    push_escaped(out, f.rule.id);
    out.push_str("\" time=\"0\"");
    let (element, kind) = match f.status {
        Status::Pass => {
            out.push_str("/>\n");
            return;
        }
        Status::Fail => ("failure", f.risk.as_str()),
        Status::Error => ("error", "error"),
        Status::Skipped | Status::Muted => {
            out.push_str(">\n      <skipped message=\"");
            match (f.status, &f.muted_reason) {
                (Status::Muted, reason) => {
                    push_escaped(out, "muted: ");
                    push_escaped(out, reason.as_deref().unwrap_or("exception"));
                    push_escaped(out, " (");
                    push_escaped(out, &f.message);
                    push_escaped(out, ")");
                }
                _ => push_escaped(out, &f.message),
            }
            out.push_str("\"/>\n    </testcase>\n");
            return;
        }
    };
    details.clear();
    if let Some(arn) = r.arn() {
        details.push_str("resource: ");
        details.push_str(&arn);
        details.push('\n');
    }
    details.push_str("risk: ");
    details.push_str(f.risk.as_str());
    details.push('\n');
    details.push_str(&f.message);
    details.push('\n');
    if let Some(rem) = f.remediation() {
        details.push_str("\nremediation: ");
        details.push_str(&rem.summary);
        details.push('\n');
        for s in &rem.snippets {
            details.push_str("\n# ");
            details.push_str(&s.title);
            details.push('\n');
            details.push_str(&s.content);
            details.push('\n');
        }
    }
    out.push_str(">\n      <");
    out.push_str(element);
    out.push_str(" message=\"");
    push_escaped(out, &f.message);
    out.push_str("\" type=\"");
    out.push_str(kind);
    out.push_str("\">");
    push_escaped(out, details);
    out.push_str("</");
    out.push_str(element);
    out.push_str(">\n    </testcase>\n");
}

/// Writes `text` escaped for XML content and attribute values, dropping characters
/// XML 1.0 cannot carry (control characters other than tab, newline and carriage return).
fn push_escaped(out: &mut String, text: &str) {
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
        let mut escaped = String::new();
        push_escaped(&mut escaped, "a\u{1}b\u{7}c");
        assert_eq!(escaped, "abc");
    }
}
