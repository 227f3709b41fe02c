//! Findings: one per resource per evaluated rule.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use compact_str::CompactString;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::error::ParseEnumError;
use crate::kind::KindInfo;
use crate::metadata::RuleMetadata;
use crate::resource::ResourceRef;
use crate::risk::RiskLevel;

/// The outcome of a rule for one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule that judged: its id (`rule.id`), title, controls and the rest of what it
    /// knows. A reference, so that a finding does not carry copies of them.
    pub rule: &'static RuleMetadata,
    /// The kind of the resource judged (the rule's kind): its type names, for writers.
    pub kind: &'static KindInfo,
    /// Outcome.
    pub status: Status,
    /// Effective risk (the rule's, or the config override).
    pub risk: RiskLevel,
    /// The resource judged.
    pub resource: ResourceRef,
    /// Why, in words a person understands.
    pub message: String,
    /// What was looked at and why it decided (rule-specific shape).
    pub evidence: Evidence,
    /// How to fix it, on failing findings.
    pub remediation: Option<Box<Remediation>>,
    /// Why the finding was muted (the exception's reason, shared by every finding it mutes).
    pub muted_reason: Option<Arc<str>>,
    /// For a muted finding, the status the rule gave (`fail`, `pass`…) before the
    /// exception muted it.
    pub original_status: Option<Status>,
    /// The account whose credentials read the resource: the account of the scope the
    /// rule judged (set by [`crate::RuleContext::finding`]). It is not the resource's
    /// owner when the resource is shared with that account (`resource.account`).
    /// `None` when the scope's account is unknown.
    pub scanned_account: Option<CompactString>,
}

impl Finding {
    /// Attaches evidence: any serializable value, written to JSON once, here.
    pub fn with_evidence(mut self, evidence: impl Serialize) -> Self {
        self.evidence = Evidence::new(&evidence);
        self
    }

    /// Attaches remediation.
    pub fn with_remediation(mut self, remediation: Remediation) -> Self {
        self.remediation = Some(Box::new(remediation));
        self
    }

    /// Mutes the finding with `reason`, keeping the rule's verdict in `original_status`.
    /// A finding muted already keeps its first reason (a template's suppression, then a
    /// config exception, then a baseline: the first that applies is the one reported).
    /// Returns whether it was muted now.
    pub fn mute(&mut self, reason: Arc<str>) -> bool {
        if self.status == Status::Muted {
            return false;
        }
        self.original_status = Some(self.status);
        self.status = Status::Muted;
        self.muted_reason = Some(reason);
        true
    }

    /// The rule's verdict: the status, or for a muted finding the status it had before.
    pub fn judged_status(&self) -> Status {
        self.original_status.unwrap_or(self.status)
    }

    /// The remediation, if any.
    pub fn remediation(&self) -> Option<&Remediation> {
        self.remediation.as_deref()
    }
}

impl PartialEq for Finding {
    fn eq(&self, other: &Self) -> bool {
        self.rule.id == other.rule.id
            && self.rule.title == other.rule.title
            && self.rule.controls == other.rule.controls
            && self.status == other.status
            && self.risk == other.risk
            && self.resource == other.resource
            && self.message == other.message
            && self.evidence == other.evidence
            && self.muted_reason == other.muted_reason
            && self.original_status == other.original_status
            && self.remediation() == other.remediation()
    }
}

impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_with_controls(self.rule.controls, serializer)
    }
}

impl Finding {
    /// Serializes the finding with `controls` written for its rule's controls (a writer
    /// passes them already written, once per rule).
    pub(crate) fn serialize_with_controls<S: Serializer>(
        &self,
        controls: &(impl Serialize + ?Sized),
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        let mut st = serializer.serialize_struct("Finding", 12)?;
        st.serialize_field("rule_id", self.rule.id)?;
        st.serialize_field("title", self.rule.title)?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("risk", &self.risk)?;
        st.serialize_field("resource", &self.resource)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("evidence", &self.evidence)?;
        st.serialize_field("controls", controls)?;
        st.serialize_field("remediation", &self.remediation())?;
        st.serialize_field("muted_reason", &self.muted_reason.as_deref())?;
        st.serialize_field("original_status", &self.original_status)?;
        st.serialize_field("scanned_account", &self.scanned_account)?;
        st.end()
    }
}

/// The evidence of a finding, kept as the JSON text it serializes to.
///
/// Rules give any `Serialize` value, usually a derived struct ([`Evidence::new`],
/// [`Finding::with_evidence`]); it is written once, when the finding is built. Keeping text instead of a `serde_json::Value` tree costs one allocation per finding
/// instead of one per key and string, which matters at a million findings. The text is
/// shared: a clone (e.g. the same evidence for every VPC of a region that could not be
/// read) costs no copy. Read it back with [`Evidence::parse`] or [`Evidence::to_value`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Evidence(Option<Arc<str>>);

impl Evidence {
    /// No evidence (`null`).
    pub fn none() -> Self {
        Evidence(None)
    }

    /// `value` as evidence. A value that cannot be written as JSON (a map with
    /// non-string keys) becomes `null`.
    pub fn new(value: &impl Serialize) -> Self {
        match serde_json::to_string(value) {
            Ok(json) if json != "null" => Evidence(Some(Arc::from(json))),
            _ => Evidence(None),
        }
    }

    /// Evidence that is this JSON text already (e.g. read back from a report).
    pub fn from_raw(json: &RawValue) -> Self {
        match json.get() {
            "null" => Evidence(None),
            text => Evidence(Some(Arc::from(text))),
        }
    }

    /// Whether there is none.
    pub fn is_none(&self) -> bool {
        self.0.is_none()
    }

    /// The JSON text (`null` when there is none).
    pub fn as_json(&self) -> &str {
        self.0.as_deref().unwrap_or("null")
    }

    /// The evidence as a JSON tree.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(self.as_json()).unwrap_or(serde_json::Value::Null)
    }

    /// The evidence as the rule's own type.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.as_json())
    }
}

impl fmt::Debug for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_json())
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            // Written by serde_json (or read back from a report), so valid; read as raw JSON to be
            // written as is.
            Some(json) => serde_json::from_str::<&RawValue>(json)
                .map_err(serde::ser::Error::custom)?
                .serialize(serializer),
            None => serializer.serialize_none(),
        }
    }
}

impl From<serde_json::Value> for Evidence {
    fn from(value: serde_json::Value) -> Self {
        Evidence::new(&value)
    }
}

/// Ready-to-use remediation for one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remediation {
    /// One sentence on what to do.
    pub summary: String,
    /// Snippets to run or paste, with the resource's values filled in.
    pub snippets: Vec<Snippet>,
}

/// A piece of remediation: a command, a template or a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    /// What it is.
    pub kind: SnippetKind,
    /// Title for people, e.g. `AWS CLI`.
    pub title: String,
    /// Content, ready to paste. Placeholders look like `<LOG_GROUP_NAME>`.
    pub content: String,
}

/// The kind of a remediation snippet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_keeps_json_text_and_reads_back() {
        let e = Evidence::new(&serde_json::json!({"flow_logs": [{"id": "fl-1", "counted": true}]}));
        // Key order depends on serde_json's `preserve_order` feature, which another
        // crate of a build may turn on: compare what the text says, not its bytes.
        let reread: serde_json::Value = serde_json::from_str(e.as_json()).unwrap();
        assert_eq!(
            reread,
            serde_json::json!({"flow_logs": [{"id": "fl-1", "counted": true}]})
        );
        assert_eq!(e.to_value()["flow_logs"][0]["id"], "fl-1");
        #[derive(serde::Deserialize)]
        struct Shape {
            flow_logs: Vec<serde_json::Value>,
        }
        assert_eq!(e.parse::<Shape>().unwrap().flow_logs.len(), 1);
        assert_eq!(serde_json::to_string(&e).unwrap(), e.as_json());
        assert!(Evidence::new(&()).is_none());
        assert_eq!(serde_json::to_string(&Evidence::none()).unwrap(), "null");
    }

    #[test]
    fn each_finding_is_written_with_its_own_rules_controls() {
        use crate::compliance::{Control, Standard};
        static OTHER: RuleMetadata = RuleMetadata {
            id: "VPC-002",
            controls: &[Control::new(Standard::Apra, "CPS 234", "36")],
            ..crate::render::fixtures::RULE
        };
        static NONE: RuleMetadata = RuleMetadata {
            id: "VPC-003",
            controls: &[],
            ..crate::render::fixtures::RULE
        };
        let finding = |rule: &'static RuleMetadata| Finding {
            rule,
            kind: &crate::render::fixtures::VPC,
            status: Status::Pass,
            risk: RiskLevel::Low,
            resource: ResourceRef::new("aws.ec2.vpc", "vpc-1"),
            message: "flow log fl-1 records ALL traffic".into(),
            evidence: Evidence::none(),
            remediation: None,
            muted_reason: None,
            original_status: None,
            scanned_account: None,
        };
        let rules = [
            &crate::render::fixtures::RULE,
            &OTHER,
            &OTHER,
            &NONE,
            &crate::render::fixtures::RULE,
        ];
        let findings: Vec<Finding> = rules.iter().map(|r| finding(r)).collect();
        // Findings of several rules, interleaved: each is written with its own rule's
        // controls, compact or pretty.
        for text in [
            serde_json::to_string(&findings).unwrap(),
            serde_json::to_string_pretty(&findings).unwrap(),
        ] {
            let written: serde_json::Value = serde_json::from_str(&text).unwrap();
            for (i, rule) in rules.iter().enumerate() {
                assert_eq!(
                    written[i]["controls"],
                    serde_json::to_value(rule.controls).unwrap(),
                    "finding {i} of {}",
                    rule.id
                );
            }
        }
        assert_eq!(
            serde_json::to_value(finding(&OTHER)).unwrap()["controls"],
            serde_json::json!([{"standard": "apra", "version": "CPS 234", "id": "36"}])
        );
    }
}
