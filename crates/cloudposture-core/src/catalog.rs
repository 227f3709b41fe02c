//! Catalogs of a standard's controls, as data: which sections a version of a benchmark
//! has and which controls are in them, so that a compliance summary can name the
//! controls that no rule checks.
//!
//! A catalog need not list every section's controls: a section whose
//! `controls_listed` is false is known by number and title only, and a summary says
//! that it cannot tell which of its controls go unchecked.

use std::cmp::Ordering;

use serde::Serialize;

use crate::compliance::Standard;

/// One section of a version of a standard, e.g. CIS v3.0.0 `5` Networking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CatalogSection {
    /// The standard.
    pub standard: Standard,
    /// The version, as rules write it (e.g. `v3.0.0`).
    pub version: &'static str,
    /// The section number, e.g. `5`.
    pub number: &'static str,
    /// The section title, e.g. `Networking`.
    pub title: &'static str,
    /// Whether the catalog lists every control of this section.
    pub controls_listed: bool,
}

/// One control of a version of a standard, e.g. CIS v3.0.0 `5.2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CatalogControl {
    /// The standard.
    pub standard: Standard,
    /// The version, as rules write it (e.g. `v3.0.0`).
    pub version: &'static str,
    /// The number of the section it belongs to, e.g. `5`.
    pub section: &'static str,
    /// The control id, e.g. `5.2`.
    pub id: &'static str,
    /// The control title.
    pub title: &'static str,
}

/// The sections and controls of one or more versions of a standard.
#[derive(Debug, Clone, Copy)]
pub struct Catalog {
    /// Sections, in order.
    pub sections: &'static [CatalogSection],
    /// Controls of the sections whose `controls_listed` is true, in order.
    pub controls: &'static [CatalogControl],
}

impl Catalog {
    /// The sections of one version, in order.
    pub fn sections_of<'a>(
        &'a self,
        standard: Standard,
        version: &'a str,
    ) -> impl Iterator<Item = &'static CatalogSection> + 'a {
        self.sections
            .iter()
            .filter(move |s| s.standard == standard && s.version == version)
    }

    /// The controls of one version, in order.
    pub fn controls_of<'a>(
        &'a self,
        standard: Standard,
        version: &'a str,
    ) -> impl Iterator<Item = &'static CatalogControl> + 'a {
        self.controls
            .iter()
            .filter(move |c| c.standard == standard && c.version == version)
    }

    /// Every version of `standard` the catalog knows.
    pub fn versions(&self, standard: Standard) -> impl Iterator<Item = &'static str> + '_ {
        self.sections
            .iter()
            .filter(move |s| s.standard == standard)
            .map(|s| s.version)
    }
}

/// Orders control ids and versions as people read them: runs of digits by their value,
/// so `5.2` < `5.10` and `v1.4.0` < `v10.0.0`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.is_empty(), b.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        let (run_a, rest_a) = split_run(a);
        let (run_b, rest_b) = split_run(b);
        let digits = |s: &str| s.starts_with(|c: char| c.is_ascii_digit());
        let order = if digits(run_a) && digits(run_b) {
            let (x, y) = (run_a.trim_start_matches('0'), run_b.trim_start_matches('0'));
            x.len().cmp(&y.len()).then_with(|| x.cmp(y))
        } else {
            run_a.cmp(run_b)
        };
        if order != Ordering::Equal {
            return order;
        }
        (a, b) = (rest_a, rest_b);
    }
}

/// The leading run of digits, or of other characters, and the rest.
fn split_run(s: &str) -> (&str, &str) {
    let digit = s.starts_with(|c: char| c.is_ascii_digit());
    let end = s.find(|c: char| c.is_ascii_digit() != digit).unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_versions_sort_by_the_value_of_their_numbers() {
        let mut ids = vec!["5.10", "5.2", "5.1.2", "5.1", "3.9", "10.1", "5.1.1"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["3.9", "5.1", "5.1.1", "5.1.2", "5.2", "5.10", "10.1"]);
        let mut versions = vec!["v10.0.0", "v2.0.0", "v1.4.0", "v1.2.0"];
        versions.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(versions, ["v1.2.0", "v1.4.0", "v2.0.0", "v10.0.0"]);
        assert_eq!(natural_cmp("Rev. 5", "Rev. 5"), Ordering::Equal);
    }
}
