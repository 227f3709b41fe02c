//! `cloudposture scan`: evaluate the selected rules and report.
//!
//! args → config → plan (config errors before any API call) → output file opened →
//! collect the plan's kinds or load the snapshot → evaluate → render → exit code.

use cloudposture_core::jiff::Timestamp;
use cloudposture_core::render::Format;
use cloudposture_core::{Coverage, Registry, Report, ScanSource};

use crate::cli::{FailOn, GlobalArgs, ScanArgs, ScanFormat, SelectionArgs};
use crate::config_file;
use crate::exit::{CliError, Exit};
use crate::output::Output;
use crate::source;
use crate::style::Painter;
use crate::table::{TableOptions, write_table};
use crate::terminal::Terminal;

/// Runs `scan`.
pub fn run(args: &ScanArgs, global: &GlobalArgs, term: &mut Terminal<'_>) -> Result<Exit, CliError> {
    let config = config_file::load(global.config.as_deref())?;
    let registry = super::registry()?;
    let plan = config.plan(&registry, &args.selection.to_selection())?;
    let mut output = Output::open(args.output.as_deref())?;
    tracing::info!(
        rules = ?plan.rules().iter().map(|p| p.rule.metadata().id).collect::<Vec<_>>(),
        kinds = ?plan.required_kinds(),
        config = ?config.path,
        "planned"
    );

    if args.format == ScanFormat::Sarif {
        // Before anything is read: GitHub takes no result without a file location.
        let source = match (&args.snapshot, args.templates.is_empty()) {
            (_, false) => ScanSource::Template,
            (Some(_), true) => ScanSource::Snapshot,
            (None, true) => ScanSource::Live,
        };
        cloudposture_core::render::sarif_applies(source).map_err(anyhow::Error::msg)?;
    }
    let started_at = Timestamp::now();
    let mut unreadable_templates = 0;
    let (inventory, source, label) = match &args.snapshot {
        None if !args.templates.is_empty() => {
            let (inventory, unreadable) =
                source::load_templates(&args.templates, &args.var_files, &registry, term)?;
            unreadable_templates = unreadable;
            let paths: Vec<String> = args.templates.iter().map(|p| p.display().to_string()).collect();
            (
                inventory,
                ScanSource::Template,
                format!("templates {}", paths.join(", ")),
            )
        }
        Some(path) => {
            let inventory = source::load_snapshot(path)?;
            // The data is as old as the snapshot, not as the scan: say so.
            let label = format!(
                "snapshot {}, {}",
                path.display(),
                inventory.collected_at.strftime("%Y-%m-%d %H:%MZ")
            );
            (inventory, ScanSource::Snapshot, label)
        }
        None => {
            let show_progress = term.stderr_is_terminal && !global.quiet;
            let inventory = source::collect_live(&args.live, &plan.required_kinds(), show_progress)?;
            (inventory, ScanSource::Live, "live scan".to_string())
        }
    };
    let report = plan.evaluate(&inventory, source, started_at);
    tracing::info!(
        total = report.summary.total,
        fail = report.summary.fail,
        error = report.summary.error,
        api_calls = report.scan.api_calls,
        complete = report.is_complete(),
        "evaluated"
    );

    let coverage = match args.format {
        ScanFormat::Table => coverage(&registry, &report, &args.selection)?,
        ScanFormat::Html => {
            let mut named = coverage(&registry, &report, &args.selection)?;
            if named.is_empty() {
                // A report for an auditor shows a benchmark even when none was named: the
                // newest CIS version the catalog knows.
                let cis = cloudposture_core::Standard::CisAwsFoundations;
                if let Some(newest) = registry.known_versions(cis).last() {
                    named.push(registry.coverage(&report, cis, newest));
                }
            }
            named
        }
        _ => Vec::new(),
    };
    let color = !output.is_file() && term.color(global);
    let writer = output.writer(term.out);
    let rendered = match args.format {
        ScanFormat::Table => write_table(
            &report,
            &label,
            TableOptions {
                columns: term.columns,
                painter: Painter { enabled: color },
                show_passing: args.show_passing,
                hints: !global.quiet,
            },
            &coverage,
            writer,
        ),
        ScanFormat::Json => Format::Json.write(&report, writer),
        ScanFormat::Csv => Format::Csv.write(&report, writer),
        ScanFormat::Junit => Format::Junit.write(&report, writer),
        ScanFormat::Ocsf => Format::Ocsf.write(&report, writer),
        ScanFormat::Asff => Format::Asff.write(&report, writer),
        ScanFormat::Html => cloudposture_core::render::write_html(&report, &coverage, writer),
        ScanFormat::Sarif => Format::Sarif.write(&report, writer),
    };
    let mut exit = exit_code(&report, args.fail_on);
    if exit == Exit::Ok && unreadable_templates > 0 {
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
        let mut reason = incomplete_reason(&report);
        if unreadable_templates > 0 {
            reason.push_str(&format!(
                "; {unreadable_templates} template file(s) could not be read"
            ));
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

/// Why a scan is incomplete (exit 3), in one line: what could not be judged and the
/// regions in error.
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
        .filter(|r| r.status != cloudposture_core::RegionState::Ok)
        .map(|r| r.name.as_str())
        .collect();
    if !regions.is_empty() {
        line.push_str(&format!("; regions in error: {}", regions.join(", ")));
    }
    let accounts: Vec<&str> = report
        .scan
        .accounts
        .iter()
        .filter(|a| a.status == cloudposture_core::AccountScanState::Error)
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::cli::{ColorChoice, LiveArgs, SelectionArgs};
    use crate::terminal::testing::Captured;

    fn args(format: ScanFormat) -> ScanArgs {
        ScanArgs {
            snapshot: Some(
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account.json"),
            ),
            templates: Vec::new(),
            var_files: Vec::new(),
            live: LiveArgs {
                profile: None,
                regions: cloudposture_aws::RegionScope::AllEnabled,
                endpoint_url: None,
                concurrency: 8,
                max_attempts: 5,
                accounts: crate::cli::AccountArgs::default(),
            },
            selection: SelectionArgs::default(),
            format,
            output: None,
            fail_on: FailOn::Risk(cloudposture_core::RiskLevel::Low),
            show_passing: false,
        }
    }

    fn global() -> GlobalArgs {
        GlobalArgs {
            config: None,
            quiet: false,
            verbose: 0,
            color: ColorChoice::Auto,
        }
    }

    #[test]
    fn scan_writes_the_table_to_the_injected_stdout_only() {
        let mut io = Captured::default();
        let exit = run(&args(ScanFormat::Table), &global(), &mut io.terminal()).unwrap();
        assert_eq!(exit, Exit::Failing);
        assert!(io.stdout().contains("7 failing"), "{}", io.stdout());
        assert_eq!(io.stderr(), "");
    }

    #[test]
    fn colour_follows_the_terminal_and_no_color() {
        let mut io = Captured::default();
        let mut term = io.terminal();
        term.stdout_is_terminal = true;
        run(&args(ScanFormat::Table), &global(), &mut term).unwrap();
        let red = crate::style::Style::Red.ansi().render().to_string();
        assert!(io.stdout().contains(&red), "{:?}", io.stdout());

        let mut io = Captured::default();
        let mut term = io.terminal();
        term.stdout_is_terminal = true;
        term.no_color = true;
        run(&args(ScanFormat::Table), &global(), &mut term).unwrap();
        assert!(!io.stdout().contains('\x1b'));
    }

    #[test]
    fn machine_formats_never_get_colour() {
        let mut io = Captured::default();
        let mut term = io.terminal();
        term.stdout_is_terminal = true;
        let mut vpc_001 = args(ScanFormat::Json);
        vpc_001.selection.rules = vec!["VPC-001".into()];
        run(&vpc_001, &global(), &mut term).unwrap();
        assert!(!io.stdout().contains('\x1b'));
        let report: serde_json::Value = serde_json::from_slice(&io.out).unwrap();
        assert_eq!(report["summary"]["total"], 14, "the demo's 14 VPCs");
    }
}
