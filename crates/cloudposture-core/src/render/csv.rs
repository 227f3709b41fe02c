//! `--format csv`: one row per finding.

use std::io;

use crate::finding::Finding;
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
    write_row(out, CSV_COLUMNS.iter().map(|c| c.to_string()))?;
    for f in &report.findings {
        write_row(out, row(f).into_iter())?;
    }
    out.flush()
}

fn row(f: &Finding) -> [String; 14] {
    let r = &f.resource;
    let controls: Vec<String> = f
        .rule
        .controls
        .iter()
        .map(|c| match c.id {
            Some(id) => format!("{} {} {id}", c.standard.code(), c.version),
            None => format!("{} {}", c.standard.code(), c.version),
        })
        .collect();
    let tags: Vec<String> = r.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    [
        f.rule.id.to_string(),
        f.rule.title.to_string(),
        f.status.to_string(),
        f.risk.to_string(),
        r.account_str().to_string(),
        r.region_str().to_string(),
        r.kind.to_string(),
        r.id.to_string(),
        r.arn().unwrap_or_default().into_owned(),
        r.tags.get("Name").unwrap_or_default().to_string(),
        f.message.clone(),
        f.muted_reason.as_deref().unwrap_or_default().to_string(),
        controls.join("; "),
        tags.join("; "),
    ]
}

fn write_row(out: &mut dyn io::Write, cells: impl Iterator<Item = String>) -> io::Result<()> {
    let mut line = String::new();
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            line.push(',');
        }
        push_cell(&mut line, &cell);
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes())
}

fn push_cell(line: &mut String, cell: &str) {
    let guarded;
    let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{cell}");
        guarded.as_str()
    } else {
        cell
    };
    if cell.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&cell.replace('"', "\"\""));
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
        // A tag cell is only guarded as a whole: it starts with the key.
        assert!(render().contains("Name=prod, \"\"core\"\" <edge> & co; Owner==cmd|' /C calc'!A0"));
    }
}
