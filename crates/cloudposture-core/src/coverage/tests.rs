//! Selection by standard version and the compliance view, over fixture rules that judge
//! "things" (a thing passes when it is `ok`) and a fixture catalog of a CIS-like benchmark.

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, CatalogControl, CatalogSection};
use crate::compliance::{Control, Standard, StandardVersion};
use crate::config::{Config, Exception};
use crate::engine::{EngineError, Plan};
use crate::finding::Finding;
use crate::inventory::{Inventory, Scope, ScopeId};
use crate::kind::{Kind, KindInfo, Listing};
use crate::metadata::RuleMetadata;
use crate::registry::{Registry, Selection, SelectionError};
use crate::report::{Report, ScanSource, StatusCounts};
use crate::resource::{Resource, Tags};
use crate::rule::{Rule, RuleContext};
use crate::settings::NoSettings;

use super::{ControlCoverage, Coverage, CoveringRule};

const CIS: Standard = Standard::CisAwsFoundations;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Thing {
    id: String,
    ok: bool,
}

impl Resource for Thing {
    fn kind(&self) -> &'static str {
        Things::INFO.name
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn arn(&self) -> Option<String> {
        None
    }
    fn account(&self) -> Option<&str> {
        None
    }
    fn region(&self) -> Option<&str> {
        Some("eu-west-1")
    }
    fn tags(&self) -> &Tags {
        Tags::empty()
    }
}

struct Things;

impl Kind for Things {
    type Item = Thing;
    const INFO: KindInfo = KindInfo {
        name: "test.thing",
        singular: "thing",
        plural: "things",
        listing: Listing::Complete,
        audit_actions: &["test:ListThings"],
        resource_type: "Test::Thing",
        finding_type: None,
    };
}

/// A rule that passes the things that are ok and fails the others.
struct Fixture(&'static RuleMetadata);

impl Rule for Fixture {
    type Kind = Things;
    type Reads<'a> = ();
    type Settings = NoSettings;

    fn metadata(&self) -> &'static RuleMetadata {
        self.0
    }

    fn evaluate(&self, things: &[Thing], _: (), ctx: &RuleContext<'_, NoSettings>) -> Vec<Finding> {
        things
            .iter()
            .map(|t| match t.ok {
                true => ctx.pass(t, "ok"),
                false => ctx.fail(t, "not ok"),
            })
            .collect()
    }
}

static LOG_001: RuleMetadata = RuleMetadata {
    id: "LOG-001",
    title: "Logged",
    controls: &[
        Control::new(CIS, "v1.4.0", "3.9"),
        Control::new(CIS, "v3.0.0", "3.7"),
    ],
    ..RuleMetadata::EMPTY
};

static NET_001: RuleMetadata = RuleMetadata {
    id: "NET-001",
    title: "No open admin ports",
    controls: &[
        Control::new(CIS, "v3.0.0", "5.2"),
        Control::new(CIS, "v3.0.0", "5.3"),
        Control::new(Standard::PciDss, "v3.2.1", "1.2.1"),
    ],
    ..RuleMetadata::EMPTY
};

static NET_002: RuleMetadata = RuleMetadata {
    id: "NET-002",
    title: "Default groups closed",
    controls: &[Control::new(CIS, "v3.0.0", "5.4")],
    ..RuleMetadata::EMPTY
};

/// Maps a control of a section whose controls the catalog does not list.
static STO_001: RuleMetadata = RuleMetadata {
    id: "STO-001",
    title: "Volumes encrypted",
    controls: &[Control::new(CIS, "v3.0.0", "2.2.1")],
    ..RuleMetadata::EMPTY
};

const fn section(number: &'static str, title: &'static str, controls_listed: bool) -> CatalogSection {
    CatalogSection {
        standard: CIS,
        version: "v3.0.0",
        number,
        title,
        controls_listed,
    }
}

const fn control(section: &'static str, id: &'static str, title: &'static str) -> CatalogControl {
    CatalogControl {
        standard: CIS,
        version: "v3.0.0",
        section,
        id,
        title,
    }
}

static CATALOG: Catalog = Catalog {
    sections: &[
        section("1", "Identity and Access Management", false),
        section("2", "Storage", false),
        section("3", "Logging", true),
        section("4", "Monitoring", false),
        section("5", "Networking", true),
        CatalogSection {
            version: "v5.0.0",
            ..section("3", "Logging", false)
        },
    ],
    controls: &[
        control("3", "3.1", "Ensure CloudTrail is enabled in all regions"),
        control("3", "3.7", "Ensure VPC flow logging is enabled in all VPCs"),
        control("5", "5.1", "Ensure no Network ACLs allow ingress from 0.0.0.0/0"),
        control(
            "5",
            "5.2",
            "Ensure no security groups allow ingress from 0.0.0.0/0",
        ),
        control("5", "5.3", "Ensure no security groups allow ingress from ::/0"),
        control(
            "5",
            "5.4",
            "Ensure the default security group restricts all traffic",
        ),
        control("5", "5.10", "A control with a two-digit number"),
    ],
};

fn registry(rules: &[&'static RuleMetadata]) -> Registry {
    let mut registry = Registry::new();
    for m in rules {
        registry.register(Fixture(m)).unwrap();
    }
    registry.add_catalog(&CATALOG);
    registry
}

fn things(oks: &[bool]) -> Inventory {
    let mut inventory = Inventory::new(Some("111122223333".into()));
    let mut scope = Scope::new(ScopeId::region(Some("111122223333"), "eu-west-1"));
    scope.insert::<Things>(
        oks.iter()
            .enumerate()
            .map(|(i, ok)| Thing {
                id: format!("t-{i}"),
                ok: *ok,
            })
            .collect(),
    );
    inventory.scopes.push(scope);
    inventory
}

fn version(v: &str) -> Selection {
    Selection {
        versions: vec![StandardVersion {
            standard: CIS,
            version: v.into(),
        }],
        ..Selection::default()
    }
}

fn scan(registry: &Registry, selection: &Selection, config: &Config, oks: &[bool]) -> Report {
    let plan = Plan::new(registry, selection, config).unwrap();
    plan.evaluate(&things(oks), ScanSource::Snapshot, jiff::Timestamp::now())
}

fn ids(registry: &Registry, selection: &Selection) -> Vec<&'static str> {
    let selected = registry.select(selection).unwrap();
    selected.iter().map(|r| r.metadata().id).collect()
}

#[test]
fn a_version_selects_the_rules_mapped_to_it_however_it_is_written() {
    let r = registry(&[&LOG_001, &NET_001, &NET_002]);
    for written in ["v3.0.0", "3.0.0", "V3.0.0", " v3.0.0 "] {
        assert_eq!(
            ids(&r, &version(written)),
            ["LOG-001", "NET-001", "NET-002"],
            "{written}"
        );
    }
    assert_eq!(ids(&r, &version("1.4.0")), ["LOG-001"]);
    // The whole standard, every version, as before.
    let all_cis = Selection {
        standards: vec![CIS],
        ..Selection::default()
    };
    assert_eq!(ids(&r, &all_cis), ["LOG-001", "NET-001", "NET-002"]);
    assert_eq!(r.resolve_version(CIS, "3.0.0"), Ok("v3.0.0"));
}

#[test]
fn an_unknown_version_is_an_error_listing_the_known_ones() {
    let r = registry(&[&LOG_001, &NET_001]);
    let err = r.select(&version("v9")).err().unwrap();
    // Known from the rules (v1.4.0, v3.0.0) and from the catalog (v5.0.0).
    assert_eq!(
        err.to_string(),
        "CIS AWS Foundations Benchmark has no version `v9` known here; known versions: v1.4.0, v3.0.0, \
         v5.0.0 (e.g. `--standard cis:v5.0.0`)"
    );
    let err = Plan::new(&r, &version("v9"), &Config::default()).err().unwrap();
    assert!(matches!(
        err,
        EngineError::Selection(SelectionError::UnknownVersion { .. })
    ));
    let gdpr = Selection {
        versions: vec![StandardVersion {
            standard: Standard::Gdpr,
            version: "2016/679".into(),
        }],
        ..Selection::default()
    };
    assert_eq!(
        r.select(&gdpr).err().unwrap().to_string(),
        "GDPR has no version `2016/679` known here; no rule maps a version of it (`--standard gdpr` \
         selects by standard alone)"
    );
}

#[test]
fn a_version_known_only_from_the_catalog_selects_nothing() {
    let r = registry(&[&LOG_001]);
    assert!(ids(&r, &version("v5.0.0")).is_empty());
    assert_eq!(
        Plan::new(&r, &version("v5.0.0"), &Config::default()).err(),
        Some(EngineError::NothingSelected)
    );
}

fn counts(pass: u64, fail: u64, muted: u64) -> StatusCounts {
    StatusCounts {
        pass,
        fail,
        muted,
        ..StatusCounts::default()
    }
}

#[test]
fn coverage_counts_per_control_and_names_what_no_rule_checks() {
    let r = registry(&[&LOG_001, &NET_001, &NET_002]);
    // NET-002 is registered but not selected; one failing thing is muted by an exception.
    let mut config = Config::default();
    config.exceptions.push(Exception {
        rules: Some(vec!["NET-001".into()]),
        resources: Some(vec!["t-2".into()]),
        reason: "accepted".into(),
        ..Exception::default()
    });
    let selection = Selection {
        rules: vec!["LOG".into(), "NET-001".into()],
        ..version("3.0.0")
    };
    let report = scan(&r, &selection, &config, &[true, false, false]);
    let coverage = r.coverage(&report, CIS, "v3.0.0");

    let row = |id, title, rules: &[(&'static str, bool)], counts| ControlCoverage {
        id: Some(id),
        title: Some(title),
        rules: rules.iter().map(|&(id, ran)| CoveringRule { id, ran }).collect(),
        counts,
    };
    let net_001 = [("NET-001", true)];
    assert_eq!(
        coverage.controls,
        [
            row(
                "3.7",
                CATALOG.controls[1].title,
                &[("LOG-001", true)],
                counts(1, 2, 0)
            ),
            row("5.2", CATALOG.controls[3].title, &net_001, counts(1, 1, 1)),
            row("5.3", CATALOG.controls[4].title, &net_001, counts(1, 1, 1)),
            row(
                "5.4",
                CATALOG.controls[5].title,
                &[("NET-002", false)],
                counts(0, 0, 0)
            ),
        ]
    );
    let not_covered: Vec<&str> = coverage.not_covered.iter().map(|c| c.id).collect();
    assert_eq!(not_covered, ["3.1", "5.1", "5.10"]);
    let not_checked: Vec<&str> = coverage.sections_not_checked.iter().map(|s| s.number).collect();
    assert_eq!(not_checked, ["1", "2", "4"]);
    assert!(coverage.catalog_known);
    assert!(coverage.sections_not_listed.is_empty());
}

#[test]
fn a_section_whose_controls_the_catalog_does_not_list_is_said_to_be_unknown() {
    let r = registry(&[&STO_001]);
    let report = scan(&r, &version("v3.0.0"), &Config::default(), &[true]);
    let coverage = r.coverage(&report, CIS, "v3.0.0");
    assert_eq!(coverage.controls.len(), 1);
    assert_eq!(coverage.controls[0].id, Some("2.2.1"));
    assert_eq!(coverage.controls[0].title, None);
    let unlisted: Vec<&str> = coverage.sections_not_listed.iter().map(|s| s.number).collect();
    assert_eq!(unlisted, ["2"]);
    let not_checked: Vec<&str> = coverage.sections_not_checked.iter().map(|s| s.number).collect();
    assert_eq!(not_checked, ["1", "3", "4", "5"]);
    assert!(coverage.not_covered.is_empty());
}

#[test]
fn without_a_catalog_the_rules_controls_are_all_that_is_known() {
    let r = registry(&[&NET_001]);
    let report = scan(&r, &Selection::all(), &Config::default(), &[false]);
    let coverage = Coverage::of(&report, [&NET_001], &[], Standard::PciDss, "v3.2.1");
    assert!(!coverage.catalog_known);
    assert_eq!(coverage.controls.len(), 1);
    assert_eq!(coverage.controls[0].counts, counts(0, 1, 0));
    assert!(coverage.not_covered.is_empty() && coverage.sections_not_checked.is_empty());
}
