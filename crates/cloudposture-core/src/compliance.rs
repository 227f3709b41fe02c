//! Compliance standards, their controls, and the Well-Architected pillars.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::error::ParseEnumError;

/// A compliance standard or framework that rules map to.
///
/// The list grows as rules need more; `#[non_exhaustive]` keeps that a
/// non-breaking change for code that matches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Standard {
    /// CIS Amazon Web Services Foundations Benchmark.
    CisAwsFoundations,
    /// Payment Card Industry Data Security Standard.
    PciDss,
    /// EU General Data Protection Regulation.
    Gdpr,
    /// APRA Prudential Standard CPS 234 (Information Security).
    Apra,
    /// MAS Technology Risk Management Guidelines.
    Mas,
    /// NIST SP 800-53.
    Nist,
    /// NIST SP 800-171.
    Nist800171,
}

impl Standard {
    /// Every known standard.
    pub const ALL: [Standard; 7] = [
        Standard::CisAwsFoundations,
        Standard::PciDss,
        Standard::Gdpr,
        Standard::Apra,
        Standard::Mas,
        Standard::Nist,
        Standard::Nist800171,
    ];

    /// Short code used by `--standard` and in JSON (`cis`, `pci`, `gdpr`, `apra`, `mas`, `nist`, `nist-800-171`).
    pub fn code(self) -> &'static str {
        match self {
            Standard::CisAwsFoundations => "cis",
            Standard::PciDss => "pci",
            Standard::Gdpr => "gdpr",
            Standard::Apra => "apra",
            Standard::Mas => "mas",
            Standard::Nist => "nist",
            Standard::Nist800171 => "nist-800-171",
        }
    }

    /// Full name, for people.
    pub fn name(self) -> &'static str {
        match self {
            Standard::CisAwsFoundations => "CIS AWS Foundations Benchmark",
            Standard::PciDss => "PCI DSS",
            Standard::Gdpr => "GDPR",
            Standard::Apra => "APRA CPS 234",
            Standard::Mas => "MAS TRM",
            Standard::Nist => "NIST SP 800-53",
            Standard::Nist800171 => "NIST SP 800-171",
        }
    }

    /// Whether `--standard nist` style selection by `code` matches this standard.
    ///
    /// `nist` selects both NIST publications: users ask for "NIST", not for a
    /// publication number.
    pub fn matches_code(self, code: &str) -> bool {
        self.code().eq_ignore_ascii_case(code)
            || (code.eq_ignore_ascii_case("nist") && self == Standard::Nist800171)
    }
}

impl fmt::Display for Standard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Standard {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Standard::ALL
            .into_iter()
            .find(|st| st.code().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseEnumError::new("standard", s, Standard::ALL.map(Standard::code)))
    }
}

impl Serialize for Standard {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// One control of a standard that a rule helps to meet.
///
/// `id` is `None` where the standard has no public control id for the check
/// (GDPR, APRA CPS 234, MAS TRM): the rule then names the standard only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Control {
    /// The standard.
    pub standard: Standard,
    /// The standard's version, e.g. `v1.4.0`, `Rev. 5`.
    pub version: &'static str,
    /// The control id, e.g. `3.9`, `AU-12`.
    pub id: Option<&'static str>,
}

impl Control {
    /// A control with an id.
    pub const fn new(standard: Standard, version: &'static str, id: &'static str) -> Self {
        Control {
            standard,
            version,
            id: Some(id),
        }
    }

    /// A standard the rule serves where no public control id exists.
    pub const fn standard_only(standard: Standard, version: &'static str) -> Self {
        Control {
            standard,
            version,
            id: None,
        }
    }
}

impl fmt::Display for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.standard.name(), self.version)?;
        if let Some(id) = self.id {
            write!(f, " {id}")?;
        }
        Ok(())
    }
}

/// What `--standard` names: a standard and, optionally, one of its versions
/// (`cis`, `cis:v3.0.0`, `cis:3.0.0`, `pci:v3.2.1`, `nist:rev. 5`).
///
/// The version is kept as written; [`same_version`] compares it with the versions that
/// rules and catalogs use, so that `cis:3.0.0` and `CIS:V3.0.0` both name `v3.0.0`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StandardSelector {
    /// The standard.
    pub standard: Standard,
    /// The version as written, if one was given.
    pub version: Option<String>,
}

/// A `--standard` value that is not `STANDARD` or `STANDARD:VERSION`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StandardSelectorError {
    /// The part before `:` is not a standard.
    #[error(transparent)]
    Standard(#[from] ParseEnumError),
    /// Nothing follows the `:`.
    #[error("no version after `{standard}:`; name one, e.g. `cis:v3.0.0`, or leave out the `:`")]
    EmptyVersion {
        /// The standard as written.
        standard: String,
    },
}

impl FromStr for StandardSelector {
    type Err = StandardSelectorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (code, version) = match s.split_once(':') {
            Some((code, version)) => (code, Some(version.trim())),
            None => (s, None),
        };
        let standard: Standard = code.parse()?;
        match version {
            Some("") => Err(StandardSelectorError::EmptyVersion {
                standard: code.trim().to_string(),
            }),
            version => Ok(StandardSelector {
                standard,
                version: version.map(str::to_string),
            }),
        }
    }
}

/// One version of a standard, as a selection names it (the version as written).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StandardVersion {
    /// The standard.
    pub standard: Standard,
    /// The version as written; compared with [`same_version`].
    pub version: String,
}

impl StandardVersion {
    /// Whether `control` is of this standard and version.
    pub fn matches(&self, control: &Control) -> bool {
        control.standard == self.standard && same_version(control.version, &self.version)
    }
}

/// Whether two spellings name the same version: case, spaces and a leading `v`, `rev`
/// or `rev.` do not count, so `v3.0.0` = `3.0.0` = `V3.0.0` and `Rev. 5` = `rev5` = `5`.
///
/// ```
/// use cloudposture_core::same_version;
/// assert!(same_version("v3.0.0", "3.0.0"));
/// assert!(same_version("Rev. 5", "rev5"));
/// assert!(!same_version("v3.0.0", "v3.0"));
/// ```
pub fn same_version(a: &str, b: &str) -> bool {
    version_key(a) == version_key(b)
}

fn version_key(version: &str) -> String {
    let key: String = version
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    for prefix in ["rev.", "rev", "v"] {
        if let Some(rest) = key.strip_prefix(prefix)
            && rest.starts_with(|c: char| c.is_ascii_digit())
        {
            return rest.to_string();
        }
    }
    key
}

/// The six pillars of the AWS Well-Architected Framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pillar {
    /// Operational excellence.
    OperationalExcellence,
    /// Security.
    Security,
    /// Reliability.
    Reliability,
    /// Performance efficiency.
    PerformanceEfficiency,
    /// Cost optimization.
    CostOptimization,
    /// Sustainability.
    Sustainability,
}

impl Pillar {
    /// Name for people.
    pub fn name(self) -> &'static str {
        match self {
            Pillar::OperationalExcellence => "Operational Excellence",
            Pillar::Security => "Security",
            Pillar::Reliability => "Reliability",
            Pillar::PerformanceEfficiency => "Performance Efficiency",
            Pillar::CostOptimization => "Cost Optimization",
            Pillar::Sustainability => "Sustainability",
        }
    }
}

impl fmt::Display for Pillar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standards_parse_from_their_codes() {
        for st in Standard::ALL {
            assert_eq!(st.code().parse::<Standard>().ok(), Some(st));
        }
        assert!("iso".parse::<Standard>().is_err());
    }

    #[test]
    fn nist_code_selects_both_nist_publications() {
        assert!(Standard::Nist.matches_code("nist"));
        assert!(Standard::Nist800171.matches_code("NIST"));
        assert!(!Standard::PciDss.matches_code("nist"));
    }

    #[test]
    fn a_selector_names_a_standard_and_maybe_a_version() {
        let cis = |v: Option<&str>| StandardSelector {
            standard: Standard::CisAwsFoundations,
            version: v.map(str::to_string),
        };
        assert_eq!("cis".parse(), Ok(cis(None)));
        assert_eq!("CIS:V3.0.0".parse(), Ok(cis(Some("V3.0.0"))));
        assert_eq!(" cis : 3.0.0 ".parse(), Ok(cis(Some("3.0.0"))));
        assert_eq!(
            "cis:".parse::<StandardSelector>().unwrap_err().to_string(),
            "no version after `cis:`; name one, e.g. `cis:v3.0.0`, or leave out the `:`"
        );
        assert!(
            "iso:2013"
                .parse::<StandardSelector>()
                .unwrap_err()
                .to_string()
                .starts_with("unknown standard `iso`")
        );
    }

    #[test]
    fn versions_compare_without_case_spaces_or_a_leading_v() {
        for (a, b) in [
            ("v3.0.0", "3.0.0"),
            ("v3.0.0", "V3.0.0"),
            ("Rev. 5", "rev 5"),
            ("Rev. 5", "5"),
            ("CPS 234 (2019)", "cps 234 (2019)"),
        ] {
            assert!(same_version(a, b), "{a} = {b}");
        }
        assert!(!same_version("v3.0.0", "v3.0"));
        assert!(!same_version("v1.4.0", "v1.4.0.1"));
        // A `v` that does not lead a number is part of the version.
        assert!(!same_version("vault", "ault"));
    }

    #[test]
    fn control_without_id_prints_standard_and_version() {
        assert_eq!(
            Control::standard_only(Standard::Gdpr, "2016/679").to_string(),
            "GDPR 2016/679"
        );
        assert_eq!(
            Control::new(Standard::CisAwsFoundations, "v1.2.0", "2.9").to_string(),
            "CIS AWS Foundations Benchmark v1.2.0 2.9"
        );
    }
}
