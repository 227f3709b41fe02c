//! A planned resource's values as the HCL body the Terraform converters read: an
//! attribute per value, a nested block per object of a list of objects (`ingress`,
//! `metadata_options`), and for each value known only after apply either what its
//! references resolve to or an expression that evaluates to "unknown" with the reason.
//!
//! That expression is a traversal spelled as the reference (`data.aws_vpc.shared.id`)
//! whose root the module records as a resource of unknown expansion, so that the
//! converters' usual message reads `vpc_id = data.aws_vpc.shared.id cannot be resolved
//! (why)`, exactly as for a `.tf` file. A value known only after apply that the
//! configuration does not set is left out, as in a `.tf` file (the provider computes
//! it: a group's `ingress` when its rules are resources of their own).

use hcl::expr::{ObjectKey, Traversal, TraversalOperator, Variable};
use hcl::{Attribute, Block, Body, Expression, Identifier};
use serde_json::{Map, Value};

use super::references::{Index, Unresolved};
use crate::terraform::eval::{Expansion, Module};

/// What the configuration says of one body.
#[derive(Clone, Copy)]
pub(super) enum Exprs<'a> {
    /// Not known (no configuration, or a block among several of its name, which the
    /// plan orders otherwise): every value may be set there, none resolves.
    Unknown,
    /// The body's expressions, by attribute (a nested block: a list of bodies).
    Known(&'a Map<String, Value>),
}

/// Builds bodies of one resource instance, and the module their expressions evaluate in.
pub(super) struct Builder<'i, 'a> {
    pub index: &'i Index<'a>,
    /// The module instance of the resource.
    pub module: &'i str,
    /// Its address, to name a value the configuration gives no reference for.
    pub address: &'i str,
    /// Where the unresolved references are recorded.
    pub scope: Module,
}

impl Builder<'_, '_> {
    /// The body of `values`, or why the resource cannot be read at all (nested blocks
    /// that are known only after apply).
    pub fn body(
        &mut self,
        values: &Map<String, Value>,
        unknown: &Value,
        exprs: Exprs<'_>,
        path: &str,
    ) -> Result<Body, String> {
        let mut body = Body::builder();
        let mut keys: Vec<&String> = values.keys().collect();
        if let Some(unknown) = unknown.as_object() {
            keys.extend(unknown.keys().filter(|k| !values.contains_key(*k)));
        }
        for key in keys {
            let value = values.get(key).unwrap_or(&Value::Null);
            let unknown = unknown.get(key).unwrap_or(&Value::Bool(false));
            let expr = match exprs {
                Exprs::Known(map) => map.get(key),
                Exprs::Unknown => None,
            };
            if let Some(items) = blocks(value)
                && unknown != &Value::Bool(true)
            {
                let nested: Vec<&Map<String, Value>> = match expr.and_then(Value::as_array) {
                    Some(configured) => configured.iter().filter_map(Value::as_object).collect(),
                    None => Vec::new(),
                };
                let unset = Map::new();
                for (i, item) in items.iter().enumerate() {
                    // Blocks are matched to their configuration only when there is one:
                    // the plan orders a set of blocks its own way.
                    let exprs = match (exprs, expr, nested.as_slice(), items.len()) {
                        (Exprs::Known(_), None, ..) => Exprs::Known(&unset),
                        (_, _, [only], 1) => Exprs::Known(only),
                        _ => Exprs::Unknown,
                    };
                    let inner = self.body(
                        item,
                        unknown.get(i).unwrap_or(&Value::Null),
                        exprs,
                        &format!("{path}{key}[{i}]."),
                    )?;
                    body = body.add_block(Block {
                        identifier: Identifier::unchecked(key),
                        labels: Vec::new(),
                        body: inner,
                    });
                }
                continue;
            }
            if !has_unknown(unknown) {
                // The AWS provider stores an unset string as `""`: unset, as in a `.tf`.
                let value = if value.as_str() == Some("") {
                    &Value::Null
                } else {
                    value
                };
                body = body.add_attribute(attribute(key, expression(&self.index.addressed(value))));
                continue;
            }
            let configured = matches!(exprs, Exprs::Unknown) || expr.is_some();
            if !configured {
                continue;
            }
            if expr.is_some_and(Value::is_array) {
                return Err(format!(
                    "{path}{key} is known only after apply: what its blocks say cannot be judged"
                ));
            }
            let resolved = match (expr, unknown, value) {
                (Some(expr), Value::Bool(true), _) => self.index.resolve(self.module, expr, 0),
                // `[aws_security_group.x.id]`: a list of one value known after apply.
                (Some(expr), Value::Array(flags), Value::Array(items))
                    if flags.len() == 1 && flags[0] == Value::Bool(true) && items.len() == 1 =>
                {
                    self.index
                        .resolve(self.module, expr, 0)
                        .map(|v| Value::Array(vec![v]))
                }
                _ => Err(Unresolved {
                    shown: String::new(),
                    reason: "partly known only after apply".to_string(),
                }),
            };
            let expr = match resolved {
                Ok(value) => expression(&value),
                Err(e) => self.unknown(e, &format!("{path}{key}")),
            };
            body = body.add_attribute(attribute(key, expr));
        }
        Ok(body.build())
    }

    /// An expression shown as the reference `e` names, which evaluates to unknown with
    /// its reason.
    fn unknown(&mut self, e: Unresolved, key: &str) -> Expression {
        let own = format!("{}.{key}", self.address);
        let split = |shown: &str| {
            shown
                .rsplit_once('.')
                .map(|(root, last)| (root.to_string(), last.to_string()))
        };
        let (root, last) = match split(&e.shown) {
            // A root the evaluator reads itself (`count.index`) names the attribute.
            Some((root, _))
                if ["count", "each", "self", "path", "terraform", "data", "module"]
                    .contains(&root.as_str()) =>
            {
                split(&own)
            }
            Some(parts) => Some(parts),
            None => split(&own),
        }
        .unwrap_or_else(|| (own.clone(), "value".to_string()));
        match root.as_str() {
            "var" => {
                self.scope.variables.insert(last.clone(), Err(e.reason));
            }
            "local" => {
                let inner = self.traversal(&format!("local.{last}"), "value", e.reason);
                self.scope.locals.insert(last.clone(), inner);
            }
            _ => return self.traversal(&root, &last, e.reason),
        }
        Expression::from(Traversal::new(
            Variable::unchecked(root),
            [TraversalOperator::GetAttr(Identifier::unchecked(last))],
        ))
    }

    /// `root.last`, which evaluates to unknown because of `reason`: `root` stands for a
    /// resource of the module whose instances are unknown.
    fn traversal(&mut self, root: &str, last: &str, reason: String) -> Expression {
        self.scope
            .resources
            .entry(root.to_string())
            .or_default()
            .insert(last.to_string(), Expansion::Unknown(reason));
        Expression::from(Traversal::new(
            Variable::unchecked(root),
            [TraversalOperator::GetAttr(Identifier::unchecked(last))],
        ))
    }
}

fn attribute(key: &str, expr: Expression) -> Attribute {
    Attribute {
        key: Identifier::unchecked(key),
        expr,
    }
}

/// The objects of a non-empty list of objects: nested blocks.
fn blocks(value: &Value) -> Option<Vec<&Map<String, Value>>> {
    let items = value.as_array().filter(|items| !items.is_empty())?;
    items.iter().map(Value::as_object).collect()
}

/// Whether `after_unknown` marks anything unknown in a value.
fn has_unknown(unknown: &Value) -> bool {
    match unknown {
        Value::Bool(b) => *b,
        Value::Array(items) => items.iter().any(has_unknown),
        Value::Object(map) => map.values().any(has_unknown),
        _ => false,
    }
}

/// A JSON value as the HCL expression of the same value.
fn expression(value: &Value) -> Expression {
    match value {
        Value::Null => Expression::Null,
        Value::Bool(b) => Expression::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map(Expression::from)
            .or_else(|| n.as_f64().map(Expression::from))
            .unwrap_or(Expression::Null),
        Value::String(s) => Expression::String(s.clone()),
        Value::Array(items) => Expression::Array(items.iter().map(expression).collect()),
        Value::Object(map) => Expression::Object(
            map.iter()
                .map(|(k, v)| {
                    (
                        ObjectKey::Expression(Expression::String(k.clone())),
                        expression(v),
                    )
                })
                .collect(),
        ),
    }
}
