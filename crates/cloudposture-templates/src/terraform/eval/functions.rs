//! The functions of Terraform's language that [`super::Module::eval`] evaluates once
//! their arguments are known (`try` and `can`, which look at how an argument fails, are
//! evaluated there).

use serde_json::{Map, Value};

use super::{Eval, as_string, invalid, unknown};

/// `name(args…)`.
pub(super) fn function(name: &str, args: Vec<Value>) -> Eval {
    let first = args.first().cloned().unwrap_or(Value::Null);
    match name {
        "tostring" | "tonumber" | "tobool" | "tomap" => Ok(first),
        "lower" => Ok(Value::from(as_string(&first)?.to_lowercase())),
        "upper" => Ok(Value::from(as_string(&first)?.to_uppercase())),
        "tolist" | "toset" => match first {
            Value::Array(mut items) => {
                if name == "toset" {
                    let mut seen = Vec::new();
                    items.retain(|i| {
                        !seen.contains(i) && {
                            seen.push(i.clone());
                            true
                        }
                    });
                }
                Ok(Value::Array(items))
            }
            other => Err(invalid(format!("`{name}` of `{other}`, not a list"))),
        },
        "concat" => Ok(Value::Array(
            args.into_iter()
                .flat_map(|a| a.as_array().cloned().unwrap_or_default())
                .collect(),
        )),
        "coalesce" => args
            .into_iter()
            .find(|a| !a.is_null() && a.as_str() != Some(""))
            .ok_or_else(|| invalid("`coalesce` of nothing")),
        "length" => match &first {
            Value::Array(a) => Ok(Value::from(a.len())),
            Value::Object(o) => Ok(Value::from(o.len())),
            Value::String(s) => Ok(Value::from(s.chars().count())),
            other => Err(invalid(format!("`length` of `{other}`"))),
        },
        "lookup" => {
            let key = as_string(args.get(1).unwrap_or(&Value::Null))?;
            match (first.get(&key), args.get(2)) {
                (Some(v), _) => Ok(v.clone()),
                (None, Some(default)) => Ok(default.clone()),
                (None, None) => Err(invalid(format!("no key `{key}`"))),
            }
        }
        "element" => {
            let items = first.as_array().cloned().unwrap_or_default();
            let i = args.get(1).and_then(Value::as_u64).unwrap_or_default() as usize;
            (!items.is_empty())
                .then(|| items[i % items.len()].clone())
                .ok_or_else(|| invalid("`element` of an empty list"))
        }
        "join" => {
            let sep = as_string(&first)?;
            let items = args.get(1).and_then(Value::as_array).cloned().unwrap_or_default();
            Ok(Value::from(
                items
                    .iter()
                    .map(as_string)
                    .collect::<Result<Vec<_>, _>>()?
                    .join(&sep),
            ))
        }
        "merge" => {
            let mut map = Map::new();
            for arg in args {
                map.extend(arg.as_object().cloned().unwrap_or_default());
            }
            Ok(Value::Object(map))
        }
        other => Err(unknown(format!("function `{other}` is not evaluated"))),
    }
}
