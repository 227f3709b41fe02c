//! Infrastructure-as-code templates read into the same [`Inventory`] that a live scan
//! collects, so that the same rules judge what a template would deploy.
//!
//! [`load`] reads each path (a file, or a directory searched recursively, skipping
//! `.terraform/` and hidden folders) into one scope ([`ScopeId::templates`]):
//! CloudFormation templates (YAML with the short intrinsic tags, or JSON) and Terraform
//! modules (each directory of `.tf` and `.tf.json` files, with `terraform.tfvars`,
//! `*.auto.tfvars` and the [`LoadOptions::var_files`]; a directory another module of the
//! path calls with a local `source` is read as that module's child, not as a root), and
//! Terraform plans (`terraform show -json plan.out`, any `.json` file of that content;
//! values known only after apply resolved through the plan's configuration).
//! Resource ids are the CloudFormation logical ids and the Terraform addresses
//! (`aws_vpc.main`, `aws_vpc.multi[1]`, `aws_vpc.by_key["a"]`,
//! `module.network.aws_vpc.this`), and the scope records where each is declared, so that
//! every finding points at its `file:line`.
//!
//! A template can mute a rule's findings about one of its resources, with a reason:
//! `# cloudposture:ignore VPC-001 why` on or directly above the declaration (YAML `#`,
//! HCL `#` or `//`), or a CloudFormation `Metadata` entry
//! `{"cloudposture": {"ignore": [{"rule": "VPC-001", "reason": "why"}]}}`. The scope
//! carries them and the engine mutes as for a config exception; one without a reason,
//! or naming a rule not in [`LoadOptions::rule_ids`], is a [`FileError`] and is not
//! applied. A Terraform plan has neither comments nor `Metadata`, so it carries no
//! suppressions: its findings are muted by config exceptions only.
//!
//! What a template leaves unknown (a variable without a default, a data source, an
//! import, a function this release does not evaluate) is never guessed: the kind whose
//! resources depend on it is recorded as failed in the scope, with a message naming the
//! resource, its place and the value, and the engine turns that into `error` findings.
//!
//! ```no_run
//! use cloudposture_core::{Config, Plan, ScanSource, Selection, jiff::Timestamp};
//! use cloudposture_templates::{LoadOptions, load};
//!
//! let started = Timestamp::now();
//! let loaded = load(&["infra/".into()], &LoadOptions::default());
//! for error in &loaded.errors {
//!     eprintln!("{error}");
//! }
//! let registry = cloudposture_rules_aws::registry().unwrap();
//! let plan = Plan::new(&registry, &Selection::default(), &Config::default()).unwrap();
//! let report = plan.evaluate(&loaded.inventory, ScanSource::Template, started);
//! # let _ = report;
//! ```

mod cloudformation;
mod declared;
mod defaults;
mod discover;
mod launch_templates;
mod location;
mod models;
mod suppression;
mod terraform;

use std::fmt;
use std::path::{Path, PathBuf};

use cloudposture_core::{Inventory, Scope, ScopeId};

use declared::ScopeBuilder;

/// How to read templates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Terraform variable files (`--var-file FILE`), read after `terraform.tfvars` and
    /// `*.auto.tfvars` in this order, for every Terraform module found.
    pub var_files: Vec<PathBuf>,
    /// The rule ids a suppression in a template may name (every rule of the registry):
    /// one naming another id is an error of its file. Empty: ids are not checked, and a
    /// suppression of an id no rule has mutes nothing.
    pub rule_ids: Vec<String>,
}

/// A file that could not be read or parsed: where, and why, on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The file, as reached from the path given.
    pub file: String,
    /// The 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// The 1-based column of the problem, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{}:{line}:{column}: {}", self.file, self.message),
            (Some(line), None) => write!(f, "{}:{line}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for FileError {}

/// What [`load`] read.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// One scope per path given, in order, with the resources declared there; each
    /// template (CloudFormation file, Terraform root module with its local modules, plan)
    /// that leaves a value unknown is a scope of its own, after its path's, so that only
    /// its own resources are `error`.
    pub inventory: Inventory,
    /// Files that could not be read or parsed (loading went on with the others).
    pub errors: Vec<FileError>,
    /// What was found but not examined (modules, references outside the templates), for
    /// people: one line each.
    pub notes: Vec<String>,
    /// Templates read and parsed: CloudFormation files, Terraform `.tf` and `.tf.json`
    /// files (those of the local child modules included) and Terraform plans (0: nothing
    /// could be read).
    pub files_read: usize,
}

/// Reads `paths` into an inventory of one scope per path (and one per template that
/// leaves a value unknown).
///
/// A path that is a directory is searched recursively (`.terraform/` and hidden folders
/// are skipped); a file is read alone (a `.tf` file as a module of its own, with the
/// variable files of its directory, and the local modules it calls). Files that are
/// neither CloudFormation templates nor Terraform (modules or plans) are ignored, and so
/// are resource types that no rule judges.
pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Loaded {
    let mut inventory = Inventory::new(None);
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let mut files_read = 0;
    for path in paths {
        let scopes = load_path(path, options, &mut errors, &mut notes, &mut files_read);
        inventory.scopes.extend(scopes);
    }
    Loaded {
        inventory,
        errors,
        notes,
        files_read,
    }
}

fn load_path(
    path: &Path,
    options: &LoadOptions,
    errors: &mut Vec<FileError>,
    notes: &mut Vec<String>,
    files_read: &mut usize,
) -> Vec<Scope> {
    let mut builder = ScopeBuilder::default();
    let found = match discover::discover(path) {
        Ok(found) => found,
        Err(error) => {
            errors.push(error);
            return builder.finish(ScopeId::templates(path.display().to_string()));
        }
    };
    for file in &found.cloudformation {
        match read_json_or_yaml(file) {
            Ok(Some(mut unit)) => {
                *files_read += 1;
                settle(&mut unit, options, errors, notes);
                builder.add(unit);
            }
            Ok(None) => {}
            Err(error) => errors.push(error),
        }
    }
    let (units, read) = terraform::read_all(&found.terraform, &options.var_files, errors);
    *files_read += read;
    for mut unit in units {
        settle(&mut unit, options, errors, notes);
        builder.add(unit);
    }
    builder.finish(ScopeId::templates(path.display().to_string()))
}

/// Takes `unit`'s notes, gives its instances their launch templates' options (declaring
/// the launch templates no instance uses as instances, before the suppressions above
/// them are checked), and checks its suppressions.
fn settle(
    unit: &mut declared::Declared,
    options: &LoadOptions,
    errors: &mut Vec<FileError>,
    notes: &mut Vec<String>,
) {
    notes.extend(unit.notes.iter().cloned());
    launch_templates::inherit(unit);
    suppression::settle(unit, &options.rule_ids, errors, notes);
}

/// A CloudFormation template or, for a `.json` file, a Terraform plan (`None`: neither).
fn read_json_or_yaml(file: &Path) -> Result<Option<declared::Declared>, FileError> {
    if file.extension().is_some_and(|e| e == "json")
        && let Some(plan) = terraform::read_plan(file)?
    {
        return Ok(Some(plan));
    }
    cloudformation::read(file)
}
