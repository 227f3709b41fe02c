//! What the tests of loaded templates share.

use std::path::Path;

use cloudposture_core::{Finding, Report};

/// The one finding of `rule` on the resource `id`; fails listing every finding otherwise.
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

/// `file:line` of a template finding, the file relative to `root`.
pub fn place(f: &Finding, root: &Path) -> String {
    let location = f
        .resource
        .location
        .as_ref()
        .expect("a template finding has a location");
    let file = location
        .file
        .strip_prefix(root.to_str().unwrap_or_default())
        .unwrap_or(&location.file);
    format!("{}:{}", file.trim_start_matches('/'), location.line)
}
