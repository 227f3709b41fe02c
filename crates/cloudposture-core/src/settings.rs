//! Typed per-rule settings, declared in metadata and read from the config file.
//!
//! A rule declares its settings as [`SettingSpec`] values. The config file gives
//! raw values (any serde format; the CLI uses TOML); [`Settings::resolve`] checks them
//! against the declaration (unknown keys, wrong types, values outside the allowed
//! set) and fills in defaults, so a rule's `evaluate` reads validated values only.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use thiserror::Error;

/// The declaration of one rule setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SettingSpec {
    /// Key in the config file.
    pub name: &'static str,
    /// Type and allowed values.
    pub kind: SettingKind,
    /// Default value.
    pub default: SettingDefault,
    /// What it changes.
    pub description: &'static str,
}

/// The type of a setting and, for strings, the values allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "allowed", rename_all = "kebab-case")]
pub enum SettingKind {
    /// `true` or `false`.
    Bool,
    /// Any string.
    String,
    /// One of the listed strings.
    Choice(&'static [&'static str]),
    /// A list of strings, each one of the listed values.
    List(&'static [&'static str]),
}

impl SettingKind {
    /// Type name for messages and docs.
    pub fn type_name(self) -> &'static str {
        match self {
            SettingKind::Bool => "boolean",
            SettingKind::String => "string",
            SettingKind::Choice(_) => "string",
            SettingKind::List(_) => "list of strings",
        }
    }

    /// The allowed values, if restricted.
    pub fn allowed(self) -> &'static [&'static str] {
        match self {
            SettingKind::Choice(a) | SettingKind::List(a) => a,
            SettingKind::Bool | SettingKind::String => &[],
        }
    }
}

/// A setting's default, as a `'static` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum SettingDefault {
    /// No default: the setting is absent unless configured.
    None,
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(&'static str),
    /// A list of strings.
    List(&'static [&'static str]),
}

impl SettingDefault {
    fn to_value(self) -> Option<SettingValue> {
        match self {
            SettingDefault::None => None,
            SettingDefault::Bool(b) => Some(SettingValue::Bool(b)),
            SettingDefault::Str(s) => Some(SettingValue::Str(s.to_string())),
            SettingDefault::List(l) => Some(SettingValue::List(l.iter().map(|s| s.to_string()).collect())),
        }
    }
}

impl fmt::Display for SettingDefault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingDefault::None => f.write_str("(none)"),
            SettingDefault::Bool(b) => write!(f, "{b}"),
            SettingDefault::Str(s) => write!(f, "\"{s}\""),
            SettingDefault::List(l) => {
                let quoted: Vec<String> = l.iter().map(|s| format!("\"{s}\"")).collect();
                write!(f, "[{}]", quoted.join(", "))
            }
        }
    }
}

/// A validated setting value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum SettingValue {
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(String),
    /// A list of strings.
    List(Vec<String>),
}

/// A rule's settings after validation, defaults filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Settings {
    values: BTreeMap<&'static str, SettingValue>,
}

impl Settings {
    /// Validates `raw` (key → value from a config file) against `specs` and fills defaults.
    ///
    /// `rule` only names the rule in error messages.
    pub fn resolve<'a>(
        rule: &str,
        specs: &'static [SettingSpec],
        raw: impl IntoIterator<Item = (&'a str, &'a serde_json::Value)>,
    ) -> Result<Settings, SettingsError> {
        let mut values: BTreeMap<&'static str, SettingValue> = BTreeMap::new();
        for (key, value) in raw {
            let spec = specs
                .iter()
                .find(|s| s.name == key)
                .ok_or_else(|| SettingsError::UnknownKey {
                    rule: rule.to_string(),
                    key: key.to_string(),
                    known: specs.iter().map(|s| s.name).collect(),
                })?;
            values.insert(spec.name, check_value(rule, spec, value)?);
        }
        for spec in specs {
            if !values.contains_key(spec.name)
                && let Some(v) = spec.default.to_value()
            {
                values.insert(spec.name, v);
            }
        }
        Ok(Settings { values })
    }

    /// Settings built from the defaults alone.
    pub fn defaults(specs: &'static [SettingSpec]) -> Settings {
        let values = specs
            .iter()
            .filter_map(|s| s.default.to_value().map(|v| (s.name, v)))
            .collect();
        Settings { values }
    }

    /// Replaces one value (for tests and embedders that build settings in code).
    ///
    /// The value is not validated: use [`Settings::resolve`] for user input.
    pub fn with(mut self, name: &'static str, value: SettingValue) -> Self {
        self.values.insert(name, value);
        self
    }

    /// The value of `name`, if set or defaulted.
    pub fn get(&self, name: &str) -> Option<&SettingValue> {
        self.values.get(name)
    }

    /// A boolean setting (`false` when absent).
    pub fn bool(&self, name: &str) -> bool {
        matches!(self.values.get(name), Some(SettingValue::Bool(true)))
    }

    /// A string setting.
    pub fn str(&self, name: &str) -> Option<&str> {
        match self.values.get(name) {
            Some(SettingValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// A list setting (empty when absent).
    pub fn list(&self, name: &str) -> &[String] {
        match self.values.get(name) {
            Some(SettingValue::List(l)) => l,
            _ => &[],
        }
    }

    /// All values, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &SettingValue)> {
        self.values.iter().map(|(k, v)| (*k, v))
    }
}

fn check_value(
    rule: &str,
    spec: &SettingSpec,
    value: &serde_json::Value,
) -> Result<SettingValue, SettingsError> {
    let invalid = |detail: String| SettingsError::InvalidValue {
        rule: rule.to_string(),
        key: spec.name.to_string(),
        detail,
    };
    let expected = |v: &serde_json::Value| {
        invalid(format!(
            "expected a {}, found {}",
            spec.kind.type_name(),
            describe(v)
        ))
    };
    let check_allowed = |s: &str| -> Result<(), SettingsError> {
        let allowed = spec.kind.allowed();
        if allowed.is_empty() || allowed.contains(&s) {
            Ok(())
        } else {
            Err(invalid(format!(
                "`{s}` is not allowed; expected one of: {}",
                allowed.join(", ")
            )))
        }
    };
    match (spec.kind, value) {
        (SettingKind::Bool, serde_json::Value::Bool(b)) => Ok(SettingValue::Bool(*b)),
        (SettingKind::String | SettingKind::Choice(_), serde_json::Value::String(s)) => {
            check_allowed(s)?;
            Ok(SettingValue::Str(s.clone()))
        }
        (SettingKind::List(_), serde_json::Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let s = item.as_str().ok_or_else(|| expected(item))?;
                check_allowed(s)?;
                if !out.iter().any(|o: &String| o == s) {
                    out.push(s.to_string());
                }
            }
            Ok(SettingValue::List(out))
        }
        (_, v) => Err(expected(v)),
    }
}

fn describe(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "nothing".into(),
        serde_json::Value::Bool(b) => format!("`{b}`"),
        serde_json::Value::Number(n) => format!("the number `{n}`"),
        serde_json::Value::String(s) => format!("the string `{s}`"),
        serde_json::Value::Array(_) => "a list".into(),
        serde_json::Value::Object(_) => "a table".into(),
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
        known: Vec<&'static str>,
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

fn known_list(known: &[&str]) -> String {
    if known.is_empty() {
        "(none)".to_string()
    } else {
        known.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static SPECS: &[SettingSpec] = &[
        SettingSpec {
            name: "traffic_type",
            kind: SettingKind::Choice(&["any", "ALL", "ACCEPT", "REJECT"]),
            default: SettingDefault::Str("any"),
            description: "",
        },
        SettingSpec {
            name: "strict",
            kind: SettingKind::Bool,
            default: SettingDefault::Bool(false),
            description: "",
        },
        SettingSpec {
            name: "destinations",
            kind: SettingKind::List(&["s3", "cloud-watch-logs"]),
            default: SettingDefault::List(&["s3", "cloud-watch-logs"]),
            description: "",
        },
        SettingSpec {
            name: "role",
            kind: SettingKind::String,
            default: SettingDefault::None,
            description: "",
        },
    ];

    fn resolve(raw: serde_json::Value) -> Result<Settings, SettingsError> {
        let map = raw.as_object().cloned().unwrap_or_default();
        Settings::resolve("VPC-001", SPECS, map.iter().map(|(k, v)| (k.as_str(), v)))
    }

    #[test]
    fn defaults_fill_missing_keys() {
        let s = resolve(json!({"strict": true})).unwrap();
        assert_eq!(s.str("traffic_type"), Some("any"));
        assert!(s.bool("strict"));
        assert_eq!(s.list("destinations"), ["s3", "cloud-watch-logs"]);
        assert_eq!(s.str("role"), None);
    }

    #[test]
    fn unknown_key_names_rule_key_and_known_settings() {
        let err = resolve(json!({"trafic_type": "ALL"})).unwrap_err().to_string();
        assert_eq!(
            err,
            "rule `VPC-001` has no setting `trafic_type`; its settings are: traffic_type, strict, destinations, role"
        );
    }

    #[test]
    fn value_outside_choice_lists_allowed_values() {
        let err = resolve(json!({"traffic_type": "all"})).unwrap_err().to_string();
        assert_eq!(
            err,
            "rule `VPC-001` setting `traffic_type`: `all` is not allowed; expected one of: any, ALL, ACCEPT, REJECT"
        );
    }

    #[test]
    fn wrong_type_says_what_was_expected_and_found() {
        let err = resolve(json!({"strict": "yes"})).unwrap_err().to_string();
        assert_eq!(
            err,
            "rule `VPC-001` setting `strict`: expected a boolean, found the string `yes`"
        );
        let err = resolve(json!({"destinations": "s3"})).unwrap_err().to_string();
        assert_eq!(
            err,
            "rule `VPC-001` setting `destinations`: expected a list of strings, found the string `s3`"
        );
    }

    #[test]
    fn list_items_are_checked_and_deduplicated() {
        let err = resolve(json!({"destinations": ["s3", "ftp"]}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`ftp` is not allowed"), "{err}");
        let s = resolve(json!({"destinations": ["s3", "s3"]})).unwrap();
        assert_eq!(s.list("destinations"), ["s3"]);
    }
}
