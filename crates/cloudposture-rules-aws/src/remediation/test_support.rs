//! What the rules' tests of template remediation share.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use cloudposture_core::{Finding, SnippetKind};

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
