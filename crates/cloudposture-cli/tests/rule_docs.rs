//! `docs/rules/<ID>.md` are generated from rule metadata by `cloudposture rules show ID
//! --format markdown`. This test fails when a page drifts from the code; run it with
//! `UPDATE_DOCS=1` to regenerate the pages.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::collections::BTreeSet;
use std::path::PathBuf;

fn cloudposture(args: &[&str]) -> String {
    let output = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn rule_pages_match_the_metadata() {
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let rules: serde_json::Value =
        serde_json::from_str(&cloudposture(&["rules", "list", "--format", "json"])).unwrap();
    let ids: BTreeSet<String> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!ids.is_empty());

    let mut drifted = Vec::new();
    for id in &ids {
        let page = cloudposture(&["rules", "show", id, "--format", "markdown"]);
        let path = docs.join(format!("{id}.md"));
        if update {
            std::fs::create_dir_all(&docs).unwrap();
            std::fs::write(&path, &page).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
            drifted.push(path.display().to_string());
        }
    }
    // A page whose rule is gone is drift too.
    for entry in std::fs::read_dir(&docs).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.extension().is_some_and(|e| e == "md") && !ids.contains(&stem) {
            if update {
                std::fs::remove_file(&path).unwrap();
            } else {
                drifted.push(format!("{} (no such rule)", path.display()));
            }
        }
    }
    assert!(
        drifted.is_empty(),
        "rule pages differ from the metadata: {drifted:?}; run `UPDATE_DOCS=1 cargo test -p cloudposture-cli --all-features --test rule_docs` and commit docs/rules"
    );
}
