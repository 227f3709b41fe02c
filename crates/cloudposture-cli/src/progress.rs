//! Per-region progress on stderr while a live scan collects (and, for a scan of several
//! accounts, how many accounts are done).

use std::sync::atomic::{AtomicUsize, Ordering};

use cloudposture_aws::{CollectProgress, Scope};
use cloudposture_core::{AccountRecord, AccountState};
use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar over the regions; regions in error are printed above it as they finish.
pub struct RegionBar {
    bar: ProgressBar,
    /// Regions planned so far (each account of a multi-account scan adds its own).
    planned: std::sync::atomic::AtomicU64,
    /// Accounts to read (0: a scan of the caller's account alone).
    accounts: AtomicUsize,
    /// Accounts done.
    accounts_done: AtomicUsize,
}

impl RegionBar {
    /// A bar on stderr. Only create it when stderr is a terminal.
    pub fn new() -> RegionBar {
        // A spinner until the regions are known (listing them is one call), then a bar.
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} listing the account's regions") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        RegionBar {
            bar,
            planned: std::sync::atomic::AtomicU64::new(0),
            accounts: AtomicUsize::new(0),
            accounts_done: AtomicUsize::new(0),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl CollectProgress for RegionBar {
    fn regions_planned(&self, regions: &[String]) {
        let style = ProgressStyle::with_template(
            "{spinner} collecting {bar:30} {pos}/{len} regions{prefix} {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        self.bar.set_style(style);
        let n = regions.len() as u64;
        let total = self.planned.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
        self.bar.set_length(total);
    }

    fn region_started(&self, region: &str) {
        self.bar.set_message(region.to_string());
    }

    fn region_finished(&self, region: &Scope) {
        let errors: Vec<String> = region.errors().map(|(_, e)| e.to_string()).collect();
        if !errors.is_empty() {
            let account = match &region.id.account {
                Some(account) if self.accounts.load(Ordering::Relaxed) > 0 => format!("account {account} "),
                _ => String::new(),
            };
            self.bar
                .println(format!("  {account}{}: {}", region.id.label(), errors.join("; ")));
        }
        self.bar.inc(1);
    }

    fn accounts_planned(&self, accounts: usize) {
        self.accounts.store(accounts, Ordering::Relaxed);
        self.bar.set_prefix(format!(", 0/{accounts} accounts"));
    }

    fn account_finished(&self, account: &AccountRecord) {
        let done = self.accounts_done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.accounts.load(Ordering::Relaxed);
        self.bar.set_prefix(format!(", {done}/{total} accounts"));
        if account.state == AccountState::Error {
            let reason = account.reason.as_deref().unwrap_or("could not be read");
            self.bar.println(format!("  account {}: {reason}", account.id));
        }
    }
}
