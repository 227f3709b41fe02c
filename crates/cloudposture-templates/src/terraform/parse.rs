//! The files of one module directory (`.tf` and `.tf.json`) parsed into what the module
//! declares: variables, locals, resources, module calls and outputs, each block with
//! its file and line.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use cloudposture_core::Location;
use hcl::{Block, BlockLabel, Body, Expression};

use super::eval::{Frame, Module};
use super::json;
use crate::FileError;
use crate::discover::io_error;
use crate::location::line_of_offset;
use crate::suppression::Ignore;

/// A `resource` block and where it is.
#[derive(Debug)]
pub(crate) struct Resource {
    pub kind: String,
    pub name: String,
    pub block: Block,
    pub location: Location,
}

/// A `module` block and where it is.
#[derive(Debug)]
pub(crate) struct Call {
    pub name: String,
    /// `source`, as written (Terraform takes a literal string only).
    pub source: String,
    pub body: Body,
    pub location: Location,
}

/// What the files of one module directory declare.
#[derive(Debug, Default)]
pub(crate) struct Source {
    /// The directory, as reached from the path given.
    pub dir: PathBuf,
    /// In order: the name and the `default`, if any.
    pub variables: Vec<(String, Option<Expression>)>,
    pub locals: Vec<(String, Expression)>,
    pub resources: Vec<Resource>,
    pub calls: Vec<Call>,
    /// By name: the `value`.
    pub outputs: HashMap<String, Expression>,
    /// How many of its files parsed.
    pub files_read: usize,
    /// The suppressions written in its comments.
    pub suppressions: Vec<Ignore>,
}

/// Parses `files`, the module of `dir`; files that do not parse are added to `errors`
/// (the rest of the module is still read: what refers into them comes out unresolved).
pub(crate) fn module(dir: &Path, files: &[PathBuf], errors: &mut Vec<FileError>) -> Source {
    let mut source = Source {
        dir: dir.to_path_buf(),
        ..Source::default()
    };
    for file in files {
        let Some(text) = read(file, errors) else {
            continue;
        };
        let Some((body, lines)) = parse_text(file, &text, errors) else {
            continue;
        };
        source.files_read += 1;
        let display = file.display().to_string();
        if !is_json(file) {
            let openers = ["#", "//"];
            crate::suppression::from_comments(&text, &display, &openers, &mut source.suppressions, errors);
        }
        for (block, &line) in body.blocks().zip(&lines) {
            let location = Location {
                file: display.clone(),
                line,
            };
            let attr = |name: &str| {
                block
                    .body
                    .attributes()
                    .find(|a| a.key.as_str() == name)
                    .map(|a| a.expr.clone())
            };
            let labels: Vec<&str> = block.labels.iter().map(label).collect();
            match (block.identifier.as_str(), labels.as_slice()) {
                ("variable", [name]) => source.variables.push((name.to_string(), attr("default"))),
                ("locals", _) => {
                    for a in block.body.attributes() {
                        source.locals.push((a.key.to_string(), a.expr.clone()));
                    }
                }
                ("output", [name]) => {
                    if let Some(value) = attr("value") {
                        source.outputs.insert(name.to_string(), value);
                    }
                }
                ("resource", [kind, name]) => source.resources.push(Resource {
                    kind: kind.to_string(),
                    name: name.to_string(),
                    block: block.clone(),
                    location,
                }),
                ("module", [name]) => source.calls.push(Call {
                    name: name.to_string(),
                    source: attr("source")
                        .and_then(|e| Module::default().eval(&e, &Frame::default()).ok())
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    body: block.body.clone(),
                    location,
                }),
                _ => {}
            }
        }
    }
    source
}

/// The `.tf` and `.tf.json` files of `dir`, sorted (none when it cannot be read).
pub(crate) fn module_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && crate::discover::is_tf(p))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The file's body and the line of each of its blocks, or `None` (and an error) when it
/// cannot be read or parsed: HCL, or Terraform JSON for a `.tf.json` file.
pub(crate) fn parse(file: &Path, errors: &mut Vec<FileError>) -> Option<(Body, Vec<u32>)> {
    parse_text(file, &read(file, errors)?, errors)
}

/// The variable values of the variable file `file` (`terraform.tfvars`, `--var-file`…):
/// JSON when its name ends in `.json`, as Terraform reads them, else HCL.
pub(crate) fn parse_var_file(file: &Path, errors: &mut Vec<FileError>) -> Option<Body> {
    if is_json(file) {
        return json::parse_vars(file, &read(file, errors)?, errors);
    }
    parse(file, errors).map(|(body, _)| body)
}

/// The text of `file`, or `None` (and an error) when it cannot be read.
fn read(file: &Path, errors: &mut Vec<FileError>) -> Option<String> {
    fs::read_to_string(file)
        .map_err(|e| errors.push(io_error(file, &e)))
        .ok()
}

/// Whether `file` is Terraform JSON (`.tf.json`, `.tfvars.json`).
fn is_json(file: &Path) -> bool {
    file.to_string_lossy().ends_with(".json")
}

/// [`parse`] of the text of `file`.
fn parse_text(file: &Path, text: &str, errors: &mut Vec<FileError>) -> Option<(Body, Vec<u32>)> {
    if is_json(file) {
        return json::parse(file, text, errors);
    }
    match hcl::edit::parser::parse_body(text) {
        Ok(body) => {
            // Lines come from the spans of the editable tree; the plain tree is read.
            let lines: Vec<u32> = body
                .iter()
                .filter_map(|s| s.as_block())
                .map(|b| {
                    hcl::edit::Span::span(b)
                        .map(|r| line_of_offset(text, r.start))
                        .unwrap_or(1)
                })
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
