//! Unit tests of the parent module.

use super::*;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
enum Traffic {
    #[serde(rename = "any")]
    Any,
    #[serde(rename = "ALL")]
    All,
    #[serde(rename = "ACCEPT")]
    Accept,
    #[serde(rename = "REJECT")]
    Reject,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
enum Destination {
    S3,
    CloudWatchLogs,
}

/// Test settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
struct Specs {
    /// Which traffic must be recorded.
    traffic_type: Traffic,
    /// Strict
    /// mode.
    strict: bool,
    /// Where to.
    destinations: Vec<Destination>,
    /// A role.
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
}

impl Default for Specs {
    fn default() -> Self {
        Specs {
            traffic_type: Traffic::Any,
            strict: false,
            destinations: vec![Destination::S3, Destination::CloudWatchLogs],
            role: None,
        }
    }
}

impl RuleSettings for Specs {
    fn validate(&self) -> Result<(), SettingError> {
        if self.destinations.is_empty() {
            return Err(SettingError::new("destinations", "the list is empty"));
        }
        Ok(())
    }
}

fn resolve(raw: serde_json::Value) -> Result<Specs, SettingsError> {
    parse::<Specs>("VPC-001", raw.as_object().unwrap())
}

#[test]
fn defaults_fill_missing_keys() {
    let s = resolve(json!({"strict": true})).unwrap();
    assert_eq!(s.traffic_type, Traffic::Any);
    assert!(s.strict);
    assert_eq!(s.destinations, [Destination::S3, Destination::CloudWatchLogs]);
    assert_eq!(s.role, None);
}

#[test]
fn unknown_key_names_rule_key_and_known_settings_in_declaration_order() {
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
    let err = resolve(json!({"strict": 3})).unwrap_err().to_string();
    assert_eq!(
        err,
        "rule `VPC-001` setting `strict`: expected a boolean, found the integer `3`"
    );
    let err = resolve(json!({"strict": 1.5})).unwrap_err().to_string();
    assert_eq!(
        err,
        "rule `VPC-001` setting `strict`: expected a boolean, found the floating point `1.5`"
    );
    let err = resolve(json!({"strict": {"on": true}})).unwrap_err().to_string();
    assert_eq!(
        err,
        "rule `VPC-001` setting `strict`: expected a boolean, found a table"
    );
    let err = resolve(json!({"destinations": "s3"})).unwrap_err().to_string();
    assert_eq!(
        err,
        "rule `VPC-001` setting `destinations`: expected a list, found the string `s3`"
    );
    let err = resolve(json!({"destinations": ["s3", "ftp"]}))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "rule `VPC-001` setting `destinations[1]`: `ftp` is not allowed; expected one of: s3, cloud-watch-logs"
    );
}

#[test]
fn validate_runs_after_parsing() {
    let err = resolve(json!({"destinations": []})).unwrap_err().to_string();
    assert_eq!(err, "rule `VPC-001` setting `destinations`: the list is empty");
}

#[test]
fn docs_come_from_the_declaration() {
    let docs = setting_docs::<Specs>();
    let names: Vec<&str> = docs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["traffic_type", "strict", "destinations", "role"]);
    assert_eq!(docs[0].type_name, "string");
    assert_eq!(docs[0].allowed, ["any", "ALL", "ACCEPT", "REJECT"]);
    assert_eq!(docs[0].default, json!("any"));
    assert_eq!(docs[0].description, "Which traffic must be recorded.");
    assert_eq!(docs[1].type_name, "boolean");
    assert_eq!(docs[1].description, "Strict mode.");
    assert_eq!(docs[2].type_name, "list of strings");
    assert_eq!(docs[2].allowed, ["s3", "cloud-watch-logs"]);
    assert_eq!(docs[2].default, json!(["s3", "cloud-watch-logs"]));
    assert_eq!(docs[3].type_name, "string");
    assert_eq!(docs[3].default, serde_json::Value::Null);
}
