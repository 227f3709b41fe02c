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
