//! Terraform's JSON syntax (`*.tf.json`), read as the HCL tree the same module would
//! have in `.tf` files, so that everything after parsing is one code path.
//!
//! `{"resource": {"aws_vpc": {"main": {…}}}}` is the block `resource "aws_vpc" "main"`;
//! a string is a template (`"${aws_vpc.main.id}"`) except in a `variable` block, where
//! values are literal, as Terraform reads them. Without the provider's schema a JSON
//! object (or a list of objects) inside a block may be a nested block (`ingress`,
//! `metadata_options`) or a map attribute (`tags`): it is given as both, and each
//! reader takes the form it expects. `dynamic` is a block labelled by its key, as in HCL.
//!
//! The line of a block is the line of its last label's key (`"main"` under `"aws_vpc"`
//! under `"resource"`), found by a scan of the text for each key after the one before
//! ([`json_path_line`]); the first line when the scan finds none.

use std::path::Path;

use hcl::expr::{Expression, ObjectKey, TemplateExpr};
use hcl::{Attribute, Block, Body};
use serde_json::{Map, Value};

use crate::FileError;
use crate::location::json_path_line;

/// The top-level blocks and how many labels each has.
const BLOCKS: [(&str, usize); 8] = [
    ("resource", 2),
    ("data", 2),
    ("module", 1),
    ("variable", 1),
    ("output", 1),
    ("provider", 1),
    ("locals", 0),
    ("terraform", 0),
];

/// The body of the JSON file `text` and the line of each of its blocks, or `None` (and
/// an error naming the file, line and column) when it is not Terraform JSON.
pub(super) fn parse(file: &Path, text: &str, errors: &mut Vec<FileError>) -> Option<(Body, Vec<u32>)> {
    let top = object(file, text, "not Terraform JSON", errors)?;
    let mut blocks = Vec::new();
    let mut lines = Vec::new();
    for (identifier, labels) in BLOCKS {
        let Some(value) = top.get(identifier) else {
            continue;
        };
        let mut found = Vec::new();
        labelled(value, labels, &mut Vec::new(), &mut found);
        for (labels, map) in found {
            let mut path = vec![identifier];
            path.extend(labels.iter().map(String::as_str));
            lines.push(json_path_line(text, &path).unwrap_or(1));
            let block = Block::builder(identifier)
                .add_labels(labels)
                .add_structures(body(map, identifier == "variable"))
                .build();
            blocks.push(block);
        }
    }
    Some((Body::builder().add_blocks(blocks).build(), lines))
}

/// The variable values of a `.tfvars.json` file (`{"name": value}`, read literally, as
/// Terraform reads them), or `None` (and an error naming the file, line and column).
pub(super) fn parse_vars(file: &Path, text: &str, errors: &mut Vec<FileError>) -> Option<Body> {
    let top = object(file, text, "not a variable file", errors)?;
    let attributes = top
        .iter()
        .filter(|(k, _)| !is_comment(k))
        .map(|(key, value)| Attribute::new(key.as_str(), expression(value, true)));
    Some(Body::builder().add_attributes(attributes).build())
}

/// The JSON object of `text`, or `None` and an error naming the file, line and column
/// (`what` says what the file is not, when it is JSON but not an object).
fn object(file: &Path, text: &str, what: &str, errors: &mut Vec<FileError>) -> Option<Map<String, Value>> {
    let error = |line, column, message: String| FileError {
        file: file.display().to_string(),
        line: Some(line),
        column: Some(column),
        message,
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(top)) => Some(top),
        Ok(_) => {
            errors.push(error(1, 1, format!("{what}: the file is not a JSON object")));
            None
        }
        Err(e) => {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or_default();
            errors.push(error(e.line(), e.column(), format!("not valid JSON: {message}")));
            None
        }
    }
}

/// The objects `depth` keys below `value` (an object, or a list of objects at any
/// level, as Terraform allows), with those keys.
fn labelled<'v>(
    value: &'v Value,
    depth: usize,
    labels: &mut Vec<String>,
    found: &mut Vec<(Vec<String>, &'v Map<String, Value>)>,
) {
    match value {
        Value::Array(items) => {
            for item in items {
                labelled(item, depth, labels, found);
            }
        }
        Value::Object(map) if depth == 0 => found.push((labels.clone(), map)),
        Value::Object(map) => {
            for (key, inner) in map.iter().filter(|(k, _)| !is_comment(k)) {
                labels.push(key.clone());
                labelled(inner, depth - 1, labels, found);
                labels.pop();
            }
        }
        _ => {}
    }
}

/// The attributes and nested blocks of one block's object.
fn body(map: &Map<String, Value>, literal: bool) -> Body {
    let mut out = Body::builder();
    for (key, value) in map.iter().filter(|(k, _)| !is_comment(k)) {
        if key == "dynamic" {
            let mut found = Vec::new();
            labelled(value, 1, &mut Vec::new(), &mut found);
            for (labels, inner) in found {
                out = out.add_block(
                    Block::builder("dynamic")
                        .add_labels(labels)
                        .add_structures(body(inner, literal))
                        .build(),
                );
            }
            continue;
        }
        out = out.add_attribute(Attribute::new(key.as_str(), expression(value, literal)));
        let nested: Vec<&Map<String, Value>> = match value {
            Value::Object(inner) => vec![inner],
            Value::Array(items) if !items.is_empty() => {
                let objects: Vec<_> = items.iter().filter_map(Value::as_object).collect();
                if objects.len() == items.len() {
                    objects
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        };
        for inner in nested {
            out = out.add_block(
                Block::builder(key.as_str())
                    .add_structures(body(inner, literal))
                    .build(),
            );
        }
    }
    out.build()
}

/// A JSON value as the expression it stands for.
fn expression(value: &Value, literal: bool) -> Expression {
    match value {
        Value::Null => Expression::Null,
        Value::Bool(b) => Expression::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map(hcl::Number::from)
            .or_else(|| n.as_f64().and_then(hcl::Number::from_f64))
            .map_or(Expression::Null, Expression::Number),
        Value::String(s) if !literal && (s.contains("${") || s.contains("%{")) => {
            // A quoted template's text is read with HCL's escapes: keep backslashes and
            // quotes as they are in the decoded JSON string.
            let raw = s.replace('\\', "\\\\").replace('"', "\\\"");
            Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(raw)))
        }
        Value::String(s) => Expression::String(s.clone()),
        Value::Array(items) => Expression::Array(items.iter().map(|v| expression(v, literal)).collect()),
        Value::Object(map) => Expression::Object(
            map.iter()
                .filter(|(k, _)| !is_comment(k))
                .map(|(k, v)| {
                    (
                        ObjectKey::Expression(Expression::String(k.clone())),
                        expression(v, literal),
                    )
                })
                .collect(),
        ),
    }
}

/// `"//"` keys are comments in Terraform JSON.
fn is_comment(key: &str) -> bool {
    key == "//"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_labels_lines_and_templates() {
        let text = r#"{
  "resource": {
    "aws_flow_log": {
      "main": {"vpc_id": "${aws_vpc.main.id}", "traffic_type": "ALL"}
    },
    "aws_vpc": {
      "main": {
        "cidr_block": "10.0.0.0/16",
        "tags": {"Name": "main"}
      }
    }
  },
  "variable": {"v": {"default": "${not.a.template}"}}
}"#;
        let mut errors = Vec::new();
        let (body, lines) = parse(Path::new("x.tf.json"), text, &mut errors).unwrap();
        assert!(errors.is_empty());
        let blocks: Vec<String> = body
            .blocks()
            .map(|b| {
                let labels: Vec<&str> = b.labels.iter().map(hcl::BlockLabel::as_str).collect();
                format!("{} {}", b.identifier.as_str(), labels.join("."))
            })
            .collect();
        assert_eq!(
            blocks,
            [
                "resource aws_flow_log.main",
                "resource aws_vpc.main",
                "variable v"
            ]
        );
        assert_eq!(lines, [4, 7, 13]);
        let flow = body.blocks().next().unwrap();
        let vpc_id = flow
            .body
            .attributes()
            .find(|a| a.key.as_str() == "vpc_id")
            .unwrap();
        assert!(matches!(vpc_id.expr, Expression::TemplateExpr(_)));
        let default = body.blocks().nth(2).unwrap().body.attributes().next().unwrap();
        assert_eq!(default.expr, Expression::String("${not.a.template}".to_string()));
        let vpc = body.blocks().nth(1).unwrap();
        assert!(
            vpc.body.blocks().any(|b| b.identifier.as_str() == "tags"),
            "a map is a block too"
        );
    }

    #[test]
    fn bad_json_is_one_line_with_its_place() {
        let mut errors = Vec::new();
        assert!(parse(Path::new("x.tf.json"), "{\n \"resource\": [\n}", &mut errors).is_none());
        let e = errors[0].to_string();
        assert!(e.starts_with("x.tf.json:3:1: not valid JSON: "), "{e}");
        assert!(!e.contains(" at line "), "{e}");
    }
}
