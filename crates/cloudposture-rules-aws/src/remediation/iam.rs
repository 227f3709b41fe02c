//! IAM policy documents as serde structs.

use std::collections::BTreeMap;

use cloudposture_core::{Snippet, SnippetKind};
use serde::Serialize;

/// An IAM policy document, serialized in the order people read them (`Version` first).
///
/// ```
/// use cloudposture_rules_aws::remediation::{PolicyDocument, Statement};
///
/// let policy = PolicyDocument::new(vec![Statement::allow(["s3:GetObject"]).on(["arn:aws:s3:::b/*"])]);
/// assert!(policy.to_json().starts_with("{\n  \"Version\": \"2012-10-17\""));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDocument {
    /// Always `2012-10-17`.
    pub version: &'static str,
    /// The statements.
    pub statement: Vec<Statement>,
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    /// Statement id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: &'static str,
    /// Who (trust policies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    /// Actions.
    pub action: OneOrMany,
    /// Resources (identity policies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<OneOrMany>,
    /// Conditions: operator → key → value, written sorted.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub condition: BTreeMap<String, BTreeMap<String, String>>,
}

/// A principal of a trust policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Principal {
    /// Service principals, e.g. `vpc-flow-logs.amazonaws.com`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<OneOrMany>,
    /// Account or role ARNs.
    #[serde(rename = "AWS", skip_serializing_if = "Option::is_none")]
    pub aws: Option<OneOrMany>,
}

/// A value IAM accepts as one string or a list: one is written as a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOrMany(pub Vec<String>);

impl Serialize for OneOrMany {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => serializer.serialize_str(one),
            many => many.serialize(serializer),
        }
    }
}

impl<S: Into<String>, I: IntoIterator<Item = S>> From<I> for OneOrMany {
    fn from(values: I) -> Self {
        OneOrMany(values.into_iter().map(Into::into).collect())
    }
}

impl PolicyDocument {
    /// A policy of these statements.
    pub fn new(statement: Vec<Statement>) -> Self {
        PolicyDocument {
            version: "2012-10-17",
            statement,
        }
    }

    /// Pretty JSON, as the IAM console and `aws iam` take it.
    pub fn to_json(&self) -> String {
        // Plain strings and maps with string keys always serialize.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The policy as a [`SnippetKind::IamPolicy`] snippet.
    pub fn snippet(&self, title: impl Into<String>) -> Snippet {
        Snippet {
            kind: SnippetKind::IamPolicy,
            title: title.into(),
            content: self.to_json(),
        }
    }
}

impl Statement {
    /// Allows `actions`.
    pub fn allow(actions: impl Into<OneOrMany>) -> Self {
        Statement {
            sid: None,
            effect: "Allow",
            principal: None,
            action: actions.into(),
            resource: None,
            condition: BTreeMap::new(),
        }
    }

    /// With this statement id.
    pub fn sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// On these resources.
    pub fn on(mut self, resources: impl Into<OneOrMany>) -> Self {
        self.resource = Some(resources.into());
        self
    }

    /// For this service principal.
    pub fn for_service(mut self, service: impl Into<String>) -> Self {
        self.principal = Some(Principal {
            service: Some(OneOrMany(vec![service.into()])),
            aws: None,
        });
        self
    }

    /// Only when `key` compares with `value` under `operator` (`StringEquals`, `ArnLike`…).
    pub fn when(mut self, operator: &str, key: &str, value: impl Into<String>) -> Self {
        self.condition
            .entry(operator.to_string())
            .or_default()
            .insert(key.to_string(), value.into());
        self
    }
}
