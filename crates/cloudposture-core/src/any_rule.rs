//! Rules as the registry holds them: type-erased, so that rules of different kinds and
//! settings sit in one list. Rule authors implement [`Rule`]; the registry wraps it.

use std::any::Any;
use std::collections::BTreeSet;
use std::fmt;

use crate::finding::Finding;
use crate::fix::{FixAction, FixError};
use crate::inventory::{Inventory, KindState};
use crate::kind::{Kind, KindInfo, Listing};
use crate::metadata::RuleMetadata;
use crate::risk::RiskLevel;
use crate::rule::{Need, Reads, Rule, RuleContext};
use crate::settings::{SettingDoc, SettingsError, parse, setting_docs};

/// A rule's settings, parsed and validated, as the plan keeps them.
pub struct ConfiguredSettings {
    value: Box<dyn Any + Send + Sync>,
    json: serde_json::Value,
}

impl ConfiguredSettings {
    /// The settings as JSON, as the report writes them.
    pub fn json(&self) -> &serde_json::Value {
        &self.json
    }

    /// The typed settings, when they are an `S`.
    pub fn get<S: 'static>(&self) -> Option<&S> {
        self.value.downcast_ref()
    }
}

impl fmt::Debug for ConfiguredSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.json.fmt(f)
    }
}

/// A registered rule, whatever its kind and settings.
pub trait AnyRule: Send + Sync {
    /// The rule's metadata.
    fn metadata(&self) -> &'static RuleMetadata;
    /// The kind its findings are about.
    fn kind(&self) -> &'static KindInfo;
    /// Every kind it reads, its own first.
    fn needs(&self) -> Vec<Need>;
    /// Permissions needed to audit: those of the kinds it reads, then its extras.
    fn audit_actions(&self) -> Vec<&'static str> {
        let mut actions: Vec<&'static str> = Vec::new();
        for action in self
            .needs()
            .iter()
            .flat_map(|n| n.kind.audit_actions.iter())
            .chain(self.metadata().iam_audit_extra)
        {
            if !actions.contains(action) {
                actions.push(action);
            }
        }
        actions
    }
    /// Its settings, as `rules show` and the docs list them.
    fn setting_docs(&self) -> Vec<SettingDoc>;
    /// Parses and validates its `[rules.ID]` table.
    fn configure(
        &self,
        table: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<ConfiguredSettings, SettingsError>;
    /// Judges every scope of `inventory`, with engine bookkeeping for what could not be read.
    fn evaluate(&self, inventory: &Inventory, settings: &ConfiguredSettings, risk: RiskLevel)
    -> Vec<Finding>;
    /// See [`Rule::plan_fix`].
    fn plan_fix(
        &self,
        finding: &Finding,
        settings: &ConfiguredSettings,
    ) -> Result<Option<FixAction>, FixError>;
}

/// The wrapper that makes a [`Rule`] an [`AnyRule`].
pub(crate) struct Typed<R>(pub(crate) R);

/// `rule` as an [`AnyRule`], for lists of boxed rules.
pub fn erase<R: Rule>(rule: R) -> Box<dyn AnyRule> {
    Box::new(Typed(rule))
}

impl<R: Rule> AnyRule for Typed<R> {
    fn metadata(&self) -> &'static RuleMetadata {
        self.0.metadata()
    }

    fn kind(&self) -> &'static KindInfo {
        &<R::Kind as Kind>::INFO
    }

    fn needs(&self) -> Vec<Need> {
        let mut needs = vec![Need {
            kind: self.kind(),
            read_as: Listing::Complete,
        }];
        for need in <R::Reads<'_> as Reads<'_>>::needs() {
            if !needs.iter().any(|n| n.kind.name == need.kind.name) {
                needs.push(need);
            }
        }
        needs
    }

    fn setting_docs(&self) -> Vec<SettingDoc> {
        setting_docs::<R::Settings>()
    }

    fn configure(
        &self,
        table: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<ConfiguredSettings, SettingsError> {
        let settings: R::Settings = parse(self.metadata().id, table)?;
        let json = serde_json::to_value(&settings).unwrap_or_default();
        Ok(ConfiguredSettings {
            value: Box::new(settings),
            json,
        })
    }

    fn evaluate(
        &self,
        inventory: &Inventory,
        settings: &ConfiguredSettings,
        risk: RiskLevel,
    ) -> Vec<Finding> {
        let Some(settings) = settings.get::<R::Settings>() else {
            // Settings configured by another rule: a bug of the caller, not of the data.
            return Vec::new();
        };
        let metadata = self.metadata();
        let mut findings = Vec::new();
        for scope in &inventory.scopes {
            let first = findings.len();
            let ctx = RuleContext::new(metadata, self.kind(), settings, risk, &scope.id);
            match scope.get::<R::Kind>() {
                KindState::Failed(error) => findings.push(ctx.unreadable_scope(Some(error))),
                KindState::NotCollected => findings.push(ctx.unreadable_scope(None)),
                KindState::Listed(resources) => match <R::Reads<'_> as Reads<'_>>::read(scope) {
                    Ok(reads) => findings.extend(self.0.evaluate(resources, reads, &ctx)),
                    Err(unread) => findings.extend(resources.iter().map(|resource| {
                        self.0
                            .judge_alone(resource, &ctx)
                            .unwrap_or_else(|| ctx.unreadable(resource, &unread))
                    })),
                },
            }
            scope.point_at_sources(&mut findings[first..]);
        }
        findings
    }

    fn plan_fix(
        &self,
        finding: &Finding,
        settings: &ConfiguredSettings,
    ) -> Result<Option<FixAction>, FixError> {
        match settings.get::<R::Settings>() {
            Some(settings) => self.0.plan_fix(finding, settings),
            None => Ok(None),
        }
    }
}

/// The kinds that `rules` read, each once, by name.
pub fn required_kinds<'r>(rules: impl IntoIterator<Item = &'r dyn AnyRule>) -> BTreeSet<&'static str> {
    rules
        .into_iter()
        .flat_map(|r| r.needs().into_iter().map(|n| n.kind.name))
        .collect()
}
