//! The accounts of a multi-account scan: how each went outside its regions, and the
//! per-account view the report lists ([`AccountStatus`]).
//!
//! A single-account scan records no [`AccountRecord`]: the report lists its one account
//! from [`Inventory::account`] and every scope.

use serde::{Deserialize, Serialize};

use super::{Inventory, SkippedRegion, join};
use crate::report::{AccountScanState, AccountStatus, RegionState, RegionStatus};

/// One account of a multi-account scan, as collection left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRecord {
    /// The 12-digit account id.
    pub id: String,
    /// The account's name in the organization, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether it was read.
    pub state: AccountState,
    /// Why it could not be read (`error`) or was left out (`not_scanned`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// API calls outside its regions (its caller identity, its region list).
    #[serde(default)]
    pub api_calls: u64,
    /// Its regions not scanned on purpose (opt-in regions it has not enabled).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions_not_scanned: Vec<SkippedRegion>,
}

/// How far an account's collection got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    /// Its regions were read (each region says how that went).
    Scanned,
    /// Nothing of it could be read (e.g. its role could not be assumed).
    Error,
    /// Left out on purpose (e.g. a suspended account).
    NotScanned,
}

impl Inventory {
    /// Every account of the scan with its regions, as the report lists them: for a
    /// single-account scan, its one account (whose id may be unknown) with every scope.
    pub fn account_statuses(&self) -> Vec<AccountStatus> {
        let regions = self.region_statuses();
        // A shard may hold no account at all: then it lists none, not the caller's.
        if self.accounts.is_empty() && self.shard.is_none() {
            let in_error = regions.iter().any(|r| r.status == RegionState::Error);
            return vec![AccountStatus {
                id: self.account.clone(),
                name: None,
                status: if in_error {
                    AccountScanState::Error
                } else {
                    AccountScanState::Ok
                },
                error: (!self.global_errors.is_empty()).then(|| join(self.global_errors.iter())),
                api_calls: self.api_calls(),
                regions,
            }];
        }
        self.accounts
            .iter()
            .map(|record| {
                let own: Vec<RegionStatus> = regions
                    .iter()
                    .filter(|r| r.account.as_deref() == Some(record.id.as_str()))
                    .cloned()
                    .collect();
                let in_error: Vec<&str> = own
                    .iter()
                    .filter(|r| r.status == RegionState::Error)
                    .map(|r| r.name.as_str())
                    .collect();
                let (status, error) = match record.state {
                    AccountState::Error => (AccountScanState::Error, record.reason.clone()),
                    AccountState::NotScanned => (AccountScanState::NotScanned, record.reason.clone()),
                    AccountState::Scanned if in_error.is_empty() => (AccountScanState::Ok, None),
                    AccountState::Scanned => (
                        AccountScanState::Error,
                        Some(format!("regions in error: {}", in_error.join(", "))),
                    ),
                };
                AccountStatus {
                    id: Some(record.id.clone()),
                    name: record.name.clone(),
                    status,
                    error,
                    api_calls: record.api_calls + own.iter().map(|r| r.api_calls).sum::<u64>(),
                    regions: own,
                }
            })
            .collect()
    }
}
