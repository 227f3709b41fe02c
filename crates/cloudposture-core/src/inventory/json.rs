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

impl<'a> ScopeOut<'a> {
    fn of(scope: &'a Scope) -> Self {
        ScopeOut {
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
        }
    }
}

impl<'a> InventoryOut<'a> {
    fn of(inventory: &'a Inventory) -> Self {
        InventoryOut {
            schema_version: SNAPSHOT_SCHEMA_VERSION,
            account: &inventory.account,
            collected_at: inventory.collected_at,
            scopes: inventory.scopes.iter().map(ScopeOut::of).collect(),
            regions_not_scanned: &inventory.regions_not_scanned,
            global_api_calls: inventory.global_api_calls,
            global_errors: &inventory.global_errors,
            accounts: &inventory.accounts,
            shard: inventory.shard,
        }
    }
}

/// Writes a snapshot part by part (e.g. account by account as a scan of many accounts
/// reads them), each part's scopes written and let go at once: what it keeps is
/// everything but the scopes. The file reads back with [`Inventory::from_json`] as the
/// inventory of every part together; each scope is one line.
pub struct SnapshotWriter<W: std::io::Write> {
    out: W,
    /// Everything written so far but the scopes (`None` before the first part).
    rest: Option<Inventory>,
    scopes: usize,
}

impl<W: std::io::Write> SnapshotWriter<W> {
    /// A writer to `out`; nothing is written before the first part.
    pub fn new(out: W) -> Self {
        SnapshotWriter {
            out,
            rest: None,
            scopes: 0,
        }
    }

    /// Writes the scopes of `part` and keeps the rest of it (accounts, skipped regions,
    /// global calls and errors). The first part gives the caller's account, the collection
    /// time and the shard.
    pub fn write(&mut self, mut part: Inventory) -> std::io::Result<()> {
        let scopes = std::mem::take(&mut part.scopes);
        match &mut self.rest {
            None => {
                write!(
                    self.out,
                    "{{\"schema_version\":{SNAPSHOT_SCHEMA_VERSION},\"account\":{},\"collected_at\":{},\"scopes\":[",
                    serde_json::to_string(&part.account)?,
                    serde_json::to_string(&part.collected_at)?,
                )?;
                self.rest = Some(part);
            }
            Some(rest) => rest.append(part),
        }
        for scope in &scopes {
            let separator = if self.scopes == 0 { "\n" } else { ",\n" };
            self.out.write_all(separator.as_bytes())?;
            serde_json::to_writer(&mut self.out, &ScopeOut::of(scope))?;
            self.scopes += 1;
        }
        Ok(())
    }

    /// Ends the file: the accounts (sorted), skipped regions, global calls and errors.
    /// Returns the writer and what was kept (every part's but the scopes).
    pub fn finish(mut self) -> std::io::Result<(W, Inventory)> {
        let mut rest = match self.rest.take() {
            Some(rest) => rest,
            None => {
                let empty = Inventory::new(None);
                self.write(empty.clone())?;
                empty
            }
        };
        rest.accounts.sort_by(|a, b| a.id.cmp(&b.id));
        let out = &mut self.out;
        write!(out, "\n],\"regions_not_scanned\":")?;
        serde_json::to_writer(&mut *out, &rest.regions_not_scanned)?;
        write!(
            out,
            ",\"global_api_calls\":{},\"global_errors\":",
            rest.global_api_calls
        )?;
        serde_json::to_writer(&mut *out, &rest.global_errors)?;
        if !rest.accounts.is_empty() {
            write!(out, ",\"accounts\":")?;
            serde_json::to_writer(&mut *out, &rest.accounts)?;
        }
        if let Some(shard) = rest.shard {
            write!(out, ",\"shard\":")?;
            serde_json::to_writer(&mut *out, &shard)?;
        }
        writeln!(out, "}}")?;
        Ok((self.out, rest))
    }
}
