//! Finding the templates under a path: CloudFormation candidates (`.yaml`, `.yml`,
//! `.json`, `.template`) and Terraform modules (each directory of `.tf` and `.tf.json`
//! files).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::FileError;

/// A Terraform module: a directory and its `.tf` files, sorted.
#[derive(Debug, Clone)]
pub(crate) struct Module {
    /// The directory, as reached from the path given.
    pub dir: PathBuf,
    /// Its `.tf` and `.tf.json` files (or the one file given).
    pub files: Vec<PathBuf>,
    /// `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars` and
    /// `*.auto.tfvars.json` (by name) of the directory.
    pub var_files: Vec<PathBuf>,
}

/// What a path holds.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Files that may be CloudFormation templates, sorted.
    pub cloudformation: Vec<PathBuf>,
    /// Terraform modules, by directory.
    pub terraform: Vec<Module>,
}

/// Everything under `path`.
pub(crate) fn discover(path: &Path) -> Result<Found, FileError> {
    let meta = fs::metadata(path).map_err(|e| io_error(path, &e))?;
    let mut found = Found::default();
    if meta.is_file() {
        if is_tf(path) {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let var_files = var_files(&dir);
            found.terraform.push(Module {
                dir,
                files: vec![path.to_path_buf()],
                var_files,
            });
        } else {
            found.cloudformation.push(path.to_path_buf());
        }
        return Ok(found);
    }
    let mut modules: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    walk(path, &mut found.cloudformation, &mut modules)?;
    found.cloudformation.sort();
    for (dir, mut files) in modules {
        files.sort();
        let var_files = var_files(&dir);
        found.terraform.push(Module {
            dir,
            files,
            var_files,
        });
    }
    Ok(found)
}

fn walk(
    dir: &Path,
    cfn: &mut Vec<PathBuf>,
    modules: &mut BTreeMap<PathBuf, Vec<PathBuf>>,
) -> Result<(), FileError> {
    let entries = fs::read_dir(dir).map_err(|e| io_error(dir, &e))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if path.is_dir() {
            if !name.starts_with('.') {
                walk(&path, cfn, modules)?;
            }
        } else if is_tf(&path) {
            modules.entry(dir.to_path_buf()).or_default().push(path);
        } else if [".yaml", ".yml", ".json", ".template"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            cfn.push(path);
        }
    }
    Ok(())
}

/// A Terraform file: `.tf`, or `.tf.json` (Terraform's JSON syntax).
pub(crate) fn is_tf(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

/// Terraform's order: `terraform.tfvars`, `terraform.tfvars.json`, then the
/// `*.auto.tfvars` and `*.auto.tfvars.json` files by name (later values win).
fn var_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        let main = dir.join(name);
        if main.is_file() {
            files.push(main);
        }
    }
    let mut auto: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
                })
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    files.extend(auto);
    files
}

/// A file or directory that could not be read.
pub(crate) fn io_error(path: &Path, error: &std::io::Error) -> FileError {
    FileError {
        file: path.display().to_string(),
        line: None,
        column: None,
        message: format!("could not read: {error}"),
    }
}
