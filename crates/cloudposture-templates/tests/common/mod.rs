//! What the template tests share: fixtures loaded with `load`, run through the registry
//! and `Plan::evaluate` as the CLI does, and the findings looked up by rule and id.

use std::path::{Path, PathBuf};

use cloudposture_core::{Config, Finding, Plan, Report, ScanSource, Selection, SnippetKind, Status, jiff};
use cloudposture_templates::{LoadOptions, Loaded, load};

/// The fixture `name` (a file or a directory under `tests/fixtures`).
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `paths` loaded and judged by the rules of `selection` with `config`.
pub fn scan_selected(
    paths: &[PathBuf],
    options: &LoadOptions,
    config: serde_json::Value,
    selection: &Selection,
) -> (Loaded, Report) {
    let loaded = load(paths, options);
    let registry = cloudposture_rules_aws::registry().unwrap();
    let config: Config = serde_json::from_value(config).unwrap();
    let plan = Plan::new(&registry, selection, &config).unwrap();
    let report = plan.evaluate(&loaded.inventory, ScanSource::Template, jiff::Timestamp::now());
    (loaded, report)
}

/// The one finding of `rule` for `id` (the test fails when there is none or more, listing
/// every finding with its status).
pub fn finding<'r>(report: &'r Report, rule: &str, id: &str) -> &'r Finding {
    let found: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.rule.id == rule && f.resource.id == id)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{rule} {id}: {:?}",
        report
            .findings
            .iter()
            .map(|f| (f.rule.id, f.resource.id.as_str(), f.status))
            .collect::<Vec<_>>()
    );
    found[0]
}

/// Its status.
pub fn status(report: &Report, rule: &str, id: &str) -> Status {
    finding(report, rule, id).status
}

/// `file:line` of a finding, the file relative to the fixtures.
pub fn at(f: &Finding) -> String {
    place(f, &fixture(""))
}

/// `file:line` of a template finding, the file relative to `root`.
pub fn place(f: &Finding, root: &Path) -> String {
    let location = f
        .resource
        .location
        .as_ref()
        .expect("a template finding has a location");
    let file = location
        .file
        .strip_prefix(root.to_str().unwrap())
        .unwrap_or(&location.file);
    format!("{}:{}", file.trim_start_matches('/'), location.line)
}

/// The fixture `path` judged by the rules `rules` only.
pub fn scan_rules(path: &str, rules: &[&str]) -> (Loaded, Report) {
    scan_selected(
        &[fixture(path)],
        &LoadOptions::default(),
        serde_json::json!({}),
        &Selection::rules(rules.iter().copied()),
    )
}

/// The one snippet of a template finding's remediation, which must be of `kind` (a
/// template finding gets no CLI command).
#[allow(dead_code, reason = "only the test files about remediation use it")]
pub fn only_snippet(f: &Finding, kind: SnippetKind) -> String {
    let r = f.remediation().expect("a failing finding has a remediation");
    let kinds: Vec<SnippetKind> = r.snippets.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [kind], "no CLI command for a template: {r:#?}");
    r.snippets[0].content.clone()
}
