//! `dynamic "ingress" { for_each = …; iterator = …; content { … } }`: one `ingress`
//! block per element of `for_each`, its `content` read with the iterator (`ingress`, or
//! the name `iterator` gives) bound to the element: `.key` is a map's key or a list's
//! index, `.value` the element. A `for_each` that does not resolve leaves the resource
//! unresolved, named as any other value.

use std::borrow::Cow;

use hcl::{Block, Body, Expression};
use serde_json::Value;

use super::Attrs;
use crate::terraform::eval::Frame;

/// Whether `block` is `dynamic "name"`.
pub(super) fn is_dynamic(block: &Block, name: &str) -> bool {
    block.identifier.as_str() == "dynamic" && block.labels.first().is_some_and(|l| l.as_str() == name)
}

impl<'a> Attrs<'a> {
    /// The `content` of the `dynamic "name"` block `block` for each element, with its
    /// frame.
    pub(super) fn dynamic(
        &self,
        block: &'a Block,
        name: &str,
    ) -> Result<Vec<(&'a Body, Cow<'a, Frame>)>, String> {
        let d = Attrs {
            module: self.module,
            body: &block.body,
            frame: self.frame.clone(),
            place: self.place,
            path: format!("{}dynamic \"{name}\" ", self.path),
        };
        let elements: Vec<(Value, Value)> = match d.get("for_each")? {
            None if d.expr("for_each").is_none() => {
                return Err(format!("{}: {}has no for_each", self.place, d.path));
            }
            None => Vec::new(),
            Some(Value::Object(map)) => map.into_iter().map(|(k, v)| (Value::from(k), v)).collect(),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i), v))
                .collect(),
            Some(other) => {
                return Err(format!(
                    "{}: {}for_each = `{other}` is not a map or a list",
                    self.place, d.path
                ));
            }
        };
        let iterator = match d.expr("iterator") {
            None => name.to_string(),
            Some(Expression::Variable(v)) => v.to_string(),
            Some(Expression::String(s)) => s.clone(),
            Some(_) => return Err(format!("{}: {}iterator is not a name", self.place, d.path)),
        };
        let content = block
            .body
            .blocks()
            .find(|b| b.identifier.as_str() == "content")
            .ok_or_else(|| format!("{}: {}has no content block", self.place, d.path))?;
        Ok(elements
            .into_iter()
            .map(|(key, value)| {
                let mut frame = self.frame.clone().into_owned();
                frame.iterators.push((iterator.clone(), key, value));
                (&content.body, Cow::Owned(frame))
            })
            .collect())
    }
}
