//! Resolving CloudFormation's intrinsic functions as far as a template alone tells:
//! `Ref` (to a resource: its logical id; to a parameter: its default), `Fn::GetAtt` of
//! ids (`VpcId`, `GroupId`, `DefaultSecurityGroup`, `DefaultNetworkAcl`), `Fn::If` and
//! the conditions, `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::FindInMap`. Anything else
//! (an import, a pseudo parameter, `Fn::GetAZs`…) is unresolved, with the reason.

use serde_json::{Map, Value};

/// How deep conditions and branches may nest before the template is taken as cyclic.
const MAX_DEPTH: usize = 32;

/// The sections of a template that values refer to.
pub(crate) struct Template<'t> {
    pub resources: &'t Map<String, Value>,
    pub parameters: Option<&'t Map<String, Value>>,
    pub mappings: Option<&'t Map<String, Value>>,
    pub conditions: Option<&'t Map<String, Value>>,
}

impl Template<'_> {
    /// `value` with the intrinsic function at its top resolved (repeatedly, for a
    /// branch of `Fn::If`); what it holds is left as written, for the caller to resolve
    /// field by field. `AWS::NoValue` is `null`.
    pub fn eval(&self, value: &Value) -> Result<Value, String> {
        self.eval_at(value, 0)
    }

    fn eval_at(&self, value: &Value, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err("intrinsic functions nest too deep (a cycle?)".to_string());
        }
        let Some((name, arg)) = intrinsic(value) else {
            return Ok(value.clone());
        };
        match name {
            "Ref" => self.reference(arg),
            "Fn::GetAtt" => self.get_att(arg),
            "Fn::If" => {
                let parts = arg
                    .as_array()
                    .filter(|a| a.len() == 3)
                    .ok_or("`Fn::If` needs three arguments")?;
                let condition = parts[0].as_str().ok_or("`Fn::If` needs a condition name")?;
                let branch = if self.condition(condition, depth + 1)? {
                    &parts[1]
                } else {
                    &parts[2]
                };
                self.eval_at(branch, depth + 1)
            }
            "Condition" => {
                let name = arg.as_str().ok_or("`Condition` needs a name")?;
                self.condition(name, depth + 1).map(Value::Bool)
            }
            "Fn::Equals" => {
                let parts = arg
                    .as_array()
                    .filter(|a| a.len() == 2)
                    .ok_or("`Fn::Equals` needs two values")?;
                let a = self.scalar_at(&parts[0], depth + 1)?;
                let b = self.scalar_at(&parts[1], depth + 1)?;
                Ok(Value::Bool(a == b))
            }
            "Fn::Not" | "Fn::And" | "Fn::Or" => {
                let parts = arg.as_array().ok_or_else(|| format!("`{name}` needs a list"))?;
                let mut values = Vec::new();
                for part in parts {
                    match self.eval_at(part, depth + 1)? {
                        Value::Bool(b) => values.push(b),
                        other => return Err(format!("`{name}` of `{other}`, not a condition")),
                    }
                }
                Ok(Value::Bool(match name {
                    "Fn::Not" => !values.first().copied().unwrap_or(false),
                    "Fn::And" => values.iter().all(|b| *b),
                    _ => values.iter().any(|b| *b),
                }))
            }
            "Fn::Sub" => self.sub(arg, depth),
            "Fn::Join" => {
                let parts = arg
                    .as_array()
                    .filter(|a| a.len() == 2)
                    .ok_or("`Fn::Join` needs two arguments")?;
                let delimiter = self.scalar_at(&parts[0], depth + 1)?;
                let list = self.list_at(&parts[1], depth + 1)?;
                let items = list
                    .iter()
                    .map(|v| self.scalar_at(v, depth + 1))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Value::String(items.join(&delimiter)))
            }
            "Fn::Select" => {
                let parts = arg
                    .as_array()
                    .filter(|a| a.len() == 2)
                    .ok_or("`Fn::Select` needs two arguments")?;
                let index: usize = self
                    .scalar_at(&parts[0], depth + 1)?
                    .parse()
                    .map_err(|_| "`Fn::Select` needs a number".to_string())?;
                let list = self.list_at(&parts[1], depth + 1)?;
                let item = list.get(index).ok_or("`Fn::Select` index out of range")?;
                self.eval_at(item, depth + 1)
            }
            "Fn::FindInMap" => {
                let parts = arg
                    .as_array()
                    .filter(|a| a.len() >= 3)
                    .ok_or("`Fn::FindInMap` needs three arguments")?;
                let keys = parts[..3]
                    .iter()
                    .map(|v| self.scalar_at(v, depth + 1))
                    .collect::<Result<Vec<_>, _>>()?;
                let found = self
                    .mappings
                    .and_then(|m| m.get(&keys[0]))
                    .and_then(|m| m.get(&keys[1]))
                    .and_then(|m| m.get(&keys[2]))
                    .ok_or_else(|| {
                        format!(
                            "mapping `{}.{}.{}` is not in the template",
                            keys[0], keys[1], keys[2]
                        )
                    })?;
                self.eval_at(found, depth + 1)
            }
            "Fn::ImportValue" => Err("an import (`Fn::ImportValue`) of another stack".to_string()),
            other => Err(format!("`{other}` is not evaluated")),
        }
    }

    /// `value` resolved to a string (numbers and booleans as written).
    pub fn scalar(&self, value: &Value) -> Result<String, String> {
        self.scalar_at(value, 0)
    }

    fn scalar_at(&self, value: &Value, depth: usize) -> Result<String, String> {
        match self.eval_at(value, depth)? {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(format!("`{other}` is not a single value")),
        }
    }

    /// `value` resolved to a list (its items as written).
    pub fn list(&self, value: &Value) -> Result<Vec<Value>, String> {
        self.list_at(value, 0)
    }

    fn list_at(&self, value: &Value, depth: usize) -> Result<Vec<Value>, String> {
        match self.eval_at(value, depth)? {
            Value::Array(items) => Ok(items),
            Value::String(s) => Ok(s.split(',').map(|p| Value::from(p.trim())).collect()),
            Value::Null => Ok(Vec::new()),
            other => Err(format!("`{other}` is not a list")),
        }
    }

    /// Whether the condition `name` holds.
    pub fn condition(&self, name: &str, depth: usize) -> Result<bool, String> {
        let definition = self
            .conditions
            .and_then(|c| c.get(name))
            .ok_or_else(|| format!("condition `{name}` is not in the template"))?;
        match self.eval_at(definition, depth + 1)? {
            Value::Bool(b) => Ok(b),
            other => Err(format!("condition `{name}` is `{other}`, not true or false")),
        }
    }

    fn reference(&self, arg: &Value) -> Result<Value, String> {
        let name = arg.as_str().ok_or("`Ref` needs a name")?;
        if self.resources.contains_key(name) {
            return Ok(Value::from(name));
        }
        if name == "AWS::NoValue" {
            return Ok(Value::Null);
        }
        if name.starts_with("AWS::") {
            return Err(format!(
                "pseudo parameter `{name}` is known only when the stack is deployed"
            ));
        }
        let parameter = self
            .parameters
            .and_then(|p| p.get(name))
            .ok_or_else(|| format!("`{name}` is neither a resource nor a parameter of the template"))?;
        let kind = parameter.get("Type").and_then(Value::as_str).unwrap_or_default();
        if kind.starts_with("AWS::SSM::Parameter") {
            return Err(format!(
                "parameter `{name}` is read from SSM when the stack is deployed"
            ));
        }
        match parameter.get("Default") {
            Some(Value::String(s)) if kind.starts_with("List<") || kind == "CommaDelimitedList" => Ok(
                Value::Array(s.split(',').map(|p| Value::from(p.trim())).collect()),
            ),
            Some(default) => Ok(default.clone()),
            None => Err(format!("parameter `{name}` has no default")),
        }
    }

    fn get_att(&self, arg: &Value) -> Result<Value, String> {
        let parts: Vec<&str> = match arg {
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            Value::String(s) => s.splitn(2, '.').collect(),
            _ => Vec::new(),
        };
        let [resource, attribute] = parts[..] else {
            return Err("`Fn::GetAtt` needs a resource and an attribute".to_string());
        };
        if !self.resources.contains_key(resource) {
            return Err(format!("`{resource}` is not a resource of the template"));
        }
        match attribute {
            "VpcId" | "GroupId" | "Id" | "SubnetId" | "NetworkAclId" | "InstanceId" | "LaunchTemplateId" => {
                Ok(Value::from(resource))
            }
            "DefaultSecurityGroup" | "DefaultNetworkAcl" => {
                Ok(Value::from(format!("{resource}.{attribute}")))
            }
            other => Err(format!(
                "attribute `{resource}.{other}` is known only when the stack is deployed"
            )),
        }
    }

    fn sub(&self, arg: &Value, depth: usize) -> Result<Value, String> {
        let (text, vars) = match arg {
            Value::String(s) => (s.as_str(), None),
            Value::Array(parts) if !parts.is_empty() => (
                parts[0].as_str().ok_or("`Fn::Sub` needs a string")?,
                parts.get(1).and_then(Value::as_object),
            ),
            _ => return Err("`Fn::Sub` needs a string".to_string()),
        };
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}').ok_or("`Fn::Sub` has an unclosed `${`")?;
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else if let Some(value) = vars.and_then(|v| v.get(name)) {
                out.push_str(&self.scalar_at(value, depth + 1)?);
            } else if name.contains('.') {
                out.push_str(&self.scalar_at(
                    &Value::Object(Map::from_iter([("Fn::GetAtt".to_string(), Value::from(name))])),
                    depth + 1,
                )?);
            } else {
                out.push_str(&self.scalar_at(
                    &Value::Object(Map::from_iter([("Ref".to_string(), Value::from(name))])),
                    depth + 1,
                )?);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(Value::String(out))
    }
}

/// The intrinsic function `value` is, if it is one: an object of one key, `Ref`,
/// `Condition` or `Fn::…`.
fn intrinsic(value: &Value) -> Option<(&str, &Value)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let (name, arg) = map.iter().next()?;
    (name == "Ref" || name == "Condition" || name.starts_with("Fn::")).then_some((name.as_str(), arg))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn references_conditions_and_strings_resolve_as_far_as_the_template_tells() {
        let resources = json!({"VPC": {}, "Log": {}});
        let parameters = json!({"Env": {"Type": "String", "Default": "prod"}, "Vpc": {"Type": "String"}});
        let conditions = json!({"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}});
        let t = Template {
            resources: resources.as_object().unwrap(),
            parameters: parameters.as_object(),
            mappings: None,
            conditions: conditions.as_object(),
        };
        assert_eq!(t.scalar(&json!({"Ref": "VPC"})).unwrap(), "VPC");
        assert_eq!(
            t.scalar(&json!({"Fn::GetAtt": ["VPC", "DefaultSecurityGroup"]}))
                .unwrap(),
            "VPC.DefaultSecurityGroup"
        );
        assert_eq!(
            t.scalar(&json!({"Fn::If": ["IsProd", "ALL", "REJECT"]})).unwrap(),
            "ALL"
        );
        assert_eq!(
            t.scalar(&json!({"Fn::Sub": "${Env}-${VPC}-${!x}"})).unwrap(),
            "prod-VPC-${x}"
        );
        assert_eq!(
            t.scalar(&json!({"Fn::Join": ["/", ["a", {"Ref": "Env"}]]}))
                .unwrap(),
            "a/prod"
        );
        assert_eq!(
            t.scalar(&json!({"Ref": "Vpc"})).unwrap_err(),
            "parameter `Vpc` has no default"
        );
        assert!(
            t.scalar(&json!({"Fn::ImportValue": "x"}))
                .unwrap_err()
                .contains("an import")
        );
        assert!(
            t.scalar(&json!({"Ref": "AWS::Region"}))
                .unwrap_err()
                .contains("pseudo parameter")
        );
        assert_eq!(t.eval(&json!({"Ref": "AWS::NoValue"})).unwrap(), Value::Null);
    }
}
