//! Values known only after apply, resolved through the plan's `configuration`: the
//! references Terraform records for each expression (`["aws_vpc.main.id",
//! "aws_vpc.main"]`), followed through module inputs (`var.x` of a child module: the
//! `module` block's expression in its parent) and outputs (`module.net.vpc_id`: the
//! output's expression in the child), down to a resource of the plan.
//!
//! Only ids resolve (`.id`, and the `default_security_group_id` /
//! `default_network_acl_id` AWS creates with a VPC): a resource's id in a plan is its
//! address, whatever value AWS will give it. Any other attribute known only after apply
//! stays unknown, since its value is not in the plan.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

/// A resource instance of the plan, as `planned_values` gives it.
#[derive(Debug)]
pub(super) struct Planned {
    /// `module.net.aws_vpc.this`, `aws_vpc.multi[1]`.
    pub address: String,
    /// The module instance it is in: `""` (the root), `module.net`.
    pub module: String,
    /// Its type, `aws_vpc`.
    pub kind: String,
    /// Its name in the module, `this`.
    pub name: String,
    pub values: Map<String, Value>,
    /// `change.after_unknown` of its change: `true` where a value is known only after
    /// apply.
    pub unknown: Value,
}

/// Why a value known only after apply has no value here: the reference it comes from
/// (as written in the configuration), and why that does not resolve.
#[derive(Debug, Clone)]
pub(super) struct Unresolved {
    pub shown: String,
    pub reason: String,
}

fn unresolved(shown: &str, reason: impl Into<String>) -> Unresolved {
    Unresolved {
        shown: shown.to_string(),
        reason: reason.into(),
    }
}

/// The resources of a plan and its configuration, to resolve references against.
#[derive(Debug, Default)]
pub(super) struct Index<'a> {
    pub resources: Vec<Planned>,
    by_address: HashMap<String, usize>,
    /// Addresses of the module instances of the plan (`module.net`, `module.net[0]`).
    modules: BTreeSet<String>,
    /// `configuration.root_module`, when the plan has one.
    config: Option<&'a Value>,
    /// Known ids (of resources the plan updates) → the address of their resource.
    ids: HashMap<String, String>,
}

/// Follows at most this many references through modules (a loop is a broken plan).
const MAX_DEPTH: usize = 32;

impl<'a> Index<'a> {
    pub fn new(resources: Vec<Planned>, config: Option<&'a Value>) -> Self {
        let mut index = Index {
            config,
            ..Index::default()
        };
        for (i, r) in resources.iter().enumerate() {
            index.by_address.insert(r.address.clone(), i);
            let mut module = r.module.as_str();
            while !module.is_empty() {
                index.modules.insert(module.to_string());
                module = parent(module);
            }
            for (attr, suffix) in [
                ("id", None),
                ("default_security_group_id", Some(".default_security_group_id")),
                ("default_network_acl_id", Some(".default_network_acl_id")),
            ] {
                if let Some(id) = r.values.get(attr).and_then(Value::as_str) {
                    index
                        .ids
                        .insert(id.to_string(), format!("{}{}", r.address, suffix.unwrap_or("")));
                }
            }
        }
        index.resources = resources;
        index
    }

    /// `value` with every id of a resource of the plan replaced by its address, as the
    /// rules match ids (a flow log's `vpc_id` = the VPC's id).
    pub fn addressed(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.ids.get(s).cloned().unwrap_or_else(|| s.clone())),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.addressed(v)).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), self.addressed(v))).collect())
            }
            other => other.clone(),
        }
    }

    /// The configuration of the resource `r`: its `expressions`, or `None` when the plan
    /// has no configuration for it.
    pub fn expressions(&self, r: &Planned) -> Option<&'a Map<String, Value>> {
        let module = self.config_module(&r.module)?;
        let relative = format!("{}.{}", r.kind, r.name);
        module
            .get("resources")?
            .as_array()?
            .iter()
            .find(|c| {
                c.get("address").and_then(Value::as_str) == Some(relative.as_str())
                    && c.get("mode").and_then(Value::as_str).unwrap_or("managed") == "managed"
            })?
            .get("expressions")?
            .as_object()
    }

    /// The configuration of the module instance `module` (`""`: the root).
    fn config_module(&self, module: &str) -> Option<&'a Value> {
        let mut config = self.config?;
        for name in module_names(module) {
            config = config.get("module_calls")?.get(name)?.get("module")?;
        }
        Some(config)
    }

    /// The value of the configuration expression `expression` (`{"references": […]}`
    /// or `{"constant_value": …}`) of a resource or module in `module`.
    pub fn resolve(&self, module: &str, expression: &Value, depth: usize) -> Result<Value, Unresolved> {
        if let Some(constant) = expression.get("constant_value") {
            return Ok(self.addressed(constant));
        }
        let references: Vec<&str> = expression
            .get("references")
            .and_then(Value::as_array)
            .map(|refs| refs.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        // Terraform lists each reference with its prefixes (`aws_vpc.main.id`,
        // `aws_vpc.main`): the longest ones say what is used.
        let used: Vec<&str> = references
            .iter()
            .copied()
            .filter(|r| {
                !references.iter().any(|o| {
                    o.len() > r.len() && o.starts_with(r) && matches!(o.as_bytes()[r.len()], b'.' | b'[')
                })
            })
            .collect();
        match used.as_slice() {
            [] => Err(unresolved(
                "",
                "known only after apply, and the plan's configuration names no reference for it",
            )),
            [one] => self.reference(module, one, depth),
            several => Err(unresolved(
                &several.join(", "),
                format!(
                    "it is computed from {} values; which it is, the plan does not say",
                    several.len()
                ),
            )),
        }
    }

    /// The value of `reference` (`aws_vpc.main.id`, `var.vpc_id`, `module.net.vpc_id`)
    /// in `module`.
    fn reference(&self, module: &str, reference: &str, depth: usize) -> Result<Value, Unresolved> {
        if depth > MAX_DEPTH {
            return Err(unresolved(reference, "references loop through modules"));
        }
        let steps = split(reference);
        let step = |i: usize| steps.get(i).map(String::as_str).unwrap_or_default();
        match step(0) {
            "var" if module.is_empty() => Err(unresolved(
                reference,
                format!("the plan gives no value of `{reference}`"),
            )),
            "var" => {
                let call = module_names(module).last().copied().unwrap_or_default();
                let parent_module = parent(module);
                let given = self
                    .config_module(parent_module)
                    .and_then(|c| c.get("module_calls")?.get(call)?.get("expressions")?.get(step(1)));
                match given {
                    Some(expression) => self
                        .resolve(parent_module, expression, depth + 1)
                        .map_err(|e| shown_or(e, reference)),
                    None => Err(unresolved(
                        reference,
                        format!("`{module}` is given no `{}` in the plan's configuration", step(1)),
                    )),
                }
            }
            "local" => Err(unresolved(
                reference,
                "the plan's configuration does not record what locals are",
            )),
            "data" => Err(unresolved(
                reference,
                format!(
                    "`data.{}.{}` is read only when the plan is applied",
                    step(1),
                    step(2)
                ),
            )),
            "module" => {
                let child = join(module, &format!("module.{}", step(1)));
                if !self.modules.contains(&child) {
                    return Err(unresolved(
                        reference,
                        format!("`{child}` is not one module instance of the plan"),
                    ));
                }
                let output = self
                    .config_module(&child)
                    .and_then(|c| c.get("outputs")?.get(step(2))?.get("expression"));
                match output {
                    Some(expression) => self
                        .resolve(&child, expression, depth + 1)
                        .map_err(|e| shown_or(e, reference)),
                    None => Err(unresolved(
                        reference,
                        format!(
                            "`{child}` has no output `{}` in the plan's configuration",
                            step(2)
                        ),
                    )),
                }
            }
            "count" | "each" | "self" | "path" | "terraform" => Err(unresolved(
                reference,
                "it depends on which instance uses it, which the plan's configuration does not say",
            )),
            kind => {
                let address = join(module, &format!("{kind}.{}", step(1)));
                if !self.by_address.contains_key(&address) {
                    let several = self.by_address.keys().any(|a| {
                        a.strip_prefix(address.as_str())
                            .is_some_and(|r| r.starts_with('['))
                    });
                    return Err(unresolved(
                        reference,
                        if several {
                            format!("`{address}` has several instances; which one, the plan does not say")
                        } else {
                            format!("`{address}` is not in the plan")
                        },
                    ));
                }
                match (step(2), steps.len()) {
                    ("" | "id", ..=3) => Ok(Value::from(address)),
                    ("default_security_group_id" | "default_network_acl_id", 3) => {
                        Ok(Value::from(format!("{address}.{}", step(2))))
                    }
                    _ => Err(unresolved(
                        reference,
                        format!("`{reference}` is known only after apply"),
                    )),
                }
            }
        }
    }
}

/// The unresolved reason of a deeper reference, shown as the reference written here
/// when the deeper one names none.
fn shown_or(mut e: Unresolved, reference: &str) -> Unresolved {
    if e.shown.is_empty() {
        e.shown = reference.to_string();
    }
    e
}

/// `module` and `child` joined into one address.
fn join(module: &str, child: &str) -> String {
    if module.is_empty() {
        child.to_string()
    } else {
        format!("{module}.{child}")
    }
}

/// The module instance that calls `module` (`module.a.module.b` → `module.a`).
pub(super) fn parent(module: &str) -> &str {
    module.rfind(".module.").map_or("", |at| &module[..at])
}

/// The call names of a module instance address: `module.a[0].module.b` → `a[0]`, `b`.
fn module_names(module: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = module;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find(".module.").unwrap_or(after.len());
        names.push(&after[..end]);
        rest = after.get(end + 1..).unwrap_or_default();
    }
    names.into_iter().map(|n| split_index(n).0).collect()
}

/// `name[0]` → (`name`, `[0]`).
fn split_index(step: &str) -> (&str, &str) {
    step.find('[').map_or((step, ""), |at| step.split_at(at))
}

/// The steps of an address or reference, split on the dots outside `[…]` and quotes:
/// `aws_vpc.by_key["a.b"].id` → `aws_vpc`, `by_key["a.b"]`, `id`.
fn split(text: &str) -> Vec<String> {
    let mut steps = vec![String::new()];
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            '.' if !quoted && depth == 0 => {
                steps.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = steps.last_mut() {
            last.push(c);
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_outside_brackets_and_quotes() {
        assert_eq!(
            split(r#"aws_vpc.by_key["a.b"].id"#),
            ["aws_vpc", r#"by_key["a.b"]"#, "id"]
        );
        assert_eq!(module_names("module.a[0].module.b"), ["a", "b"]);
        assert_eq!(parent("module.a[0].module.b"), "module.a[0]");
        assert_eq!(parent("module.a"), "");
    }
}
