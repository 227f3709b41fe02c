//! CloudFormation templates, YAML or JSON. The short intrinsic tags of YAML (`!Ref`,
//! `!GetAtt A.B`, `!Sub`…) are read as their long forms (`{"Ref": …}`,
//! `{"Fn::GetAtt": ["A", "B"]}`), so both formats are one JSON tree, resolved by
//! [`intrinsics`].

mod intrinsics;
mod resources;

use std::fs;
use std::path::Path;

use serde_json::{Map, Value};
use serde_norway::Value as Yaml;

use crate::FileError;
use crate::declared::Declared;
use crate::discover::io_error;
use crate::location::{json_key_line, yaml_resource_lines};

/// The template `file`, or `None` when it is not a CloudFormation template.
pub(crate) fn read(file: &Path) -> Result<Option<Declared>, FileError> {
    let text = fs::read_to_string(file).map_err(|e| io_error(file, &e))?;
    let display = file.display().to_string();
    let is_json = text.trim_start().starts_with('{');
    let parsed: Result<Value, (String, Option<usize>, Option<usize>)> = if is_json {
        serde_json::from_str::<Value>(&text).map_err(|e| (e.to_string(), Some(e.line()), Some(e.column())))
    } else {
        serde_norway::from_str::<Yaml>(&text)
            .map(|y| from_yaml(&y))
            .map_err(|e| {
                let at = e.location();
                (
                    e.to_string(),
                    at.as_ref().map(|l| l.line()),
                    at.as_ref().map(|l| l.column()),
                )
            })
    };
    let tree = match parsed {
        Ok(tree) => tree,
        // Any YAML or JSON that does not parse is only an error when it looks like a
        // template: a directory holds other YAML (CI, Helm charts) too.
        Err((message, line, column)) if looks_like_template(&text) => {
            return Err(FileError {
                file: display,
                line,
                column,
                message: format!(
                    "not a valid CloudFormation template: {}",
                    strip_position(&message)
                ),
            });
        }
        Err(_) => return Ok(None),
    };
    let Some(template) = tree.as_object().filter(|t| is_template(t)) else {
        return Ok(None);
    };
    let lines = if is_json {
        let ids = template
            .get("Resources")
            .and_then(Value::as_object)
            .map(|r| r.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        ids.into_iter()
            .filter_map(|id| json_key_line(&text, &id).map(|line| (id, line)))
            .collect()
    } else {
        yaml_resource_lines(&text)
    };
    let mut unit = resources::declare(template, &display, &lines);
    if !is_json {
        crate::suppression::from_comments(&text, &display, &["#"], &mut unit.suppressions, &mut unit.errors);
    }
    Ok(Some(unit))
}

fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion") || text.contains("AWS::")
}

/// `AWSTemplateFormatVersion`, or a `Resources` map with a type of `AWS::`.
fn is_template(template: &Map<String, Value>) -> bool {
    template.contains_key("AWSTemplateFormatVersion")
        || template
            .get("Resources")
            .and_then(Value::as_object)
            .is_some_and(|r| {
                r.values().any(|res| {
                    res.get("Type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.starts_with("AWS::"))
                })
            })
}

/// The message of a parser error without its ` at line L column C` (said apart).
fn strip_position(message: &str) -> String {
    let first = message.lines().next().unwrap_or_default();
    match first.find(" at line ") {
        Some(at) => first[..at].to_string(),
        None => first.to_string(),
    }
}

/// The YAML tree as JSON, short tags in their long forms.
fn from_yaml(yaml: &Yaml) -> Value {
    match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().map(Value::from).unwrap_or(Value::Null)
            }
        }
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(from_yaml).collect()),
        Yaml::Mapping(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = match from_yaml(k) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, from_yaml(v))
                })
                .collect(),
        ),
        Yaml::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let value = from_yaml(&tagged.value);
            let (key, value) = match (name, value) {
                ("Ref", v) => ("Ref".to_string(), v),
                ("Condition", v) => ("Condition".to_string(), v),
                ("GetAtt", Value::String(s)) => {
                    let parts = match s.split_once('.') {
                        Some((a, b)) => vec![Value::from(a), Value::from(b)],
                        None => vec![Value::from(s)],
                    };
                    ("Fn::GetAtt".to_string(), Value::Array(parts))
                }
                (other, v) => (format!("Fn::{other}"), v),
            };
            Value::Object(Map::from_iter([(key, value)]))
        }
    }
}
