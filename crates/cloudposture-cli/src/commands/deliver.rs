//! A report's last steps, shared by `scan` and `merge`: the compliance view, the format
//! written to stdout or the output file, and the exit code (with why, on stderr, when
//! the scan is incomplete).

use std::path::Path;

use anyhow::{Context, anyhow};
use cloudposture_core::render::Format;
use cloudposture_core::{AccountScanState, Baseline, Coverage, RegionState, Registry, Report};

use crate::cli::{FailOn, GlobalArgs, ScanFormat, SelectionArgs};
use crate::exit::{CliError, Exit};
use crate::output::Output;
use crate::style::Painter;
use crate::table::{TableOptions, write_table};
use crate::terminal::Terminal;

/// How to deliver a report.
pub struct Delivery<'a> {
    /// The format.
    pub format: ScanFormat,
    /// The exit-1 threshold.
    pub fail_on: FailOn,
    /// In the table, passing findings too.
    pub show_passing: bool,
    /// The selection, for the compliance view of the standard versions it names.
    pub selection: &'a SelectionArgs,
    /// Something outside the report that was not read (template files): exit 3 rather
    /// than 0, with this said.
    pub unreadable: Option<String>,
}

/// Reads the `--baseline` report, before any work: a file that cannot be read or is not
/// a report of this tool is bad input (exit 2).
pub fn read_baseline(path: Option<&Path>) -> Result<Option<Baseline>, CliError> {
    let Some(path) = path else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the baseline {}", path.display()))?;
    let baseline = Baseline::from_json(&text).map_err(|e| anyhow!("baseline {}: {e}", path.display()))?;
    Ok(Some(baseline))
}

/// Writes `report` (labelled `label` in the table) as `how` says and returns the exit code.
pub fn deliver(
    report: &Report,
    label: &str,
    mut output: Output,
    how: &Delivery<'_>,
    registry: &Registry,
    global: &GlobalArgs,
    term: &mut Terminal<'_>,
) -> Result<Exit, CliError> {
    let coverage = match how.format {
        ScanFormat::Table => coverage(registry, report, how.selection)?,
        ScanFormat::Html => {
            let mut named = coverage(registry, report, how.selection)?;
            if named.is_empty() {
                // A report for an auditor shows a benchmark even when none was named: the
                // newest CIS version the catalog knows.
                let cis = cloudposture_core::Standard::CisAwsFoundations;
                if let Some(newest) = registry.known_versions(cis).last() {
                    named.push(registry.coverage(report, cis, newest));
                }
            }
            named
        }
        _ => Vec::new(),
    };
    let color = !output.is_file() && term.color(global);
    let writer = output.writer(term.out);
    let rendered = match how.format {
        ScanFormat::Table => write_table(
            report,
            label,
            TableOptions {
                columns: term.columns,
                painter: Painter { enabled: color },
                show_passing: how.show_passing,
                hints: !global.quiet,
            },
            &coverage,
            writer,
        ),
        ScanFormat::Json => Format::Json.write(report, writer),
        ScanFormat::Csv => Format::Csv.write(report, writer),
        ScanFormat::Junit => Format::Junit.write(report, writer),
        ScanFormat::Ocsf => Format::Ocsf.write(report, writer),
        ScanFormat::Asff => Format::Asff.write(report, writer),
        ScanFormat::Html => cloudposture_core::render::write_html(report, &coverage, writer),
        ScanFormat::Sarif => Format::Sarif.write(report, writer),
    };
    let mut exit = exit_code(report, how.fail_on);
    if exit == Exit::Ok && how.unreadable.is_some() {
        // A template that could not be read counts like a region in error: never clean.
        exit = Exit::Incomplete;
    }
    match rendered {
        // The reader went away (`cloudposture scan | head`): the verdict still stands.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe && !output.is_file() => return Ok(exit),
        Err(e) => return Err(anyhow::Error::new(e).context("cannot write the report").into()),
        Ok(()) => {}
    }
    if exit == Exit::Incomplete {
        // Whatever the format and `--quiet`: exit 3 says why, on stderr.
        let mut reason = incomplete_reason(report);
        if let Some(unreadable) = &how.unreadable {
            reason.push_str("; ");
            reason.push_str(unreadable);
        }
        let _ = writeln!(term.err, "{reason}");
    }
    if let Some(path) = output.commit(term.out)? {
        let s = &report.summary;
        term.note(
            global,
            format_args!(
                "wrote {} ({} findings: {} fail, {} error, {} pass, {} skipped, {} muted)",
                path.display(),
                s.total,
                s.fail,
                s.error,
                s.pass,
                s.skipped,
                s.muted
            ),
        );
    }
    Ok(exit)
}

/// Why a scan is incomplete (exit 3), in one line: what could not be judged, the
/// regions and the accounts in error.
fn incomplete_reason(report: &Report) -> String {
    let errors = report.summary.error;
    let mut line = format!(
        "incomplete: {errors} {} could not be judged (see the findings with status `error`)",
        if errors == 1 { "finding" } else { "findings" }
    );
    let regions: Vec<&str> = report
        .scan
        .regions
        .iter()
        .filter(|r| r.status != RegionState::Ok)
        .map(|r| r.name.as_str())
        .collect();
    if !regions.is_empty() {
        line.push_str(&format!("; regions in error: {}", regions.join(", ")));
    }
    let accounts: Vec<&str> = report
        .scan
        .accounts
        .iter()
        .filter(|a| a.status == AccountScanState::Error)
        .filter_map(|a| a.id.as_deref())
        .collect();
    if report.scan.accounts.len() > 1 && !accounts.is_empty() {
        line.push_str(&format!("; accounts in error: {}", accounts.join(", ")));
    }
    line
}

/// The compliance view of each standard version the selection names (`cis:v3.0.0`),
/// each once however it was written.
fn coverage(
    registry: &Registry,
    report: &Report,
    selection: &SelectionArgs,
) -> anyhow::Result<Vec<Coverage>> {
    let mut versions = Vec::new();
    for v in selection.versions() {
        let version = (v.standard, registry.resolve_version(v.standard, &v.version)?);
        if !versions.contains(&version) {
            versions.push(version);
        }
    }
    Ok(versions
        .into_iter()
        .map(|(standard, version)| registry.coverage(report, standard, version))
        .collect())
}

/// 1 when something fails at or above the threshold; else 3 when something could not
/// be judged or a region not read (`never` included: unknown is never a pass); else 0.
pub fn exit_code(report: &Report, fail_on: FailOn) -> Exit {
    let failing = match fail_on {
        FailOn::Risk(risk) => report.failures_at_or_above(risk).next().is_some(),
        FailOn::Never => false,
    };
    if failing {
        Exit::Failing
    } else if !report.is_complete() {
        Exit::Incomplete
    } else {
        Exit::Ok
    }
}
