//! Typed rule settings: a serde struct per rule, read once from the config file.
//!
//! A rule declares its settings as a struct that derives `Serialize`, `Deserialize`
//! and `JsonSchema`, with `#[serde(default, deny_unknown_fields)]`, its defaults in its
//! `Default` impl and its choices as enums. The engine deserializes the rule's
//! `[rules.ID]` table into it once, before any API call, and calls
//! [`RuleSettings::validate`] for checks across fields; the rule then reads plain
//! fields. `rules show` and the generated docs list the settings from the same
//! declaration ([`setting_docs`]): the doc comment of each field is its description.
//!
//! ```
//! use cloudposture_core::{RuleSettings, SettingError};
//! use schemars::JsonSchema;
//! use serde::{Deserialize, Serialize};
//!
//! /// Settings of a rule about open ports.
//! #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
//! #[serde(default, deny_unknown_fields)]
//! pub struct PortSettings {
//!     /// Ports that must not be open to the world.
//!     pub ports: Vec<u16>,
//! }
//!
//! impl Default for PortSettings {
//!     fn default() -> Self {
//!         PortSettings { ports: vec![22, 3389] }
//!     }
//! }
//!
//! impl RuleSettings for PortSettings {
//!     fn validate(&self) -> Result<(), SettingError> {
//!         if self.ports.is_empty() {
//!             return Err(SettingError::new("ports", "the list is empty; name at least one port"));
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let raw = serde_json::json!({"ports": [22]});
//! let parsed = cloudposture_core::settings::parse::<PortSettings>("EC2-001", raw.as_object().unwrap()).unwrap();
//! assert_eq!(parsed.ports, [22]);
//! ```

use std::fmt;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;

/// A rule's settings. See the [module documentation](self).
pub trait RuleSettings:
    Serialize + DeserializeOwned + JsonSchema + Default + Clone + fmt::Debug + Send + Sync + 'static
{
    /// Checks that types cannot express (an ARN's format, a list that must not be
    /// empty, settings that exclude each other). Called once, before a scan.
    fn validate(&self) -> Result<(), SettingError> {
        Ok(())
    }
}

/// The settings of a rule that has none: any key in its table is an error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoSettings {}

impl RuleSettings for NoSettings {}

/// A value that [`RuleSettings::validate`] refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingError {
    /// The setting.
    pub key: String,
    /// What is wrong, with what is allowed.
    pub detail: String,
}

impl SettingError {
    /// `key` is wrong because of `detail`.
    pub fn new(key: impl Into<String>, detail: impl Into<String>) -> Self {
        SettingError {
            key: key.into(),
            detail: detail.into(),
        }
    }
}

/// A setting that the rule does not declare or whose value is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SettingsError {
    /// The key is not one of the rule's settings (often a misspelling).
    #[error("rule `{rule}` has no setting `{key}`; its settings are: {}", known_list(.known))]
    UnknownKey {
        /// Rule id.
        rule: String,
        /// The unknown key.
        key: String,
        /// The settings the rule has.
        known: Vec<String>,
    },
    /// The value has the wrong type or is not allowed.
    #[error("rule `{rule}` setting `{key}`: {detail}")]
    InvalidValue {
        /// Rule id.
        rule: String,
        /// Setting key.
        key: String,
        /// What is wrong, with the allowed values.
        detail: String,
    },
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        "(none)".to_string()
    } else {
        known.join(", ")
    }
}

/// Deserializes and validates rule `rule`'s settings from its config table.
pub fn parse<S: RuleSettings>(
    rule: &str,
    table: &serde_json::Map<String, serde_json::Value>,
) -> Result<S, SettingsError> {
    let value = serde_json::Value::Object(table.clone());
    let settings: S = serde_path_to_error::deserialize(value).map_err(|e| {
        let key = e.path().to_string();
        let message = e.inner().to_string();
        if let Some(rest) = message.strip_prefix("unknown field `") {
            let unknown = rest.split('`').next().unwrap_or_default().to_string();
            return SettingsError::UnknownKey {
                rule: rule.to_string(),
                key: unknown,
                known: field_names::<S>().iter().map(|n| n.to_string()).collect(),
            };
        }
        SettingsError::InvalidValue {
            rule: rule.to_string(),
            key: if key == "." { String::new() } else { key },
            detail: plain_serde_message(&message),
        }
    })?;
    settings.validate().map_err(|e| SettingsError::InvalidValue {
        rule: rule.to_string(),
        key: e.key,
        detail: e.detail,
    })?;
    Ok(settings)
}

/// serde's wording, made ours: backquoted values, "expected … found …".
fn plain_serde_message(message: &str) -> String {
    // `unknown variant `all`, expected one of `any`, `ALL``
    if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((value, expected)) = rest.split_once("`, expected one of ")
    {
        return format!(
            "`{value}` is not allowed; expected one of: {}",
            expected.replace('`', "")
        );
    }
    // Two choices: `unknown variant `ftp`, expected `s3` or `cloud-watch-logs``; one:
    // `…, expected `s3``. Listed like three or more, so the wording does not depend on
    // how many there are.
    if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((value, expected)) = rest.split_once("`, expected ")
    {
        let choices = expected.replace('`', "").replace(" or ", ", ");
        return format!("`{value}` is not allowed; expected one of: {choices}");
    }
    // `invalid type: string "yes", expected a boolean`
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.rsplit_once(", expected ")
    {
        return format!(
            "expected {}, found {}",
            expected_words(expected),
            found_words(found)
        );
    }
    message.to_string()
}

/// serde's `Unexpected` in words: `string "yes"`, `integer `3``, `floating point `1.5``
/// and `boolean `true`` name a value (written once in backquotes); `sequence` and `map`
/// do not.
fn found_words(found: &str) -> String {
    match found.find(['"', '`']) {
        Some(i) => format!(
            "the {} `{}`",
            found[..i].trim_end(),
            found[i..].trim_matches(['"', '`'])
        ),
        None => match found {
            "sequence" => "a list".to_string(),
            "map" => "a table".to_string(),
            other => other.to_string(),
        },
    }
}

fn expected_words(expected: &str) -> String {
    match expected {
        "a sequence" => "a list".to_string(),
        "a string" | "a boolean" => expected.to_string(),
        other => other.to_string(),
    }
}

/// One setting as `rules show` and the docs list it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingDoc {
    /// Key in the config file.
    pub name: String,
    /// `boolean`, `string`, `integer`, `list of strings`…
    pub type_name: String,
    /// The values allowed, when they are a fixed set (of the items, for a list).
    pub allowed: Vec<String>,
    /// The default, as JSON (`null` when there is none).
    pub default: serde_json::Value,
    /// What it changes (the field's doc comment).
    pub description: String,
}

/// The settings of `S`, in declaration order, from its schema and its `Default`.
pub fn setting_docs<S: RuleSettings>() -> Vec<SettingDoc> {
    let schema = schemars::SchemaGenerator::default().into_root_schema_for::<S>();
    let root = schema.as_value();
    let defaults = serde_json::to_value(S::default()).unwrap_or_default();
    let Some(properties) = root.get("properties").and_then(|p| p.as_object()) else {
        return Vec::new();
    };
    let defs = root.get("$defs");
    let resolve = |v: &'_ serde_json::Value| -> serde_json::Value { resolve_ref(v, defs) };
    let mut docs: Vec<SettingDoc> = properties
        .iter()
        .map(|(name, property)| {
            let property = resolve(property);
            let (type_name, allowed) = describe_type(&property, &resolve);
            SettingDoc {
                name: name.clone(),
                type_name,
                allowed,
                default: defaults.get(name).cloned().unwrap_or(serde_json::Value::Null),
                description: property
                    .get("description")
                    .and_then(|d| d.as_str())
                    .unwrap_or_default()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            }
        })
        .collect();
    // schemars keeps properties in a map (sorted by name): list them as declared.
    let order = field_names::<S>();
    docs.sort_by_key(|d| order.iter().position(|n| *n == d.name).unwrap_or(usize::MAX));
    docs
}

/// The field names of `S` in declaration order: what serde's derive hands to the
/// deserializer, read by a deserializer that only listens.
fn field_names<S: DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{Deserializer, Error as _, Visitor, value::Error};

    struct Listen<'a>(&'a mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for Listen<'_> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
            Err(Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Error> {
            *self.0 = fields;
            Err(Error::custom("listened"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
            unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    let _ = S::deserialize(Listen(&mut fields));
    fields
}

fn resolve_ref(value: &serde_json::Value, defs: Option<&serde_json::Value>) -> serde_json::Value {
    if let Some(reference) = value.get("$ref").and_then(|r| r.as_str())
        && let Some(name) = reference.strip_prefix("#/$defs/")
        && let Some(def) = defs.and_then(|d| d.get(name))
    {
        let mut merged = def.clone();
        // The property's own description wins over the type's.
        if let (Some(obj), Some(desc)) = (merged.as_object_mut(), value.get("description")) {
            obj.insert("description".into(), desc.clone());
        }
        return merged;
    }
    value.clone()
}

fn describe_type(
    schema: &serde_json::Value,
    resolve: &dyn Fn(&serde_json::Value) -> serde_json::Value,
) -> (String, Vec<String>) {
    let allowed = allowed_values(schema);
    let types: Vec<&str> = match schema.get("type") {
        Some(serde_json::Value::String(t)) => vec![t.as_str()],
        Some(serde_json::Value::Array(ts)) => ts.iter().filter_map(|t| t.as_str()).collect(),
        _ => Vec::new(),
    };
    let main = types.iter().copied().find(|t| *t != "null");
    match main {
        Some("array") => {
            let items = schema.get("items").map(resolve).unwrap_or_default();
            let (item_type, item_allowed) = describe_type(&items, resolve);
            (format!("list of {}", plural(&item_type)), item_allowed)
        }
        Some("boolean") => ("boolean".into(), allowed),
        Some("integer") => ("integer".into(), allowed),
        Some("number") => ("number".into(), allowed),
        Some(other) => (other.to_string(), allowed),
        None if !allowed.is_empty() => ("string".into(), allowed),
        None => {
            // `Option<Enum>` is `anyOf: [{$ref}, {type: null}]`.
            let inner = schema.get("anyOf").and_then(|a| a.as_array()).and_then(|a| {
                a.iter()
                    .map(resolve)
                    .find(|s| s.get("type") != Some(&"null".into()))
            });
            match inner {
                Some(inner) => describe_type(&inner, resolve),
                None => ("value".into(), allowed),
            }
        }
    }
}

fn plural(type_name: &str) -> String {
    match type_name {
        "boolean" => "booleans".into(),
        "integer" => "integers".into(),
        "string" => "strings".into(),
        other => format!("{other}s"),
    }
}

fn allowed_values(schema: &serde_json::Value) -> Vec<String> {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    };
    if let Some(values) = schema.get("enum").and_then(|e| e.as_array()) {
        return values.iter().filter_map(text).collect();
    }
    if let Some(variants) = schema.get("oneOf").and_then(|o| o.as_array()) {
        return variants
            .iter()
            .flat_map(
                |v| match (v.get("const"), v.get("enum").and_then(|e| e.as_array())) {
                    (Some(c), _) => text(c).into_iter().collect::<Vec<_>>(),
                    (None, Some(values)) => values.iter().filter_map(text).collect(),
                    (None, None) => Vec::new(),
                },
            )
            .collect();
    }
    Vec::new()
}

#[cfg(test)]
mod tests;
