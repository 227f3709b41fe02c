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
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .buffer_capacity(64 * 1024)
        .from_writer(out);
    csv.write_record(CSV_COLUMNS)?;
    // The controls cell depends on the rule only, and a rule serves twenty-odd controls:
    // made for every row, it took three quarters of the writing time (4.3 instead of
    // 1.0 µs per VPC, 100k VPCs).
    let controls = super::PerRule::new(report, controls_cell);
    for f in &report.findings {
        let r = &f.resource;
        let row: [&str; 14] = [
            f.rule.id,
            f.rule.title,
            f.status.as_str(),
            f.risk.as_str(),
            r.account_str(),
            r.region_str(),
            &r.kind,
            &r.id,
            r.arn().unwrap_or_default(),
            r.tags.get("Name").unwrap_or_default(),
            &f.message,
            f.muted_reason.as_deref().unwrap_or_default(),
            controls.get(f.rule).map_or("", String::as_str),
            &tags_cell(f),
        ];
        csv.write_record(row.map(defused).iter().map(|cell| cell.as_bytes()))?;
    }
    csv.flush()
}

/// The rule's controls, `standard version id` joined by `; `.
fn controls_cell(rule: &RuleMetadata) -> String {
    let controls: Vec<String> = rule
        .controls
        .iter()
        .map(|c| match c.id {
            Some(id) => format!("{} {} {id}", c.standard.code(), c.version),
            None => format!("{} {}", c.standard.code(), c.version),
        })
        .collect();
    controls.join("; ")
}

/// The resource's tags, `Key=Value` joined by `; `.
fn tags_cell(f: &Finding) -> String {
    let tags: Vec<String> = f.resource.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    tags.join("; ")
}

/// `cell`, after a `'` if a spreadsheet would run it as a formula.
fn defused(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
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
        // Read back, every row has every column and the cells are as they were.
        let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_bytes())
            .records()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows.len(), 5);
        assert!(rows.iter().all(|row| row.len() == CSV_COLUMNS.len()));
        assert_eq!(&rows[1][9], "prod, \"core\" <edge> & co");
        assert_eq!(&rows[1][10], "no flow log\nat all");
    }

    #[test]
    fn formula_like_cells_are_defused() {
        assert_eq!(defused("=1+1"), "'=1+1");
        assert_eq!(defused("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defused("a=1"), "a=1");
        // Guarded and quoted: the `'` goes inside the quotes.
        let mut report = super::super::fixtures::report();
        report.findings[0].message = "=HYPERLINK(\"x\",1)".into();
        let mut out = Vec::new();
        write_csv(&report, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(",\"'=HYPERLINK(\"\"x\"\",1)\","), "{text}");
        // A tag cell is only guarded as a whole: it starts with the key.
        assert!(render().contains("Name=prod, \"\"core\"\" <edge> & co; Owner==cmd|' /C calc'!A0"));
    }
}
