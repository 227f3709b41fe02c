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
/// machine. Controls are `standard version id` joined by `; `. Tags are a JSON object
/// (`{"Name":"prod","Owner":"team-a"}`, `{}` for none), so that keys and values holding
/// `;`, `=`, `,`, quotes or line breaks read back as they were. `resource_name` is the
/// `Name` tag, or for the one `error` finding of a region whose resources could not be
/// listed what it stands for (`all VPCs in eu-west-1`; its `resource_id` is `*`).
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
            &name_cell(f),
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

/// The resource's `Name` tag, or what a scope-wide finding stands for.
fn name_cell(f: &Finding) -> Cow<'_, str> {
    if super::is_scope_wide(f) {
        super::resource_name(f)
    } else {
        Cow::Borrowed(f.resource.tags.get("Name").unwrap_or_default())
    }
}

/// The resource's tags as a JSON object.
fn tags_cell(f: &Finding) -> String {
    // Tags are string pairs: writing them cannot fail.
    serde_json::to_string(&f.resource.tags).unwrap_or_default()
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
        // 6 findings; one message has an embedded newline inside quotes.
        assert_eq!(text.matches("\r\n").count(), 7);
        assert!(text.contains(
            "VPC-001,VPC Flow Logs Enabled,pass,low,123456789012,eu-west-1,aws.ec2.vpc,vpc-0pass,\
             arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0pass,,flow log fl-1 records ALL traffic,,\
             cis v1.2.0 2.9; pci v3.2.1 10.3.3; nist Rev. 5 AU-12; gdpr 2016/679,{}\r\n"
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
        assert_eq!(rows.len(), 6);
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
        // A tag cell is a JSON object: it starts with `{`, whatever the values.
        assert!(
            render().contains(
                r#""{""Name"":""prod, \""core\"" <edge> & co"",""Owner"":""=cmd|' /C calc'!A0""}""#
            )
        );
    }

    #[test]
    fn tags_read_back_as_they_were() {
        let awkward = [
            ("Name", "a; b=c, \"d\"\nnext line"),
            ("team=platform; env", "prod,eu"),
            ("Owner", "=cmd|' /C calc'!A0"),
            ("empty", ""),
        ];
        let mut report = super::super::fixtures::report();
        for (k, v) in awkward {
            report.findings[0].resource.tags.insert(k, v);
        }
        let mut out = Vec::new();
        write_csv(&report, &mut out).unwrap();
        let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(&out[..])
            .records()
            .collect::<Result<_, _>>()
            .unwrap();
        let tags = CSV_COLUMNS.iter().position(|c| *c == "tags").unwrap();
        let read = |row: usize| -> std::collections::BTreeMap<String, String> {
            serde_json::from_str(&rows[row][tags]).unwrap()
        };
        let expected: std::collections::BTreeMap<String, String> = awkward
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(read(0), expected);
        assert_eq!(
            read(2),
            std::collections::BTreeMap::new(),
            "no tags read back as none"
        );
    }

    #[test]
    fn a_region_wide_error_is_named_for_its_region() {
        let text = render();
        let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_bytes())
            .records()
            .collect::<Result<_, _>>()
            .unwrap();
        let wide = &rows[5];
        assert_eq!(&wide[7], "*", "resource_id");
        assert_eq!(&wide[9], "all VPCs in sa-east-1", "resource_name");
    }
}
