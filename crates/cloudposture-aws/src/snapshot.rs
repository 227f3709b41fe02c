//! Snapshots: an [`Inventory`] saved as versioned JSON and loaded back identically.
//!
//! Kinds are stored by name ([`Inventory::write_json`]); loading reads the items of
//! every kind the given [`KindRegistry`] knows ([`crate::kinds::registry`] for the
//! built-in ones) and keeps others as written. Schema 1 (fixed fields per kind, one
//! account) still loads.

use std::path::{Path, PathBuf};

use cloudposture_core::{
    CollectError, Inventory, KindRegistry, SNAPSHOT_SCHEMA_VERSION, Scope, ScopeId, SkippedRegion,
    SnapshotWriter,
};
use jiff::Timestamp;
use serde::Deserialize;
use thiserror::Error;

use crate::kinds::{FlowLog, FlowLogs, NetworkInterface, NetworkInterfaces, Subnet, Subnets, Vpc, Vpcs};

/// A snapshot could not be written or read.
#[derive(Debug, Error)]
pub enum SnapshotError {
    /// The file could not be read or written.
    #[error("snapshot `{}`: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a snapshot (not JSON, truncated, binary, wrong shape).
    #[error("snapshot `{}` is not a valid snapshot: {message} at line {line}, column {column}", .path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The file is a snapshot, but not one scan's data (a region twice, a VPC twice, an
    /// empty id, a region name that is not one, a resource under another region).
    #[error("snapshot `{}` is not consistent: {problem}", .path.display())]
    Inconsistent {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The file was written by a newer cloudposture.
    #[error(
        "snapshot `{}` has schema version {found}, newer than the {supported} this cloudposture reads; upgrade cloudposture",
        .path.display()
    )]
    FutureVersion {
        /// The file.
        path: PathBuf,
        /// Version in the file.
        found: u64,
        /// Highest version supported.
        supported: u32,
    },
}

/// Serializes `inventory` as pretty JSON.
pub fn to_json(inventory: &Inventory) -> String {
    let mut out = Vec::new();
    // Serializing plain data with string keys into memory cannot fail.
    let _ = inventory.write_json(&mut out, true);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes `inventory` to `path` completely or not at all (temporary file, then rename;
/// the temporary file is removed if anything fails). The JSON is streamed to the file,
/// so saving needs no second copy of the inventory in memory.
pub fn save(inventory: &Inventory, path: &Path) -> Result<(), SnapshotError> {
    use std::io::Write as _;
    let tmp = temp_path(path);
    let write = || -> std::io::Result<()> {
        let mut out = std::io::BufWriter::with_capacity(256 * 1024, std::fs::File::create(&tmp)?);
        inventory
            .write_json(&mut out, true)
            .map_err(std::io::Error::other)?;
        out.flush()
    };
    write()
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|source| {
            let _ = std::fs::remove_file(&tmp);
            SnapshotError::Io {
                path: path.to_path_buf(),
                source,
            }
        })
}

/// The temporary file beside `path` that becomes it when complete.
fn temp_path(path: &Path) -> PathBuf {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!(".{file_name}.tmp-{}", std::process::id()))
}

/// A snapshot file written part by part (account by account, as a scan of an organization
/// reads them): each part's scopes go to the file at once and are let go. Written to a
/// temporary file beside the destination and renamed over it by [`SnapshotFile::commit`];
/// dropped without a commit, the temporary file is removed.
pub struct SnapshotFile {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<SnapshotWriter<std::io::BufWriter<std::fs::File>>>,
}

impl SnapshotFile {
    /// Creates the temporary file beside `path`.
    pub fn create(path: &Path) -> Result<SnapshotFile, SnapshotError> {
        let tmp = temp_path(path);
        let file = std::fs::File::create(&tmp).map_err(|source| SnapshotError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(SnapshotFile {
            path: path.to_path_buf(),
            tmp,
            writer: Some(SnapshotWriter::new(std::io::BufWriter::with_capacity(
                256 * 1024,
                file,
            ))),
        })
    }

    fn io(&self, source: std::io::Error) -> SnapshotError {
        SnapshotError::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// Writes `part`'s scopes and keeps the rest of it.
    pub fn write(&mut self, part: Inventory) -> Result<(), SnapshotError> {
        match self.writer.as_mut() {
            Some(writer) => writer.write(part).map_err(|e| self.io(e)),
            None => Ok(()),
        }
    }

    /// Ends the file and renames it over the destination. Returns what was kept: every
    /// part's accounts, skipped regions, global calls and errors, without the scopes.
    pub fn commit(mut self) -> Result<Inventory, SnapshotError> {
        use std::io::Write as _;
        let Some(writer) = self.writer.take() else {
            return Err(self.io(std::io::Error::other("the snapshot was committed already")));
        };
        let done = writer.finish().and_then(|(mut out, kept)| {
            out.flush()?;
            drop(out);
            std::fs::rename(&self.tmp, &self.path)?;
            Ok(kept)
        });
        done.map_err(|e| {
            let _ = std::fs::remove_file(&self.tmp);
            self.io(e)
        })
    }
}

impl Drop for SnapshotFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Parses a snapshot of the built-in kinds from `text`; `path` only names the file in errors.
pub fn from_json(text: &str, path: &Path) -> Result<Inventory, SnapshotError> {
    from_json_with(text, path, &crate::kinds::registry())
}

/// Parses a snapshot from `text`, reading the items of the kinds `kinds` knows.
///
/// A snapshot that parses but cannot be one scan's data is refused too
/// ([`SnapshotError::Inconsistent`]).
pub fn from_json_with(text: &str, path: &Path, kinds: &KindRegistry) -> Result<Inventory, SnapshotError> {
    let inventory = parse(text, path, kinds)?;
    let bad_region = inventory
        .scopes
        .iter()
        .filter_map(|s| s.id.region.as_deref())
        .chain(inventory.regions_not_scanned.iter().map(|r| r.name.as_str()))
        .find(|name| !crate::is_valid_region_name(name));
    let problem = match bad_region {
        Some(name) => Some(format!("`{name}` is not an AWS region name")),
        None => inventory.inconsistency(),
    };
    match problem {
        Some(problem) => Err(SnapshotError::Inconsistent {
            path: path.to_path_buf(),
            problem,
        }),
        None => Ok(inventory),
    }
}

fn parse(text: &str, path: &Path, kinds: &KindRegistry) -> Result<Inventory, SnapshotError> {
    let invalid = |e: serde_json::Error| SnapshotError::Invalid {
        path: path.to_path_buf(),
        message: strip_position(&e.to_string()),
        line: e.line(),
        // serde_json says column 0 at the start of a line (e.g. a file cut just after a
        // line break); the error's columns are 1-based.
        column: e.column().max(1),
    };
    #[derive(serde::Deserialize)]
    struct Probe {
        schema_version: Option<u64>,
        findings: Option<serde::de::IgnoredAny>,
    }
    let probe: Probe = serde_json::from_str(text).map_err(invalid)?;
    // A scan report has its own schema_version: say what it is, not that it is "newer".
    if probe.findings.is_some() {
        return Err(SnapshotError::Invalid {
            path: path.to_path_buf(),
            message: "this is a scan report (it has `findings`), not a snapshot; snapshots are written by \
                      `cloudposture collect`"
                .into(),
            line: 1,
            column: 1,
        });
    }
    match probe.schema_version {
        None => Err(SnapshotError::Invalid {
            path: path.to_path_buf(),
            message: "missing field `schema_version`; is this a cloudposture snapshot?".into(),
            line: 1,
            column: 1,
        }),
        Some(v) if v > u64::from(SNAPSHOT_SCHEMA_VERSION) => Err(SnapshotError::FutureVersion {
            path: path.to_path_buf(),
            found: v,
            supported: SNAPSHOT_SCHEMA_VERSION,
        }),
        Some(1) => serde_json::from_str::<V1Inventory>(text)
            .map(V1Inventory::upgrade)
            .map_err(invalid),
        Some(_) => Inventory::from_json(text, kinds).map_err(|e| SnapshotError::Invalid {
            path: path.to_path_buf(),
            message: e.message,
            line: e.line,
            column: e.column.max(1),
        }),
    }
}

/// Schema 1: one account, a fixed field per kind in each region.
#[derive(Deserialize)]
struct V1Inventory {
    account: Option<String>,
    collected_at: Timestamp,
    regions: Vec<V1Region>,
    #[serde(default)]
    regions_not_scanned: Vec<SkippedRegion>,
    #[serde(default)]
    global_api_calls: u64,
    #[serde(default)]
    global_errors: Vec<CollectError>,
}

#[derive(Deserialize)]
struct V1Region {
    name: String,
    #[serde(default)]
    vpcs: V1Collection<Vpc>,
    #[serde(default)]
    flow_logs: V1Collection<FlowLog>,
    #[serde(default)]
    subnets: V1Collection<Subnet>,
    #[serde(default)]
    network_interfaces: V1Collection<NetworkInterface>,
    #[serde(default)]
    api_calls: u64,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "snake_case")]
enum V1Collection<T> {
    #[default]
    NotCollected,
    Collected(Vec<T>),
    Failed(CollectError),
}

impl<T> V1Collection<T> {
    fn into_scope<K: cloudposture_core::Kind<Item = T>>(self, scope: &mut Scope) {
        match self {
            V1Collection::NotCollected => {}
            V1Collection::Collected(items) => scope.insert::<K>(items),
            V1Collection::Failed(e) => scope.fail(K::INFO.name, e),
        }
    }
}

impl V1Inventory {
    fn upgrade(self) -> Inventory {
        let account = self.account;
        let scopes = self
            .regions
            .into_iter()
            .map(|r| {
                let mut scope = Scope::new(ScopeId::region(account.as_deref(), &r.name));
                scope.api_calls = r.api_calls;
                r.vpcs.into_scope::<Vpcs>(&mut scope);
                r.flow_logs.into_scope::<FlowLogs>(&mut scope);
                r.subnets.into_scope::<Subnets>(&mut scope);
                r.network_interfaces.into_scope::<NetworkInterfaces>(&mut scope);
                scope
            })
            .collect();
        Inventory {
            schema_version: SNAPSHOT_SCHEMA_VERSION,
            account,
            collected_at: self.collected_at,
            scopes,
            regions_not_scanned: self.regions_not_scanned,
            global_api_calls: self.global_api_calls,
            global_errors: self.global_errors,
            accounts: Vec::new(),
            shard: None,
        }
    }
}

/// Loads a snapshot of the built-in kinds written by [`save`].
pub fn load(path: &Path) -> Result<Inventory, SnapshotError> {
    load_with(path, &crate::kinds::registry())
}

/// Loads a snapshot written by [`save`], reading the kinds `kinds` knows.
pub fn load_with(path: &Path, kinds: &KindRegistry) -> Result<Inventory, SnapshotError> {
    let bytes = std::fs::read(path).map_err(|source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        SnapshotError::Invalid {
            path: path.to_path_buf(),
            message: "the file is not UTF-8 text (binary?)".into(),
            line,
            column,
        }
    })?;
    from_json_with(&text, path, kinds)
}

/// serde_json appends " at line L column C"; the error carries those as fields.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
