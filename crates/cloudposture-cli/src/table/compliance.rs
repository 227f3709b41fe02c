//! How the table ends when `--standard` names a version (`cis:v3.0.0`): the controls of
//! that version that rules check, with the rules and the counts of their findings; then
//! the controls of the same sections that no rule checks yet (`not covered`); then the
//! sections that no rule checks at all. A clean result must not read as full coverage.

use std::io::{self, Write};

use cloudposture_core::{Coverage, StatusCounts};

use super::{INDENT, MIN_REASON_WIDTH, TableOptions, truncate};
use crate::style::Style;

/// One line of the control table.
struct Line {
    id: &'static str,
    title: &'static str,
    rules: String,
    /// `None` for a control that no rule checks.
    counts: Option<StatusCounts>,
}

/// Writes the compliance summary of one standard version.
pub(super) fn write_coverage(c: &Coverage, opts: TableOptions, out: &mut dyn Write) -> io::Result<()> {
    let p = opts.painter;
    writeln!(
        out,
        "{}",
        p.paint(Style::Bold, format!("{} {}", c.standard.name(), c.version))
    )?;
    let mut lines: Vec<Line> = c
        .controls
        .iter()
        .map(|control| Line {
            id: control.id.unwrap_or("(all)"),
            title: control.title.unwrap_or(""),
            rules: control
                .rules
                .iter()
                .map(|r| match r.ran {
                    true => r.id.to_string(),
                    false => format!("{} (not run)", r.id),
                })
                .collect::<Vec<_>>()
                .join(", "),
            counts: Some(control.counts),
        })
        .collect();
    lines.extend(c.not_covered.iter().map(|control| Line {
        id: control.id,
        title: control.title,
        rules: "not covered".into(),
        counts: None,
    }));

    let id_w = lines
        .iter()
        .map(|l| l.id.len())
        .max()
        .unwrap_or(0)
        .max("CONTROL".len());
    let rules_w = lines
        .iter()
        .map(|l| l.rules.chars().count())
        .max()
        .unwrap_or(0)
        .max("RULES".len());
    // The title gets what the other columns leave of the line.
    let fixed =
        INDENT.len() + id_w + 2 + 2 + rules_w + 2 + "PASS".len() + 2 + "FAIL".len() + 2 + "ERROR".len();
    let longest = lines.iter().map(|l| l.title.chars().count()).max().unwrap_or(0);
    let title_w = opts
        .columns
        .saturating_sub(fixed)
        .max(MIN_REASON_WIDTH)
        .min(longest)
        .max("TITLE".len());
    writeln!(
        out,
        "{INDENT}{:<id_w$}  {:<title_w$}  {:<rules_w$}  PASS  FAIL  ERROR",
        "CONTROL", "TITLE", "RULES"
    )?;
    for l in &lines {
        let title = truncate(l.title, title_w);
        let pad = title_w - title.chars().count();
        let rules_pad = rules_w - l.rules.chars().count();
        let mut line = format!("{INDENT}{:<id_w$}  {title}{:pad$}  ", l.id, "");
        match l.counts {
            Some(n) => {
                let count = |style: Style, n: u64, width: usize| match n {
                    0 => format!("{n:>width$}"),
                    n => p.paint(style, format!("{n:>width$}")).to_string(),
                };
                line.push_str(&format!(
                    "{}{:rules_pad$}  {}  {}  {}",
                    l.rules,
                    "",
                    count(Style::Green, n.pass, 4),
                    count(Style::Red, n.fail, 4),
                    count(Style::Yellow, n.error, 5)
                ));
            }
            None => line.push_str(&p.paint(Style::Yellow, &l.rules).to_string()),
        }
        writeln!(out, "{}", line.trim_end())?;
    }

    if !c.catalog_known {
        writeln!(
            out,
            "{INDENT}No catalog of {} {} is known here: the controls that no rule checks cannot be listed.",
            c.standard.name(),
            c.version
        )?;
    }
    for s in &c.sections_not_listed {
        writeln!(
            out,
            "{INDENT}Section {} {}: its controls are not in the catalog, so those no rule checks are not listed.",
            s.number, s.title
        )?;
    }
    if !c.sections_not_checked.is_empty() {
        let sections: Vec<String> = c
            .sections_not_checked
            .iter()
            .map(|s| format!("{} {}", s.number, s.title))
            .collect();
        writeln!(
            out,
            "{INDENT}{} {}",
            p.paint(Style::Yellow, "Not checked:"),
            sections.join(", ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use cloudposture_core::{CatalogControl, CatalogSection, ControlCoverage, CoveringRule, Standard};

    use super::*;
    use crate::style::Painter;

    const CIS: Standard = Standard::CisAwsFoundations;

    static CLOUDTRAIL: CatalogControl = CatalogControl {
        standard: CIS,
        version: "v3.0.0",
        section: "3",
        id: "3.1",
        title: "Ensure CloudTrail is enabled in all regions",
    };
    static IAM: CatalogSection = CatalogSection {
        standard: CIS,
        version: "v3.0.0",
        number: "1",
        title: "Identity and Access Management",
        controls_listed: false,
    };

    fn render(c: &Coverage, columns: usize) -> String {
        let opts = TableOptions {
            columns,
            painter: Painter { enabled: false },
            show_passing: false,
            hints: true,
        };
        let mut out = Vec::new();
        write_coverage(c, opts, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn coverage() -> Coverage {
        Coverage {
            standard: CIS,
            version: "v3.0.0",
            catalog_known: true,
            controls: vec![ControlCoverage {
                id: Some("3.7"),
                title: Some("Ensure VPC flow logging is enabled in all VPCs"),
                rules: vec![
                    CoveringRule {
                        id: "VPC-001",
                        ran: true,
                    },
                    CoveringRule {
                        id: "VPC-009",
                        ran: false,
                    },
                ],
                counts: StatusCounts {
                    pass: 5,
                    fail: 7,
                    error: 2,
                    ..StatusCounts::default()
                },
            }],
            not_covered: vec![&CLOUDTRAIL],
            sections_not_checked: vec![&IAM],
            sections_not_listed: Vec::new(),
        }
    }

    #[test]
    fn controls_then_the_uncovered_then_the_unchecked_sections_in_aligned_columns() {
        let text = render(&coverage(), 140);
        let expected = [
            "CIS AWS Foundations Benchmark v3.0.0",
            "  CONTROL  TITLE                                           RULES                       PASS  FAIL  ERROR",
            "  3.7      Ensure VPC flow logging is enabled in all VPCs  VPC-001, VPC-009 (not run)     5     7      2",
            "  3.1      Ensure CloudTrail is enabled in all regions     not covered",
            "  Not checked: 1 Identity and Access Management",
        ];
        assert_eq!(text.lines().collect::<Vec<_>>(), expected, "\n{text}");
    }

    #[test]
    fn titles_are_cut_to_the_width_and_unknown_catalogs_are_said_so() {
        let text = render(&coverage(), 90);
        assert!(
            text.contains("  3.7      Ensure VPC flow logging is enab…  VPC-001"),
            "\n{text}"
        );
        assert!(text.lines().all(|l| l.chars().count() <= 90), "\n{text}");

        let pci = Coverage {
            standard: Standard::PciDss,
            version: "v3.2.1",
            catalog_known: false,
            not_covered: Vec::new(),
            sections_not_checked: Vec::new(),
            ..coverage()
        };
        let text = render(&pci, 140);
        assert!(
            text.contains("No catalog of PCI DSS v3.2.1 is known here: the controls that no rule checks cannot be listed."),
            "\n{text}"
        );
        assert!(!text.contains("Not checked"), "\n{text}");
    }
}
