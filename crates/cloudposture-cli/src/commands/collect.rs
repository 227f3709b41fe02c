//! `cloudposture collect`: collect what the selected rules need and save a snapshot.

use anyhow::Context;
use cloudposture_aws::snapshot;
use cloudposture_core::{KindInfo, Listing};

use crate::cli::{CollectArgs, GlobalArgs};
use crate::config_file;
use crate::exit::{CliError, Exit};
use crate::output::temp_file_beside;
use crate::source;
use crate::terminal::Terminal;

/// Runs `collect`. Exits 3 when a region (or the account id) could not be read: the
/// snapshot is still written and records the failures, so that a scan of it says so.
pub fn run(args: &CollectArgs, global: &GlobalArgs, term: &mut Terminal<'_>) -> Result<Exit, CliError> {
    let config = config_file::load(global.config.as_deref())?;
    let registry = super::registry()?;
    let plan = config.plan(&registry, &args.selection.to_selection())?;
    // Fail on an unwritable destination before collecting, not after.
    drop(temp_file_beside(&args.output)?);

    let show_progress = term.stderr_is_terminal && !global.quiet;
    let inventory = source::collect_live(&args.live, &plan.required_kinds(), show_progress)?;
    snapshot::save(&inventory, &args.output).context("cannot save the snapshot")?;

    let regions = inventory.region_statuses();
    let in_error: Vec<_> = regions
        .iter()
        .filter(|r| r.status == cloudposture_core::RegionState::Error)
        .collect();
    // What was listed, kind by kind in the order the rules read them, each rule's own
    // kind first ("5 VPCs, 3 flow logs"); lookups are partial by design: not counted.
    let mut listed: Vec<&KindInfo> = Vec::new();
    for need in plan.rules().iter().flat_map(|p| p.rule.needs()) {
        if need.kind.listing == Listing::Complete && !listed.iter().any(|k| k.name == need.kind.name) {
            listed.push(need.kind);
        }
    }
    let counts: String = listed
        .iter()
        .map(|kind| format!("{} {}, ", inventory.count(kind.name), kind.plural))
        .collect();
    let api_calls = inventory.api_calls();
    term.note(
        global,
        format_args!(
            "wrote {}: {} {} ({} in error), {counts}{api_calls} API calls",
            args.output.display(),
            inventory.scopes.len(),
            if inventory.scopes.len() == 1 {
                "region"
            } else {
                "regions"
            },
            in_error.iter().filter(|r| r.name != "global").count(),
        ),
    );
    let accounts = inventory.account_statuses();
    let accounts_in_error: Vec<_> = accounts
        .iter()
        .filter(|a| a.status == cloudposture_core::AccountScanState::Error && !inventory.accounts.is_empty())
        .collect();
    for a in accounts
        .iter()
        .filter(|a| a.error.is_some() && !inventory.accounts.is_empty())
    {
        term.note(
            global,
            format_args!(
                "  account {}: {}",
                a.id.as_deref().unwrap_or("(unknown)"),
                a.error.as_deref().unwrap_or_default()
            ),
        );
    }
    for r in &in_error {
        term.note(
            global,
            format_args!(
                "  {}: {}",
                r.name,
                r.error.as_deref().unwrap_or("could not be read")
            ),
        );
    }
    Ok(if in_error.is_empty() && accounts_in_error.is_empty() {
        Exit::Ok
    } else {
        Exit::Incomplete
    })
}
