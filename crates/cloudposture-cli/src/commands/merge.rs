//! `cloudposture merge`: the JSON reports of every shard of an organization scan, read
//! back and combined into the one report a single scan would have written, then
//! delivered as `scan` delivers it (any format, scan's exit codes).

use anyhow::{Context, anyhow};
use cloudposture_core::merge::merge_shards;
use cloudposture_core::{Report, ScanSource};

use super::deliver::{Delivery, deliver, read_baseline};
use crate::cli::{GlobalArgs, MergeArgs, ScanFormat, SelectionArgs};
use crate::config_file;
use crate::exit::{CliError, Exit};
use crate::output::Output;
use crate::terminal::Terminal;

/// Runs `merge`.
pub fn run(args: &MergeArgs, global: &GlobalArgs, term: &mut Terminal<'_>) -> Result<Exit, CliError> {
    // The shards were judged with their config; a wrong --config is still said.
    let config = config_file::load(global.config.as_deref())?;
    let registry = super::registry()?;
    config.plan(&registry, &SelectionArgs::default().to_selection())?;
    if args.report.format == ScanFormat::Sarif {
        cloudposture_core::render::sarif_applies(ScanSource::Live).map_err(anyhow::Error::msg)?;
    }
    let baseline = read_baseline(args.report.baseline.as_deref())?;
    let output = Output::open(args.report.output.as_deref())?;
    let mut parts = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {name}"))?;
        let report = Report::from_json(&text, &registry).map_err(|e| anyhow!("{name}: {e}"))?;
        parts.push((name, report));
    }
    let count = parts.len();
    let mut report = merge_shards(parts).map_err(anyhow::Error::new)?;
    if let Some(baseline) = &baseline {
        baseline.apply(&mut report);
    }
    let label = format!("{count} shard reports merged");
    let selection = SelectionArgs::default();
    let how = Delivery {
        format: args.report.format,
        fail_on: args.report.fail_on,
        show_passing: args.report.show_passing,
        selection: &selection,
        unreadable: None,
    };
    deliver(&report, &label, output, &how, &registry, global, term)
}
