//! Terraform plans as `terraform show -json plan.out` writes them: a JSON object with
//! `format_version` and `planned_values` (or `resource_changes`).
//!
//! The resources are those of `planned_values` (the root module and its
//! `child_modules`), read by the same converters as `.tf` files, with their addresses
//! as ids (`module.net.aws_vpc.this`, `aws_vpc.multi[1]`). Values known only after
//! apply (`change.after_unknown`) are resolved through the `configuration`'s references
//! ([`references`]); what does not resolve is named, as for a `.tf` file.
//!
//! A plan has no declaration lines: a finding points at the line of the resource's
//! first `"address"` in the file, which is line 1 of the one-line JSON that Terraform
//! writes, and the resource's own line once the plan is pretty-printed (`jq .`).

mod body;
mod references;

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use cloudposture_core::Location;
use serde_json::{Map, Value};

use super::eval::{Frame, Module};
use super::resources;
use crate::FileError;
use crate::declared::Declared;
use crate::discover::io_error;
use body::{Builder, Exprs};
use references::{Index, Planned};

/// The plan `file`, or `None` when it is not a Terraform plan.
pub(crate) fn read(file: &Path) -> Result<Option<Declared>, FileError> {
    let text = fs::read_to_string(file).map_err(|e| io_error(file, &e))?;
    let display = file.display().to_string();
    let plan: Value = match serde_json::from_str(&text) {
        Ok(plan) => plan,
        Err(e) if looks_like_plan(&text) => {
            return Err(FileError {
                file: display,
                line: Some(e.line()),
                column: Some(e.column()),
                message: format!("not a valid Terraform plan: {}", strip_position(&e.to_string())),
            });
        }
        Err(_) => return Ok(None),
    };
    let Some(plan) = plan.as_object().filter(|p| is_plan(p)) else {
        return Ok(None);
    };
    let index = Index::new(
        planned(plan),
        plan.get("configuration").and_then(|c| c.get("root_module")),
    );
    let lines = address_lines(&text);
    let mut unit = Declared::new(display.clone());
    for r in &index.resources {
        let location = Location {
            file: display.clone(),
            line: lines.get(&r.address).copied().unwrap_or(1),
        };
        let mut builder = Builder {
            index: &index,
            module: &r.module,
            address: &r.address,
            scope: Module::default(),
        };
        let exprs = index.expressions(r).map_or(Exprs::Unknown, Exprs::Known);
        match builder.body(&r.values, &r.unknown, exprs, "") {
            Ok(body) => resources::declare(
                &r.kind,
                &r.address,
                &body,
                &Frame::default(),
                &builder.scope,
                &location,
                &mut unit,
            ),
            Err(why) => {
                resources::unresolved_kind(&r.kind, format!("{} ({location}): {why}", r.address), &mut unit);
            }
        }
    }
    Ok(Some(unit))
}

/// `format_version` with `planned_values` or `resource_changes`.
fn is_plan(plan: &Map<String, Value>) -> bool {
    plan.contains_key("format_version")
        && (plan.contains_key("planned_values") || plan.contains_key("resource_changes"))
}

fn looks_like_plan(text: &str) -> bool {
    text.contains("\"format_version\"")
        && (text.contains("\"planned_values\"") || text.contains("\"resource_changes\""))
}

/// The message of a JSON error without its ` at line L column C` (said apart).
pub(super) fn strip_position(message: &str) -> String {
    message
        .find(" at line ")
        .map_or(message, |at| &message[..at])
        .to_string()
}

/// The managed resources the plan leaves in place or creates, each with what is known
/// only after apply.
fn planned(plan: &Map<String, Value>) -> Vec<Planned> {
    let mut unknown: HashMap<&str, &Value> = HashMap::new();
    let changes = plan.get("resource_changes").and_then(Value::as_array);
    for change in changes.into_iter().flatten() {
        if let (Some(address), Some(after)) = (
            change.get("address").and_then(Value::as_str),
            change.get("change").and_then(|c| c.get("after_unknown")),
        ) {
            unknown.insert(address, after);
        }
    }
    let mut out = Vec::new();
    match plan.get("planned_values").and_then(|p| p.get("root_module")) {
        Some(root) => module_resources(root, "", &unknown, &mut out),
        // No planned values: what each change leaves (`after`), unless it deletes.
        None => {
            for change in changes.into_iter().flatten() {
                let after = change.get("change").and_then(|c| c.get("after"));
                if let Some(r) = after.and_then(|after| resource(change, after, &unknown)) {
                    out.push(r);
                }
            }
        }
    }
    out
}

/// The resources of a module of `planned_values`, then of its child modules.
fn module_resources(module: &Value, address: &str, unknown: &HashMap<&str, &Value>, out: &mut Vec<Planned>) {
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let values = r.get("values").unwrap_or(&Value::Null);
        if let Some(mut planned) = resource(r, values, unknown) {
            planned.module = address.to_string();
            out.push(planned);
        }
    }
    for child in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let address = child.get("address").and_then(Value::as_str).unwrap_or_default();
        module_resources(child, address, unknown, out);
    }
}

/// A managed resource with its `values` (`None` for a data source or a deletion).
fn resource(r: &Value, values: &Value, unknown: &HashMap<&str, &Value>) -> Option<Planned> {
    let text = |key: &str| r.get(key).and_then(Value::as_str).map(str::to_string);
    if r.get("mode").and_then(Value::as_str).unwrap_or("managed") != "managed" {
        return None;
    }
    let address = text("address")?;
    Some(Planned {
        unknown: unknown
            .get(address.as_str())
            .map_or(Value::Null, |u| (*u).clone()),
        module: text("module_address").unwrap_or_default(),
        kind: text("type")?,
        name: text("name")?,
        values: values.as_object()?.clone(),
        address,
    })
}

/// The line of the first `"address": "…"` of each address in the file.
fn address_lines(text: &str) -> HashMap<String, u32> {
    let mut lines = HashMap::new();
    let key = "\"address\"";
    let mut from = 0;
    // Newlines are counted once, up to each `"address"` in turn.
    let (mut line, mut counted) = (1, 0);
    while let Some(found) = text[from..].find(key) {
        let at = from + found;
        from = at + key.len();
        let Some(rest) = text[from..].trim_start().strip_prefix(':') else {
            continue;
        };
        if let Some(Ok(address)) = serde_json::Deserializer::from_str(rest)
            .into_iter::<String>()
            .next()
        {
            line += text.as_bytes()[counted..at]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            counted = at;
            lines
                .entry(address)
                .or_insert(u32::try_from(line).unwrap_or(u32::MAX));
        }
    }
    lines
}
