//! What the rules' tests of template remediation share.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use cloudposture_core::{Finding, Kind, Location, Resource, Scope, ScopeId, SnippetKind};

/// A scope of templates (read from `infra`) declaring `items` of kind `K`, each at a
/// line of `infra/main.tf`, as the template reader records them.
pub(crate) fn declared<K: Kind>(items: Vec<K::Item>) -> Scope {
    let mut scope = Scope::new(ScopeId::templates("infra"));
    for (n, item) in items.iter().enumerate() {
        let location = Location {
            file: "infra/main.tf".to_string(),
            line: 10 * (n as u32 + 1),
        };
        scope.set_location(K::INFO.name, item.id(), location);
    }
    scope.insert::<K>(items);
    scope
}

/// The content of the one snippet of `finding`'s remediation, which must be of `kind`:
/// a template finding gets its template's language alone.
pub(crate) fn only_snippet(finding: &Finding, kind: SnippetKind) -> &str {
    let r = finding
        .remediation()
        .expect("a failing finding has a remediation");
    let kinds: Vec<SnippetKind> = r.snippets.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [kind], "{r:#?}");
    &r.snippets[0].content
}
