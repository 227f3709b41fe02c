//! `--format csv`: one row per finding.

use std::borrow::Cow;
use std::io;

use crate::finding::Finding;
use crate::metadata::RuleMetadata;
use crate::report::Report;

/// The header row, in order.
pub const CSV_COLUMNS: [&str; 14] = [
    "rule_id",
    "title",
    "status",
    "risk",
    "account",
    "region",
    "resource_kind",
    "resource_id",
    "resource_arn",
    "resource_name",
    "message",
    "muted_reason",
    "controls",
    "tags",
];

/// Writes one CSV row per finding (RFC 4180: comma separated, CRLF line ends, fields
/// quoted when they need it), after a header row of [`CSV_COLUMNS`].
///
/// Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
/// tab or carriage return) get a leading `'`: tag values come from whoever can tag a
/// resource, and a security report must not become a way to run code on the reader's
/// machine. Controls are `standard version id` joined by `; `; tags are `Key=Value`
/// joined by `; `.
pub fn write_csv(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    let mut line = String::new();
    write_row(&mut out, &mut line, CSV_COLUMNS)?;
    // The controls cell depends on the rule only: made once per rule.
    let rules = super::PerRule::new(report, controls_cell);
    let mut last = 0;
    for f in &report.findings {
        let controls = match rules.find(f.rule, &mut last) {
            Some(cell) => Cow::Borrowed(cell.as_str()),
            None => Cow::Owned(controls_cell(f.rule)),
        };
        let r = &f.resource;
        let arn = r.arn().unwrap_or_default();
        let tags = tags_cell(f);
        write_row(
            &mut out,
            &mut line,
            [
                f.rule.id,
                f.rule.title,
                f.status.as_str(),
                f.risk.as_str(),
                r.account_str(),
                r.region_str(),
                &r.kind,
                &r.id,
                &arn,
                r.tags.get("Name").unwrap_or_default(),
                &f.message,
                f.muted_reason.as_deref().unwrap_or_default(),
                &controls,
                &tags,
            ],
        )?;
    }
    io::Write::flush(&mut out)
}

/// The rule's controls, `standard version id` joined by `; `.
fn controls_cell(rule: &'static RuleMetadata) -> String {
    let mut cell = String::new();
    for (i, c) in rule.controls.iter().enumerate() {
        if i > 0 {
            cell.push_str("; ");
        }
        cell.push_str(c.standard.code());
        cell.push(' ');
        cell.push_str(c.version);
        if let Some(id) = c.id {
            cell.push(' ');
            cell.push_str(id);
        }
    }
    cell
}

/// The resource's tags, `Key=Value` joined by `; `.
fn tags_cell(f: &Finding) -> String {
    let mut cell = String::new();
    for (i, (k, v)) in f.resource.tags.iter().enumerate() {
        if i > 0 {
            cell.push_str("; ");
        }
        cell.push_str(k);
        cell.push('=');
        cell.push_str(v);
    }
    cell
}

/// Writes `cells` as one CSV line, built in `line` (reused from row to row).
fn write_row<'c>(
    out: &mut impl io::Write,
    line: &mut String,
    cells: impl IntoIterator<Item = &'c str>,
) -> io::Result<()> {
    line.clear();
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        push_cell(line, cell);
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes())
}

fn push_cell(line: &mut String, cell: &str) {
    // A cell a spreadsheet would run as a formula is written after a `'`; a cell with a
    // separator, quote or line break is quoted, its quotes doubled.
    let guard = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = cell.contains([',', '"', '\n', '\r']);
    if quote {
        line.push('"');
    }
    if guard {
        line.push('\'');
    }
    if quote {
        for (i, part) in cell.split('"').enumerate() {
            if i > 0 {
                line.push_str("\"\"");
            }
            line.push_str(part);
        }
        line.push('"');
    } else {
        line.push_str(cell);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render() -> String {
        let mut out = Vec::new();
        write_csv(&super::super::fixtures::report(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn header_then_one_row_per_finding() {
        let text = render();
        let mut lines = text.split("\r\n");
        assert_eq!(
            lines.next(),
            Some(
                "rule_id,title,status,risk,account,region,resource_kind,resource_id,resource_arn,\
                 resource_name,message,muted_reason,controls,tags"
            )
        );
        // 5 findings; one message has an embedded newline inside quotes.
        assert_eq!(text.matches("\r\n").count(), 6);
        assert!(text.contains(
            "VPC-001,VPC Flow Logs Enabled,pass,low,123456789012,eu-west-1,aws.ec2.vpc,vpc-0pass,\
             arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0pass,,flow log fl-1 records ALL traffic,,\
             cis v1.2.0 2.9; pci v3.2.1 10.3.3; nist Rev. 5 AU-12; gdpr 2016/679,\r\n"
        ));
    }

    #[test]
    fn quotes_commas_quotes_and_newlines() {
        let text = render();
        assert!(
            text.contains(",\"prod, \"\"core\"\" <edge> & co\",\"no flow log\nat all\","),
            "{text}"
        );
    }

    #[test]
    fn formula_like_cells_are_defused() {
        let mut line = String::new();
        push_cell(&mut line, "=1+1");
        assert_eq!(line, "'=1+1");
        let mut line = String::new();
        push_cell(&mut line, "@SUM(A1)");
        assert_eq!(line, "'@SUM(A1)");
        // Guarded and quoted: the `'` goes inside the quotes.
        let mut line = String::new();
        push_cell(&mut line, "=HYPERLINK(\"x\",1)");
        assert_eq!(line, "\"'=HYPERLINK(\"\"x\"\",1)\"");
        // A tag cell is only guarded as a whole: it starts with the key.
        assert!(render().contains("Name=prod, \"\"core\"\" <edge> & co; Owner==cmd|' /C calc'!A0"));
    }
}
