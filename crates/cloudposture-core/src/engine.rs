//! The engine: configure a selection of rules, then evaluate them over an inventory.
//!
//! ```
//! # use cloudposture_core::*;
//! # fn demo(registry: &Registry, inventory: &Inventory) -> Result<Report, EngineError> {
//! let plan = Plan::new(registry, &Selection::rules(["VPC"]), &Config::default())?;
//! // `plan.required_kinds()` tells the collector what to fetch…
//! let report = plan.evaluate(inventory, ScanSource::Snapshot, jiff::Timestamp::now());
//! # Ok(report) }
//! ```

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::Timestamp;
use thiserror::Error;

use crate::any_rule::{AnyRule, ConfiguredSettings};
use crate::config::{Config, ConfigError, Exception};
use crate::finding::Finding;
use crate::inventory::Inventory;
use crate::registry::{Registry, Selection, SelectionError};
use crate::report::{REPORT_SCHEMA_VERSION, Report, RuleRun, ScanMetadata, ScanSource, Summary, ToolInfo};
use crate::risk::RiskLevel;

/// A rule ready to run: its validated settings and effective risk.
pub struct PlannedRule<'r> {
    /// The rule.
    pub rule: &'r dyn AnyRule,
    /// Validated settings, defaults filled in.
    pub settings: ConfiguredSettings,
    /// Effective risk (config override or the rule's own).
    pub risk: RiskLevel,
}

/// The selected, configured rules of a scan. Built before collection so that bad
/// configuration stops the scan before any API call.
pub struct Plan<'r> {
    rules: Vec<PlannedRule<'r>>,
    exceptions: Vec<Exception>,
}

impl<'r> Plan<'r> {
    /// Selects rules from `registry` and applies `config` (settings, risk overrides,
    /// disabled rules, exceptions), validating all of it.
    pub fn new(registry: &'r Registry, selection: &Selection, config: &Config) -> Result<Self, EngineError> {
        for id in config.rules.keys() {
            if registry.get(id).is_none() {
                return Err(ConfigError::UnknownRule { id: id.clone() }.into());
            }
        }
        for (index, exception) in config.exceptions.iter().enumerate() {
            exception.validate(index)?;
            for selector in exception.rules.iter().flatten() {
                if !registry
                    .iter()
                    .any(|r| crate::selector_matches(selector, r.metadata().id))
                {
                    return Err(ConfigError::ExceptionUnknownRule {
                        index: index + 1,
                        selector: selector.clone(),
                    }
                    .into());
                }
            }
        }
        // Settings of every configured rule are checked, selected or not: a typo in a
        // rule that is not run today must not wait for the day it is.
        let mut rules = Vec::new();
        for rule in registry.iter() {
            let m = rule.metadata();
            let rule_config = config
                .rules
                .iter()
                .find(|(id, _)| id.eq_ignore_ascii_case(m.id))
                .map(|(_, c)| c);
            let table: serde_json::Map<String, serde_json::Value> = rule_config
                .map(|c| c.settings.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            let settings = rule.configure(&table).map_err(ConfigError::from)?;
            let risk = rule_config.and_then(|c| c.risk).unwrap_or(m.risk);
            let enabled = rule_config.and_then(|c| c.enabled).unwrap_or(true);
            if enabled && selection.matches(m.id, m.service, risk, m.controls) {
                rules.push(PlannedRule { rule, settings, risk });
            }
        }
        // Unknown selectors and versions are an error even when config disabled the rules
        // they name.
        registry.select(&Selection {
            rules: selection.rules.clone(),
            versions: selection.versions.clone(),
            ..Selection::default()
        })?;
        if rules.is_empty() {
            return Err(EngineError::NothingSelected);
        }
        Ok(Plan {
            rules,
            exceptions: config.exceptions.clone(),
        })
    }

    /// The planned rules.
    pub fn rules(&self) -> &[PlannedRule<'r>] {
        &self.rules
    }

    /// Resource kinds the selected rules need collected.
    pub fn required_kinds(&self) -> BTreeSet<&'static str> {
        crate::any_rule::required_kinds(self.rules.iter().map(|p| p.rule))
    }

    /// Evaluates every planned rule over `inventory`, applies the templates' suppressions
    /// ([`crate::Suppression`]) and the config's exceptions, and builds the report. A
    /// finding both mute keeps the suppression's reason.
    ///
    /// `started_at` is when collection (or snapshot loading) began.
    pub fn evaluate(&self, inventory: &Inventory, source: ScanSource, started_at: Timestamp) -> Report {
        let mut findings: Vec<Finding> = Vec::new();
        // Each exception's reason once: every finding it mutes shares it.
        let reasons: Vec<Arc<str>> = self
            .exceptions
            .iter()
            .map(|e| Arc::from(e.reason.as_str()))
            .collect();
        for planned in &self.rules {
            let mut produced = planned.rule.evaluate(inventory, &planned.settings, planned.risk);
            if !self.exceptions.is_empty() {
                for f in &mut produced {
                    if let Some(i) = self.exceptions.iter().position(|e| e.matches(f)) {
                        f.mute(Arc::clone(&reasons[i]));
                    }
                }
            }
            if findings.is_empty() {
                // The common case of one rule: keep its vector rather than copy it.
                findings = produced;
            } else {
                findings.append(&mut produced);
            }
        }
        // Templates are not regions: what could not be read in them is in their findings.
        let regions = match source {
            ScanSource::Template => Vec::new(),
            ScanSource::Live | ScanSource::Snapshot => inventory.region_statuses(),
        };
        Report {
            schema_version: REPORT_SCHEMA_VERSION,
            tool: ToolInfo::default(),
            summary: Summary::of(&findings),
            rules: self
                .rules
                .iter()
                .map(|p| {
                    let m = p.rule.metadata();
                    RuleRun {
                        id: m.id,
                        title: m.title,
                        risk: p.risk,
                        settings: p.settings.json().clone(),
                    }
                })
                .collect(),
            scan: ScanMetadata {
                source,
                started_at,
                finished_at: Timestamp::now(),
                account: inventory.account.clone(),
                accounts: inventory.account_statuses(),
                regions,
                regions_not_scanned: inventory.not_scanned(),
                api_calls: inventory.api_calls(),
                shard: inventory.shard,
            },
            findings,
        }
    }
}

/// Why a scan could not be planned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EngineError {
    /// The configuration is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The selection names unknown rules.
    #[error(transparent)]
    Selection(#[from] SelectionError),
    /// Nothing is left to run.
    #[error("no rule is selected; check `--rules`, `--standard`, `--min-risk` and `enabled` in the config")]
    NothingSelected,
}
