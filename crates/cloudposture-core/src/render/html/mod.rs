//! `--format html`: the report as one self-contained page, for people and auditors.
//!
//! Everything is in the file: the style sheet and the script are inline, the charts are
//! SVG drawn here, and nothing is fetched, so it opens offline from a mail attachment.
//! A Content-Security-Policy lets only that style sheet and that script run (by their
//! SHA-256): text from the scanned account (tags, names, messages, evidence) is escaped
//! for where it goes, and even an escape missed could not run a script. Without
//! scripts the page is complete; the script adds the search box, the filters and the
//! Copy buttons. Printed, every `<details>` is open and the controls are gone.

mod chart;
mod compliance;
mod escape;
mod findings;
mod snippets;

use std::fmt::Write as _;
use std::io;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use self::chart::{by_status, in_words, proportion_bar, status_bars};
use self::escape::Html;
use crate::coverage::Coverage;
use crate::report::{RegionState, Report, ScanSource, StatusCounts};

const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("script.js");

/// Writes `report` as one HTML page: a header (accounts, source, time, tool,
/// completeness), the summary by status and risk, a compliance table for each entry of
/// `coverage` (those a scan's `--standard` names; none for an empty slice), and the
/// findings grouped by rule, account and region, failing first.
///
/// ```
/// # use cloudposture_core::*;
/// # fn demo(registry: &Registry, report: &Report) -> std::io::Result<()> {
/// let cis = registry.coverage(report, Standard::CisAwsFoundations, "v5.0.0");
/// let mut page = Vec::new();
/// cloudposture_core::render::write_html(report, &[cis], &mut page)?;
/// # Ok(()) }
/// ```
pub fn write_html(report: &Report, coverage: &[Coverage], out: &mut dyn io::Write) -> io::Result<()> {
    let mut page = String::with_capacity(64 * 1024);
    head(&mut page, report);
    header(&mut page, report);
    page.push_str("<main>");
    summary(&mut page, report);
    compliance::write(&mut page, coverage);
    findings::write(&mut page, report, out)?;
    let _ = writeln!(page, "</main><script>{SCRIPT}</script></body></html>");
    out.write_all(page.as_bytes())?;
    out.flush()
}

/// `'sha256-…'` of `text`, as a Content-Security-Policy source.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn head(page: &mut String, report: &Report) {
    let account = report.scan.account.as_deref().unwrap_or("unknown account");
    let _ = write!(
        page,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src {style}; script-src {script}; img-src data:; base-uri 'none'; form-action 'none'"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="generator" content="{tool} {version}"><title>cloudposture report · account {account} · {time}</title><style>{STYLE}</style></head><body>"#,
        style = csp_hash(STYLE),
        script = csp_hash(SCRIPT),
        tool = Html(&report.tool.name),
        version = Html(&report.tool.version),
        account = Html(account),
        time = report.scan.started_at.strftime("%Y-%m-%d %H:%M UTC"),
    );
}

/// Who, what, when, with what, and whether the scan is complete — at the top, in words.
fn header(page: &mut String, report: &Report) {
    let scan = &report.scan;
    let account = scan
        .account
        .as_deref()
        .unwrap_or("unknown (the caller identity could not be read)");
    page.push_str(r#"<header class="report-header"><h1>cloudposture report</h1><dl class="facts">"#);
    let _ = write!(page, r#"<dt>Account</dt><dd id="account">{}</dd>"#, Html(account));
    let mut owners: Vec<&str> = report
        .findings
        .iter()
        .filter_map(|f| f.resource.account.as_deref())
        .filter(|a| Some(*a) != scan.account.as_deref())
        .collect();
    owners.sort_unstable();
    owners.dedup();
    if !owners.is_empty() {
        let _ = write!(
            page,
            "<dt>Resources owned by</dt><dd>{} (shared with the scanned account)</dd>",
            Html(&owners.join(", "))
        );
    }
    let source = match scan.source {
        ScanSource::Live => "live scan",
        ScanSource::Snapshot => "saved snapshot",
        ScanSource::Template => "templates (before deploy)",
    };
    let _ = write!(
        page,
        r#"<dt>Source</dt><dd id="source">{source}</dd><dt>Time</dt><dd><time datetime="{}">{}</time> to <time datetime="{}">{}</time></dd><dt>Tool</dt><dd>{} {}</dd>"#,
        scan.started_at,
        scan.started_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        scan.finished_at,
        scan.finished_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        Html(&report.tool.name),
        Html(&report.tool.version),
    );
    let regions: Vec<&str> = scan
        .regions
        .iter()
        .map(|r| r.name.as_str())
        .filter(|r| *r != "global")
        .collect();
    let _ = write!(
        page,
        "<dt>Regions</dt><dd>{} ({} API calls)</dd></dl>",
        Html(&regions.join(", ")),
        scan.api_calls
    );
    completeness(page, report);
    if !scan.regions_not_scanned.is_empty() {
        page.push_str(r#"<p class="not-scanned">Not scanned on purpose: "#);
        for (i, r) in scan.regions_not_scanned.iter().enumerate() {
            if i > 0 {
                page.push_str("; ");
            }
            let _ = write!(page, "{} ({})", Html(&r.name), Html(&r.reason));
        }
        page.push_str("</p>");
    }
    page.push_str("</header>");
}

/// Whether every region was read and every resource judged; if not, what was not and why.
fn completeness(page: &mut String, report: &Report) {
    if report.is_complete() {
        page.push_str(r#"<div id="completeness" class="complete"><p><strong>Complete scan:</strong> every region was read and every resource was judged.</p></div>"#);
        return;
    }
    let errors = report.summary.error;
    let in_error: Vec<_> = report
        .scan
        .regions
        .iter()
        .filter(|r| r.status == RegionState::Error)
        .collect();
    let findings = if errors == 1 { "finding" } else { "findings" };
    let _ = write!(
        page,
        r#"<div id="completeness" class="incomplete" role="alert"><p><strong>Incomplete scan:</strong> {errors} {findings} could not be judged (status error)"#
    );
    if !in_error.is_empty() {
        let regions = if in_error.len() == 1 { "region" } else { "regions" };
        let _ = write!(
            page,
            ", and {} {regions} could not be read completely:",
            in_error.len()
        );
    }
    page.push_str(" what could not be read is unknown, not passing.</p>");
    if !in_error.is_empty() {
        page.push_str("<ul>");
        for r in in_error {
            let name = match r.name.as_str() {
                "global" => "global (account-level calls)",
                name => name,
            };
            let _ = write!(
                page,
                "<li><strong>{}</strong>: {}</li>",
                Html(name),
                Html(r.error.as_deref().unwrap_or("not read"))
            );
        }
        page.push_str("</ul>");
    }
    page.push_str("</div>");
}

/// Counts by status and by risk, as tables and bars.
fn summary(page: &mut String, report: &Report) {
    let s = &report.summary;
    let totals = StatusCounts {
        pass: s.pass,
        fail: s.fail,
        error: s.error,
        skipped: s.skipped,
        muted: s.muted,
    };
    page.push_str(r#"<section id="summary"><h2>Summary</h2><div class="summary"><div><h3>By status</h3><table id="by-status" class="counts"><tbody>"#);
    for (status, n) in by_status(&totals) {
        let _ = write!(
            page,
            r#"<tr data-status="{status}"><th scope="row">{status}</th><td class="n">{n}</td></tr>"#
        );
    }
    let _ = write!(
        page,
        r#"<tr class="total"><th scope="row">total</th><td class="n" data-total>{}</td></tr></tbody></table>{}</div>"#,
        s.total,
        status_bars(&totals)
    );
    page.push_str(
        r#"<div><h3>By risk</h3><table id="by-risk" class="counts"><thead><tr><th scope="col">Risk</th>"#,
    );
    for (status, _) in by_status(&totals) {
        let _ = write!(page, r#"<th scope="col" class="n">{status}</th>"#);
    }
    page.push_str(r#"<th scope="col">Proportion</th></tr></thead><tbody>"#);
    for (risk, n) in s.by_risk.iter().rev() {
        let _ = write!(page, r#"<tr data-risk="{risk}"><th scope="row">{risk}</th>"#);
        for (status, count) in by_status(n) {
            let _ = write!(page, r#"<td class="n" data-count="{status}">{count}</td>"#);
        }
        let _ = write!(page, "<td>{}</td></tr>", proportion_bar(n, 160));
    }
    if s.by_risk.is_empty() {
        page.push_str(r#"<tr><td colspan="7">no findings</td></tr>"#);
    }
    let _ = write!(
        page,
        r#"</tbody></table><p class="note">In all: {}.</p></div></div></section>"#,
        in_words(&totals)
    );
}

#[cfg(test)]
mod tests;
