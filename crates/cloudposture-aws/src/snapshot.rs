//! Snapshots: an [`Inventory`] saved as versioned JSON and loaded back identically.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::inventory::{Inventory, SNAPSHOT_SCHEMA_VERSION};

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
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string_pretty(inventory).unwrap_or_default()
}

/// Writes `inventory` to `path` completely or not at all (temporary file, then rename;
/// the temporary file is removed if anything fails). The JSON is streamed to the file,
/// so saving needs no second copy of the inventory in memory.
pub fn save(inventory: &Inventory, path: &Path) -> Result<(), SnapshotError> {
    use std::io::Write as _;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut out = std::io::BufWriter::with_capacity(256 * 1024, std::fs::File::create(&tmp)?);
        serde_json::to_writer_pretty(&mut out, inventory).map_err(std::io::Error::other)?;
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

/// Parses a snapshot from `text`; `path` only names the file in errors.
pub fn from_json(text: &str, path: &Path) -> Result<Inventory, SnapshotError> {
    let invalid = |e: serde_json::Error| SnapshotError::Invalid {
        path: path.to_path_buf(),
        message: strip_position(&e.to_string()),
        line: e.line(),
        column: e.column(),
    };
    let future = |found: u64| SnapshotError::FutureVersion {
        path: path.to_path_buf(),
        found,
        supported: SNAPSHOT_SCHEMA_VERSION,
    };
    // One parse when the snapshot is good; only when it is not, a second look for the
    // reason to give (a newer layout must be refused as such, not reported as a
    // confusing shape error).
    let error = match serde_json::from_str::<Inventory>(text) {
        Ok(inventory) if inventory.schema_version <= SNAPSHOT_SCHEMA_VERSION => return Ok(inventory),
        Ok(inventory) => return Err(future(u64::from(inventory.schema_version))),
        Err(e) => e,
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
        Some(v) if v > u64::from(SNAPSHOT_SCHEMA_VERSION) => Err(future(v)),
        Some(_) => Err(invalid(error)),
        None => Err(SnapshotError::Invalid {
            path: path.to_path_buf(),
            message: "missing field `schema_version`; is this a cloudposture snapshot?".into(),
            line: 1,
            column: 1,
        }),
    }
}

/// Loads a snapshot written by [`save`].
pub fn load(path: &Path) -> Result<Inventory, SnapshotError> {
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
    from_json(&text, path)
}

/// serde_json appends " at line L column C"; the error carries those as fields.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
