//! `cloudposture rules list` and `cloudposture rules show ID`: the knowledge base,
//! read from each rule's `'static` metadata.

use std::io::Write;

use anyhow::{Context, anyhow};
use cloudposture_core::{
    AnyRule, AuditStep, KindInfo, Need, RuleMetadata, SettingDoc, StandardVersion, selector_matches,
};
use serde::Serialize;

use crate::cli::{GlobalArgs, ListFormat, RulesCommand, ShowFormat};
use crate::exit::{CliError, Exit};
use crate::terminal::Terminal;

/// Runs `rules …`.
///
/// The configuration (`--config`) is read and checked as for a scan, so that a file with a
/// misspelt setting fails here too, not only when a scan runs.
pub fn run(cmd: &RulesCommand, global: &GlobalArgs, term: &mut Terminal<'_>) -> Result<Exit, CliError> {
    let registry = super::registry()?;
    let config = crate::config_file::load(global.config.as_deref())?;
    config.plan(&registry, &cloudposture_core::Selection::all())?;
    let docs: Vec<RuleDoc> = registry.iter().map(RuleDoc::of).collect();
    let rules: Vec<&'static RuleMetadata> = docs.iter().map(|d| d.metadata).collect();
    let out = &mut *term.out;
    match cmd {
        RulesCommand::List { selection, format } => {
            let selected = registry
                .select(&selection.to_selection())
                .map_err(anyhow::Error::new)?;
            let docs: Vec<RuleDoc> = selected.into_iter().map(RuleDoc::of).collect();
            match format {
                ListFormat::Table => {
                    let rules: Vec<&'static RuleMetadata> = docs.iter().map(|d| d.metadata).collect();
                    write_list(&rules, &selection.versions(), out)
                }
                ListFormat::Json => write_json(&docs, out),
            }
        }
        RulesCommand::Show { id, format } => {
            let Some(rule) = docs
                .iter()
                .find(|d| d.metadata.id.eq_ignore_ascii_case(id.trim()))
            else {
                let near: Vec<&str> = rules
                    .iter()
                    .filter(|m| selector_matches(id, m.id))
                    .map(|m| m.id)
                    .collect();
                return Err(if near.is_empty() {
                    anyhow!("no rule `{id}`; `cloudposture rules list` shows the rules").into()
                } else {
                    anyhow!("no rule `{id}`; did you mean {}?", quote_list(&near)).into()
                });
            };
            match format {
                ShowFormat::Markdown => write_markdown(rule, out),
                ShowFormat::Json => write_json(rule, out),
            }
        }
    }
    .context("cannot write to stdout")?;
    Ok(Exit::Ok)
}

/// A rule as `rules show` and the docs present it: its metadata, and what the toolkit
/// derives from its declaration (kinds, permissions, settings).
#[derive(Serialize)]
struct RuleDoc {
    #[serde(flatten)]
    metadata: &'static RuleMetadata,
    /// The provider's type of the resources judged, e.g. `AWS::EC2::VPC`.
    resource_type: &'static str,
    /// The kind of the resources judged, e.g. `aws.ec2.vpc`.
    resource_kind: &'static str,
    /// Every kind read (the judged one first).
    reads: Vec<Need>,
    /// Permissions to audit: the kinds' and the rule's extras.
    iam_audit: Vec<&'static str>,
    /// The settings, from the rule's settings type.
    settings: Vec<SettingDoc>,
}

impl RuleDoc {
    fn of(rule: &dyn AnyRule) -> RuleDoc {
        let kind: &KindInfo = rule.kind();
        RuleDoc {
            metadata: rule.metadata(),
            resource_type: kind.resource_type,
            resource_kind: kind.name,
            reads: rule.needs(),
            iam_audit: rule.audit_actions(),
            settings: rule.setting_docs(),
        }
    }
}

fn quote_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn write_json(value: &impl serde::Serialize, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::other)?;
    writeln!(out)
}

/// Aligned columns: id, risk, service, title, standards; with standard versions
/// selected, the controls of those versions instead of the standards.
fn write_list(
    rules: &[&'static RuleMetadata],
    versions: &[StandardVersion],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let id_w = rules.iter().map(|m| m.id.len()).max().unwrap_or(2).max(2);
    let svc_w = rules.iter().map(|m| m.service.len()).max().unwrap_or(7).max(7);
    let title_w = rules.iter().map(|m| m.title.len()).max().unwrap_or(5).max(5);
    let last = if versions.is_empty() {
        "STANDARDS"
    } else {
        "CONTROLS"
    };
    writeln!(
        out,
        "{:<id_w$}  {:<9}  {:<svc_w$}  {:<title_w$}  {last}",
        "ID", "RISK", "SERVICE", "TITLE"
    )?;
    for m in rules {
        let last = if versions.is_empty() {
            let standards: Vec<&str> = m.standards().iter().map(|s| s.code()).collect();
            standards.join(", ")
        } else {
            controls_of(m, versions)
        };
        writeln!(
            out,
            "{:<id_w$}  {:<9}  {:<svc_w$}  {:<title_w$}  {last}",
            m.id,
            m.risk.as_str(),
            m.service,
            m.title,
        )?;
    }
    Ok(())
}

/// The rule's controls of the selected versions: `3.7`, or `cis v3.0.0 3.7; cis v1.4.0
/// 3.9` when several versions are selected.
fn controls_of(m: &RuleMetadata, versions: &[StandardVersion]) -> String {
    let mut out: Vec<String> = Vec::new();
    for c in m
        .controls
        .iter()
        .filter(|c| versions.iter().any(|v| v.matches(c)))
    {
        let id = c.id.unwrap_or("(all)");
        out.push(match versions.len() {
            1 => id.to_string(),
            _ => format!("{} {} {id}", c.standard.code(), c.version),
        });
    }
    out.join("; ")
}

/// The language tag of a fenced code block for a step done `via` something.
fn fence_language(via: &str) -> &'static str {
    match via.to_ascii_lowercase().as_str() {
        "cli" | "aws-cli" | "shell" | "cloudposture" => "sh",
        "cloudformation" => "yaml",
        "terraform" => "hcl",
        "iam" | "iam-policy" | "json" => "json",
        _ => "text",
    }
}

fn write_steps(steps: &[AuditStep], out: &mut dyn Write) -> std::io::Result<()> {
    for (i, step) in steps.iter().enumerate() {
        writeln!(out, "{}. **{}** — {}", i + 1, step.via, step.text.trim())?;
        if let Some(code) = step.code {
            writeln!(out)?;
            writeln!(out, "   ```{}", fence_language(step.via))?;
            for line in code.trim_end().lines() {
                if line.is_empty() {
                    writeln!(out)?;
                } else {
                    writeln!(out, "   {line}")?;
                }
            }
            writeln!(out, "   ```")?;
            writeln!(out)?;
        }
    }
    writeln!(out)
}

/// The rule's knowledge-base page as Markdown.
fn write_markdown(doc: &RuleDoc, out: &mut dyn Write) -> std::io::Result<()> {
    let m = doc.metadata;
    writeln!(out, "# {} — {}\n", m.id, m.title)?;
    let pillars: Vec<&str> = m.pillars.iter().map(|p| p.name()).collect();
    writeln!(out, "| | |\n|---|---|")?;
    writeln!(out, "| Risk | **{}** |", m.risk)?;
    writeln!(out, "| Provider / service | {} / {} |", m.provider, m.service)?;
    writeln!(
        out,
        "| Resource | {} (`{}`) |",
        doc.resource_type, doc.resource_kind
    )?;
    writeln!(out, "| Well-Architected pillars | {} |", pillars.join(", "))?;
    let standards: Vec<&str> = m.standards().iter().map(|s| s.name()).collect();
    writeln!(out, "| Standards | {} |", standards.join(", "))?;
    writeln!(out, "| Published | {} |\n", m.published)?;

    writeln!(out, "## What it checks\n\n{}\n", m.description.trim())?;
    writeln!(out, "## Why it matters\n\n{}\n", m.rationale.trim())?;

    writeln!(out, "## Compliance\n")?;
    for standard in m.standards() {
        let controls: Vec<String> = m
            .controls
            .iter()
            .filter(|c| c.standard == standard)
            .map(|c| match c.id {
                Some(id) => format!("{} {id}", c.version),
                None => c.version.to_string(),
            })
            .collect();
        writeln!(out, "- **{}**: {}", standard.name(), controls.join("; "))?;
    }
    writeln!(out)?;

    writeln!(out, "## Audit by hand\n")?;
    write_steps(m.audit, out)?;
    writeln!(out, "## Remediation\n")?;
    write_steps(m.remediation, out)?;

    if !doc.settings.is_empty() {
        writeln!(out, "## Settings\n")?;
        writeln!(out, "In the config file, under `[rules.{}]`:\n", m.id)?;
        writeln!(
            out,
            "| setting | type | default | allowed | description |\n|---|---|---|---|---|"
        )?;
        for s in &doc.settings {
            let allowed = match (s.type_name.as_str(), s.allowed.is_empty()) {
                (_, false) => s
                    .allowed
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                ("boolean", true) => "`true`, `false`".to_string(),
                _ => "any".to_string(),
            };
            // Written as in the config file (TOML), where the reader will type it.
            let default = match &s.default {
                serde_json::Value::Null => "(none)".to_string(),
                value => match toml::Value::try_from(value) {
                    Ok(toml) => format!("`{toml}`"),
                    Err(_) => format!("`{value}`"),
                },
            };
            writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                s.name,
                s.type_name,
                default,
                allowed,
                s.description.replace('|', "\\|").replace('\n', " ")
            )?;
        }
        writeln!(out)?;
    }

    writeln!(out, "## IAM permissions\n")?;
    writeln!(out, "- To audit: {}", code_list(&doc.iam_audit))?;
    writeln!(out, "- To remediate: {}", code_list(m.iam_remediate))?;
    writeln!(
        out,
        "\n`cloudposture iam-policy --rules {}` prints the policy.\n",
        m.id
    )?;

    if !m.references.is_empty() {
        writeln!(out, "## References\n")?;
        for r in m.references {
            writeln!(out, "- [{}]({})", r.title, r.url)?;
        }
    }
    Ok(())
}

fn code_list(items: &[&str]) -> String {
    if items.is_empty() {
        return "(none)".into();
    }
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminal::testing::Captured;

    fn global() -> GlobalArgs {
        GlobalArgs {
            config: None,
            quiet: false,
            verbose: 0,
            color: crate::cli::ColorChoice::Never,
        }
    }

    #[test]
    fn show_renders_every_section_of_the_page() {
        let mut io = Captured::default();
        let cmd = RulesCommand::Show {
            id: "vpc-001".into(),
            format: ShowFormat::Markdown,
        };
        assert_eq!(run(&cmd, &global(), &mut io.terminal()).unwrap(), Exit::Ok);
        let page = io.stdout();
        for section in [
            "# VPC-001 — VPC Flow Logs Enabled",
            "| Risk | **low** |",
            "## Why it matters",
            "## Compliance",
            "CIS AWS Foundations Benchmark**: ",
            "## Audit by hand",
            "## Remediation",
            "## Settings",
            "`traffic_type`",
            "## IAM permissions",
            "`ec2:DescribeFlowLogs`",
            "## References",
        ] {
            assert!(page.contains(section), "missing {section:?} in\n{page}");
        }
    }

    #[test]
    fn unknown_rule_suggests_prefix_matches() {
        let mut io = Captured::default();
        let cmd = RulesCommand::Show {
            id: "VPC".into(),
            format: ShowFormat::Json,
        };
        let err = run(&cmd, &global(), &mut io.terminal()).unwrap_err();
        assert_eq!(err.exit, Exit::Usage);
        assert_eq!(
            err.to_string(),
            "no rule `VPC`; did you mean `VPC-001`, `VPC-002`?"
        );
    }
}
