//! Collection: turns an account into an [`Inventory`], fetching only what the
//! selected rules need, regions concurrently with a bound, every failure recorded
//! per region without aborting the others.

use std::collections::BTreeSet;

use futures::StreamExt;
use jiff::Timestamp;

use cloudposture_core::{
    CollectError, Entry, ErrorClass, Inventory, SNAPSHOT_SCHEMA_VERSION, Scope, ScopeId, SkippedRegion,
};

use crate::collector::{AccountApi, ListContext, Listers, Registered};

/// Default number of regions collected at once.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Which regions to scan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RegionScope {
    /// Every region enabled for the account (one DescribeRegions call).
    #[default]
    AllEnabled,
    /// Exactly these regions (no DescribeRegions call). A region that is not enabled
    /// answers with an error, recorded for that region.
    Only(Vec<String>),
}

/// What to collect and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectOptions {
    /// Regions to scan.
    pub regions: RegionScope,
    /// Resource kinds needed (see [`crate::kinds`]); others are not fetched.
    pub kinds: BTreeSet<String>,
    /// Regions collected at once (at least 1).
    pub concurrency: usize,
}

impl CollectOptions {
    /// All enabled regions, these kinds, the default concurrency.
    pub fn new<S: Into<String>>(kinds: impl IntoIterator<Item = S>) -> Self {
        CollectOptions {
            regions: RegionScope::AllEnabled,
            kinds: kinds.into_iter().map(Into::into).collect(),
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// Hears about collection as it goes (for progress bars). Every method defaults to nothing.
pub trait CollectProgress: Send + Sync {
    /// The regions about to be collected.
    fn regions_planned(&self, _regions: &[String]) {}
    /// A region has started.
    fn region_started(&self, _region: &str) {}
    /// A region is done (with or without errors).
    fn region_finished(&self, _region: &Scope) {}
    /// The accounts about to be read, in a scan of several accounts.
    fn accounts_planned(&self, _accounts: usize) {}
    /// An account is done (read, in error, or not scanned).
    fn account_finished(&self, _account: &cloudposture_core::AccountRecord) {}
}

/// A [`CollectProgress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl CollectProgress for NoProgress {}

/// Whether `name` looks like an AWS region name (`eu-west-1`, `us-gov-east-1`, `cn-north-1`).
pub fn is_valid_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Why collection could not start or could not list the regions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CollectFailure {
    /// A selected rule reads a kind that no lister reads (a plan error, found before
    /// any API call).
    #[error("no collector reads `{kind}`, which the selected rules need; register a lister for it")]
    NoLister {
        /// The kind.
        kind: String,
    },
    /// The account's regions could not be listed, so nothing could be scanned.
    #[error(transparent)]
    Regions(#[from] CollectError),
    /// The caller identity could not be read for want of credentials
    /// ([`ErrorClass::NoCredentials`]) or of a reachable endpoint
    /// ([`ErrorClass::Unreachable`]): nothing else was tried.
    #[error("{0}")]
    Identity(CollectError),
    /// The organization's accounts could not be listed (organizations:ListAccounts), so
    /// no account could be scanned.
    #[error("{0}")]
    Accounts(CollectError),
}

/// The listers to run for `kinds`, with the kinds they run after, in no particular order.
pub(crate) fn planned<'l>(
    listers: &'l Listers,
    kinds: &BTreeSet<String>,
) -> Result<Vec<&'l Registered>, CollectFailure> {
    let mut wanted: Vec<String> = kinds.iter().cloned().collect();
    let mut out: Vec<&Registered> = Vec::new();
    while let Some(kind) = wanted.pop() {
        if out.iter().any(|r| r.kind.name == kind) {
            continue;
        }
        let registered = listers.get(&kind).ok_or(CollectFailure::NoLister { kind })?;
        wanted.extend(registered.after.iter().map(|k| k.to_string()));
        out.push(registered);
    }
    Ok(out)
}

/// Checks that `listers` can read every kind of `kinds` (and what those run after),
/// before any API call.
pub fn check_listers(listers: &Listers, kinds: &BTreeSet<String>) -> Result<(), CollectFailure> {
    planned(listers, kinds).map(|_| ())
}

/// Collects what `options` asks for, with `account` for account-level calls and
/// `listers` for the kinds.
///
/// Fails only when a kind has no lister, or when the region list itself cannot be read
/// (nothing could be scanned); every other failure is recorded in the inventory, per
/// region and kind.
pub async fn collect(
    account: &dyn AccountApi,
    listers: &Listers,
    options: &CollectOptions,
    progress: &dyn CollectProgress,
) -> Result<Inventory, CollectFailure> {
    let planned = planned(listers, &options.kinds)?;
    let collected_at = Timestamp::now();
    let mut global_api_calls = 0;
    let mut global_errors = Vec::new();

    // The caller identity first: without credentials, or with an endpoint that cannot be
    // reached, no region could be read either; say so once instead of once per region.
    let account_id = match account.caller_account().await {
        Ok(id) => {
            global_api_calls += 1;
            Some(id)
        }
        Err(e) if matches!(e.class, ErrorClass::NoCredentials | ErrorClass::Unreachable) => {
            return Err(CollectFailure::Identity(e));
        }
        Err(e) => {
            global_api_calls += e.api_calls;
            global_errors.push(e);
            None
        }
    };

    let regions = collect_regions(
        account,
        &planned,
        options,
        options.concurrency,
        account_id.as_deref(),
        progress,
        &Ungated,
    )
    .await
    .map_err(CollectFailure::Regions)?;
    global_api_calls += regions.api_calls;

    Ok(Inventory {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        account: account_id,
        collected_at,
        scopes: regions.scopes,
        regions_not_scanned: regions.not_scanned,
        global_api_calls,
        global_errors,
        accounts: Vec::new(),
        shard: None,
    })
}

/// Holds back a region (or an account's own calls) until the scan has room for it: one
/// bound for a scan of many accounts.
#[async_trait::async_trait]
pub(crate) trait Gate: Send + Sync {
    /// Waits for room; the room is given back when the returned value is dropped.
    async fn enter(&self) -> Box<dyn Send>;
}

/// No bound besides each account's own.
pub(crate) struct Ungated;

#[async_trait::async_trait]
impl Gate for Ungated {
    async fn enter(&self) -> Box<dyn Send> {
        Box::new(())
    }
}

/// What one account's regions gave.
pub(crate) struct AccountRegions {
    /// The regions read, sorted.
    pub(crate) scopes: Vec<Scope>,
    /// Opt-in regions the account has not enabled.
    pub(crate) not_scanned: Vec<SkippedRegion>,
    /// Calls outside the regions (DescribeRegions).
    pub(crate) api_calls: u64,
}

/// Lists the account's regions (unless `options` names them), then reads each, at most
/// `concurrency` at once, each once `gate` lets it in. Fails only when the region list
/// cannot be read.
pub(crate) async fn collect_regions(
    account: &dyn AccountApi,
    planned: &[&Registered],
    options: &CollectOptions,
    concurrency: usize,
    account_id: Option<&str>,
    progress: &dyn CollectProgress,
    gate: &dyn Gate,
) -> Result<AccountRegions, CollectError> {
    let mut api_calls = 0;
    let (regions, not_scanned) = match &options.regions {
        RegionScope::Only(list) => {
            let mut list = list.clone();
            list.sort();
            list.dedup();
            (list, Vec::new())
        }
        RegionScope::AllEnabled => {
            let listed = {
                let _room = gate.enter().await;
                account.regions().await?
            };
            api_calls += 1;
            let mut enabled = listed.enabled;
            enabled.sort();
            let skipped = listed
                .not_enabled
                .into_iter()
                .map(|name| SkippedRegion {
                    name,
                    reason: "opt-in region not enabled for the account".into(),
                })
                .collect();
            (enabled, skipped)
        }
    };

    progress.regions_planned(&regions);
    let mut scopes: Vec<Scope> = futures::stream::iter(regions.iter())
        .map(|name| async move {
            let _room = gate.enter().await;
            progress.region_started(name);
            let scope = collect_region(planned, account_id, name).await;
            progress.region_finished(&scope);
            scope
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    scopes.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(AccountRegions {
        scopes,
        not_scanned,
        api_calls,
    })
}

/// Reads the planned kinds of one region: those that run after nothing first, at the
/// same time, then those whose kinds are read, and so on. A lookup whose kinds failed
/// is not run (it is left not collected).
async fn collect_region(planned: &[&Registered], account: Option<&str>, region: &str) -> Scope {
    let mut scope = Scope::new(ScopeId::region(account, region));
    let mut remaining: Vec<&Registered> = planned.to_vec();
    let mut read: BTreeSet<&str> = BTreeSet::new();
    while !remaining.is_empty() {
        let (ready, later): (Vec<&Registered>, Vec<&Registered>) = remaining
            .into_iter()
            .partition(|r| r.after.iter().all(|k| read.contains(k)));
        if ready.is_empty() {
            // Kinds that wait for each other: a registration mistake, not data.
            for r in later {
                scope.fail(
                    r.kind.name,
                    CollectError::new(
                        "collect",
                        ErrorClass::Other,
                        None,
                        format!("`{}` waits for kinds that wait for it", r.kind.name),
                    ),
                );
            }
            break;
        }
        let runnable: Vec<&Registered> = ready
            .iter()
            .copied()
            .filter(|r| {
                r.after
                    .iter()
                    .all(|k| matches!(scope.entry(k), Some(Entry::Listed(_))))
            })
            .collect();
        let ctx = ListContext {
            account,
            region,
            scope: &scope,
        };
        let results = futures::future::join_all(runnable.iter().map(|r| r.list(&ctx))).await;
        for (r, result) in runnable.iter().zip(results) {
            match result {
                Ok((items, calls)) => {
                    scope.api_calls += calls;
                    scope.set(r.kind.name, Entry::Listed(items));
                }
                Err(e) => {
                    scope.api_calls += e.api_calls;
                    scope.fail(r.kind.name, e);
                }
            }
        }
        read.extend(ready.iter().map(|r| r.kind.name));
        remaining = later;
    }
    scope
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_checked() {
        for ok in ["eu-west-1", "us-gov-east-1", "cn-north-1", "ap-southeast-5"] {
            assert!(is_valid_region_name(ok), "{ok}");
        }
        for bad in ["eu-west", "EU-WEST-1", "euwest1", "eu--1", "eu-west-1a", ""] {
            assert!(!is_valid_region_name(bad), "{bad}");
        }
    }
}
