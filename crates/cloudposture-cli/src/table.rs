//! The terminal view of a report: what fails first, grouped by rule; counts for the rest;
//! with `--standard STANDARD:VERSION`, the controls of that version at the end.

use std::io::{self, Write};

use cloudposture_core::{AccountScanState, Coverage, Finding, RegionState, Report, ScanSource, Status};

mod compliance;

use crate::style::{Painter, Style};

/// How to lay the table out.
#[derive(Debug, Clone, Copy)]
pub struct TableOptions {
    /// Width to fit lines in.
    pub columns: usize,
    /// Colour.
    pub painter: Painter,
    /// List passing, skipped and muted findings instead of only counting them.
    pub show_passing: bool,
    /// Print the closing hint lines.
    pub hints: bool,
}

const INDENT: &str = "  ";
const MAX_NAME_WIDTH: usize = 20;
const MIN_REASON_WIDTH: usize = 24;

/// Writes the table view of `report`; `source` says where the data came from
/// (e.g. `snapshot examples/demo-account.json`). It ends with the compliance summary of
/// each standard version in `coverage` (those `--standard` named).
pub fn write_table(
    report: &Report,
    source: &str,
    opts: TableOptions,
    coverage: &[Coverage],
    out: &mut dyn Write,
) -> io::Result<()> {
    let p = opts.painter;
    let scan = &report.scan;
    let title = "cloudposture scan";
    let account = scan.account.as_deref().unwrap_or("(unknown account)");
    let rest = match scan.source {
        // Templates belong to no account yet.
        ScanSource::Template => format!(" · {source}"),
        _ if scan.accounts.len() > 1 => format!(
            " · {} accounts (caller {account}) · {source}",
            scan.accounts.len()
        ),
        _ => format!(" · account {account} · {source}"),
    };
    let rest = truncate(&rest, opts.columns.saturating_sub(title.len()));
    writeln!(out, "{}{rest}", p.paint(Style::Bold, title))?;
    writeln!(out)?;

    let listed: &[Status] = if opts.show_passing {
        &Status::ALL
    } else {
        &[Status::Fail, Status::Error]
    };
    for &status in listed {
        write_section(report, status, opts, out)?;
    }

    let s = &report.summary;
    if s.total == 0 {
        writeln!(out, "No resources of the selected rules were found.")?;
        writeln!(out)?;
    } else if !opts.show_passing && s.pass + s.skipped + s.muted > 0 {
        writeln!(
            out,
            "Not listed: {} pass, {} skipped, {} muted ({} lists them)",
            s.pass,
            s.skipped,
            s.muted,
            p.paint(Style::Cyan, "--show-passing")
        )?;
        writeln!(out)?;
    }

    if scan.accounts.len() > 1 {
        write_accounts(report, opts, out)?;
    }
    let in_error: Vec<_> = scan
        .regions
        .iter()
        .filter(|r| r.status == RegionState::Error)
        .collect();
    // `global` stands for account-level calls (the caller identity): listed with the
    // regions in error, but not counted as a region.
    let regions_in_error = in_error.iter().filter(|r| r.name != "global").count();
    if !in_error.is_empty() {
        writeln!(
            out,
            "{}",
            p.paint(
                Style::Yellow,
                "Regions in error (their resources could not be judged):"
            )
        )?;
        let width = in_error
            .iter()
            .map(|r| {
                r.name.len()
                    + r.account
                        .as_ref()
                        .filter(|_| scan.accounts.len() > 1)
                        .map_or(0, |a| a.len() + 1)
            })
            .max()
            .unwrap_or(0);
        for r in &in_error {
            let reason = one_line(r.error.as_deref().unwrap_or("could not be read"));
            let room = opts
                .columns
                .saturating_sub(INDENT.len() + width + 2)
                .max(MIN_REASON_WIDTH);
            let name = match (&r.account, scan.accounts.len() > 1) {
                (Some(account), true) => format!("{account} {}", r.name),
                _ => r.name.clone(),
            };
            writeln!(out, "{INDENT}{name:<width$}  {}", truncate(&reason, room))?;
        }
        writeln!(out)?;
    }
    if !scan.regions_not_scanned.is_empty() {
        writeln!(out, "Regions not scanned:")?;
        let width = scan
            .regions_not_scanned
            .iter()
            .map(|r| r.name.len())
            .max()
            .unwrap_or(0);
        for r in &scan.regions_not_scanned {
            writeln!(out, "{INDENT}{:<width$}  {}", r.name, one_line(&r.reason))?;
        }
        writeln!(out)?;
    }

    let regions = scan.regions.iter().filter(|r| r.name != "global").count();
    let counts = [
        p.paint(Style::Red, format!("{} fail", s.fail)).to_string(),
        p.paint(Style::Yellow, format!("{} error", s.error)).to_string(),
        p.paint(Style::Green, format!("{} pass", s.pass)).to_string(),
        format!("{} skipped", s.skipped),
        format!("{} muted", s.muted),
    ];
    if scan.source == ScanSource::Template {
        writeln!(
            out,
            "{}: {}",
            p.paint(Style::Bold, format!("{} findings", s.total)),
            counts.join(", ")
        )?;
    } else {
        writeln!(
            out,
            "{}: {} · {regions} {} ({} in error) · {} API calls",
            p.paint(Style::Bold, format!("{} findings", s.total)),
            counts.join(", "),
            if regions == 1 { "region" } else { "regions" },
            regions_in_error,
            scan.api_calls
        )?;
    }
    if opts.hints {
        let mut rule_ids: Vec<&str> = Vec::new();
        for f in report.findings.iter().filter(|f| f.status == Status::Fail) {
            if !rule_ids.contains(&f.rule.id) {
                rule_ids.push(f.rule.id);
            }
        }
        if let Some(first) = rule_ids.first() {
            writeln!(
                out,
                "How to fix: {} (or the remediation of each finding in JSON)",
                p.paint(Style::Cyan, format!("cloudposture rules show {first}"))
            )?;
        }
        writeln!(
            out,
            "Full report with evidence and remediation: {}",
            p.paint(Style::Cyan, "--format json --output report.json")
        )?;
    }
    for c in coverage {
        writeln!(out)?;
        compliance::write_coverage(c, opts, out)?;
    }
    Ok(())
}

/// The accounts that are not fine: in error (with why) or not scanned (with why).
fn write_accounts(report: &Report, opts: TableOptions, out: &mut dyn Write) -> io::Result<()> {
    let p = opts.painter;
    for (state, heading) in [
        (AccountScanState::Error, "Accounts in error:"),
        (AccountScanState::NotScanned, "Accounts not scanned:"),
    ] {
        let listed: Vec<_> = report
            .scan
            .accounts
            .iter()
            .filter(|a| a.status == state)
            .collect();
        if listed.is_empty() {
            continue;
        }
        let style = if state == AccountScanState::Error {
            Style::Yellow
        } else {
            Style::Bold
        };
        writeln!(out, "{}", p.paint(style, heading))?;
        for a in listed {
            let id = a.id.as_deref().unwrap_or("(unknown)");
            let name = a
                .name
                .as_deref()
                .map(|n| format!(" ({})", one_line(n)))
                .unwrap_or_default();
            let reason = one_line(a.error.as_deref().unwrap_or("could not be read"));
            let room = opts
                .columns
                .saturating_sub(INDENT.len() + id.len() + name.len() + 2)
                .max(MIN_REASON_WIDTH);
            writeln!(out, "{INDENT}{id}{name}  {}", truncate(&reason, room))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn section_label(status: Status, n: usize) -> String {
    match status {
        Status::Fail => format!("{n} failing"),
        Status::Error => format!("{n} could not be judged"),
        Status::Pass => format!("{n} passing"),
        Status::Skipped => format!("{n} skipped"),
        Status::Muted => format!("{n} muted"),
    }
}

fn write_section(report: &Report, status: Status, opts: TableOptions, out: &mut dyn Write) -> io::Result<()> {
    let p = opts.painter;
    let findings: Vec<&Finding> = report.findings.iter().filter(|f| f.status == status).collect();
    if findings.is_empty() {
        return Ok(());
    }
    let mut rule_ids: Vec<&str> = Vec::new();
    for f in &findings {
        if !rule_ids.contains(&f.rule.id) {
            rule_ids.push(f.rule.id);
        }
    }
    for rule_id in rule_ids {
        let mut group: Vec<&Finding> = findings
            .iter()
            .copied()
            .filter(|f| f.rule.id == rule_id)
            .collect();
        group.sort_by(|a, b| {
            let key = |f: &Finding| {
                let at = f.resource.location.as_ref().map(|l| (l.file.clone(), l.line));
                (
                    f.scanned_account.clone(),
                    f.resource.region.clone(),
                    at,
                    f.resource.id.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        let Some(first) = group.first() else { continue };
        let status_word = status.as_str().to_ascii_uppercase();
        writeln!(
            out,
            "{}  {}  {}  {}  {}",
            p.paint(Style::of_status(status), format!("{status_word:<5}")),
            p.paint(Style::Bold, rule_id),
            first.rule.title,
            p.paint(Style::of_risk(first.risk), format!("[{}]", first.risk)),
            section_label(status, group.len())
        )?;
        // Region as a sub-heading rather than a column: the reason gets the room.
        let ids: Vec<String> = group.iter().map(|f| id_of(f)).collect();
        let id_width = ids.iter().map(|i| i.chars().count()).max().unwrap_or(1);
        let names: Vec<String> = group.iter().map(|f| name_of(f)).collect();
        let name_width = names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            .min(MAX_NAME_WIDTH);
        let used = 2 * INDENT.len() + id_width + 2 + if name_width > 0 { name_width + 2 } else { 0 };
        let room = opts.columns.saturating_sub(used).max(MIN_REASON_WIDTH);
        // With several accounts, the account heads its regions: `account 111122223333`.
        let by_account = report.scan.accounts.len() > 1;
        let mut current: Option<(Option<&str>, &str)> = None;
        for ((f, name), id) in group.iter().zip(&names).zip(&ids) {
            let account = f.scanned_account.as_deref();
            let region = match (&f.resource.region, &f.resource.location) {
                (Some(region), _) => region.as_str(),
                (None, Some(_)) => "templates",
                (None, None) => "(global)",
            };
            if by_account && current.map(|(a, _)| a) != Some(account) {
                let name = report
                    .scan
                    .accounts
                    .iter()
                    .find(|a| a.id.as_deref() == account)
                    .and_then(|a| a.name.as_deref())
                    .map(|n| format!(" ({})", one_line(n)))
                    .unwrap_or_default();
                let label = format!("account {}{name}", account.unwrap_or("(unknown)"));
                writeln!(out, "{INDENT}{}", p.paint(Style::Bold, label))?;
                current = None;
            }
            if current != Some((account, region)) {
                let indent = if by_account { "    " } else { INDENT };
                writeln!(out, "{indent}{}", p.paint(Style::Bold, region))?;
                current = Some((account, region));
            }
            let reason = match (&f.muted_reason, status) {
                (Some(why), Status::Muted) => format!("muted: {why} ({})", f.message),
                _ => f.message.clone(),
            };
            let deeper = if by_account { INDENT } else { "" };
            let mut line = format!("{deeper}{INDENT}{INDENT}{id:<id_width$}  ");
            if name_width > 0 {
                let name = truncate(name, name_width);
                let pad = name_width - name.chars().count();
                line.push_str(&format!("{name}{:pad$}  ", ""));
            }
            line.push_str(&truncate(&one_line(&reason), room));
            writeln!(out, "{}", line.trim_end())?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The resource as the table names it: its id, and for a template finding the file and
/// line it is declared at (`main.tf:12 aws_vpc.main`).
fn id_of(f: &Finding) -> String {
    match &f.resource.location {
        Some(at) => format!("{}:{} {}", at.file, at.line, f.resource.id),
        None => f.resource.id.to_string(),
    }
}

/// The `Name` tag on one line, or empty.
fn name_of(f: &Finding) -> String {
    f.resource.tags.get("Name").map(one_line).unwrap_or_default()
}

/// Newlines and tabs become spaces, so that one finding stays one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters, ending in `…` when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_characters_and_marks_the_cut() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdefg", 6), "abcde…");
        assert_eq!(truncate("ééééééé", 3), "éé…");
        assert_eq!(one_line("a\n b\tc"), "a b c");
    }
}
