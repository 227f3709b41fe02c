//! The catalog against itself and against the rules' mappings.

use super::*;

const CIS: Standard = Standard::CisAwsFoundations;

/// Each version: its sections, and how many Logging and Networking controls it has.
const VERSIONS: [(&str, &[&str], usize, usize); 7] = [
    (
        "v1.2.0",
        &[
            "Identity and Access Management",
            "Logging",
            "Monitoring",
            "Networking",
        ],
        9,
        4,
    ),
    ("v1.4.0", FIVE_SECTIONS, 11, 4),
    ("v1.5.0", FIVE_SECTIONS, 11, 5),
    ("v2.0.0", FIVE_SECTIONS, 11, 6),
    ("v3.0.0", FIVE_SECTIONS, 9, 6),
    ("v4.0.0", FIVE_SECTIONS, 9, 8),
    ("v5.0.0", FIVE_SECTIONS, 9, 8),
];
const FIVE_SECTIONS: &[&str] = &[
    "Identity and Access Management",
    "Storage",
    "Logging",
    "Monitoring",
    "Networking",
];

#[test]
fn every_version_lists_its_sections_and_the_logging_and_networking_controls() {
    for (version, titles, logging, networking) in VERSIONS {
        let sections: Vec<&CatalogSection> = CIS_AWS_FOUNDATIONS.sections_of(CIS, version).collect();
        let numbers: Vec<String> = (1..=titles.len()).map(|n| n.to_string()).collect();
        assert_eq!(
            sections.iter().map(|s| s.number).collect::<Vec<_>>(),
            numbers,
            "{version}"
        );
        assert_eq!(
            sections.iter().map(|s| s.title).collect::<Vec<_>>(),
            titles,
            "{version}"
        );
        let listed: Vec<&str> = sections
            .iter()
            .filter(|s| s.controls_listed)
            .map(|s| s.title)
            .collect();
        assert_eq!(listed, ["Logging", "Networking"], "{version}");

        let count = |title: &str| {
            let number = sections.iter().find(|s| s.title == title).unwrap().number;
            CIS_AWS_FOUNDATIONS
                .controls_of(CIS, version)
                .filter(|c| c.section == number)
                .count()
        };
        assert_eq!(
            (count("Logging"), count("Networking")),
            (logging, networking),
            "{version}"
        );
    }
}

#[test]
fn controls_are_unique_and_sit_in_their_section() {
    for (i, c) in CONTROLS.iter().enumerate() {
        assert!(c.id.starts_with(&format!("{}.", c.section)), "{c:?}");
        assert!(
            !c.title.ends_with('.') && c.title.starts_with(['E', 'D']),
            "{c:?}"
        );
        assert!(
            SECTIONS
                .iter()
                .any(|s| s.version == c.version && s.number == c.section && s.controls_listed),
            "{c:?}"
        );
        let twice = CONTROLS[..i]
            .iter()
            .any(|d| d.version == c.version && d.id == c.id);
        assert!(!twice, "{c:?}");
    }
}

/// A rule that maps a CIS control of a section listed here maps one that exists.
#[test]
fn every_cis_control_the_rules_map_in_a_listed_section_is_in_the_catalog() {
    for rule in crate::all_rules() {
        let m = rule.metadata();
        for c in m.controls.iter().filter(|c| c.standard == CIS) {
            let id = c.id.unwrap();
            let section = id.split('.').next().unwrap();
            let listed = CIS_AWS_FOUNDATIONS
                .sections_of(CIS, c.version)
                .any(|s| s.number == section && s.controls_listed);
            if listed {
                assert!(
                    CIS_AWS_FOUNDATIONS
                        .controls_of(CIS, c.version)
                        .any(|e| e.id == id),
                    "{} maps CIS {} {id}, which the catalog does not have",
                    m.id,
                    c.version
                );
            }
        }
    }
    let flow_logging = |version| {
        let vpc_001 = crate::VPC_001
            .controls
            .iter()
            .find(|c| c.standard == CIS && c.version == version);
        let id = vpc_001.unwrap().id.unwrap();
        CIS_AWS_FOUNDATIONS
            .controls_of(CIS, version)
            .find(|c| c.id == id)
            .unwrap()
            .title
    };
    for (version, ..) in VERSIONS {
        assert_eq!(flow_logging(version), FLOW_LOGGING, "{version}");
    }
}
