//! The compliance view of the demo account with the rules and the CIS catalog of this
//! crate: what `scan --standard cis:v3.0.0` summarises. The assertions hold whatever
//! other rules the crate has.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::PathBuf;

use cloudposture_core::{
    Config, Coverage, Plan, Report, ScanSource, Selection, SelectionError, Standard, StandardVersion,
    jiff::Timestamp,
};

const CIS: Standard = Standard::CisAwsFoundations;

fn cis(version: &str, rules: &[&str]) -> Selection {
    Selection {
        rules: rules.iter().map(|r| r.to_string()).collect(),
        versions: vec![StandardVersion {
            standard: CIS,
            version: version.into(),
        }],
        ..Selection::default()
    }
}

fn demo_report(selection: &Selection) -> Report {
    let registry = cloudposture_rules_aws::registry().unwrap();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account.json");
    let inventory = cloudposture_aws::snapshot::load(&path).unwrap();
    let plan = Plan::new(&registry, selection, &Config::default()).unwrap();
    plan.evaluate(&inventory, ScanSource::Snapshot, Timestamp::now())
}

fn coverage(version: &'static str, rules: &[&str]) -> Coverage {
    let registry = cloudposture_rules_aws::registry().unwrap();
    let report = demo_report(&cis(version, rules));
    registry.coverage(&report, CIS, version)
}

#[test]
fn vpc_001_covers_flow_logging_and_the_rest_of_logging_is_not_covered() {
    let coverage = coverage("v3.0.0", &["VPC-001"]);
    let flow_logging = coverage.controls.iter().find(|c| c.id == Some("3.7")).unwrap();
    assert_eq!(
        flow_logging.title,
        Some("Ensure VPC flow logging is enabled in all VPCs")
    );
    assert_eq!(flow_logging.rules[0].id, "VPC-001");
    assert!(flow_logging.rules[0].ran);
    let report = demo_report(&cis("v3.0.0", &["VPC-001"]));
    let s = &report.summary;
    let n = flow_logging.counts;
    assert_eq!((n.pass, n.fail, n.error), (s.pass, s.fail, s.error));
    assert!(n.fail > 0 && n.pass > 0);

    let not_covered: Vec<&str> = coverage.not_covered.iter().map(|c| c.id).collect();
    for id in ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.8", "3.9"] {
        assert!(not_covered.contains(&id), "{id} in {not_covered:?}");
    }
    assert!(!not_covered.contains(&"3.7"));
    let not_checked: Vec<(&str, &str)> = coverage
        .sections_not_checked
        .iter()
        .map(|s| (s.number, s.title))
        .collect();
    for section in [("1", "Identity and Access Management"), ("4", "Monitoring")] {
        assert!(not_checked.contains(&section), "{not_checked:?}");
    }
    assert!(!not_checked.iter().any(|(number, _)| *number == "3"));
    assert!(coverage.catalog_known);
}

#[test]
fn every_version_of_the_catalog_names_its_flow_logging_control() {
    for (version, id) in [
        ("v1.2.0", "2.9"),
        ("v1.4.0", "3.9"),
        ("v1.5.0", "3.9"),
        ("v2.0.0", "3.9"),
        ("v3.0.0", "3.7"),
        ("v4.0.0", "3.7"),
        ("v5.0.0", "3.7"),
    ] {
        let coverage = coverage(version, &["VPC-001"]);
        let row = coverage.controls.iter().find(|c| c.id == Some(id)).unwrap();
        assert_eq!(
            row.title,
            Some("Ensure VPC flow logging is enabled in all VPCs"),
            "{version}"
        );
        assert!(!coverage.not_covered.is_empty(), "{version}");
    }
}

#[test]
fn versions_resolve_from_any_spelling_and_unknown_ones_list_the_known() {
    let registry = cloudposture_rules_aws::registry().unwrap();
    for spelling in ["v3.0.0", "3.0.0", "V3.0.0"] {
        assert_eq!(registry.resolve_version(CIS, spelling), Ok("v3.0.0"));
    }
    assert_eq!(
        registry.known_versions(CIS),
        [
            "v1.2.0", "v1.4.0", "v1.5.0", "v2.0.0", "v3.0.0", "v4.0.0", "v5.0.0"
        ]
    );
    let err = registry.select(&cis("v3.1", &[])).err().unwrap();
    assert!(matches!(err, SelectionError::UnknownVersion { .. }));
    assert!(
        err.to_string().ends_with(
            "known versions: v1.2.0, v1.4.0, v1.5.0, v2.0.0, v3.0.0, v4.0.0, v5.0.0 (e.g. `--standard cis:v5.0.0`)"
        ),
        "{err}"
    );
    // PCI DSS is known from the rules' mappings only: no catalog, no "not covered".
    assert_eq!(registry.resolve_version(Standard::PciDss, "3.2.1"), Ok("v3.2.1"));
    let report = demo_report(&Selection::rules(["VPC-001"]));
    let pci = registry.coverage(&report, Standard::PciDss, "v3.2.1");
    assert!(!pci.catalog_known && pci.not_covered.is_empty());
    assert!(pci.controls.iter().any(|c| c.id == Some("10.3.3")));
}
