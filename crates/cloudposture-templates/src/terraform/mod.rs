//! Terraform modules: the `.tf` and `.tf.json` files of one directory, their variables
//! (defaults, then `terraform.tfvars`, `*.auto.tfvars` and the `--var-file`s in a root
//! module, the call's arguments in a child), locals and resources, each `count` or
//! `for_each` instance a resource of its own address, and the modules they call: local
//! ones, and registry and remote ones where `terraform init` downloaded them (listed in
//! the root module's `.terraform/modules/modules.json`).
//!
//! Each directory of a scan is a root module unless a module of the scan calls it with a
//! local `source`: then it is read as that call's child only (no finding twice). A
//! directory reached only through a cycle of calls is read as a root all the same.

mod eval;
mod json;
mod manifest;
mod modules;
mod parse;
mod plan;
mod resources;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::rc::Rc;

use hcl::Body;
use serde_json::Value;

use crate::FileError;
use crate::declared::Declared;
use crate::discover::Module as Dir;
use eval::{Expansion, Frame, Module};
use manifest::{Lineage, Manifest};
use modules::{Calls, Tree, local_dir, normalize};
use parse::Source;
pub(crate) use plan::read as read_plan;

/// What the Terraform modules `dirs` of one path declare, one [`Declared`] per root
/// module, and how many files parsed (child modules included); files that do not parse
/// and module sources that are missing are added to `errors`.
pub(crate) fn read_all(
    dirs: &[Dir],
    var_files: &[PathBuf],
    errors: &mut Vec<FileError>,
) -> (Vec<Declared>, usize) {
    let tree = Rc::new(Tree::default());
    let sources: Vec<Rc<Source>> = dirs
        .iter()
        .map(|dir| {
            let mut found = Vec::new();
            let source = parse::module(&dir.dir, &dir.files, &mut found);
            tree.insert(source, found)
        })
        .collect();
    let mut units = Vec::new();
    for index in roots(&tree, &sources) {
        let dir = &dirs[index];
        let mut given = HashMap::new();
        for file in dir.var_files.iter().chain(var_files) {
            let Some(body) = parse::parse_var_file(file, errors) else {
                continue;
            };
            for attr in body.attributes() {
                if let Ok(value) = Module::default().eval(&attr.expr, &Frame::default()) {
                    given.insert(attr.key.to_string(), Ok(value));
                }
            }
        }
        let lineage = Lineage::root(Manifest::read(&dir.dir, errors));
        let module = instantiate(&tree, sources[index].clone(), String::new(), given, lineage);
        let mut unit = Declared::new(dir.dir.display().to_string());
        modules::declare(&module, &mut unit);
        units.push(unit);
    }
    let (found, read) = tree.finish();
    errors.extend(found);
    (units, read)
}

/// The indexes of the root modules among `sources`: those no other module of the scan
/// calls, then, in order, any that only a cycle of calls reaches.
fn roots(tree: &Tree, sources: &[Rc<Source>]) -> Vec<usize> {
    let calls = |source: &Source| -> Vec<PathBuf> {
        let here = normalize(&source.dir);
        source
            .calls
            .iter()
            .filter_map(|c| local_dir(&source.dir, &c.source))
            .filter(|d| *d != here)
            .collect()
    };
    let called: HashSet<PathBuf> = sources.iter().flat_map(|s| calls(s)).collect();
    let mut roots: Vec<usize> = (0..sources.len())
        .filter(|i| !called.contains(&normalize(&sources[*i].dir)))
        .collect();
    let mut reached = HashSet::new();
    let reach = |start: &Source, reached: &mut HashSet<PathBuf>| {
        let mut todo = vec![normalize(&start.dir)];
        while let Some(dir) = todo.pop() {
            if reached.insert(dir.clone())
                && let Some(source) = tree.source(&dir)
            {
                todo.extend(calls(&source));
            }
        }
    };
    for &i in &roots {
        reach(&sources[i], &mut reached);
    }
    for (i, source) in sources.iter().enumerate() {
        if !reached.contains(&normalize(&source.dir)) {
            roots.push(i);
            reach(source, &mut reached);
        }
    }
    roots.sort_unstable();
    roots
}

/// The module `source` as an instance addressed `prefix…`, its variables `given` (the
/// values of a root's variable files, a child's arguments) or else their defaults.
fn instantiate(
    tree: &Rc<Tree>,
    source: Rc<Source>,
    prefix: String,
    mut given: HashMap<String, Result<Value, String>>,
    lineage: Lineage,
) -> Module {
    let mut module = Module::default();
    module.prefix = prefix;
    module.calls = Calls::new(tree.clone(), source.clone(), lineage);
    let empty = Module::default();
    for (name, default) in &source.variables {
        let value = match (given.remove(name), default) {
            (Some(value), _) => value,
            (None, Some(expr)) => empty
                .eval(expr, &Frame::default())
                .map_err(|e| e.reason().to_string()),
            (None, None) => Err("variable without a default".to_string()),
        };
        module.variables.insert(name.clone(), value);
    }
    for (name, expr) in &source.locals {
        module.locals.insert(name.clone(), expr.clone());
    }
    // Every resource is declared before any `count` is read; a count that refers to a
    // resource is unknown until plan.
    for r in &source.resources {
        module.resources.entry(r.kind.clone()).or_default().insert(
            r.name.clone(),
            Expansion::Unknown(format!(
                "`{}{}.{}` is counted at plan time",
                module.prefix, r.kind, r.name
            )),
        );
    }
    for r in &source.resources {
        let expansion = expand(&module, &r.block.body);
        module
            .resources
            .entry(r.kind.clone())
            .or_default()
            .insert(r.name.clone(), expansion);
    }
    module
}

/// The instances `count` or `for_each` of a resource or module block `body` make.
fn expand(module: &Module, body: &Body) -> Expansion {
    let attr = |name: &str| body.attributes().find(|a| a.key.as_str() == name);
    let text = |e: &hcl::Expression| hcl::format::to_string(e).unwrap_or_default();
    if let Some(count) = attr("count") {
        return match module.eval(&count.expr, &Frame::default()) {
            Ok(n) => match n.as_f64() {
                Some(n) if n >= 0.0 => Expansion::Count(n as usize),
                _ => Expansion::Unknown(format!("count = {} is `{n}`, not a number", text(&count.expr))),
            },
            Err(e) => Expansion::Unknown(format!("count = {}: {}", text(&count.expr), e.reason())),
        };
    }
    if let Some(each) = attr("for_each") {
        return match module.eval(&each.expr, &Frame::default()) {
            Ok(Value::Object(map)) => Expansion::Keys(map.into_iter().collect()),
            Ok(Value::Array(items)) => Expansion::Keys(
                items
                    .into_iter()
                    .filter_map(|v| eval::as_string(&v).ok().map(|k| (k, v)))
                    .collect(),
            ),
            Ok(other) => Expansion::Unknown(format!("for_each = {} is `{other}`", text(&each.expr))),
            Err(e) => Expansion::Unknown(format!("for_each = {}: {}", text(&each.expr), e.reason())),
        };
    }
    Expansion::One
}

/// The address and frame of each instance of `address` (`[0]`, `["a"]`), or why how
/// many there are is unknown.
fn instances(address: &str, expansion: &Expansion) -> Result<Vec<(String, Frame)>, String> {
    Ok(match expansion {
        Expansion::One => vec![(address.to_string(), Frame::default())],
        Expansion::Count(n) => (0..*n)
            .map(|i| {
                let frame = Frame {
                    count_index: Some(i),
                    ..Frame::default()
                };
                (format!("{address}[{i}]"), frame)
            })
            .collect(),
        Expansion::Keys(keys) => keys
            .iter()
            .map(|(k, v)| {
                let frame = Frame {
                    each: Some((k.clone(), v.clone())),
                    ..Frame::default()
                };
                (format!("{address}[\"{k}\"]"), frame)
            })
            .collect(),
        Expansion::Unknown(reason) => return Err(reason.clone()),
    })
}
