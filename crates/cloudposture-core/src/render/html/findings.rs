//! The findings: grouped by rule, then by account and region, failing first. A rule's
//! knowledge (description, rationale, remediation steps, snippets) is written once in
//! its section; each finding carries its message, resource, evidence and which of the
//! rule's snippets fix it.

use std::fmt::Write as _;
use std::io;

use super::chart::{in_words, proportion_bar};
use super::escape::{Html, Text, fragment};
use super::snippets::{Piece, Placeholder, RuleSnippets, Template};
use crate::finding::{Finding, SnippetKind, Status};
use crate::metadata::RuleMetadata;
use crate::report::{Report, StatusCounts};
use crate::risk::RiskLevel;

/// Past this many bytes, the page written so far goes to the writer: a report of a
/// million findings is never held whole as HTML.
const FLUSH_AT: usize = 256 * 1024;

/// Where a status comes in the report: failing first.
fn rank(status: Status) -> usize {
    Status::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(Status::ALL.len())
}

/// The findings of one rule.
struct RuleGroup<'r> {
    rule: &'static RuleMetadata,
    findings: Vec<&'r Finding>,
    counts: StatusCounts,
}

impl RuleGroup<'_> {
    /// Rules with failing findings first, the riskiest failure first; then those with
    /// findings that could not be judged; then the rest, by id.
    fn sort_key(&self) -> (usize, std::cmp::Reverse<Option<RiskLevel>>, &'static str) {
        let worst = self
            .findings
            .iter()
            .map(|f| rank(f.status))
            .min()
            .unwrap_or(usize::MAX);
        let riskiest_failure = self
            .findings
            .iter()
            .filter(|f| f.status == Status::Fail)
            .map(|f| f.risk)
            .max();
        (worst, std::cmp::Reverse(riskiest_failure), self.rule.id)
    }
}

/// The findings of one rule in one account and region.
struct Scope<'r> {
    account: &'r str,
    region: &'r str,
    findings: Vec<&'r Finding>,
}

/// Writes the findings section: the filters (shown by the script), then one section
/// per rule. `page` holds what was written before; it goes to `out` as it grows.
pub(super) fn write(page: &mut String, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut rules: Vec<RuleGroup> = Vec::new();
    for f in &report.findings {
        let i = match rules.iter().position(|g| g.rule.id == f.rule.id) {
            Some(i) => i,
            None => {
                rules.push(RuleGroup {
                    rule: f.rule,
                    findings: Vec::new(),
                    counts: StatusCounts::default(),
                });
                rules.len() - 1
            }
        };
        rules[i].findings.push(f);
        rules[i].counts.add(f.status);
    }
    rules.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    page.push_str(r#"<section id="findings"><h2>Findings</h2>"#);
    filters(page, report);
    if rules.is_empty() {
        page.push_str("<p>No resources of the selected rules were found.</p>");
    }
    for group in &rules {
        rule_section(page, group, out)?;
    }
    page.push_str(r#"<p id="no-match" class="no-match" hidden>No finding matches the search and filters.</p></section>"#);
    Ok(())
}

/// The search box and the status and risk filters, with the count of findings shown.
/// Hidden until the script runs: without it they would do nothing.
fn filters(page: &mut String, report: &Report) {
    let s = &report.summary;
    let total = s.total;
    let _ = write!(
        page,
        r#"<form id="filters" class="filters" role="search" hidden><label class="search">Search <input type="search" id="search" placeholder="id, name, tag, message, evidence…" autocomplete="off"></label><fieldset><legend>Status</legend>"#
    );
    let by_status = super::chart::by_status(&StatusCounts {
        pass: s.pass,
        fail: s.fail,
        error: s.error,
        skipped: s.skipped,
        muted: s.muted,
    });
    for (status, n) in by_status.into_iter().filter(|(_, n)| *n > 0) {
        let _ = write!(
            page,
            r#"<label><input type="checkbox" name="status" value="{status}" checked> {status} ({n})</label>"#
        );
    }
    page.push_str("</fieldset><fieldset><legend>Risk</legend>");
    for (risk, n) in s.by_risk.iter().rev() {
        let count = n.pass + n.fail + n.error + n.skipped + n.muted;
        let _ = write!(
            page,
            r#"<label><input type="checkbox" name="risk" value="{risk}" checked> {risk} ({count})</label>"#
        );
    }
    let _ = write!(
        page,
        r#"</fieldset><output id="shown" for="search">{total} of {total} findings shown</output></form>"#
    );
}

fn rule_section(page: &mut String, group: &RuleGroup, out: &mut dyn io::Write) -> io::Result<()> {
    let rule = group.rule;
    let id = Html(rule.id);
    let _ = write!(
        page,
        r#"<section class="rule" id="{anchor}" data-rule="{id} {title}"><h3><span class="rule-id">{id}</span> {title}</h3><p class="rule-counts">{kinds}: {words} {bar}</p>"#,
        kinds = Html(group.findings.first().map_or("resources", |f| f.kind.plural)),
        anchor = rule_anchor(rule.id),
        title = Html(rule.title),
        words = in_words(&group.counts),
        bar = proportion_bar(&group.counts, 240),
    );
    about(page, rule);
    let snippets = RuleSnippets::of(&group.findings);
    write_templates(page, rule.id, &snippets.templates);

    let mut scopes: Vec<Scope> = Vec::new();
    for f in &group.findings {
        let (account, region) = (f.resource.account_str(), f.resource.region_str());
        let at = match scopes
            .iter()
            .position(|s| s.account == account && s.region == region)
        {
            Some(at) => at,
            None => {
                scopes.push(Scope {
                    account,
                    region,
                    findings: Vec::new(),
                });
                scopes.len() - 1
            }
        };
        scopes[at].findings.push(f);
    }
    // Failing scopes first, then by account and region; failing findings first in each.
    let worst = |s: &Scope| {
        s.findings
            .iter()
            .map(|f| rank(f.status))
            .min()
            .unwrap_or(usize::MAX)
    };
    scopes.sort_by(|a, b| (worst(a), a.account, a.region).cmp(&(worst(b), b.account, b.region)));
    for scope in &mut scopes {
        scope.findings.sort_by_key(|f| rank(f.status));
    }
    // Which templates each finding uses: by the finding's address, the index of its snippets.
    let index: std::collections::HashMap<*const Finding, usize> = group
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| (*f as *const Finding, i))
        .collect();

    for scope in &scopes {
        let mut counts = StatusCounts::default();
        scope.findings.iter().for_each(|f| counts.add(f.status));
        let account = if scope.account.is_empty() {
            "unknown account"
        } else {
            scope.account
        };
        let region = if scope.region.is_empty() {
            "global"
        } else {
            scope.region
        };
        let _ = write!(
            page,
            r#"<section class="scope"><h4>Account {} · {} <span class="scope-counts">{}</span></h4>"#,
            Html(account),
            Html(region),
            in_words(&counts)
        );
        for f in &scope.findings {
            let used = index
                .get(&(*f as *const Finding))
                .and_then(|i| snippets.of_finding.get(*i))
                .map_or(&[][..], Vec::as_slice);
            finding(page, f, rule.id, used, &snippets.templates);
            if page.len() >= FLUSH_AT {
                out.write_all(page.as_bytes())?;
                page.clear();
            }
        }
        page.push_str("</section>");
    }
    page.push_str("</section>");
    Ok(())
}

/// The anchor of a rule's section.
pub(super) fn rule_anchor(rule: &str) -> String {
    format!("rule-{}", fragment(&[rule]))
}

fn snippet_anchor(rule: &str, template: usize) -> String {
    format!("snippet-{}-{}", fragment(&[rule]), template + 1)
}

/// What the rule knows, once: what it checks, why, how to fix it by hand, where to read more.
fn about(page: &mut String, rule: &RuleMetadata) {
    if rule.description.is_empty() && rule.rationale.is_empty() && rule.remediation.is_empty() {
        return;
    }
    page.push_str(r#"<details class="about"><summary>About this rule</summary>"#);
    for text in [rule.description, rule.rationale]
        .into_iter()
        .filter(|t| !t.is_empty())
    {
        let _ = write!(page, "<p>{}</p>", Html(text));
    }
    if !rule.remediation.is_empty() {
        page.push_str("<h5>How to remediate</h5><ol>");
        for step in rule.remediation {
            let _ = write!(page, "<li><em>{}</em>: {}", Html(step.via), Html(step.text));
            if let Some(code) = step.code {
                let _ = write!(page, "<pre><code>{}</code></pre>", Text(code));
            }
            page.push_str("</li>");
        }
        page.push_str("</ol>");
    }
    if !rule.references.is_empty() {
        page.push_str("<h5>References</h5><ul>");
        for r in rule.references {
            // Only web links are links: any other scheme is shown, not followed.
            if r.url.starts_with("https://") || r.url.starts_with("http://") {
                let _ = write!(
                    page,
                    r#"<li><a href="{}">{}</a></li>"#,
                    Html(r.url),
                    Html(r.title)
                );
            } else {
                let _ = write!(page, "<li>{} ({})</li>", Html(r.title), Html(r.url));
            }
        }
        page.push_str("</ul>");
    }
    page.push_str("</details>");
}

fn kind_name(kind: SnippetKind) -> &'static str {
    match kind {
        SnippetKind::Cli => "shell",
        SnippetKind::Cloudformation => "CloudFormation",
        SnippetKind::Terraform => "Terraform",
        SnippetKind::IamPolicy => "IAM policy",
    }
}

/// The rule's snippets, each once, its values as placeholders.
fn write_templates(page: &mut String, rule: &str, templates: &[Template]) {
    if templates.is_empty() {
        return;
    }
    page.push_str(
        r#"<div class="snippets"><h4>Remediation snippets</h4><p class="note">Each is written once; placeholders such as <var>{id}</var> or <var>{region}</var> stand for the values of the finding it fixes, shown filled in under the finding's remediation.</p>"#,
    );
    for (i, t) in templates.iter().enumerate() {
        let uses = match t.uses {
            1 => "1 finding".to_string(),
            n => format!("{n} findings"),
        };
        let _ = write!(
            page,
            r#"<details class="snippet" id="{anchor}"><summary>{n}. {title} <span class="kind">{kind}</span> · used by {uses}</summary><pre><code class="template">"#,
            anchor = snippet_anchor(rule, i),
            n = i + 1,
            title = Html(&t.title),
            kind = kind_name(t.kind),
        );
        for piece in &t.pieces {
            match piece {
                Piece::Text(text) => {
                    let _ = write!(page, "{}", Text(text));
                }
                Piece::Value(p) => {
                    let _ = write!(page, r#"<var data-p="{0}">{{{0}}}</var>"#, p.name());
                }
            }
        }
        page.push_str("</code></pre></details>");
    }
    page.push_str("</div>");
}

fn finding(page: &mut String, f: &Finding, rule: &str, used: &[usize], templates: &[Template]) {
    let r = &f.resource;
    let status = f.status;
    let _ = write!(
        page,
        r#"<article class="finding {status}" data-status="{status}" data-risk="{risk}""#,
        risk = f.risk
    );
    // The script fills placeholders from these (the id's suffix it cuts from the id).
    for p in [Placeholder::Id, Placeholder::Region, Placeholder::Account] {
        if let Some(v) = p.value(f) {
            let _ = write!(page, r#" data-{}="{}""#, p.name(), Html(v));
        }
    }
    let name = super::super::resource_name(f);
    let _ = write!(
        page,
        r#"><h5><span class="status {status}">{status}</span> <span class="risk">{risk} risk</span> <span class="name">{name}</span>"#,
        risk = f.risk,
        name = Html(&name),
    );
    if *name != *r.id && !super::super::is_scope_wide(f) {
        let _ = write!(page, r#" <code class="rid">{}</code>"#, Html(&r.id));
    }
    let _ = write!(page, r#"</h5><p class="message">{}</p>"#, Html(&f.message));
    if let Some(reason) = &f.muted_reason {
        let was = f
            .original_status
            .map(|s| format!(" (was {s})"))
            .unwrap_or_default();
        let _ = write!(
            page,
            r#"<p class="muted-reason">Muted{was}: {}</p>"#,
            Html(reason)
        );
    }
    page.push_str(r#"<dl class="resource">"#);
    // The kind is the rule's (its section says it) but for findings about another kind.
    if r.kind != f.kind.name {
        let _ = write!(page, "<dt>Kind</dt><dd>{}</dd>", Html(&r.kind));
    }
    if let Some(arn) = r.arn() {
        let _ = write!(page, "<dt>ARN</dt><dd><code>{}</code></dd>", Html(arn));
    }
    if let Some(at) = &r.location {
        let _ = write!(
            page,
            r#"<dt>Declared at</dt><dd><code class="location">{}:{}</code></dd>"#,
            Html(&at.file),
            at.line
        );
    }
    if !r.tags.is_empty() {
        page.push_str(r#"<dt>Tags</dt><dd><ul class="tags">"#);
        for (k, v) in r.tags.iter() {
            let _ = write!(
                page,
                "<li><code>{}</code> = <code>{}</code></li>",
                Html(k),
                Html(v)
            );
        }
        page.push_str("</ul></dd>");
    }
    page.push_str("</dl>");
    if !f.evidence.is_none() {
        let pretty = serde_json::from_str::<serde_json::Value>(f.evidence.as_json())
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| f.evidence.as_json().to_string());
        let _ = write!(
            page,
            r#"<details class="evidence"><summary>Evidence</summary><pre><code>{}</code></pre></details>"#,
            Text(&pretty)
        );
    }
    if let Some(remediation) = f.remediation() {
        let _ = write!(
            page,
            r#"<details class="remediation"><summary>Remediation: {}</summary><ul class="uses">"#,
            Html(&remediation.summary)
        );
        for &t in used {
            let Some(template) = templates.get(t) else {
                continue;
            };
            let anchor = snippet_anchor(rule, t);
            let _ = write!(
                page,
                r##"<li><a href="#{anchor}">{title}</a> (snippet {n})</li>"##,
                title = Html(&template.title),
                n = t + 1,
            );
        }
        page.push_str("</ul></details>");
    }
    page.push_str("</article>");
}
