//! The compliance view of a report for one version of a standard: per control, the
//! rules that check it and how their findings came out; the controls of the sections
//! the rules touch that no rule checks yet; and the sections no rule touches at all —
//! so that a clean result never reads as complete coverage.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, CatalogControl, CatalogSection, natural_cmp};
use crate::compliance::Standard;
use crate::metadata::RuleMetadata;
use crate::registry::Registry;
use crate::report::{Report, StatusCounts};

/// How a report covers one version of a standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// The standard.
    pub standard: Standard,
    /// The version, as rules write it.
    pub version: &'static str,
    /// Whether a catalog of this version is known. Without one, the controls that no
    /// rule checks cannot be named.
    pub catalog_known: bool,
    /// The controls that a rule maps, in id order.
    pub controls: Vec<ControlCoverage>,
    /// Controls of the sections in `controls` that no rule maps, in id order.
    pub not_covered: Vec<&'static CatalogControl>,
    /// Sections that no rule maps a control of, in order.
    pub sections_not_checked: Vec<&'static CatalogSection>,
    /// Sections that a rule maps a control of but whose controls the catalog does not
    /// list: which of their controls go unchecked is not known.
    pub sections_not_listed: Vec<&'static CatalogSection>,
}

/// One control and the rules that check it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlCoverage {
    /// The control id; `None` where the standard has no ids (the rule serves the whole standard).
    pub id: Option<&'static str>,
    /// The title, from the catalog.
    pub title: Option<&'static str>,
    /// The rules that map it, in registration order.
    pub rules: Vec<CoveringRule>,
    /// The findings of those rules in the report, by status.
    pub counts: StatusCounts,
}

/// A rule that maps a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoveringRule {
    /// The rule id.
    pub id: &'static str,
    /// Whether it ran in the report (it may not have been selected).
    pub ran: bool,
}

impl Coverage {
    /// The coverage of `standard` `version` (as rules write it) in `report`, by `rules`
    /// (every rule known, run or not) and the `catalogs`.
    pub fn of<'m>(
        report: &Report,
        rules: impl IntoIterator<Item = &'m RuleMetadata>,
        catalogs: &[&'static Catalog],
        standard: Standard,
        version: &'static str,
    ) -> Coverage {
        let sections: Vec<&'static CatalogSection> = catalogs
            .iter()
            .flat_map(|c| c.sections_of(standard, version))
            .collect();
        let listed: Vec<&'static CatalogControl> = catalogs
            .iter()
            .flat_map(|c| c.controls_of(standard, version))
            .collect();
        let in_catalog = |id: &str| listed.iter().copied().find(|c| c.id == id);

        let mut counts_of: BTreeMap<&str, StatusCounts> = BTreeMap::new();
        for f in &report.findings {
            counts_of.entry(f.rule.id).or_default().add(f.status);
        }
        let ran: BTreeSet<&str> = report.rules.iter().map(|r| r.id).collect();

        let mut controls: Vec<ControlCoverage> = Vec::new();
        for m in rules {
            for c in m
                .controls
                .iter()
                .filter(|c| c.standard == standard && c.version == version)
            {
                let i = match controls.iter().position(|row| row.id == c.id) {
                    Some(i) => i,
                    None => {
                        controls.push(ControlCoverage {
                            id: c.id,
                            title: c.id.and_then(in_catalog).map(|entry| entry.title),
                            rules: Vec::new(),
                            counts: StatusCounts::default(),
                        });
                        controls.len() - 1
                    }
                };
                let row = &mut controls[i];
                if row.rules.iter().any(|r| r.id == m.id) {
                    continue;
                }
                row.rules.push(CoveringRule {
                    id: m.id,
                    ran: ran.contains(m.id),
                });
                if let Some(n) = counts_of.get(m.id) {
                    row.counts.merge(n);
                }
            }
        }
        controls.sort_by(|a, b| match (a.id, b.id) {
            (Some(x), Some(y)) => natural_cmp(x, y),
            (x, y) => x.cmp(&y),
        });

        // A control's section: the catalog's, else the part of its id before the first dot.
        let section_of = |id: &'static str| {
            in_catalog(id).map_or_else(|| id.split('.').next().unwrap_or(id), |c| c.section)
        };
        let checked: BTreeSet<&str> = controls.iter().filter_map(|c| c.id).map(section_of).collect();
        let mapped: BTreeSet<&str> = controls.iter().filter_map(|c| c.id).collect();
        let mut not_covered: Vec<&'static CatalogControl> = listed
            .iter()
            .copied()
            .filter(|c| checked.contains(c.section) && !mapped.contains(c.id))
            .collect();
        not_covered.sort_by(|a, b| natural_cmp(a.id, b.id));
        Coverage {
            standard,
            version,
            catalog_known: !sections.is_empty(),
            controls,
            not_covered,
            sections_not_checked: sections
                .iter()
                .copied()
                .filter(|s| !checked.contains(s.number))
                .collect(),
            sections_not_listed: sections
                .iter()
                .copied()
                .filter(|s| checked.contains(s.number) && !s.controls_listed)
                .collect(),
        }
    }
}

impl Registry {
    /// The coverage of `standard` `version` (as rules write it, see
    /// [`Registry::resolve_version`]) in `report`, by every registered rule and catalog.
    pub fn coverage(&self, report: &Report, standard: Standard, version: &'static str) -> Coverage {
        Coverage::of(
            report,
            self.iter().map(|r| r.metadata()),
            self.catalogs(),
            standard,
            version,
        )
    }
}

#[cfg(test)]
mod tests;
