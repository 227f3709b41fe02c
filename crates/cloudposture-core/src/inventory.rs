//! The collected data of a scan, shaped as **scopes × kinds**.
//!
//! A [`Scope`] is one place that was read: an account and region of a live scan, or a
//! set of template files. In each scope, each [`Kind`] that was asked for is either
//! listed (its items) or failed (the [`CollectError`]); a kind nobody asked for is
//! absent. Rules never see this shape directly: the engine hands each rule the kinds it
//! declared ([`crate::Listed`], [`crate::Lookup`]) and writes the `error` findings where
//! they could not be read.
//!
//! ```
//! use cloudposture_core::{Inventory, KindState, Scope, ScopeId};
//! # use cloudposture_core::{Kind, KindInfo, Listing, Resource, Tags};
//! # #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
//! # pub struct Thing { id: String }
//! # impl Resource for Thing {
//! #     fn kind(&self) -> &'static str { "test.thing" }
//! #     fn id(&self) -> &str { &self.id }
//! #     fn arn(&self) -> Option<String> { None }
//! #     fn account(&self) -> Option<&str> { None }
//! #     fn region(&self) -> Option<&str> { None }
//! #     fn tags(&self) -> &Tags { Tags::empty() }
//! # }
//! # struct Things;
//! # impl Kind for Things {
//! #     type Item = Thing;
//! #     const INFO: KindInfo = KindInfo { name: "test.thing", singular: "thing", plural: "things",
//! #         listing: Listing::Complete, audit_actions: &[], resource_type: "Test::Thing", finding_type: None };
//! # }
//! let mut scope = Scope::new(ScopeId::region(Some("123456789012"), "eu-west-1"));
//! scope.insert::<Things>(vec![Thing { id: "t-1".into() }]);
//! let mut inventory = Inventory::new(Some("123456789012".into()));
//! inventory.scopes.push(scope);
//! match inventory.scopes[0].get::<Things>() {
//!     KindState::Listed(things) => assert_eq!(things.len(), 1),
//!     _ => unreachable!(),
//! }
//! ```

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::collect_error::CollectError;
use crate::kind::{Items, Kind};
use crate::report::{RegionNotScanned, RegionState, RegionStatus};

/// Version of the inventory's (snapshot's) layout. 1 had fixed fields per kind; 2 has
/// scopes × kinds by name.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 2;

/// Where a scope's data was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ScopeId {
    /// The account whose credentials read it, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The region, for regional data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// For templates: the file or directory the scope was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<String>,
}

impl ScopeId {
    /// A region of an account.
    pub fn region(account: Option<&str>, region: &str) -> Self {
        ScopeId {
            account: account.map(str::to_string),
            region: Some(region.to_string()),
            templates: None,
        }
    }

    /// Templates read from `root`.
    pub fn templates(root: impl Into<String>) -> Self {
        ScopeId {
            templates: Some(root.into()),
            ..ScopeId::default()
        }
    }

    /// The name people know the scope by: the region, or the templates' root.
    pub fn label(&self) -> &str {
        self.region
            .as_deref()
            .or(self.templates.as_deref())
            .unwrap_or("global")
    }
}

impl fmt::Display for ScopeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a scope holds of one kind.
#[derive(Debug)]
pub enum Entry {
    /// Listed (for a [`crate::Listing::Lookup`] kind: looked up).
    Listed(Box<dyn Items>),
    /// The listing failed; nothing from it can be trusted.
    Failed(CollectError),
    /// A kind this build does not know (read from a snapshot), kept as written.
    Unknown(Box<RawValue>),
}

impl Clone for Entry {
    fn clone(&self) -> Self {
        match self {
            Entry::Listed(items) => Entry::Listed(items.clone_items()),
            Entry::Failed(e) => Entry::Failed(e.clone()),
            Entry::Unknown(raw) => Entry::Unknown(raw.clone()),
        }
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Entry::Listed(a), Entry::Listed(b)) => a.eq_items(b.as_ref()),
            (Entry::Failed(a), Entry::Failed(b)) => a == b,
            (Entry::Unknown(a), Entry::Unknown(b)) => a.get() == b.get(),
            _ => false,
        }
    }
}

/// A kind as a scope holds it, typed.
#[derive(Debug)]
pub enum KindState<'a, T> {
    /// Listed: these are all of them (or for a lookup kind, all that were looked up).
    Listed(&'a [T]),
    /// The listing failed.
    Failed(&'a CollectError),
    /// Nobody asked for it.
    NotCollected,
}

impl<T> Clone for KindState<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for KindState<'_, T> {}

/// One place that was read, and what was read there, by kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    /// Where.
    pub id: ScopeId,
    /// By kind name.
    kinds: BTreeMap<String, Entry>,
    /// API calls made for this scope (pages; retries not counted).
    pub api_calls: u64,
    /// For templates: where each resource is declared, and what the templates suppress.
    sources: Sources,
}

impl Scope {
    /// A scope where nothing has been read yet.
    pub fn new(id: ScopeId) -> Self {
        Scope {
            id,
            kinds: BTreeMap::new(),
            api_calls: 0,
            sources: Sources::default(),
        }
    }

    /// The items of `K`, or why there are none.
    pub fn get<K: Kind>(&self) -> KindState<'_, K::Item> {
        match self.kinds.get(K::INFO.name) {
            None | Some(Entry::Unknown(_)) => KindState::NotCollected,
            Some(Entry::Failed(e)) => KindState::Failed(e),
            Some(Entry::Listed(items)) => match items.as_any().downcast_ref::<Vec<K::Item>>() {
                Some(items) => KindState::Listed(items),
                // Another type under the same name (two kinds share a name, which they
                // must not): read as not collected rather than guess.
                None => KindState::NotCollected,
            },
        }
    }

    /// The entry of the kind called `name`.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.kinds.get(name)
    }

    /// Every entry, by kind name.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.kinds.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Records the items of `K`.
    pub fn insert<K: Kind>(&mut self, items: Vec<K::Item>) {
        self.kinds
            .insert(K::INFO.name.to_string(), Entry::Listed(Box::new(items)));
    }

    /// Records the entry of the kind called `name`.
    pub fn set(&mut self, name: impl Into<String>, entry: Entry) {
        self.kinds.insert(name.into(), entry);
    }

    /// Records that listing the kind called `name` failed.
    pub fn fail(&mut self, name: impl Into<String>, error: CollectError) {
        self.kinds.insert(name.into(), Entry::Failed(error));
    }

    /// Number of items of the kind called `name` that were listed.
    pub fn count(&self, name: &str) -> usize {
        match self.kinds.get(name) {
            Some(Entry::Listed(items)) => items.len(),
            _ => 0,
        }
    }

    /// Every listing that failed here, with its kind.
    pub fn errors(&self) -> impl Iterator<Item = (&str, &CollectError)> {
        self.kinds.iter().filter_map(|(k, v)| match v {
            Entry::Failed(e) => Some((k.as_str(), e)),
            _ => None,
        })
    }
}

/// A region (or other scope) left out on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRegion {
    /// Region name.
    pub name: String,
    /// Why, e.g. `opt-in region not enabled for the account`.
    pub reason: String,
}

/// Everything collected in one scan: the scopes and what could not be read outside them.
#[derive(Debug, Clone, PartialEq)]
pub struct Inventory {
    /// [`SNAPSHOT_SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// The account of the caller's credentials, if it could be read.
    pub account: Option<String>,
    /// When collection started.
    pub collected_at: Timestamp,
    /// The scopes read, in order (sorted by account, then region, for live scans).
    pub scopes: Vec<Scope>,
    /// Regions not scanned on purpose (e.g. opt-in regions not enabled), with why.
    pub regions_not_scanned: Vec<SkippedRegion>,
    /// API calls outside any scope (region listing, caller identity).
    pub global_api_calls: u64,
    /// Failures outside any scope (e.g. the caller identity could not be read).
    pub global_errors: Vec<CollectError>,
    /// The accounts of a multi-account scan, each with how it went (empty for a scan of
    /// the caller's account alone). Their scopes are in [`Inventory::scopes`].
    pub accounts: Vec<AccountRecord>,
    /// The shard of the organization's accounts this inventory holds (`--shard K/N`).
    pub shard: Option<crate::Shard>,
}

impl Inventory {
    /// An empty inventory for `account`, collected now.
    pub fn new(account: Option<String>) -> Self {
        Inventory {
            schema_version: SNAPSHOT_SCHEMA_VERSION,
            account,
            collected_at: Timestamp::now(),
            scopes: Vec::new(),
            regions_not_scanned: Vec::new(),
            global_api_calls: 0,
            global_errors: Vec::new(),
            accounts: Vec::new(),
            shard: None,
        }
    }

    /// Adds `part` (e.g. one more account of a multi-account scan) to this inventory: its
    /// scopes, accounts, skipped regions, global calls and errors.
    pub fn append(&mut self, part: Inventory) {
        self.scopes.extend(part.scopes);
        self.accounts.extend(part.accounts);
        self.regions_not_scanned.extend(part.regions_not_scanned);
        self.global_api_calls += part.global_api_calls;
        self.global_errors.extend(part.global_errors);
    }

    /// The scope of region `name` (the first, when several accounts have it).
    pub fn region(&self, name: &str) -> Option<&Scope> {
        self.scopes.iter().find(|s| s.id.region.as_deref() == Some(name))
    }

    /// Items of the kind called `name`, in all scopes.
    pub fn count(&self, name: &str) -> usize {
        self.scopes.iter().map(|s| s.count(name)).sum()
    }

    /// API calls made: every scope's, every account's own and the global ones.
    pub fn api_calls(&self) -> u64 {
        self.scopes.iter().map(|s| s.api_calls).sum::<u64>()
            + self.accounts.iter().map(|a| a.api_calls).sum::<u64>()
            + self.global_api_calls
    }

    /// Each scope with its state and API calls, as the report lists them. Failures
    /// outside any scope are a pseudo-region `global`, so that the scan is incomplete.
    pub fn region_statuses(&self) -> Vec<RegionStatus> {
        let global = (!self.global_errors.is_empty()).then(|| RegionStatus {
            name: "global".to_string(),
            account: None,
            status: RegionState::Error,
            error: Some(join(self.global_errors.iter())),
            api_calls: 0,
        });
        global
            .into_iter()
            .chain(self.scopes.iter().map(|s| {
                let errors: Vec<&CollectError> = s.errors().map(|(_, e)| e).collect();
                RegionStatus {
                    name: s.id.label().to_string(),
                    account: s.id.account.clone(),
                    status: if errors.is_empty() {
                        RegionState::Ok
                    } else {
                        RegionState::Error
                    },
                    error: (!errors.is_empty()).then(|| join(errors.into_iter())),
                    api_calls: s.api_calls,
                }
            }))
            .collect()
    }

    /// Regions not scanned, as the report lists them.
    pub fn not_scanned(&self) -> Vec<RegionNotScanned> {
        self.regions_not_scanned
            .iter()
            .map(|s| RegionNotScanned {
                name: s.name.clone(),
                reason: s.reason.clone(),
            })
            .collect()
    }
}

impl Inventory {
    /// What makes the inventory impossible as data of one scan, if anything: a scope
    /// listed twice, a resource without an id, the same resource twice in a kind of a
    /// scope, or a resource whose region is not its scope's. A snapshot with any of these
    /// would be judged as if it were fine (duplicate findings, a VPC of one region judged
    /// against another's flow logs), so loading refuses it.
    pub fn inconsistency(&self) -> Option<String> {
        let mut seen_scopes = std::collections::BTreeSet::new();
        for scope in &self.scopes {
            if !seen_scopes.insert(&scope.id) {
                return Some(format!("{} is listed twice", describe(&scope.id)));
            }
            for (kind, entry) in scope.entries() {
                let Entry::Listed(items) = entry else { continue };
                let mut ids = std::collections::BTreeSet::new();
                for (id, region) in items.ids_and_regions() {
                    if id.trim().is_empty() {
                        return Some(format!("`{kind}` in {} has an item with an empty id", scope.id));
                    }
                    if !ids.insert(id) {
                        return Some(format!("`{kind}` `{id}` is listed twice in {}", scope.id));
                    }
                    if let (Some(region), Some(scope_region)) = (region, scope.id.region.as_deref())
                        && region != scope_region
                    {
                        return Some(format!(
                            "`{kind}` `{id}` says its region is `{region}` but is listed under {scope_region}"
                        ));
                    }
                }
            }
        }
        None
    }
}

fn describe(id: &ScopeId) -> String {
    match (&id.account, &id.region) {
        (Some(account), Some(region)) => format!("region {region} of account {account}"),
        (None, Some(region)) => format!("region {region}"),
        _ => format!("scope {id}"),
    }
}

fn join<'e>(errors: impl Iterator<Item = &'e CollectError>) -> String {
    errors.map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

mod accounts;
mod json;
mod sources;

pub use accounts::{AccountRecord, AccountState};
pub use json::{InventoryJsonError, SnapshotWriter};
use sources::Sources;
pub use sources::Suppression;

#[cfg(test)]
mod tests;
