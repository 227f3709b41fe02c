//! `cloudposture scan`: evaluate the selected rules and report.
//!
//! args → config → plan (config errors before any API call) → output file opened →
//! collect the plan's kinds or load the snapshot → evaluate → render → exit code.

use cloudposture_core::ScanSource;
use cloudposture_core::jiff::Timestamp;

use super::deliver::{Delivery, deliver, read_baseline};
use crate::cli::{GlobalArgs, ScanArgs, ScanFormat};
use crate::config_file;
use crate::exit::{CliError, Exit};
use crate::output::Output;
use crate::source;
use crate::terminal::Terminal;

/// Runs `scan`.
pub fn run(args: &ScanArgs, global: &GlobalArgs, term: &mut Terminal<'_>) -> Result<Exit, CliError> {
    let config = config_file::load(global.config.as_deref())?;
    let registry = super::registry()?;
    let plan = config.plan(&registry, &args.selection.to_selection())?;
    let baseline = read_baseline(args.report.baseline.as_deref())?;
    let output = Output::open(args.report.output.as_deref())?;
    tracing::info!(
        rules = ?plan.rules().iter().map(|p| p.rule.metadata().id).collect::<Vec<_>>(),
        kinds = ?plan.required_kinds(),
        config = ?config.path,
        "planned"
    );

    if args.report.format == ScanFormat::Sarif {
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
    let (mut report, label) = match &args.snapshot {
        None if !args.templates.is_empty() => {
            let (inventory, unreadable) =
                source::load_templates(&args.templates, &args.var_files, &registry, term)?;
            unreadable_templates = unreadable;
            let paths: Vec<String> = args.templates.iter().map(|p| p.display().to_string()).collect();
            (
                plan.evaluate(&inventory, ScanSource::Template, started_at),
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
            (plan.evaluate(&inventory, ScanSource::Snapshot, started_at), label)
        }
        None => {
            let show_progress = term.stderr_is_terminal && !global.quiet;
            // Each account is judged as soon as it is read, and its inventory let go:
            // what a scan of many accounts holds is their findings.
            let mut parts = Vec::new();
            source::collect_live_each(&args.live, &plan.required_kinds(), show_progress, &mut |part| {
                parts.push(plan.evaluate(&part, ScanSource::Live, started_at));
            })?;
            let report = match parts.len() {
                1 => parts.remove(0),
                _ => cloudposture_core::merge::combine(parts),
            };
            (report, "live scan".to_string())
        }
    };
    if let Some(baseline) = &baseline {
        let muted = baseline.apply(&mut report);
        tracing::info!(muted, known = baseline.len(), "baseline applied");
    }
    tracing::info!(
        total = report.summary.total,
        fail = report.summary.fail,
        error = report.summary.error,
        api_calls = report.scan.api_calls,
        complete = report.is_complete(),
        "evaluated"
    );

    let how = Delivery {
        format: args.report.format,
        fail_on: args.report.fail_on,
        show_passing: args.report.show_passing,
        selection: &args.selection,
        unreadable: (unreadable_templates > 0)
            .then(|| format!("{unreadable_templates} template error(s): see the `error:` lines above")),
    };
    deliver(&report, &label, output, &how, &registry, global, term)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::cli::{ColorChoice, FailOn, LiveArgs, ReportArgs, SelectionArgs};
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
            report: ReportArgs {
                format,
                output: None,
                fail_on: FailOn::Risk(cloudposture_core::RiskLevel::Low),
                show_passing: false,
                baseline: None,
            },
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
