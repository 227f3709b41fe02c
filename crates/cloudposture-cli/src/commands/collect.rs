//! `cloudposture collect`: collect what the selected rules need and save a snapshot.
//!
//! The snapshot is written account by account as a scan of several accounts reads them
//! (each account's inventory goes to the file and is let go); what is said at the end is
//! counted on the way.

use std::collections::BTreeMap;

use anyhow::Context;
use cloudposture_aws::snapshot::SnapshotFile;
use cloudposture_core::{
    AccountScanState, AccountStatus, Inventory, KindInfo, Listing, RegionState, RegionStatus,
};

use crate::cli::{CollectArgs, GlobalArgs};
use crate::config_file;
use crate::exit::{CliError, Exit};
use crate::output::temp_file_beside;
use crate::source;
use crate::terminal::Terminal;

/// What a collect read, counted part by part.
#[derive(Default)]
struct Tally {
    regions: Vec<RegionStatus>,
    accounts: Vec<AccountStatus>,
    multi_account: bool,
    items: BTreeMap<&'static str, usize>,
    api_calls: u64,
}

impl Tally {
    fn add(&mut self, part: &Inventory, kinds: &[&'static KindInfo]) {
        self.regions.extend(part.region_statuses());
        self.multi_account |= !part.accounts.is_empty();
        self.accounts.extend(part.account_statuses());
        for kind in kinds {
            *self.items.entry(kind.name).or_default() += part.count(kind.name);
        }
        self.api_calls += part.api_calls();
    }
}

/// Runs `collect`. Exits 3 when a region (or the account id) could not be read: the
/// snapshot is still written and records the failures, so that a scan of it says so.
pub fn run(args: &CollectArgs, global: &GlobalArgs, term: &mut Terminal<'_>) -> Result<Exit, CliError> {
    let config = config_file::load(global.config.as_deref())?;
    let registry = super::registry()?;
    let plan = config.plan(&registry, &args.selection.to_selection())?;
    // Fail on an unwritable destination before collecting, not after.
    drop(temp_file_beside(&args.output)?);
    // What was listed, kind by kind in the order the rules read them, each rule's own
    // kind first ("5 VPCs, 3 flow logs"); lookups are partial by design: not counted.
    let mut listed: Vec<&'static KindInfo> = Vec::new();
    for need in plan.rules().iter().flat_map(|p| p.rule.needs()) {
        if need.kind.listing == Listing::Complete && !listed.iter().any(|k| k.name == need.kind.name) {
            listed.push(need.kind);
        }
    }

    let show_progress = term.stderr_is_terminal && !global.quiet;
    let mut file = SnapshotFile::create(&args.output).context("cannot save the snapshot")?;
    let mut tally = Tally::default();
    let mut failed = None;
    source::collect_live_each(&args.live, &plan.required_kinds(), show_progress, &mut |part| {
        tally.add(&part, &listed);
        if failed.is_none() {
            failed = file.write(part).err();
        }
    })?;
    if let Some(e) = failed {
        return Err(anyhow::Error::new(e).context("cannot save the snapshot").into());
    }
    file.commit().context("cannot save the snapshot")?;

    let in_error: Vec<&RegionStatus> = tally
        .regions
        .iter()
        .filter(|r| r.status == RegionState::Error)
        .collect();
    let scopes = tally.regions.iter().filter(|r| r.name != "global").count();
    let counts: String = listed
        .iter()
        .map(|kind| format!("{} {}, ", tally.items[kind.name], kind.plural))
        .collect();
    let accounts = if tally.multi_account {
        format!("{} accounts, ", tally.accounts.len())
    } else {
        String::new()
    };
    term.note(
        global,
        format_args!(
            "wrote {}: {accounts}{scopes} {} ({} in error), {counts}{} API calls",
            args.output.display(),
            if scopes == 1 { "region" } else { "regions" },
            in_error.iter().filter(|r| r.name != "global").count(),
            tally.api_calls,
        ),
    );
    let accounts_in_error =
        tally.multi_account && tally.accounts.iter().any(|a| a.status == AccountScanState::Error);
    if tally.multi_account {
        for a in tally.accounts.iter().filter(|a| a.error.is_some()) {
            term.note(
                global,
                format_args!(
                    "  account {}: {}",
                    a.id.as_deref().unwrap_or("(unknown)"),
                    a.error.as_deref().unwrap_or_default()
                ),
            );
        }
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
    Ok(if in_error.is_empty() && !accounts_in_error {
        Exit::Ok
    } else {
        Exit::Incomplete
    })
}
