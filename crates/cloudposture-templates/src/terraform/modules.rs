//! Module calls. A call whose `source` is a local path (`./…`, `../…`) is followed: the
//! child directory is parsed once per scan, and each instance of the call (`count`,
//! `for_each`) is a module of its own whose variables are the call's arguments, whose
//! resources are addressed `module.net.aws_vpc.this` (`module.net[0].…`,
//! `module.a.module.b.…`) and whose outputs the caller reads (`module.net.vpc_id`).
//! A registry or remote call is read the same way from where `terraform init`
//! downloaded it ([`Manifest`]); one not downloaded is noted, and what refers to its
//! outputs is unknown.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use hcl::expr::TraversalOperator;
use serde_json::Value;

use super::eval::{EvalError, Frame, Module, as_string, invalid, unknown};
use super::manifest::{self, Lineage, Manifest};
use super::parse::{self, Call, Source};
use super::resources;
use crate::FileError;
use crate::declared::Declared;

/// The arguments of a `module` block that are not the child's variables.
const META_ARGUMENTS: [&str; 6] = [
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// The module directories of one scan, each parsed once, and what could not be read.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    /// By directory, [`normalize`]d.
    sources: RefCell<BTreeMap<PathBuf, Rc<Source>>>,
    errors: RefCell<Vec<FileError>>,
}

impl Tree {
    /// Adds a parsed module (and the errors of its files).
    pub fn insert(&self, source: Source, errors: Vec<FileError>) -> Rc<Source> {
        errors.into_iter().for_each(|e| self.error(e));
        let source = Rc::new(source);
        self.sources
            .borrow_mut()
            .insert(normalize(&source.dir), source.clone());
        source
    }

    /// The module of `dir`, parsed on first use; `None` when it holds no Terraform file.
    pub fn source(&self, dir: &Path) -> Option<Rc<Source>> {
        if let Some(done) = self.sources.borrow().get(&normalize(dir)) {
            return Some(done.clone());
        }
        let files = parse::module_files(dir);
        if files.is_empty() {
            return None;
        }
        let mut errors = Vec::new();
        let source = parse::module(dir, &files, &mut errors);
        Some(self.insert(source, errors))
    }

    /// Records `error`, once (a module called twice is read once).
    pub fn error(&self, error: FileError) {
        let mut errors = self.errors.borrow_mut();
        if !errors.contains(&error) {
            errors.push(error);
        }
    }

    /// The errors, and how many files parsed.
    pub fn finish(&self) -> (Vec<FileError>, usize) {
        let read = self.sources.borrow().values().map(|s| s.files_read).sum();
        (self.errors.take(), read)
    }
}

/// The calls a module makes, and the children built so far.
#[derive(Debug, Default)]
pub(crate) struct Calls {
    tree: Option<Rc<Tree>>,
    source: Rc<Source>,
    lineage: Lineage,
    built: RefCell<HashMap<String, Rc<Children>>>,
    building: RefCell<HashSet<String>>,
}

impl Calls {
    /// The calls of `source`, reached through `lineage`.
    pub fn new(tree: Rc<Tree>, source: Rc<Source>, lineage: Lineage) -> Self {
        Calls {
            tree: Some(tree),
            source,
            lineage,
            ..Calls::default()
        }
    }

    /// What the module declares.
    pub fn source(&self) -> Rc<Source> {
        self.source.clone()
    }
}

/// The instances of one call.
#[derive(Debug)]
enum Children {
    /// Neither `count` nor `for_each`.
    One(Box<Module>),
    /// By index (`count`, keys `"0"`, `"1"`…) or by key (`for_each`).
    Many {
        keyed: bool,
        modules: Vec<(String, Module)>,
    },
    /// A registry or remote module not downloaded: `module … is not examined (why)`.
    Remote(String),
    /// A local module that could not be instantiated: why, and what it declares when
    /// that could be read.
    Unknown {
        reason: String,
        source: Option<Rc<Source>>,
    },
}

impl Module {
    /// `module.NAME…`: an output of an instance of the call `NAME`.
    pub(super) fn module_output(
        &self,
        name: &str,
        ops: &[TraversalOperator],
        frame: &Frame,
    ) -> Result<Value, EvalError> {
        let address = format!("{}module.{name}", self.prefix);
        let children = self.children(name)?;
        let (child, rest) = match (&*children, ops.split_first()) {
            (Children::One(m), _) => (&**m, ops),
            (
                Children::Many { keyed, modules },
                Some((index @ (TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_)), rest)),
            ) => {
                let index = self.index(index, frame)?;
                let key = match (keyed, index.as_u64()) {
                    (false, Some(i)) => i.to_string(),
                    (false, None) => return Err(invalid(format!("`{address}[{index}]`: not an index"))),
                    (true, _) => as_string(&index)?,
                };
                let child = modules
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, m)| m)
                    .ok_or_else(|| invalid(format!("`{address}` has no instance `{key}`")))?;
                (child, rest)
            }
            (Children::Remote(reason), _) => return Err(unknown(format!("`{address}`: {reason}"))),
            (Children::Unknown { reason, .. }, _) => return Err(unknown(reason.clone())),
            (Children::Many { .. }, _) => {
                return Err(invalid(format!(
                    "`{address}` has count or for_each: an instance is referred to by its index"
                )));
            }
        };
        let instance = child.prefix.trim_end_matches('.');
        let Some((TraversalOperator::GetAttr(output), rest)) = rest.split_first() else {
            return Err(unknown(format!("`{instance}` as a whole is not evaluated")));
        };
        let source = child.calls.source();
        let expr = source
            .outputs
            .get(output.as_str())
            .ok_or_else(|| invalid(format!("`{instance}` has no output `{output}`")))?;
        let value = child.eval(expr, &Frame::default()).map_err(|e| {
            let reason = format!("output `{instance}.{output}`: {}", e.reason());
            match e {
                EvalError::Unknown(_) => unknown(reason),
                EvalError::Invalid(_) => invalid(reason),
            }
        })?;
        self.apply(value, rest, frame)
    }

    /// The instances of the call `name`, built on first use.
    fn children(&self, name: &str) -> Result<Rc<Children>, EvalError> {
        if let Some(done) = self.calls.built.borrow().get(name) {
            return Ok(done.clone());
        }
        let source = self.calls.source();
        let call = source
            .calls
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| invalid(format!("`{}module.{name}` is not declared", self.prefix)))?;
        if !self.calls.building.borrow_mut().insert(name.to_string()) {
            return Err(invalid(format!(
                "the arguments of `{}module.{name}` refer to its own outputs",
                self.prefix
            )));
        }
        let built = Rc::new(self.build(call));
        self.calls.building.borrow_mut().remove(name);
        self.calls
            .built
            .borrow_mut()
            .insert(name.to_string(), built.clone());
        Ok(built)
    }

    fn build(&self, call: &Call) -> Children {
        let address = format!("{}module.{}", self.prefix, call.name);
        let Some(tree) = self.calls.tree.clone() else {
            return Children::Remote(format!("module `{}` is not read", call.source));
        };
        let here = &self.calls.source.dir;
        let lineage = &self.calls.lineage;
        let key = manifest::key(&lineage.key, &call.name);
        let dir = match lineage.manifest.dir(here, &key, &call.source) {
            Ok(dir) => dir,
            Err(why) => return Children::Remote(format!("module `{}` is not examined ({why})", call.source)),
        };
        let error = |message: String| FileError {
            file: call.location.file.clone(),
            line: Some(call.location.line as usize),
            column: None,
            message,
        };
        if normalize(here) == dir || lineage.ancestors.iter().any(|a| normalize(a) == dir) {
            let reason = format!(
                "module `{}` calls `{}`, a module on the way to it: a cycle",
                call.name, call.source
            );
            tree.error(error(reason.clone()));
            return Children::Unknown { reason, source: None };
        }
        let Some(source) = tree.source(&dir) else {
            let reason = format!(
                "module `{}`: source `{}` is not a directory of Terraform files",
                call.name, call.source
            );
            tree.error(error(reason.clone()));
            return Children::Unknown { reason, source: None };
        };
        let expansion = super::expand(self, &call.body);
        let instances = match super::instances(&address, &expansion) {
            Ok(instances) => instances,
            Err(reason) => {
                return Children::Unknown {
                    reason: format!(
                        "{address} ({}): how many instances it has cannot be resolved ({reason})",
                        call.location
                    ),
                    source: Some(source),
                };
            }
        };
        let mut below = lineage.clone();
        below.ancestors.push(here.clone());
        below.key = key;
        let mut modules = Vec::new();
        for (instance, frame) in instances {
            let inputs = call
                .body
                .attributes()
                .filter(|a| !META_ARGUMENTS.contains(&a.key.as_str()))
                .map(|a| {
                    let value = self.eval(&a.expr, &frame).map_err(|e| {
                        let written = hcl::format::to_string(&a.expr).unwrap_or_default();
                        format!(
                            "argument {} = {} of `{instance}`: {}",
                            a.key,
                            written.trim(),
                            e.reason()
                        )
                    });
                    (a.key.to_string(), value)
                })
                .collect();
            let key = match (&frame.count_index, &frame.each) {
                (Some(i), _) => i.to_string(),
                (_, Some((k, _))) => k.clone(),
                _ => String::new(),
            };
            let prefix = format!("{instance}.");
            let child = super::instantiate(&tree, source.clone(), prefix, inputs, below.clone());
            modules.push((key, child));
        }
        match expansion {
            super::Expansion::One if modules.len() == 1 => Children::One(Box::new(modules.remove(0).1)),
            super::Expansion::Keys(_) => Children::Many { keyed: true, modules },
            _ => Children::Many {
                keyed: false,
                modules,
            },
        }
    }
}

/// Declares the resources of `module` and of the modules it calls.
pub(super) fn declare(module: &Module, unit: &mut Declared) {
    let source = module.calls.source();
    for r in &source.resources {
        let address = format!("{}{}.{}", module.prefix, r.kind, r.name);
        let expansion = module
            .resources
            .get(&r.kind)
            .and_then(|m| m.get(&r.name))
            .cloned()
            .unwrap_or(super::Expansion::One);
        match super::instances(&address, &expansion) {
            Ok(instances) => {
                for (address, frame) in instances {
                    let body = &r.block.body;
                    resources::declare(&r.kind, &address, body, &frame, module, &r.location, unit);
                }
            }
            Err(reason) => {
                let message = format!(
                    "{address} ({}): how many instances it has cannot be resolved ({reason})",
                    r.location
                );
                resources::unresolved_kind(&r.kind, message, unit);
            }
        }
    }
    // Each instance of the module declares its resources where its source does: the
    // suppressions written there are for all of them (repeats are dropped when settled).
    unit.suppressions.extend(source.suppressions.iter().cloned());
    for call in &source.calls {
        let Ok(children) = module.children(&call.name) else {
            continue;
        };
        let address = format!("{}module.{}", module.prefix, call.name);
        match &*children {
            Children::One(child) => declare(child, unit),
            Children::Many { modules, .. } => modules.iter().for_each(|(_, child)| declare(child, unit)),
            Children::Remote(reason) => unit
                .notes
                .push(format!("{address} ({}): {reason}", call.location)),
            Children::Unknown { reason, source } => {
                let mut kinds = BTreeSet::new();
                if let (Some(source), Some(tree)) = (source, &module.calls.tree) {
                    let manifest = &module.calls.lineage.manifest;
                    let key = manifest::key(&module.calls.lineage.key, &call.name);
                    kinds_declared(tree, (manifest, &key), source, &mut HashSet::new(), &mut kinds);
                }
                for kind in kinds {
                    let message = format!("{reason}, so what `{address}` declares is unknown");
                    resources::unresolved_kind(&kind, message, unit);
                }
            }
        }
    }
}

/// The resource types `source` (the module keyed `key` in `manifest`) and the modules
/// it calls declare, those downloaded included.
fn kinds_declared(
    tree: &Tree,
    (manifest, key): (&Manifest, &str),
    source: &Source,
    seen: &mut HashSet<PathBuf>,
    kinds: &mut BTreeSet<String>,
) {
    if !seen.insert(normalize(&source.dir)) {
        return;
    }
    kinds.extend(source.resources.iter().map(|r| r.kind.clone()));
    for call in &source.calls {
        let key = manifest::key(key, &call.name);
        if let Some(child) = manifest
            .dir(&source.dir, &key, &call.source)
            .ok()
            .and_then(|d| tree.source(&d))
        {
            kinds_declared(tree, (manifest, &key), &child, seen, kinds);
        }
    }
}

/// The directory a local `source` (`./…`, `../…`) names from the module in `dir`, or
/// `None` for a registry or remote source.
pub(super) fn local_dir(dir: &Path, source: &str) -> Option<PathBuf> {
    (source.starts_with("./") || source.starts_with("../")).then(|| normalize(&dir.join(source)))
}

/// `path` without `.` (but a leading one) and with each `..` taking the name before it
/// away, as people write it: `infra/envs/prod/../../modules/net` is
/// `infra/modules/net`, `./a/./b` is `./a/b`.
pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for (i, component) in path.components().enumerate() {
        match component {
            Component::CurDir if i > 0 => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            Component::ParentDir if matches!(out.last(), Some(Component::CurDir)) => {
                out.pop();
                out.push(Component::ParentDir);
            }
            other => out.push(other),
        }
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_sources_are_paths_from_the_calling_module() {
        let dir = Path::new("infra/envs/prod");
        assert_eq!(
            local_dir(dir, "../../modules/net"),
            Some(PathBuf::from("infra/modules/net"))
        );
        assert_eq!(
            local_dir(dir, "./net"),
            Some(PathBuf::from("infra/envs/prod/net"))
        );
        assert_eq!(local_dir(Path::new("."), "./net"), Some(PathBuf::from("./net")));
        assert_eq!(
            local_dir(Path::new("./a"), "../../b"),
            Some(PathBuf::from("../b"))
        );
        assert_eq!(local_dir(dir, "terraform-aws-modules/vpc/aws"), None);
        assert_eq!(local_dir(dir, "git::https://example.com/net.git"), None);
    }
}
