//! The registry of rules and selection among them.

use thiserror::Error;

use crate::any_rule::AnyRule;
use crate::catalog::{Catalog, natural_cmp};
use crate::compliance::{Control, Standard, StandardVersion, same_version};
use crate::kind::Listing;
use crate::risk::RiskLevel;
use crate::rule::Rule;

/// The rules known to a scan, by unique id, and the catalogs of the standards' controls.
#[derive(Default)]
pub struct Registry {
    rules: Vec<Box<dyn AnyRule>>,
    catalogs: Vec<&'static Catalog>,
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

    /// Adds a catalog of a standard's sections and controls (the CIS benchmark's, say),
    /// which compliance summaries and version selection read.
    pub fn add_catalog(&mut self, catalog: &'static Catalog) -> &mut Self {
        if !self.catalogs.iter().any(|c| std::ptr::eq(*c, catalog)) {
            self.catalogs.push(catalog);
        }
        self
    }

    /// The catalogs, in the order they were added.
    pub fn catalogs(&self) -> &[&'static Catalog] {
        &self.catalogs
    }

    /// The versions of `standard` that the rules' controls or the catalogs name, each
    /// once, oldest first.
    pub fn known_versions(&self, standard: Standard) -> Vec<&'static str> {
        let from_rules = self
            .iter()
            .flat_map(|r| r.metadata().controls.iter())
            .filter(|c| c.standard == standard)
            .map(|c| c.version);
        let from_catalogs = self.catalogs.iter().flat_map(|c| c.versions(standard));
        let mut versions: Vec<&'static str> = from_rules.chain(from_catalogs).collect();
        versions.sort_by(|a, b| natural_cmp(a, b));
        versions.dedup();
        versions
    }

    /// The version of `standard` as rules write it (`v3.0.0`) for a version as a user
    /// wrote it (`3.0.0`, `V3.0.0`; see [`same_version`]). An unknown version is an
    /// error that lists the known ones.
    pub fn resolve_version(&self, standard: Standard, version: &str) -> Result<&'static str, SelectionError> {
        let known = self.known_versions(standard);
        known
            .iter()
            .copied()
            .find(|k| same_version(k, version))
            .ok_or_else(|| SelectionError::UnknownVersion {
                standard,
                version: version.trim().to_string(),
                known,
            })
    }

    /// The rules matching `selection`, in registration order.
    ///
    /// A rule selector that matches no rule, or a standard version that no rule or
    /// catalog knows, is an error (a typo must not silently select nothing). `min_risk`
    /// compares with the rule's default risk; the engine applies config overrides
    /// before it calls [`Selection::matches`].
    pub fn select(&self, selection: &Selection) -> Result<Vec<&dyn AnyRule>, SelectionError> {
        for selector in &selection.rules {
            if !self.iter().any(|r| selector_matches(selector, r.metadata().id)) {
                return Err(SelectionError::UnknownRule {
                    selector: selector.clone(),
                });
            }
        }
        for v in &selection.versions {
            self.resolve_version(v.standard, &v.version)?;
        }
        Ok(self
            .iter()
            .filter(|r| {
                let m = r.metadata();
                selection.matches(m.id, m.service, m.risk, m.controls)
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
///
/// `standards` and `versions` are one criterion: a rule matches it when it maps to
/// any standard listed, or has a control of any version listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Rule ids or id prefixes (`VPC-001`, `VPC`).
    pub rules: Vec<String>,
    /// Standards, every version; a rule matches when it maps to any of them.
    pub standards: Vec<Standard>,
    /// Versions of standards (`cis:v3.0.0`); a rule matches when it has a control of
    /// any of them. [`Registry::select`] refuses versions that it does not know.
    pub versions: Vec<StandardVersion>,
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

    /// Whether a rule with these properties (its `controls`) is selected.
    pub fn matches(&self, id: &str, service: &str, risk: RiskLevel, controls: &[Control]) -> bool {
        let by_standard = (self.standards.is_empty() && self.versions.is_empty())
            || controls
                .iter()
                .any(|c| self.standards.contains(&c.standard) || self.versions.iter().any(|v| v.matches(c)));
        (self.rules.is_empty() || self.rules.iter().any(|s| selector_matches(s, id)))
            && by_standard
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
    /// No rule or catalog knows this version of the standard.
    #[error("{} has no version `{version}` known here; {}", standard.name(), known_list(*standard, known))]
    UnknownVersion {
        /// The standard.
        standard: Standard,
        /// The version as given.
        version: String,
        /// The versions that are known, oldest first.
        known: Vec<&'static str>,
    },
}

fn known_list(standard: Standard, known: &[&str]) -> String {
    match known {
        [] => format!(
            "no rule maps a version of it (`--standard {}` selects by standard alone)",
            standard.code()
        ),
        known => format!(
            "known versions: {} (e.g. `--standard {}:{}`)",
            known.join(", "),
            standard.code(),
            known[known.len() - 1]
        ),
    }
}
