//! The registry of rules and selection among them.

use thiserror::Error;

use crate::any_rule::AnyRule;
use crate::compliance::Standard;
use crate::kind::Listing;
use crate::risk::RiskLevel;
use crate::rule::Rule;

/// The rules known to a scan, by unique id.
#[derive(Default)]
pub struct Registry {
    rules: Vec<Box<dyn AnyRule>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.rules.iter().map(|r| r.metadata().id))
            .finish()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a rule. Its id must be unique (case-insensitively) and well formed, and it
    /// must not read a lookup kind as a complete listing.
    pub fn register<R: Rule>(&mut self, rule: R) -> Result<&mut Self, RegistryError> {
        self.register_boxed(Box::new(crate::any_rule::Typed(rule)))
    }

    /// Adds a rule already made type-erased (see [`crate::any_rule::erase`]).
    pub fn register_boxed(&mut self, rule: Box<dyn AnyRule>) -> Result<&mut Self, RegistryError> {
        let id = rule.metadata().id;
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(RegistryError::InvalidId { id: id.to_string() });
        }
        if self.get(id).is_some() {
            return Err(RegistryError::DuplicateId { id: id.to_string() });
        }
        if rule.kind().listing == Listing::Lookup {
            return Err(RegistryError::JudgesLookup {
                id: id.to_string(),
                kind: rule.kind().name,
            });
        }
        if let Some(need) = rule
            .needs()
            .into_iter()
            .find(|n| n.kind.listing == Listing::Lookup && n.read_as == Listing::Complete)
        {
            return Err(RegistryError::LookupReadAsListing {
                id: id.to_string(),
                kind: need.kind.name,
            });
        }
        self.rules.push(rule);
        Ok(self)
    }

    /// The rule with this exact id (case-insensitive).
    pub fn get(&self, id: &str) -> Option<&dyn AnyRule> {
        self.rules
            .iter()
            .map(|r| r.as_ref())
            .find(|r| r.metadata().id.eq_ignore_ascii_case(id))
    }

    /// All rules, in registration order.
    pub fn iter(&self) -> impl Iterator<Item = &dyn AnyRule> {
        self.rules.iter().map(|r| r.as_ref())
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rules matching `selection`, in registration order.
    ///
    /// A rule selector that matches no rule is an error (a typo must not silently
    /// select nothing). `min_risk` compares with the rule's default risk; the engine
    /// applies config overrides before it calls [`Selection::matches`].
    pub fn select(&self, selection: &Selection) -> Result<Vec<&dyn AnyRule>, SelectionError> {
        for selector in &selection.rules {
            if !self.iter().any(|r| selector_matches(selector, r.metadata().id)) {
                return Err(SelectionError::UnknownRule {
                    selector: selector.clone(),
                });
            }
        }
        Ok(self
            .iter()
            .filter(|r| {
                let m = r.metadata();
                selection.matches(m.id, m.service, m.risk, &m.standards())
            })
            .collect())
    }
}

/// Whether `selector` (an exact id or an id prefix such as `VPC` or `VPC-00`) selects `id`.
///
/// ```
/// use cloudposture_core::selector_matches;
/// assert!(selector_matches("VPC", "VPC-001"));
/// assert!(selector_matches("vpc-001", "VPC-001"));
/// assert!(selector_matches("VPC-00", "VPC-001"));
/// assert!(!selector_matches("EC2", "VPC-001"));
/// ```
pub fn selector_matches(selector: &str, id: &str) -> bool {
    let selector = selector.trim();
    !selector.is_empty()
        && id.len() >= selector.len()
        && id.as_bytes()[..selector.len()].eq_ignore_ascii_case(selector.as_bytes())
}

/// Which rules to run. Every criterion given must match; empty lists match all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Rule ids or id prefixes (`VPC-001`, `VPC`).
    pub rules: Vec<String>,
    /// Standards; a rule matches when it maps to any of them.
    pub standards: Vec<Standard>,
    /// Minimum risk level.
    pub min_risk: Option<RiskLevel>,
    /// Services (case-insensitive), e.g. `VPC`.
    pub services: Vec<String>,
}

impl Selection {
    /// Everything.
    pub fn all() -> Self {
        Self::default()
    }

    /// Rules by id or prefix.
    pub fn rules<S: Into<String>>(ids: impl IntoIterator<Item = S>) -> Self {
        Selection {
            rules: ids.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }

    /// Whether a rule with these properties is selected.
    pub fn matches(&self, id: &str, service: &str, risk: RiskLevel, standards: &[Standard]) -> bool {
        (self.rules.is_empty() || self.rules.iter().any(|s| selector_matches(s, id)))
            && (self.standards.is_empty() || self.standards.iter().any(|s| standards.contains(s)))
            && self.min_risk.is_none_or(|min| risk >= min)
            && (self.services.is_empty() || self.services.iter().any(|s| s.eq_ignore_ascii_case(service)))
    }
}

/// A rule could not be registered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegistryError {
    /// Another rule already has this id.
    #[error("rule id `{id}` is registered twice")]
    DuplicateId {
        /// The id.
        id: String,
    },
    /// The rule judges a kind that is a lookup: it would judge only the resources that
    /// happened to be looked up.
    #[error(
        "rule `{id}` judges `{kind}`, but only some of those are looked up (it is not a complete listing), so \
         the rule would miss the others; judge a kind that is listed completely"
    )]
    JudgesLookup {
        /// The id.
        id: String,
        /// The kind.
        kind: &'static str,
    },
    /// The rule reads a kind that is a lookup (partial by design) as a complete listing.
    #[error(
        "rule `{id}` reads `{kind}` as a complete listing, but only some of those are looked up; read it as a `Lookup`"
    )]
    LookupReadAsListing {
        /// The id.
        id: String,
        /// The kind.
        kind: &'static str,
    },
    /// The id is empty or has characters other than letters, digits and `-`.
    #[error("rule id `{id}` is not valid; use letters, digits and `-`, e.g. `VPC-001`")]
    InvalidId {
        /// The id.
        id: String,
    },
}

/// A selection that cannot be satisfied.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SelectionError {
    /// A rule selector matches no registered rule.
    #[error("no rule matches `{selector}`; `cloudposture rules list` shows the rules")]
    UnknownRule {
        /// The selector given.
        selector: String,
    },
}
