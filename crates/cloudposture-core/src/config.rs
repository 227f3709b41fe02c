//! User configuration: per-rule settings and exceptions.
//!
//! The model deserializes from any serde format; the CLI reads it from TOML:
//!
//! ```toml
//! [rules.VPC-001]
//! enabled = true
//! risk = "medium"
//! traffic_type = "ALL"
//!
//! [[exceptions]]
//! rules = ["VPC-001"]
//! tags = ["Environment::sandbox"]
//! reason = "sandbox VPCs are rebuilt every night"
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use thiserror::Error;

use crate::finding::Finding;
use crate::registry::selector_matches;
use crate::risk::RiskLevel;

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Per-rule configuration, by rule id.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleConfig>,
    /// Exceptions that mute matching findings.
    #[serde(default)]
    pub exceptions: Vec<Exception>,
}

/// Configuration of one rule: `enabled`, `risk`, and the rule's own settings.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct RuleConfig {
    /// `false` disables the rule.
    pub enabled: Option<bool>,
    /// Overrides the rule's risk level.
    pub risk: Option<RiskLevel>,
    /// The rule's settings, validated against its declaration by the engine.
    #[serde(flatten)]
    pub settings: BTreeMap<String, serde_json::Value>,
}

/// An exception: findings matching every criterion given become `muted`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// Rule ids or prefixes; all rules when absent.
    pub rules: Option<Vec<String>>,
    /// Resource ids or ARNs.
    pub resources: Option<Vec<String>>,
    /// Tags, `Key::Value` or `Key` (any value).
    pub tags: Option<Vec<String>>,
    /// Regions.
    pub regions: Option<Vec<String>>,
    /// Why; kept on every muted finding. Required.
    pub reason: String,
}

impl Exception {
    /// Checks the exception is usable: a reason and at least one criterion.
    pub fn validate(&self, index: usize) -> Result<(), ConfigError> {
        let invalid = |detail: &str| ConfigError::InvalidException {
            index: index + 1,
            detail: detail.to_string(),
        };
        if self.reason.trim().is_empty() {
            return Err(invalid("`reason` is empty; say why these findings are accepted"));
        }
        let lists = [&self.rules, &self.resources, &self.tags, &self.regions];
        if lists.iter().all(|l| l.is_none()) {
            return Err(invalid(
                "it has no criterion and would mute every finding; give `rules`, `resources`, `tags` or `regions`",
            ));
        }
        if lists.iter().any(|l| l.as_ref().is_some_and(|v| v.is_empty())) {
            return Err(invalid(
                "a criterion is an empty list, which matches nothing; remove it or fill it",
            ));
        }
        if let Some(tags) = &self.tags
            && let Some(bad) = tags.iter().find(|t| t.trim().is_empty() || t.starts_with("::"))
        {
            return Err(invalid(&format!(
                "tag `{bad}` has no key; use `Key` or `Key::Value`"
            )));
        }
        Ok(())
    }

    /// Whether `finding` matches every criterion given.
    pub fn matches(&self, finding: &Finding) -> bool {
        let r = &finding.resource;
        self.rules
            .as_ref()
            .is_none_or(|rules| rules.iter().any(|s| selector_matches(s, finding.rule.id)))
            && self
                .resources
                .as_ref()
                .is_none_or(|ids| ids.iter().any(|id| *id == r.id || r.arn() == Some(id.as_str())))
            && self
                .tags
                .as_ref()
                .is_none_or(|tags| tags.iter().any(|t| tag_matches(t, &r.tags)))
            && self
                .regions
                .as_ref()
                .is_none_or(|regions| regions.iter().any(|g| r.region.as_deref() == Some(g.as_str())))
    }
}

fn tag_matches(pattern: &str, tags: &crate::resource::Tags) -> bool {
    match pattern.split_once("::") {
        Some((key, value)) => tags.get(key).is_some_and(|v| v == value),
        None => tags.contains_key(pattern),
    }
}

/// The configuration does not fit the registered rules.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// `[rules.ID]` names no registered rule.
    #[error("`[rules.{id}]` names no known rule; `cloudposture rules list` shows the rules")]
    UnknownRule {
        /// The id given.
        id: String,
    },
    /// A rule's settings are wrong.
    #[error(transparent)]
    Settings(#[from] crate::settings::SettingsError),
    /// An exception is unusable.
    #[error("exception {index}: {detail}")]
    InvalidException {
        /// 1-based position in the file.
        index: usize,
        /// What is wrong.
        detail: String,
    },
    /// An exception's `rules` entry matches no rule.
    #[error("exception {index}: no rule matches `{selector}`")]
    ExceptionUnknownRule {
        /// 1-based position.
        index: usize,
        /// The selector.
        selector: String,
    },
}
