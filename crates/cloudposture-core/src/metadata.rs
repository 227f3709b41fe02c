//! Rule metadata: everything a rule knows about itself, as a `'static` value.
//!
//! The CLI's `rules show`, the generated docs, the least-privilege IAM policy and
//! the compliance summary are all read from here, so they cannot drift from the code.

use serde::Serialize;

use crate::compliance::{Control, Pillar, Standard};
use crate::risk::RiskLevel;

/// The knowledge a rule carries. Built as a `static` next to the rule's code.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleMetadata {
    /// Unique id, `SERVICE-NNN` (e.g. `VPC-001`). Selection by prefix uses the part before `-`.
    pub id: &'static str,
    /// Short title, e.g. `VPC Flow Logs Enabled`.
    pub title: &'static str,
    /// Cloud provider, e.g. `aws`.
    pub provider: &'static str,
    /// Service, e.g. `VPC`.
    pub service: &'static str,
    /// Default risk level (a config file may override it).
    pub risk: RiskLevel,
    /// Well-Architected pillars served.
    pub pillars: &'static [Pillar],
    /// Compliance controls served.
    pub controls: &'static [Control],
    /// What the rule checks.
    pub description: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    /// How to audit by hand, step by step.
    pub audit: &'static [AuditStep],
    /// How to remediate, step by step.
    pub remediation: &'static [AuditStep],
    /// Further reading.
    pub references: &'static [Reference],
    /// Date the rule was first published (`YYYY-MM-DD`).
    pub published: &'static str,
    /// Permissions needed to audit beyond those of the kinds the rule reads (which
    /// come from the kinds' declarations).
    pub iam_audit_extra: &'static [&'static str],
    /// IAM actions needed to remediate.
    pub iam_remediate: &'static [&'static str],
}

impl RuleMetadata {
    /// The standards this rule serves, each once, in the order of the enum.
    pub fn standards(&self) -> Vec<Standard> {
        let mut out: Vec<Standard> = self.controls.iter().map(|c| c.standard).collect();
        out.sort();
        out.dedup();
        out
    }

    /// Metadata with every field empty, for `..RuleMetadata::EMPTY` in tests and
    /// examples; a real rule fills in every field (a registry test checks it).
    pub const EMPTY: RuleMetadata = RuleMetadata {
        id: "",
        title: "",
        provider: "",
        service: "",
        risk: RiskLevel::Low,
        pillars: &[],
        controls: &[],
        description: "",
        rationale: "",
        audit: &[],
        remediation: &[],
        references: &[],
        published: "",
        iam_audit_extra: &[],
        iam_remediate: &[],
    };
}

/// One step of an audit or remediation procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AuditStep {
    /// Where the step is done: `console`, `cli`, `cloudformation`, `terraform`…
    pub via: &'static str,
    /// What to do, in words.
    pub text: &'static str,
    /// A command or snippet to run, if any.
    pub code: Option<&'static str>,
}

/// A link to further reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// Title of the page.
    pub title: &'static str,
    /// Its URL.
    pub url: &'static str,
}
