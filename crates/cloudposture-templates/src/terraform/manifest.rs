//! `.terraform/modules/modules.json`: where `terraform init` downloaded the registry and
//! remote modules a root module calls, by the call's path (`vpc`, `vpc.nested`), each a
//! directory relative to the root module's; and the [`Lineage`] of a module instance,
//! its key among them.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde::Deserialize;

use super::modules::{local_dir, normalize};
use super::plan::strip_position;
use crate::FileError;
use crate::discover::io_error;

/// The file as Terraform writes it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct File {
    modules: Vec<Entry>,
}

/// One installed module call.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Entry {
    key: String,
    dir: String,
}

/// The downloaded modules of one root module.
#[derive(Debug, Default)]
pub(crate) struct Manifest {
    /// The root module's directory, as reached from the path given.
    root: PathBuf,
    /// By key: the directory, as reached from the path given; `None` when the root
    /// module is not initialised or its `modules.json` could not be read.
    dirs: Option<HashMap<String, PathBuf>>,
}

impl Manifest {
    /// The `modules.json` of the root module in `root`, if any; a file that cannot be
    /// read or is not a modules manifest is an error (and no module is downloaded).
    pub fn read(root: &Path, errors: &mut Vec<FileError>) -> Self {
        let file = root.join(".terraform/modules/modules.json");
        let mut manifest = Manifest {
            root: root.to_path_buf(),
            dirs: None,
        };
        if !file.is_file() {
            return manifest;
        }
        let text = match fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) => {
                errors.push(io_error(&file, &e));
                return manifest;
            }
        };
        match serde_json::from_str::<File>(&text) {
            Ok(read) => {
                let dirs = read
                    .modules
                    .into_iter()
                    .map(|m| (m.key, normalize(&root.join(m.dir))))
                    .collect();
                manifest.dirs = Some(dirs);
            }
            Err(e) => errors.push(FileError {
                file: file.display().to_string(),
                line: Some(e.line()),
                column: Some(e.column()),
                message: format!(
                    "not a Terraform modules manifest: {}; its modules are not examined",
                    strip_position(&e.to_string())
                ),
            }),
        }
        manifest
    }

    /// The directory of the call keyed `key` (`vpc`, `vpc.nested`) whose `source` is
    /// written in the module of `here`: the local path for `./…` and `../…`, else where
    /// `terraform init` downloaded it; `Err` says why a registry or remote module is not
    /// examined.
    pub fn dir(&self, here: &Path, key: &str, source: &str) -> Result<PathBuf, String> {
        if let Some(dir) = local_dir(here, source) {
            return Ok(dir);
        }
        let root = match self.root.display().to_string() {
            root if root.is_empty() => ".".to_string(),
            root => root,
        };
        let init = format!("run `terraform init` in {root} to have it read");
        match self.dirs.as_ref().map(|dirs| dirs.get(key)) {
            Some(Some(dir)) if dir.is_dir() => Ok(dir.clone()),
            Some(Some(dir)) => Err(format!("its download {} is missing: {init}", dir.display())),
            _ => Err(format!("it is not downloaded: {init}")),
        }
    }
}

/// The key of the call `name` made by the module keyed `parent` (`""` for the root).
pub(crate) fn key(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// Where a module is among the calls of its root module.
#[derive(Debug, Default, Clone)]
pub(crate) struct Lineage {
    /// The directories of the modules that lead here, the root first: a module that
    /// calls one of them is a cycle.
    pub ancestors: Vec<PathBuf>,
    /// The names of the calls that lead here joined by `.` (`""` for the root, `vpc`,
    /// `vpc.nested`), as `modules.json` keys them.
    pub key: String,
    /// The modules `terraform init` downloaded for the root module.
    pub manifest: Rc<Manifest>,
}

impl Lineage {
    /// The lineage of a root module whose downloaded modules are `manifest`.
    pub fn root(manifest: Manifest) -> Self {
        Lineage {
            manifest: Rc::new(manifest),
            ..Lineage::default()
        }
    }
}
