//! Suppressions written in templates: they mute a rule's findings about the resource
//! they are written at, with a reason, as a config exception does.
//!
//! - A comment, in YAML (`#`) and HCL (`#` or `//`), on the resource's declaration line
//!   (the logical id's key, the `resource` block's first line) or in the comment lines
//!   directly above it (no blank line between):
//!
//!   ```text
//!   # cloudposture:ignore VPC-001 the lab VPC is rebuilt every night
//!   # cloudposture:ignore EC2-003,VPC-002 lab traffic only
//!   resource "aws_vpc" "lab" {
//!   ```
//!
//!   The first word after `cloudposture:ignore` is the rule id, or several separated by
//!   commas (`EC2-003,VPC-002`, or `EC2-003, VPC-002`); the rest of the line is the
//!   reason. One comment per rule works too.
//! - In CloudFormation (JSON or YAML), a `Metadata` entry of the resource:
//!   `{"cloudposture": {"ignore": [{"rule": "VPC-001", "reason": "…"}]}}`.
//!
//! A suppression covers every resource declared where it is written: each `count` or
//! `for_each` instance of a Terraform block, and a VPC's implicit default security
//! group and network ACL (EC2-003 and VPC-002 above a VPC mute the findings on those).
//! One without a reason, naming no rule, or (when [`crate::LoadOptions::rule_ids`] is
//! given) naming a rule that does not exist is an error of its file and is not applied;
//! one that is not at a resource the rules judge is a note (it mutes nothing).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::FileError;
use crate::declared::Declared;

/// What a comment says to start a suppression.
const MARKER: &str = "cloudposture:ignore";

/// A suppression as written: the rules it names, why, and the declaration it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ignore {
    /// The file it is written in.
    pub file: String,
    /// The line of the declaration it is for.
    pub target: u32,
    /// Where it is written: the comment's line and column (the resource's line for
    /// `Metadata`), for messages.
    pub line: u32,
    pub column: Option<usize>,
    pub rules: Vec<String>,
    pub reason: String,
}

impl Ignore {
    fn error(&self, message: String) -> FileError {
        FileError {
            file: self.file.clone(),
            line: Some(self.line as usize),
            column: self.column,
            message,
        }
    }
}

/// Reads the suppression comments of `text` (comments opened by one of `openers`) into
/// `found`, the malformed ones into `errors`.
pub(crate) fn from_comments(
    text: &str,
    file: &str,
    openers: &[&str],
    found: &mut Vec<Ignore>,
    errors: &mut Vec<FileError>,
) {
    if !text.contains(MARKER) {
        return;
    }
    let lines: Vec<&str> = text.lines().collect();
    let is_comment = |line: &str| openers.iter().any(|o| line.trim_start().starts_with(o));
    for (index, line) in lines.iter().enumerate() {
        let Some((column, rest, whole_line)) = comment_marker(line, openers) else {
            continue;
        };
        let line_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        // A comment of its own line is for the first line after its block of comments,
        // when that line is not blank.
        let target = if whole_line {
            let after = index + lines[index..].iter().take_while(|l| is_comment(l)).count();
            lines
                .get(after)
                .filter(|l| !l.trim().is_empty())
                .map(|_| u32::try_from(after + 1).unwrap_or(u32::MAX))
        } else {
            Some(line_number)
        };
        let (rules, reason) = rules_and_reason(rest);
        let ignore = Ignore {
            file: file.to_string(),
            target: target.unwrap_or(0),
            line: line_number,
            column: Some(column),
            rules,
            reason,
        };
        if ignore.rules.is_empty() {
            errors.push(ignore.error(format!("{MARKER} names no rule; write `{MARKER} RULE-ID why`")));
        } else if ignore.reason.is_empty() {
            errors.push(ignore.error(format!(
                "{MARKER} {} has no reason; write why after the rule id",
                ignore.rules.join(",")
            )));
        } else {
            found.push(ignore);
        }
    }
}

/// Where `line` has a comment starting with the marker: the comment's 1-based column,
/// what follows the marker, and whether the comment is the whole line.
fn comment_marker<'l>(line: &'l str, openers: &[&str]) -> Option<(usize, &'l str, bool)> {
    let at = line.find(MARKER)?;
    let rest = &line[at + MARKER.len()..];
    if rest.chars().next().is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    let before = line[..at].trim_end();
    let opener = openers.iter().find(|o| before.ends_with(*o))?;
    let start = before.len() - opener.len();
    let code = &line[..start];
    // A trailing comment follows code and a space; a `#` inside a word is not one.
    if !code.is_empty() && !code.ends_with(char::is_whitespace) {
        return None;
    }
    Some((code.chars().count() + 1, rest, code.trim().is_empty()))
}

/// The rule ids (the first word, or words while they end with a comma) and the reason
/// (the rest) of what follows the marker.
fn rules_and_reason(rest: &str) -> (Vec<String>, String) {
    let mut words = rest.split_whitespace();
    let mut rules = Vec::new();
    for word in words.by_ref() {
        rules.extend(word.split(',').filter(|r| !r.is_empty()).map(str::to_string));
        if !word.ends_with(',') {
            break;
        }
    }
    (rules, words.collect::<Vec<_>>().join(" "))
}

/// Reads the `Metadata` of the CloudFormation resource `id`, declared at `line` of
/// `file`: its `cloudposture.ignore` entries into `unit`, the malformed ones as errors.
pub(crate) fn from_metadata(metadata: Option<&Value>, id: &str, file: &str, line: u32, unit: &mut Declared) {
    let Some(ours) = metadata.and_then(|m| m.get("cloudposture")) else {
        return;
    };
    let at = Ignore {
        file: file.to_string(),
        target: line,
        line,
        column: None,
        rules: Vec::new(),
        reason: String::new(),
    };
    let shape = "`{rule: RULE-ID, reason: why}`";
    let entries = match ours
        .as_object()
        .map(|o| (o.get("ignore"), o.keys().find(|k| *k != "ignore")))
    {
        Some((_, Some(other))) => {
            unit.errors.push(at.error(format!(
                "`{id}` Metadata `cloudposture` has `{other}`; only `ignore`, a list of {shape}, is read"
            )));
            return;
        }
        Some((Some(Value::Array(entries)), None)) => entries,
        _ => {
            unit.errors.push(at.error(format!(
                "`{id}` Metadata `cloudposture.ignore` is not a list of {shape}"
            )));
            return;
        }
    };
    for (i, entry) in entries.iter().enumerate() {
        let text = |key: &str| {
            entry
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let place = format!("`{id}` Metadata `cloudposture.ignore[{i}]`");
        match (text("rule"), text("reason")) {
            (None, _) => unit
                .errors
                .push(at.error(format!("{place} names no rule; write {shape}"))),
            (Some(rule), None) => unit
                .errors
                .push(at.error(format!("{place} ({rule}) has no reason; give `reason:` with why"))),
            (Some(rule), Some(reason)) => unit.suppressions.push(Ignore {
                rules: vec![rule.to_string()],
                reason: reason.to_string(),
                ..at.clone()
            }),
        }
    }
}

/// Keeps the suppressions of `unit` that name known rules (any, when `rule_ids` is
/// empty) and are at a declaration of the unit; the others become errors (unknown
/// rules) or notes (at no resource), each once. Moves the unit's errors into `errors`,
/// by file and line, each once (a child module's file is read for every instance and
/// every root module that calls it).
pub(crate) fn settle(
    unit: &mut Declared,
    rule_ids: &[String],
    errors: &mut Vec<FileError>,
    notes: &mut Vec<String>,
) {
    let mut found = std::mem::take(&mut unit.errors);
    let declared: BTreeSet<(&str, u32)> = unit
        .locations
        .values()
        .map(|l| (l.file.as_str(), l.line))
        .collect();
    let mut kept: Vec<Ignore> = Vec::new();
    for ignore in std::mem::take(&mut unit.suppressions) {
        if kept.contains(&ignore) {
            continue;
        }
        let unknown: Vec<&String> = ignore
            .rules
            .iter()
            .filter(|r| !rule_ids.is_empty() && !rule_ids.iter().any(|id| id.eq_ignore_ascii_case(r)))
            .collect();
        if !unknown.is_empty() {
            for rule in unknown {
                found.push(ignore.error(format!(
                    "{MARKER} names `{rule}`, which is no rule of cloudposture; `cloudposture rules list` shows the rules"
                )));
            }
        } else if declared.contains(&(ignore.file.as_str(), ignore.target)) {
            kept.push(ignore);
        } else {
            let note = format!(
                "{}:{}: {MARKER} {} is not on or directly above a resource the rules judge; it mutes nothing",
                ignore.file,
                ignore.line,
                ignore.rules.join(",")
            );
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    unit.suppressions = kept;
    found.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    for error in found {
        if !errors.contains(&error) {
            errors.push(error);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, openers: &[&str]) -> Declared {
        let mut unit = Declared::default();
        from_comments(text, "main.tf", openers, &mut unit.suppressions, &mut unit.errors);
        unit
    }

    #[test]
    fn comments_on_or_directly_above_a_line_are_for_it() {
        let text = "# cloudposture:ignore VPC-001 lab\n// cloudposture:ignore EC2-003, VPC-002  lab   only\nresource \"aws_vpc\" \"x\" { # cloudposture:ignore EC2-004 trailing\n}\n# cloudposture:ignore VPC-001 above a blank line\n\nname = \"a#cloudposture:ignore X y\"\n";
        let unit = read(text, &["#", "//"]);
        assert!(unit.errors.is_empty(), "{:?}", unit.errors);
        let found: Vec<(u32, u32, Vec<&str>, &str)> = unit
            .suppressions
            .iter()
            .map(|s| {
                (
                    s.line,
                    s.target,
                    s.rules.iter().map(String::as_str).collect(),
                    s.reason.as_str(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (1, 3, vec!["VPC-001"], "lab"),
                (2, 3, vec!["EC2-003", "VPC-002"], "lab only"),
                (3, 3, vec!["EC2-004"], "trailing"),
                (5, 0, vec!["VPC-001"], "above a blank line"),
            ]
        );
        // `//` is no comment in YAML.
        assert_eq!(read(text, &["#"]).suppressions.len(), 3);
    }

    #[test]
    fn a_suppression_without_rule_or_reason_is_an_error_at_its_place() {
        let unit = read(
            "resource \"aws_vpc\" \"x\" {\n  # cloudposture:ignore VPC-001\n  #cloudposture:ignore\n}\n",
            &["#"],
        );
        let errors: Vec<String> = unit.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                "main.tf:2:3: cloudposture:ignore VPC-001 has no reason; write why after the rule id",
                "main.tf:3:3: cloudposture:ignore names no rule; write `cloudposture:ignore RULE-ID why`",
            ]
        );
        assert!(unit.suppressions.is_empty());
    }
}
