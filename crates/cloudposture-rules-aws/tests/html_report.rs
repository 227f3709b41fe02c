//! The HTML report of the demo account, opened in a real browser: headless Chromium
//! driven by `tests/browser/check-report.mjs` (playwright-core), which checks the page
//! against the JSON report of the same scan, uses its search box and filters, proves
//! that the attacker-controlled tags seeded here ran nothing, and takes a screenshot
//! (`docs/report.png` with `UPDATE_SCREENSHOT=1`). `scripts/test` installs what it needs.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::{Path, PathBuf};
use std::process::Command;

use cloudposture_core::render::{write_html, write_json};
use cloudposture_core::{Config, Coverage, Plan, Report, ScanSource, Selection, Standard, jiff::Timestamp};

/// Two VPC `Name` tags an attacker who can tag a VPC could write.
const SEEDS: [&str; 2] = [
    r#""><script>alert(1)</script>"#,
    "</script><img src=x onerror=alert(1)>",
];

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The demo snapshot with the seeds as the `Name` tags of its first two VPCs.
fn seeded_demo() -> cloudposture_core::Inventory {
    let path = workspace().join("examples/demo-account.json");
    let mut snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut seeds = SEEDS.iter();
    for scope in snapshot["scopes"].as_array_mut().unwrap() {
        let Some(vpcs) = scope["kinds"]["aws.ec2.vpc"]["listed"].as_array_mut() else {
            continue;
        };
        for vpc in vpcs {
            if let Some(seed) = seeds.next() {
                vpc["tags"]["Name"] = (*seed).into();
            }
        }
    }
    assert!(seeds.next().is_none(), "the demo has two VPCs to seed");
    cloudposture_aws::snapshot::from_json(&snapshot.to_string(), &path).unwrap()
}

/// The demo report by every rule, and its compliance with CIS v3.0.0 and v5.0.0.
fn demo() -> (Report, Vec<Coverage>) {
    let registry = cloudposture_rules_aws::registry().unwrap();
    let plan = Plan::new(&registry, &Selection::default(), &Config::default()).unwrap();
    let report = plan.evaluate(&seeded_demo(), ScanSource::Snapshot, Timestamp::now());
    let coverage = ["v3.0.0", "v5.0.0"]
        .into_iter()
        .map(|v| registry.coverage(&report, Standard::CisAwsFoundations, v))
        .collect();
    (report, coverage)
}

/// What the browser check needs, or what to install.
fn browser_check() -> (PathBuf, String) {
    let dir = workspace().join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let node = Command::new("node").arg("--version").output();
    let mut missing = Vec::new();
    if !node.is_ok_and(|o| o.status.success()) {
        missing.push("node (`apt-get install -y nodejs npm`)".to_string());
    }
    if !Path::new(&chromium).exists() {
        missing.push(format!(
            "Chromium at {chromium} (`apt-get install -y chromium`, or set CHROMIUM)"
        ));
    }
    if !dir.join("node_modules/playwright-core").exists() {
        missing.push(format!("playwright-core (`npm ci` in {})", dir.display()));
    }
    assert!(
        missing.is_empty(),
        "the browser test needs {}; `scripts/test` installs them",
        missing.join(", ")
    );
    (dir, chromium)
}

#[test]
fn the_demo_report_works_in_a_browser_and_the_seeded_tags_run_nothing() {
    let (dir, chromium) = browser_check();
    let (report, coverage) = demo();
    let tmp = tempfile::tempdir().unwrap();
    let html_path = tmp.path().join("report.html");
    let json_path = tmp.path().join("report.json");
    let mut html = Vec::new();
    write_html(&report, &coverage, &mut html).unwrap();
    std::fs::write(&html_path, &html).unwrap();
    let mut json = Vec::new();
    write_json(&report, &mut json).unwrap();
    std::fs::write(&json_path, &json).unwrap();
    let text = String::from_utf8(html).unwrap();
    for seed in SEEDS {
        assert!(!text.contains(seed), "{seed} is in the page unescaped");
    }
    println!(
        "demo report: {} findings, HTML {} bytes, JSON {} bytes",
        report.findings.len(),
        text.len(),
        json.len()
    );

    let screenshot = match std::env::var_os("UPDATE_SCREENSHOT").is_some_and(|v| v == "1") {
        true => workspace().join("docs/report.png"),
        false => tmp.path().join("report.png"),
    };
    let run = Command::new("node")
        .arg(dir.join("check-report.mjs"))
        .args([&html_path, &json_path, &screenshot])
        .env("CHROMIUM", &chromium)
        .current_dir(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    println!("{stdout}");
    assert!(
        run.status.success(),
        "the browser check failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(
        std::fs::metadata(&screenshot).unwrap().len() > 10_000,
        "a screenshot at {}",
        screenshot.display()
    );
}

/// The demo snapshot with each VPC and its default security group copied `copies`
/// times (new ids), for a report of many findings whose snippets are the rules' own.
fn demo_times(copies: usize) -> cloudposture_core::Inventory {
    let path = workspace().join("examples/demo-account.json");
    let mut snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for scope in snapshot["scopes"].as_array_mut().unwrap() {
        for kind in ["aws.ec2.vpc", "aws.ec2.security-group"] {
            let Some(items) = scope["kinds"][kind]["listed"].as_array_mut() else {
                continue;
            };
            let originals = items.clone();
            for i in 1..copies {
                for item in &originals {
                    let mut copy = item.clone();
                    let id = format!("{}{i:05x}", item["id"].as_str().unwrap());
                    copy["id"] = id.into();
                    if let Some(vpc) = item["vpc_id"].as_str() {
                        copy["vpc_id"] = format!("{vpc}{i:05x}").into();
                    }
                    items.push(copy);
                }
            }
        }
    }
    cloudposture_aws::snapshot::from_json(&snapshot.to_string(), &path).unwrap()
}

/// Prints the sizes of the HTML and JSON reports of 10,000 findings or more by the
/// rules of this crate: `cargo test -p cloudposture-rules-aws --test html_report -- --ignored --nocapture`
/// (with `CLOUDPOSTURE_HTML_OUT=FILE`, the HTML is written there too).
#[test]
#[ignore = "prints sizes; run by hand"]
fn sizes_of_ten_thousand_findings_in_html_and_json() {
    let registry = cloudposture_rules_aws::registry().unwrap();
    let plan = Plan::new(&registry, &Selection::default(), &Config::default()).unwrap();
    let findings = |copies| {
        plan.evaluate(&demo_times(copies), ScanSource::Snapshot, Timestamp::now())
            .findings
            .len()
    };
    let (one, per_copy) = (findings(1), findings(2) - findings(1));
    let copies = 1 + (10_000 - one).div_ceil(per_copy);
    let report = plan.evaluate(&demo_times(copies), ScanSource::Snapshot, Timestamp::now());
    let coverage = vec![registry.coverage(&report, Standard::CisAwsFoundations, "v5.0.0")];
    let (mut html, mut json) = (Vec::new(), Vec::new());
    write_html(&report, &coverage, &mut html).unwrap();
    write_json(&report, &mut json).unwrap();
    if let Some(path) = std::env::var_os("CLOUDPOSTURE_HTML_OUT") {
        // For timing the page in a browser by hand.
        std::fs::write(path, &html).unwrap();
    }
    let with_remediation = report.findings.iter().filter(|f| f.remediation.is_some()).count();
    println!(
        "{} findings ({with_remediation} with remediation): HTML {} bytes, JSON {} bytes (HTML/JSON {:.2})",
        report.findings.len(),
        html.len(),
        json.len(),
        html.len() as f64 / json.len() as f64
    );
    assert!(report.findings.len() >= 10_000);
    assert!(
        html.len() < json.len() / 2,
        "the HTML report stays well under the JSON"
    );
}
