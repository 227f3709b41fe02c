//! Risk levels of rules and findings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ParseEnumError;

/// How much harm a failing rule can do, from `low` to `extreme` (ordered).
///
/// ```
/// use cloudposture_core::RiskLevel;
/// let r: RiskLevel = "very-high".parse().unwrap();
/// assert!(r > RiskLevel::Medium);
/// assert_eq!(r.to_string(), "very-high");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskLevel {
    /// Should be achieved.
    Low,
    /// Should be fixed.
    Medium,
    /// Fix soon.
    High,
    /// Fix now.
    VeryHigh,
    /// Fix immediately: the account is exposed.
    Extreme,
}

impl RiskLevel {
    /// Every level, lowest first.
    pub const ALL: [RiskLevel; 5] = [
        RiskLevel::Low,
        RiskLevel::Medium,
        RiskLevel::High,
        RiskLevel::VeryHigh,
        RiskLevel::Extreme,
    ];

    /// The kebab-case name used in config files, flags and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::VeryHigh => "very-high",
            RiskLevel::Extreme => "extreme",
        }
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RiskLevel {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RiskLevel::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseEnumError::new("risk level", s, RiskLevel::ALL.map(RiskLevel::as_str)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_every_level() {
        for r in RiskLevel::ALL {
            assert_eq!(r.as_str().parse::<RiskLevel>().ok(), Some(r));
        }
        assert!(RiskLevel::Low < RiskLevel::Extreme);
    }

    #[test]
    fn unknown_level_lists_allowed_values() {
        let err = "severe".parse::<RiskLevel>().err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("unknown risk level `severe`; expected one of: low, medium, high, very-high, extreme")
        );
    }
}
