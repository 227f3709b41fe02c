//! Findings: one per resource per evaluated rule.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::compliance::Control;
use crate::error::ParseEnumError;
use crate::resource::ResourceRef;
use crate::risk::RiskLevel;

/// The outcome of a rule for one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The resource does not meet the rule.
    Fail,
    /// The resource could not be judged (e.g. its region could not be read). Never a pass.
    Error,
    /// The resource meets the rule.
    Pass,
    /// The rule does not apply to this resource (e.g. owned by another account).
    Skipped,
    /// An exception in the configuration matched; the reason is kept.
    Muted,
}

impl Status {
    /// Every status, in report order (failures first).
    pub const ALL: [Status; 5] = [
        Status::Fail,
        Status::Error,
        Status::Pass,
        Status::Skipped,
        Status::Muted,
    ];

    /// Lower-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Skipped => "skipped",
            Status::Muted => "muted",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseEnumError::new("status", s, Status::ALL.map(Status::as_str)))
    }
}

/// What a rule found about one resource.
///
/// A plain struct on purpose: findings are data that every writer, aggregator and
/// store reads the same way. Build them with [`crate::RuleContext`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Rule id.
    pub rule_id: &'static str,
    /// Rule title.
    pub title: &'static str,
    /// Outcome.
    pub status: Status,
    /// Effective risk (the rule's, or the config override).
    pub risk: RiskLevel,
    /// The resource judged.
    pub resource: ResourceRef,
    /// Why, in words a person understands.
    pub message: String,
    /// What was looked at and why it decided (rule-specific shape).
    pub evidence: serde_json::Value,
    /// Compliance controls of the rule.
    #[serde(serialize_with = "serialize_controls")]
    pub controls: &'static [Control],
    /// Ready-to-run remediation, on failing findings.
    pub remediation: Option<Remediation>,
    /// Why the finding was muted (the exception's reason).
    pub muted_reason: Option<String>,
}

fn serialize_controls<S: Serializer>(controls: &&'static [Control], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(controls.iter())
}

impl Finding {
    /// Attaches evidence.
    pub fn with_evidence(mut self, evidence: serde_json::Value) -> Self {
        self.evidence = evidence;
        self
    }

    /// Attaches remediation.
    pub fn with_remediation(mut self, remediation: Remediation) -> Self {
        self.remediation = Some(remediation);
        self
    }
}

/// Ready-to-use remediation for one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Remediation {
    /// One sentence on what to do.
    pub summary: String,
    /// Snippets to run or paste, with the resource's values filled in.
    pub snippets: Vec<Snippet>,
}

/// A piece of remediation: a command, a template or a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// What it is.
    pub kind: SnippetKind,
    /// Title for people, e.g. `AWS CLI`.
    pub title: String,
    /// Content, ready to paste. Placeholders look like `<LOG_GROUP_NAME>`.
    pub content: String,
}

/// The kind of a remediation snippet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SnippetKind {
    /// A shell command (AWS CLI).
    Cli,
    /// A CloudFormation template (YAML).
    Cloudformation,
    /// Terraform (HCL).
    Terraform,
    /// An IAM policy document (JSON).
    IamPolicy,
}
