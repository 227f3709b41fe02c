//! The `reportingDescriptor` of a rule: its texts, help and severity as GitHub shows them.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Text, sarif_level, security_severity};
use crate::metadata::RuleMetadata;
use crate::risk::RiskLevel;

/// A `reportingDescriptor`: what GitHub shows of a rule.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Rule {
    pub(super) id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'static str>,
    default_configuration: DefaultConfiguration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: Vec<&'static str>,
}

impl Rule {
    pub(super) fn new(rule: &'static RuleMetadata, risk: RiskLevel) -> Self {
        let mut tags = vec!["security"];
        tags.extend(rule.standards().into_iter().map(|s| s.name()));
        Rule {
            id: rule.id,
            name: pascal_case(rule.title),
            short_description: Text {
                text: rule.title.to_string(),
            },
            full_description: Text {
                text: non_empty(rule.description, rule.title),
            },
            help: Help {
                text: help_text(rule),
                markdown: help_markdown(rule),
            },
            help_uri: rule.references.first().map(|r| r.url),
            default_configuration: DefaultConfiguration {
                level: sarif_level(risk),
            },
            properties: RuleProperties {
                security_severity: security_severity(risk),
                tags,
            },
        }
    }
}

/// `VPC Flow Logs Enabled` → `VpcFlowLogsEnabled`, the identifier SARIF wants as a
/// rule's `name`.
fn pascal_case(title: &str) -> String {
    let mut out = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out
}

pub(super) fn non_empty(text: &str, instead: &str) -> String {
    if text.trim().is_empty() { instead } else { text }.to_string()
}

/// The rule's help as plain text: rationale, remediation steps, references.
fn help_text(rule: &RuleMetadata) -> String {
    let mut out = non_empty(rule.rationale, rule.title);
    if !rule.remediation.is_empty() {
        out.push_str("\n\nRemediation:");
        for (i, step) in rule.remediation.iter().enumerate() {
            let _ = write!(out, "\n{}. ({}) {}", i + 1, step.via, step.text);
            if let Some(code) = step.code {
                let _ = write!(out, "\n   {}", code.replace('\n', "\n   "));
            }
        }
    }
    if !rule.references.is_empty() {
        out.push_str("\n\nReferences:");
        for r in rule.references {
            let _ = write!(out, "\n- {}: {}", r.title, r.url);
        }
    }
    out
}

/// The rule's help as GitHub-flavoured Markdown.
fn help_markdown(rule: &RuleMetadata) -> String {
    let mut out = format!("**{}**\n\n{}", rule.title, non_empty(rule.rationale, rule.title));
    if !rule.remediation.is_empty() {
        out.push_str("\n\n**Remediation**\n");
        for (i, step) in rule.remediation.iter().enumerate() {
            let _ = write!(out, "\n{}. *{}*: {}", i + 1, step.via, step.text);
            if let Some(code) = step.code {
                let fence = if code.contains("```") { "````" } else { "```" };
                let _ = write!(
                    out,
                    "\n\n   {fence}\n   {}\n   {fence}\n",
                    code.replace('\n', "\n   ")
                );
            }
        }
    }
    if !rule.references.is_empty() {
        out.push_str("\n\n**References**\n");
        for r in rule.references {
            let _ = write!(out, "\n- [{}]({})", r.title.replace(['[', ']'], ""), r.url);
        }
    }
    out
}
