//! Where a report goes: stdout, or a file written completely or not at all.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use tempfile::NamedTempFile;

/// The destination of a command's result.
pub enum Output {
    /// The terminal's stdout.
    Stdout,
    /// A file: written to a temporary file beside it, renamed over it at the end.
    File {
        /// The final path.
        path: PathBuf,
        /// The temporary file being written.
        tmp: BufWriter<NamedTempFile>,
    },
}

impl Output {
    /// Stdout, or a temporary file beside `path`.
    ///
    /// Called before any work, so that a wrong directory is reported before a
    /// scan that may take minutes.
    pub fn open(path: Option<&Path>) -> anyhow::Result<Output> {
        let Some(path) = path else {
            return Ok(Output::Stdout);
        };
        let tmp = temp_file_beside(path)?;
        Ok(Output::File {
            path: path.to_path_buf(),
            tmp: BufWriter::new(tmp),
        })
    }

    /// The writer: the temporary file, or `stdout`.
    pub fn writer<'a>(&'a mut self, stdout: &'a mut dyn Write) -> &'a mut dyn Write {
        match self {
            Output::Stdout => stdout,
            Output::File { tmp, .. } => tmp,
        }
    }

    /// Whether output goes to a file.
    pub fn is_file(&self) -> bool {
        matches!(self, Output::File { .. })
    }

    /// Finishes: flushes, and for a file syncs and renames the temporary file over
    /// the destination. Returns the path written, if any.
    pub fn commit(self, stdout: &mut dyn Write) -> anyhow::Result<Option<PathBuf>> {
        match self {
            Output::Stdout => {
                stdout.flush().context("cannot write to stdout")?;
                Ok(None)
            }
            Output::File { path, tmp } => {
                let tmp = tmp
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("cannot write `{}`", path.display()))?;
                tmp.as_file()
                    .sync_all()
                    .with_context(|| format!("cannot write `{}`", path.display()))?;
                tmp.persist(&path)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot write `{}`", path.display()))?;
                Ok(Some(path))
            }
        }
    }
}

/// A new temporary file in the directory of `path` (so that the final rename stays on
/// one file system and is atomic).
pub fn temp_file_beside(path: &Path) -> anyhow::Result<NamedTempFile> {
    if path.is_dir() {
        anyhow::bail!("cannot write `{}`: it is a directory", path.display());
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| {
            format!(
                "cannot write `{}` (directory `{}`)",
                path.display(),
                dir.display()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_appears_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        let mut output = Output::open(Some(&path)).unwrap();
        let mut stdout = Vec::new();
        output.writer(&mut stdout).write_all(b"{}\n").unwrap();
        assert!(!path.exists());
        drop(output);
        assert!(!path.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the temporary file is removed"
        );

        let mut output = Output::open(Some(&path)).unwrap();
        output.writer(&mut stdout).write_all(b"{}\n").unwrap();
        assert_eq!(output.commit(&mut stdout).unwrap(), Some(path.clone()));
        assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
        assert!(stdout.is_empty());
    }

    #[test]
    fn a_missing_directory_fails_before_any_work() {
        let err = Output::open(Some(Path::new("/nonexistent-dir/report.json")))
            .err()
            .unwrap();
        assert!(format!("{err:#}").starts_with("cannot write `/nonexistent-dir/report.json`"));
    }
}
