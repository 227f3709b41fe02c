//! Terraform modules: the `.tf` files of one directory, their variables (defaults, then
//! `terraform.tfvars`, `*.auto.tfvars` and the `--var-file`s), locals and resources,
//! each `count` or `for_each` instance a resource of its own address.

mod eval;
mod plan;
mod resources;

use std::fs;
use std::path::{Path, PathBuf};

use cloudposture_core::Location;
use hcl::edit::Span;
use hcl::{Block, BlockLabel, Body};
use serde_json::Value;

use crate::FileError;
use crate::declared::Declared;
use crate::discover::{Module as Dir, io_error};
use crate::location::line_of_offset;
use eval::{Expansion, Frame, Module};
pub(crate) use plan::read as read_plan;

/// A `resource` block and where it is.
struct Resource {
    kind: String,
    name: String,
    block: Block,
    location: Location,
}

/// What the module `dir` declares; files that do not parse are added to `errors` (the
/// rest of the module is still read: what refers into them comes out unresolved).
pub(crate) fn read(dir: &Dir, var_files: &[PathBuf], errors: &mut Vec<FileError>) -> Declared {
    let mut unit = Declared::new(dir.dir.display().to_string());
    let mut module = Module::default();
    let mut resources = Vec::new();
    let mut defaults = Vec::new();
    for file in &dir.files {
        let Some((body, lines)) = parse(file, errors) else {
            continue;
        };
        let display = file.display().to_string();
        for (block, &line) in body.blocks().zip(&lines) {
            let labels: Vec<&str> = block.labels.iter().map(label).collect();
            match (block.identifier.as_str(), labels.as_slice()) {
                ("variable", [name]) => {
                    defaults.push((
                        name.to_string(),
                        block
                            .body
                            .attributes()
                            .find(|a| a.key.as_str() == "default")
                            .map(|a| a.expr.clone()),
                    ));
                }
                ("locals", _) => {
                    for attr in block.body.attributes() {
                        module.locals.insert(attr.key.to_string(), attr.expr.clone());
                    }
                }
                ("resource", [kind, name]) => resources.push(Resource {
                    kind: kind.to_string(),
                    name: name.to_string(),
                    block: block.clone(),
                    location: Location {
                        file: display.clone(),
                        line,
                    },
                }),
                ("module", [name]) => {
                    let source = block
                        .body
                        .attributes()
                        .find(|a| a.key.as_str() == "source")
                        .and_then(|a| module.eval(&a.expr, &Frame::default()).ok())
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    unit.notes.push(format!(
                        "module.{name} ({display}:{line}): module `{source}` is not examined (modules, local or not, are not read in this release)"
                    ));
                }
                _ => {}
            }
        }
    }
    let empty = Module::default();
    for (name, default) in defaults {
        let value = match default {
            Some(expr) => empty
                .eval(&expr, &Frame::default())
                .map_err(|e| e.reason().to_string()),
            None => Err("variable without a default".to_string()),
        };
        module.variables.insert(name, value);
    }
    for file in dir.var_files.iter().chain(var_files) {
        let Some((body, _)) = parse(file, errors) else {
            continue;
        };
        for attr in body.attributes() {
            if let Ok(value) = empty.eval(&attr.expr, &Frame::default())
                && module.variables.contains_key(attr.key.as_str())
            {
                module.variables.insert(attr.key.to_string(), Ok(value));
            }
        }
    }
    // Every resource is declared before any `count` is read; a count that refers to a
    // resource is unknown until plan.
    for r in &resources {
        module.resources.entry(r.kind.clone()).or_default().insert(
            r.name.clone(),
            Expansion::Unknown(format!("`{}.{}` is counted at plan time", r.kind, r.name)),
        );
    }
    for r in &resources {
        let expansion = expand(&module, r);
        module
            .resources
            .entry(r.kind.clone())
            .or_default()
            .insert(r.name.clone(), expansion);
    }
    for r in &resources {
        let address = format!("{}.{}", r.kind, r.name);
        let instances: Vec<(String, Frame)> = match module.resources.get(&r.kind).and_then(|m| m.get(&r.name))
        {
            Some(Expansion::One) | None => vec![(address, Frame::default())],
            Some(Expansion::Count(n)) => (0..*n)
                .map(|i| {
                    (
                        format!("{address}[{i}]"),
                        Frame {
                            count_index: Some(i),
                            each: None,
                        },
                    )
                })
                .collect(),
            Some(Expansion::Keys(keys)) => keys
                .iter()
                .map(|(k, v)| {
                    (
                        format!("{address}[\"{k}\"]"),
                        Frame {
                            count_index: None,
                            each: Some((k.clone(), v.clone())),
                        },
                    )
                })
                .collect(),
            Some(Expansion::Unknown(reason)) => {
                let message = format!(
                    "{address} ({}): how many instances it has cannot be resolved ({reason})",
                    r.location
                );
                resources::unresolved_kind(&r.kind, message, &mut unit);
                continue;
            }
        };
        for (address, frame) in instances {
            resources::declare(
                &r.kind,
                &address,
                &r.block.body,
                &frame,
                &module,
                &r.location,
                &mut unit,
            );
        }
    }
    unit
}

/// The instances `count` or `for_each` make.
fn expand(module: &Module, r: &Resource) -> Expansion {
    let attr = |name: &str| r.block.body.attributes().find(|a| a.key.as_str() == name);
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

/// The file's body and the line of each of its blocks, or `None` (and an error) when it
/// cannot be read or parsed.
fn parse(file: &Path, errors: &mut Vec<FileError>) -> Option<(Body, Vec<u32>)> {
    let text = match fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            errors.push(io_error(file, &e));
            return None;
        }
    };
    match hcl::edit::parser::parse_body(&text) {
        Ok(body) => {
            // Lines come from the spans of the editable tree; the plain tree is read.
            let lines: Vec<u32> = body
                .iter()
                .filter_map(|s| s.as_block())
                .map(|b| b.span().map(|r| line_of_offset(&text, r.start)).unwrap_or(1))
                .collect();
            Some((body.into(), lines))
        }
        Err(e) => {
            errors.push(FileError {
                file: file.display().to_string(),
                line: Some(e.location().line()),
                column: Some(e.location().column()),
                message: format!("not valid HCL: {}", e.message()),
            });
            None
        }
    }
}

fn label(l: &BlockLabel) -> &str {
    match l {
        BlockLabel::Identifier(id) => id.as_str(),
        BlockLabel::String(s) => s.as_str(),
    }
}
