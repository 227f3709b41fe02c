//! Scanning many accounts in one process: the caller's organization (or a list of
//! accounts), each account other than the caller's read through a role assumed in it.
//!
//! [`collect_accounts`] reads the caller identity, the accounts (organizations:ListAccounts,
//! every page, or the list given), and then every account at once: its identity, its
//! regions, its regions' kinds. One bound holds for the whole scan
//! ([`CollectOptions::concurrency`]: regions in flight across all accounts, each account's
//! own calls counted as one), and at most [`REGIONS_PER_ACCOUNT`] regions of one account
//! run at once, so a slow account does not take the whole bound. An account that cannot
//! be read (its role cannot be assumed) is recorded with its error; the others go on.
//! Accounts whose state is not `ACTIVE` are recorded as not scanned, with their state.
//!
//! Where credentials come from is the [`Accounts`] trait: the SDK implements it
//! ([`crate::sdk::SdkAccounts`], `sts:AssumeRole` per member); a test fakes it.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt;
use jiff::Timestamp;
use tokio::sync::Semaphore;

use cloudposture_core::{
    AccountRecord, AccountState, CollectError, ErrorClass, Inventory, SNAPSHOT_SCHEMA_VERSION, Scope, Shard,
    SkippedRegion,
};

use crate::collect::{CollectFailure, CollectOptions, CollectProgress, Gate, collect_regions, planned};
use crate::collector::{AccountApi, Fetched, Listers};

/// Regions of one account read at once, at most (and never more than the scan's bound).
pub const REGIONS_PER_ACCOUNT: usize = 4;

/// The organization state of an account that can be scanned.
pub const ACTIVE: &str = "ACTIVE";

/// Which accounts to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountSelection {
    /// Every account of the caller's organization (ListAccounts), the caller's included.
    Organization,
    /// These account ids.
    Listed(Vec<String>),
}

/// Which accounts, and which to leave out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountsOptions {
    /// The accounts.
    pub selection: AccountSelection,
    /// Account ids left out (not listed in the report at all).
    pub exclude: BTreeSet<String>,
    /// Only the accounts of this shard (`--shard K/N`); the others are not listed at all.
    pub shard: Option<Shard>,
}

/// An account of the organization, as ListAccounts lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    /// The 12-digit id.
    pub id: String,
    /// Its name.
    pub name: Option<String>,
    /// Its state (`ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`…), if given.
    pub state: Option<String>,
}

/// An account's calls and listers, with credentials that act in it.
pub struct Opened {
    /// Account-level calls (caller identity, regions).
    pub api: Arc<dyn AccountApi>,
    /// The listers of its kinds.
    pub listers: Listers,
}

/// Where the accounts and their credentials come from.
#[async_trait]
pub trait Accounts: Send + Sync {
    /// The caller's account (STS GetCallerIdentity with the caller's credentials).
    async fn caller_account(&self) -> Result<String, CollectError>;
    /// Every account of the caller's organization (every page of ListAccounts).
    async fn organization_accounts(&self) -> Result<Fetched<OrgAccount>, CollectError>;
    /// The caller's own account, read with the caller's credentials.
    fn own(&self) -> Opened;
    /// Another account, read through a role assumed in it. A role that cannot be
    /// assumed fails here or at the first call of the account (its caller identity).
    async fn member(&self, account: &str) -> Result<Opened, CollectError>;
}

/// Whether `id` is a 12-digit account id.
pub fn is_valid_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// Collects what `options` asks for from every account `accounts` selects, into one
/// inventory (every account's scopes, sorted by account, then region).
///
/// Fails only when a kind has no lister, when the caller has no usable credentials or
/// endpoint, or when the organization's accounts cannot be listed; every other failure is
/// recorded, per account or per region and kind.
pub async fn collect_accounts(
    source: &dyn Accounts,
    options: &CollectOptions,
    accounts: &AccountsOptions,
    progress: &dyn CollectProgress,
) -> Result<Inventory, CollectFailure> {
    let mut whole: Option<Inventory> = None;
    collect_accounts_each(
        source,
        options,
        accounts,
        progress,
        &mut |part| match &mut whole {
            None => whole = Some(part),
            Some(inventory) => inventory.append(part),
        },
    )
    .await?;
    let mut inventory = whole.unwrap_or_else(|| Inventory::new(None));
    inventory.accounts.sort_by(|a, b| a.id.cmp(&b.id));
    inventory.scopes.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(inventory)
}

/// Collects as [`collect_accounts`] does, handing each account to `each` as soon as it
/// is read: an inventory of that account alone (its record, its scopes), so that the
/// caller can evaluate it and let it go before the other accounts finish. The first
/// part handed over also holds what was read outside any account (the caller identity,
/// the organization's account list); when no account is selected, that part alone.
pub async fn collect_accounts_each(
    source: &dyn Accounts,
    options: &CollectOptions,
    accounts: &AccountsOptions,
    progress: &dyn CollectProgress,
    each: &mut dyn FnMut(Inventory),
) -> Result<(), CollectFailure> {
    let own = source.own();
    planned(&own.listers, &options.kinds)?;
    let collected_at = Timestamp::now();
    let mut global_api_calls = 0;
    let mut global_errors = Vec::new();
    let caller = match source.caller_account().await {
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

    let targets: Vec<OrgAccount> = match &accounts.selection {
        AccountSelection::Organization => {
            let listed = source
                .organization_accounts()
                .await
                .map_err(CollectFailure::Accounts)?;
            global_api_calls += listed.api_calls;
            listed.items
        }
        AccountSelection::Listed(ids) => ids
            .iter()
            .map(|id| OrgAccount {
                id: id.clone(),
                name: None,
                state: None,
            })
            .collect(),
    };
    let mut targets: Vec<OrgAccount> = targets
        .into_iter()
        .filter(|a| !accounts.exclude.contains(&a.id))
        .filter(|a| accounts.shard.is_none_or(|shard| shard.holds(&a.id)))
        .collect();
    targets.sort_by(|a, b| a.id.cmp(&b.id));
    targets.dedup_by(|a, b| a.id == b.id);
    progress.accounts_planned(targets.len());

    let bound = options.concurrency.max(1);
    let gate = Bound(Arc::new(Semaphore::new(bound)));
    let run = AccountRun {
        source,
        own: &own,
        caller: caller.as_deref(),
        options,
        per_account: REGIONS_PER_ACCOUNT.min(bound),
        progress,
        gate: &gate,
    };
    let part = |record: Option<AccountRecord>, scopes: Vec<Scope>| Inventory {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        account: caller.clone(),
        collected_at,
        scopes,
        regions_not_scanned: Vec::new(),
        global_api_calls: 0,
        global_errors: Vec::new(),
        accounts: record.into_iter().collect(),
        shard: accounts.shard,
    };
    let mut globals = Some((global_api_calls, global_errors));
    let mut accounts_read = futures::stream::iter(targets)
        .map(|target| run.account(target))
        .buffer_unordered(bound);
    while let Some((record, mut scopes)) = accounts_read.next().await {
        progress.account_finished(&record);
        scopes.sort_by(|a, b| a.id.cmp(&b.id));
        let not_scanned = record
            .regions_not_scanned
            .iter()
            .map(|r| SkippedRegion {
                name: r.name.clone(),
                reason: format!("{} (account {})", r.reason, record.id),
            })
            .collect();
        let mut inventory = part(Some(record), scopes);
        inventory.regions_not_scanned = not_scanned;
        if let Some((calls, errors)) = globals.take() {
            inventory.global_api_calls = calls;
            inventory.global_errors = errors;
        }
        each(inventory);
    }
    if let Some((calls, errors)) = globals {
        // No account selected: what was read outside them is still said.
        let mut inventory = part(None, Vec::new());
        inventory.global_api_calls = calls;
        inventory.global_errors = errors;
        each(inventory);
    }
    Ok(())
}

/// The scan's one bound, shared by every account.
struct Bound(Arc<Semaphore>);

#[async_trait]
impl Gate for Bound {
    async fn enter(&self) -> Box<dyn Send> {
        match Arc::clone(&self.0).acquire_owned().await {
            Ok(permit) => Box::new(permit),
            // Never closed: no bound rather than no scan.
            Err(_) => Box::new(()),
        }
    }
}

/// What every account of one scan shares.
struct AccountRun<'a> {
    source: &'a dyn Accounts,
    own: &'a Opened,
    caller: Option<&'a str>,
    options: &'a CollectOptions,
    per_account: usize,
    progress: &'a dyn CollectProgress,
    gate: &'a Bound,
}

impl AccountRun<'_> {
    /// Reads one account: its record and its scopes.
    async fn account(&self, target: OrgAccount) -> (AccountRecord, Vec<Scope>) {
        let mut record = AccountRecord {
            id: target.id,
            name: target.name,
            state: AccountState::Scanned,
            reason: None,
            api_calls: 0,
            regions_not_scanned: Vec::new(),
        };
        if let Some(state) = target.state.filter(|s| s != ACTIVE) {
            record.state = AccountState::NotScanned;
            record.reason = Some(format!("account state is {state}, not {ACTIVE}"));
            return (record, Vec::new());
        }
        match self.read(&mut record).await {
            Ok(scopes) => (record, scopes),
            Err(reason) => {
                record.state = AccountState::Error;
                record.reason = Some(reason);
                (record, Vec::new())
            }
        }
    }

    /// The account's scopes, or why it could not be read.
    async fn read(&self, record: &mut AccountRecord) -> Result<Vec<Scope>, String> {
        let id = record.id.as_str();
        let member;
        let opened = if self.caller == Some(id) {
            self.own
        } else {
            let room = self.gate.enter().await;
            member = self.source.member(id).await.map_err(|e| e.to_string())?;
            // sts:AssumeRole, which the member's credentials make before its first call
            // (refused or not): one call for the account, counted here.
            record.api_calls += 1;
            let found = member.api.caller_account().await;
            drop(room);
            match found {
                Ok(found) if found == id => record.api_calls += 1,
                Ok(found) => {
                    return Err(format!("the credentials for it act in account {found} instead"));
                }
                Err(e) => {
                    record.api_calls += e.api_calls;
                    return Err(e.to_string());
                }
            }
            &member
        };
        let planned = planned(&opened.listers, &self.options.kinds).map_err(|e| e.to_string())?;
        let regions = collect_regions(
            opened.api.as_ref(),
            &planned,
            self.options,
            self.per_account,
            Some(id),
            self.progress,
            self.gate,
        )
        .await
        .map_err(|e| {
            record.api_calls += e.api_calls;
            format!("cannot list its regions: {e}")
        })?;
        record.api_calls += regions.api_calls;
        record.regions_not_scanned = regions.not_scanned;
        Ok(regions.scopes)
    }
}
