//! Findings: one per resource per evaluated rule.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

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
    pub evidence: Evidence,
    /// Compliance controls of the rule.
    #[serde(serialize_with = "serialize_controls")]
    pub controls: &'static [Control],
    /// Ready-to-run remediation, on failing findings.
    pub remediation: Option<RemediationPayload>,
    /// Why the finding was muted (the exception's reason).
    pub muted_reason: Option<String>,
}

fn serialize_controls<S: Serializer>(controls: &&'static [Control], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(controls.iter())
}

impl Finding {
    /// Attaches evidence: any serializable value, written to JSON once, here.
    pub fn with_evidence(mut self, evidence: impl Serialize) -> Self {
        self.evidence = Evidence::new(&evidence);
        self
    }

    /// Attaches finished remediation.
    pub fn with_remediation(mut self, remediation: Remediation) -> Self {
        self.remediation = Some(RemediationPayload::Ready(remediation));
        self
    }

    /// Attaches remediation that is built when first read (see [`RemediationPayload`]).
    pub fn with_deferred_remediation(mut self, builder: Arc<dyn BuildRemediation>) -> Self {
        self.remediation = Some(RemediationPayload::Deferred(builder));
        self
    }
}

/// The evidence of a finding, kept as the JSON text it serializes to.
///
/// Rules give any `Serialize` value; it is written to JSON once, when the finding is
/// built. Keeping text instead of a `serde_json::Value` tree costs one allocation per
/// finding instead of one per key and string, which matters at a million findings.
/// Read it back with [`Evidence::parse`] or [`Evidence::to_value`].
#[derive(Clone, Default)]
pub struct Evidence(Option<Box<RawValue>>);

impl Evidence {
    /// No evidence (`null`).
    pub fn none() -> Self {
        Evidence(None)
    }

    /// `value` as evidence. A value that cannot be written as JSON (a map with
    /// non-string keys) becomes `null`.
    pub fn new(value: &impl Serialize) -> Self {
        Evidence(
            serde_json::value::to_raw_value(value)
                .ok()
                .filter(|raw| raw.get() != "null"),
        )
    }

    /// Whether there is none.
    pub fn is_none(&self) -> bool {
        self.0.is_none()
    }

    /// The JSON text (`null` when there is none).
    pub fn as_json(&self) -> &str {
        self.0.as_deref().map_or("null", RawValue::get)
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

impl PartialEq for Evidence {
    fn eq(&self, other: &Self) -> bool {
        self.as_json() == other.as_json()
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(raw) => raw.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }
}

impl From<serde_json::Value> for Evidence {
    fn from(value: serde_json::Value) -> Self {
        Evidence::new(&value)
    }
}

/// Builds a finding's remediation on demand.
///
/// A rule that fails a million resources should not format a million CloudFormation
/// templates that nobody reads: it hands over a small builder (the resource id and a
/// shared, pre-resolved plan) and the snippets are made when a writer asks for them.
pub trait BuildRemediation: Send + Sync {
    /// The remediation, with the resource's values filled in.
    fn build(&self) -> Remediation;
}

/// A finding's remediation: finished, or built when read.
#[derive(Clone)]
pub enum RemediationPayload {
    /// Already built.
    Ready(Remediation),
    /// Built by [`RemediationPayload::get`] each time it is read.
    Deferred(Arc<dyn BuildRemediation>),
}

impl RemediationPayload {
    /// The remediation (built now if deferred).
    pub fn get(&self) -> Cow<'_, Remediation> {
        match self {
            RemediationPayload::Ready(r) => Cow::Borrowed(r),
            RemediationPayload::Deferred(b) => Cow::Owned(b.build()),
        }
    }
}

impl fmt::Debug for RemediationPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

impl PartialEq for RemediationPayload {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Serialize for RemediationPayload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(serializer)
    }
}

impl From<Remediation> for RemediationPayload {
    fn from(r: Remediation) -> Self {
        RemediationPayload::Ready(r)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

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

    struct Counting(AtomicUsize);

    impl BuildRemediation for Counting {
        fn build(&self) -> Remediation {
            self.0.fetch_add(1, Ordering::SeqCst);
            Remediation {
                summary: "create a flow log".into(),
                snippets: vec![],
            }
        }
    }

    #[test]
    fn deferred_remediation_is_built_only_when_read() {
        let builder = Arc::new(Counting(AtomicUsize::new(0)));
        let payload = RemediationPayload::Deferred(builder.clone());
        assert_eq!(builder.0.load(Ordering::SeqCst), 0);
        assert_eq!(payload.get().summary, "create a flow log");
        assert_eq!(
            serde_json::to_value(&payload).unwrap(),
            serde_json::json!({"summary": "create a flow log", "snippets": []})
        );
        assert_eq!(builder.0.load(Ordering::SeqCst), 2);
        assert_eq!(payload, RemediationPayload::Ready(payload.get().into_owned()));
    }
}
