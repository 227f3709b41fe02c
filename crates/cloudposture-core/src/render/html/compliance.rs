//! The compliance tables: per standard version, each control the rules check, the
//! rules, the counts of their findings and a bar of them; then the controls of the
//! same sections that no rule checks yet (`not covered`) and the sections no rule
//! checks at all. As in the terminal table, a clean result must not read as full
//! coverage.

use std::fmt::Write as _;

use super::chart::proportion_bar;
use super::escape::Html;
use super::findings::rule_anchor;
use crate::coverage::Coverage;

/// Writes the compliance section, or nothing when `coverage` is empty.
pub(super) fn write(page: &mut String, coverage: &[Coverage]) {
    if coverage.is_empty() {
        return;
    }
    page.push_str(r#"<section id="compliance"><h2>Compliance</h2>"#);
    for c in coverage {
        table(page, c);
    }
    page.push_str("</section>");
}

fn table(page: &mut String, c: &Coverage) {
    let _ = write!(
        page,
        r#"<section class="coverage"><h3>{name} {version}</h3><table class="compliance" data-standard="{code}" data-version="{version}"><thead><tr><th scope="col">Control</th><th scope="col">Title</th><th scope="col">Rules</th><th scope="col" class="n">Pass</th><th scope="col" class="n">Fail</th><th scope="col" class="n">Error</th><th scope="col">Proportion</th></tr></thead><tbody>"#,
        name = Html(c.standard.name()),
        version = Html(c.version),
        code = c.standard.code(),
    );
    for control in &c.controls {
        let id = control.id.unwrap_or("(all)");
        let _ = write!(
            page,
            r#"<tr data-control="{id}"><td>{id}</td><td>{title}</td><td>"#,
            id = Html(id),
            title = Html(control.title.unwrap_or("")),
        );
        for (i, rule) in control.rules.iter().enumerate() {
            if i > 0 {
                page.push_str(", ");
            }
            if rule.ran {
                let _ = write!(
                    page,
                    r##"<a href="#{}">{}</a>"##,
                    rule_anchor(rule.id),
                    Html(rule.id)
                );
            } else {
                let _ = write!(page, "{} (not run)", Html(rule.id));
            }
        }
        let n = control.counts;
        let _ = write!(
            page,
            r#"</td><td class="n" data-count="pass">{}</td><td class="n" data-count="fail">{}</td><td class="n" data-count="error">{}</td><td>{}</td></tr>"#,
            n.pass,
            n.fail,
            n.error,
            proportion_bar(&n, 160)
        );
    }
    for control in &c.not_covered {
        let _ = write!(
            page,
            r#"<tr class="not-covered" data-control="{id}"><td>{id}</td><td>{title}</td><td colspan="5">not covered</td></tr>"#,
            id = Html(control.id),
            title = Html(control.title),
        );
    }
    page.push_str("</tbody></table>");
    if !c.catalog_known {
        let _ = write!(
            page,
            r#"<p class="note">No catalog of {} {} is known here: the controls that no rule checks cannot be listed.</p>"#,
            Html(c.standard.name()),
            Html(c.version)
        );
    }
    for s in &c.sections_not_listed {
        let _ = write!(
            page,
            r#"<p class="note">Section {} {}: its controls are not in the catalog, so those no rule checks are not listed.</p>"#,
            Html(s.number),
            Html(s.title)
        );
    }
    if !c.sections_not_checked.is_empty() {
        page.push_str(r#"<p class="not-checked"><strong>Not checked:</strong> "#);
        for (i, s) in c.sections_not_checked.iter().enumerate() {
            if i > 0 {
                page.push_str(", ");
            }
            let _ = write!(page, "{} {}", Html(s.number), Html(s.title));
        }
        page.push_str("</p>");
    }
    page.push_str("</section>");
}
