//! The inventory as JSON: the snapshot layout (schema 2), written with each kind's
//! items streamed and read back with the kinds a [`KindRegistry`] knows.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::{AccountRecord, Entry, Inventory, SNAPSHOT_SCHEMA_VERSION, Scope, ScopeId, SkippedRegion};
use crate::collect_error::CollectError;
use crate::kind::{Items, KindRegistry};

impl Inventory {
    /// Writes the inventory as JSON (the snapshot layout), pretty when `pretty`.
    pub fn write_json(&self, out: impl std::io::Write, pretty: bool) -> serde_json::Result<()> {
        let file = InventoryOut::of(self);
        if pretty {
            serde_json::to_writer_pretty(out, &file)
        } else {
            serde_json::to_writer(out, &file)
        }
    }

    /// Reads an inventory written by [`Inventory::write_json`], with the items of
    /// every kind `kinds` knows; other kinds are kept as written.
    pub fn from_json(text: &str, kinds: &KindRegistry) -> Result<Inventory, InventoryJsonError> {
        let file: InventoryFile<'_> = serde_json::from_str(text).map_err(|e| InventoryJsonError {
            message: strip_position(&e.to_string()),
            line: e.line(),
            column: e.column(),
        })?;
        let mut scopes = Vec::with_capacity(file.scopes.len());
        for scope in file.scopes {
            let mut kinds_of = BTreeMap::new();
            for (name, entry) in scope.kinds {
                let entry = match entry {
                    EntryFile::Failed(e) => Entry::Failed(e),
                    EntryFile::Listed(raw) => match kinds.parse(&name, raw.get()) {
                        None => Entry::Unknown(raw.to_owned()),
                        Some(Ok(items)) => Entry::Listed(items),
                        Some(Err(e)) => {
                            // The position is within the kind's items: add where they start.
                            let offset = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
                            let before = text.get(..offset).unwrap_or_default();
                            let line = before.matches('\n').count() + e.line();
                            let column = if e.line() == 1 {
                                before.len() - before.rfind('\n').map_or(0, |i| i + 1) + e.column()
                            } else {
                                e.column()
                            };
                            return Err(InventoryJsonError {
                                message: format!(
                                    "`{name}` in {}: {}",
                                    scope.id.label(),
                                    strip_position(&e.to_string())
                                ),
                                line,
                                column,
                            });
                        }
                    },
                };
                kinds_of.insert(name, entry);
            }
            scopes.push(Scope {
                id: scope.id,
                kinds: kinds_of,
                api_calls: scope.api_calls,
                sources: Default::default(),
            });
        }
        Ok(Inventory {
            schema_version: file.schema_version,
            account: file.account,
            collected_at: file.collected_at,
            scopes,
            regions_not_scanned: file.regions_not_scanned,
            global_api_calls: file.global_api_calls,
            global_errors: file.global_errors,
            accounts: file.accounts,
            shard: file.shard,
        })
    }
}

/// serde_json appends " at line L column C"; the error carries those as fields.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// JSON that is not an inventory of this layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at line {line}, column {column}")]
pub struct InventoryJsonError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// The snapshot layout (schema 2), as read.
#[derive(Deserialize)]
struct InventoryFile<'a> {
    schema_version: u32,
    account: Option<String>,
    collected_at: Timestamp,
    #[serde(borrow)]
    scopes: Vec<ScopeFile<'a>>,
    #[serde(default)]
    regions_not_scanned: Vec<SkippedRegion>,
    #[serde(default)]
    global_api_calls: u64,
    #[serde(default)]
    global_errors: Vec<CollectError>,
    #[serde(default)]
    accounts: Vec<AccountRecord>,
    #[serde(default)]
    shard: Option<crate::Shard>,
}

#[derive(Deserialize)]
struct ScopeFile<'a> {
    #[serde(flatten)]
    id: ScopeId,
    #[serde(default)]
    api_calls: u64,
    #[serde(borrow)]
    kinds: BTreeMap<String, EntryFile<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum EntryFile<'a> {
    #[serde(borrow)]
    Listed(&'a RawValue),
    Failed(CollectError),
}

/// How [`Inventory::write_json`] writes (borrowing the inventory; items streamed).
#[derive(Serialize)]
struct InventoryOut<'a> {
    schema_version: u32,
    account: &'a Option<String>,
    collected_at: Timestamp,
    scopes: Vec<ScopeOut<'a>>,
    regions_not_scanned: &'a [SkippedRegion],
    global_api_calls: u64,
    global_errors: &'a [CollectError],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    accounts: &'a [AccountRecord],
    #[serde(skip_serializing_if = "Option::is_none")]
    shard: Option<crate::Shard>,
}

#[derive(Serialize)]
struct ScopeOut<'a> {
    #[serde(flatten)]
    id: &'a ScopeId,
    api_calls: u64,
    kinds: BTreeMap<&'a str, EntryOut<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum EntryOut<'a> {
    Listed(ItemsOut<'a>),
    Failed(&'a CollectError),
    #[serde(rename = "listed")]
    Unknown(&'a RawValue),
}

struct ItemsOut<'a>(&'a dyn Items);

impl Serialize for ItemsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        erased_serde::serialize(self.0.as_serialize(), serializer)
    }
}

impl<'a> InventoryOut<'a> {
    fn of(inventory: &'a Inventory) -> Self {
        InventoryOut {
            schema_version: SNAPSHOT_SCHEMA_VERSION,
            account: &inventory.account,
            collected_at: inventory.collected_at,
            scopes: inventory
                .scopes
                .iter()
                .map(|scope| ScopeOut {
                    id: &scope.id,
                    api_calls: scope.api_calls,
                    kinds: scope
                        .kinds
                        .iter()
                        .map(|(name, entry)| {
                            let out = match entry {
                                Entry::Listed(items) => EntryOut::Listed(ItemsOut(items.as_ref())),
                                Entry::Failed(e) => EntryOut::Failed(e),
                                Entry::Unknown(raw) => EntryOut::Unknown(raw),
                            };
                            (name.as_str(), out)
                        })
                        .collect(),
                })
                .collect(),
            regions_not_scanned: &inventory.regions_not_scanned,
            global_api_calls: inventory.global_api_calls,
            global_errors: &inventory.global_errors,
            accounts: &inventory.accounts,
            shard: inventory.shard,
        }
    }
}
