//! The SARIF of a scan of the template fixtures, validated as GitHub code scanning will
//! read it: by Microsoft's SARIF Multitool 5.7.0 (`validate`: the schema and GitHub's
//! ingestion rules, npm's `@microsoft/sarif-multitool-linux`, pinned in
//! `tests/browser/package-lock.json`) and against the SARIF 2.1.0 JSON schema that
//! package ships, with Python's `jsonschema` (which checks the enums the Multitool
//! lets pass). `scripts/test` installs both; a missing validator fails the test.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::{Path, PathBuf};
use std::process::Command;

use cloudposture_core::render::write_sarif;
use cloudposture_core::{Config, Plan, Report, ScanSource, Selection, Status, jiff};
use cloudposture_templates::{LoadOptions, load};
use serde_json::Value;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The CloudFormation and Terraform fixtures, given as relative paths (as a workflow
/// run in the repository's root gives them), with the Terraform VPC `aws_vpc.other`
/// muted by an exception.
fn fixture_scan() -> Report {
    // Cargo runs integration tests in the package's folder.
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let paths = [
        PathBuf::from("tests/fixtures/cloudformation"),
        PathBuf::from("./tests/fixtures/terraform/main"),
    ];
    let loaded = load(&paths, &LoadOptions::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let config: Config = serde_json::from_value(serde_json::json!({
        "exceptions": [{"rules": ["VPC-001"], "resources": ["aws_vpc.other"], "reason": "torn down with the test stack"}]
    }))
    .unwrap();
    let registry = cloudposture_rules_aws::registry().unwrap();
    let plan = Plan::new(&registry, &Selection::default(), &config).unwrap();
    plan.evaluate(&loaded.inventory, ScanSource::Template, jiff::Timestamp::now())
}

fn sarif_of(report: &Report) -> Vec<u8> {
    let mut out = Vec::new();
    write_sarif(report, &mut out).unwrap();
    out
}

/// The Multitool's package: `$CLOUDPOSTURE_SARIF_MULTITOOL_DIR` or `tests/browser`'s.
fn multitool_dir() -> PathBuf {
    std::env::var_os("CLOUDPOSTURE_SARIF_MULTITOOL_DIR").map_or_else(
        || workspace().join("tests/browser/node_modules/@microsoft/sarif-multitool-linux"),
        PathBuf::from,
    )
}

/// What the validators say of `sarif`: the Multitool's errors and warnings, then the
/// JSON schema's errors, one a line; empty when valid.
fn validate(name: &str, sarif: &[u8]) -> Vec<String> {
    let dir = multitool_dir();
    let tool = dir.join("Sarif.Multitool");
    assert!(
        tool.exists(),
        "the SARIF validator {} is missing: run `npm ci` in tests/browser (scripts/test does), \
         which installs @microsoft/sarif-multitool-linux 5.7.0",
        tool.display()
    );
    let tmp = std::env::temp_dir().join(format!("cloudposture-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let input = tmp.join("scan.sarif");
    let output = tmp.join("validation.sarif");
    std::fs::write(&input, sarif).unwrap();
    let run = Command::new(&tool)
        .arg("validate")
        .arg(&input)
        // GitHub's rules (`Gh`) and the schema only: the `Sarif` kind's rules would look
        // up every URI of the log on the network.
        .args(["--rule-kind", "Gh", "--log", "ForceOverwrite", "--output"])
        .arg(&output)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "could not run {} ({e}); `npm ci` in tests/browser reinstalls it",
                tool.display()
            )
        });
    assert!(
        run.status.success() && output.exists(),
        "the SARIF Multitool failed:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let mut problems = multitool_problems(&output);
    problems.extend(schema_problems(&dir.join("sarif-2.1.0.json"), &input));
    let _ = std::fs::remove_dir_all(&tmp);
    problems
}

/// The errors and warnings of the Multitool's own SARIF log.
fn multitool_problems(log: &Path) -> Vec<String> {
    let log: Value = serde_json::from_str(&std::fs::read_to_string(log).unwrap()).unwrap();
    let results = log["runs"][0]["results"].as_array().cloned().unwrap_or_default();
    results
        .iter()
        .filter(|r| matches!(r["level"].as_str(), None | Some("error" | "warning")))
        .map(|r| {
            let args: Vec<&str> = r["message"]["arguments"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            format!(
                "{} {}: {}",
                r["ruleId"].as_str().unwrap_or("?"),
                r["level"],
                args.join("; ")
            )
        })
        .collect()
}

/// The errors of `input` against `schema`, by `$CLOUDPOSTURE_PYTHON` or `python3`
/// with `jsonschema`.
fn schema_problems(schema: &Path, input: &Path) -> Vec<String> {
    const CHECK: &str = "import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
for e in cls(schema).iter_errors(doc):
    print('schema: ' + '/'.join(map(str, e.absolute_path)) + ': ' + e.message)";
    let python = std::env::var("CLOUDPOSTURE_PYTHON").unwrap_or_else(|_| "python3".into());
    let run = Command::new(&python)
        .args(["-c", CHECK])
        .arg(schema)
        .arg(input)
        .output()
        .unwrap_or_else(|e| {
            panic!("could not run `{python}` ({e}): install Python 3 with jsonschema (scripts/test does)")
        });
    assert!(
        run.status.success(),
        "the JSON schema check could not run (`pip install 'jsonschema>=4.18,<5'`; scripts/test does):\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8_lossy(&run.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_fixture_scan_is_valid_sarif_for_github() {
    let report = fixture_scan();
    let sarif = sarif_of(&report);
    let problems = validate("fixtures", &sarif);
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let log: Value = serde_json::from_slice(&sarif).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let failing = report
        .findings
        .iter()
        .filter(|f| f.judged_status() == Status::Fail)
        .count();
    assert!(failing > 1, "the fixtures fail some rules");
    assert_eq!(results.len(), failing, "a result per failing finding");
    for result in results {
        let at = &result["locations"][0]["physicalLocation"];
        let uri = at["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("tests/fixtures/"), "{uri}");
        assert_eq!(at["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let id = result["locations"][0]["logicalLocations"][0]["name"]
            .as_str()
            .unwrap();
        let rule = result["ruleId"].as_str().unwrap();
        assert_eq!(
            result["partialFingerprints"]["cloudposture/v1"],
            format!("{rule}|{id}")
        );
        let finding = report
            .findings
            .iter()
            .find(|f| f.rule.id == rule && f.resource.id == id)
            .unwrap();
        let location = finding.resource.location.as_ref().unwrap();
        assert_eq!(uri, location.file.trim_start_matches("./"), "{id}");
        assert_eq!(at["region"]["startLine"], location.line, "{id}");
    }
    let muted: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(muted.len(), 1);
    assert_eq!(
        muted[0]["suppressions"][0]["justification"],
        "torn down with the test stack"
    );
}

#[test]
fn the_validators_refuse_what_github_would() {
    let log: Value = serde_json::from_slice(&sarif_of(&fixture_scan())).unwrap();
    // Without a location: GitHub's ingestion rules (the Multitool checks no enum).
    let mut unlocated = log.clone();
    unlocated["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("locations");
    let said = validate("unlocated", &serde_json::to_vec(&unlocated).unwrap()).join("\n");
    assert!(
        said.contains("GH1015"),
        "the Multitool reads GitHub's rules:\n{said}"
    );
    // A level SARIF does not have: the schema.
    let mut critical = log;
    critical["runs"][0]["results"][0]["level"] = "critical".into();
    let said = validate("critical", &serde_json::to_vec(&critical).unwrap()).join("\n");
    assert!(
        said.contains("schema: runs/0/results/0/level: 'critical' is not one of"),
        "the schema checks levels:\n{said}"
    );
}
