//! Suppressions written in templates (`# cloudposture:ignore RULE why`, CloudFormation
//! `Metadata`): fixtures under `tests/fixtures/suppress/` loaded and judged by the real
//! rules, as the CLI does, asserting what is muted, with which reason, and what is not.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::PathBuf;

use cloudposture_core::{Config, Finding, Plan, Report, ScanSource, Selection, Status, jiff};
use cloudposture_templates::{LoadOptions, Loaded, load};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/suppress")
        .join(name)
}

fn scan_with(path: &str, config: serde_json::Value) -> (Loaded, Report) {
    let registry = cloudposture_rules_aws::registry().unwrap();
    let options = LoadOptions {
        rule_ids: registry.iter().map(|r| r.metadata().id.to_string()).collect(),
        ..LoadOptions::default()
    };
    let loaded = load(&[fixture(path)], &options);
    let config: Config = serde_json::from_value(config).unwrap();
    let plan = Plan::new(&registry, &Selection::default(), &config).unwrap();
    let report = plan.evaluate(&loaded.inventory, ScanSource::Template, jiff::Timestamp::now());
    (loaded, report)
}

fn scan(path: &str) -> (Loaded, Report) {
    scan_with(path, serde_json::json!({}))
}

/// The one finding of `rule` about `id`.
fn finding<'r>(report: &'r Report, rule: &str, id: &str) -> &'r Finding {
    let mut of = report
        .findings
        .iter()
        .filter(|f| f.rule.id == rule && f.resource.id == id);
    let first = of
        .next()
        .unwrap_or_else(|| panic!("no {rule} finding about {id}"));
    assert!(of.next().is_none(), "two {rule} findings about {id}");
    first
}

/// Asserts the finding is muted from `fail` with `reason`.
fn assert_muted(report: &Report, rule: &str, id: &str, reason: &str) {
    let f = finding(report, rule, id);
    assert_eq!(
        (f.status, f.original_status, f.muted_reason.as_deref()),
        (Status::Muted, Some(Status::Fail), Some(reason)),
        "{rule} {id}"
    );
}

fn status(report: &Report, rule: &str, id: &str) -> Status {
    finding(report, rule, id).status
}

#[test]
fn yaml_comments_mute_their_resource_and_the_default_group_it_declares() {
    let (loaded, report) = scan("cloudformation/network.yaml");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(loaded.notes.is_empty(), "{:?}", loaded.notes);
    assert_muted(&report, "VPC-001", "LabVpc", "the lab VPC is rebuilt every night");
    // EC2-003 judges the VPC's implicit default group, declared by the VPC.
    assert_muted(
        &report,
        "EC2-003",
        "LabVpc.DefaultSecurityGroup",
        "lab traffic only",
    );
    // Rules the comments do not name, and other resources, are judged as ever.
    assert_eq!(
        status(&report, "VPC-002", "LabVpc.DefaultNetworkAcl"),
        Status::Fail
    );
    assert_eq!(status(&report, "VPC-001", "BareVpc"), Status::Fail);
    assert_eq!(
        status(&report, "EC2-003", "BareVpc.DefaultSecurityGroup"),
        Status::Fail
    );
    // A comment on the declaration line itself; EC2-002 (::/0) is not named.
    assert_muted(&report, "EC2-001", "Bastion", "bastion host, reviewed in PR 12");
    assert_eq!(status(&report, "EC2-002", "Bastion"), Status::Fail);
    // Metadata is read in YAML too.
    assert_muted(&report, "VPC-001", "MetaVpc", "logged by the transit account");
    assert_eq!(
        status(&report, "EC2-003", "MetaVpc.DefaultSecurityGroup"),
        Status::Fail
    );
    // Counted as muted, not failing; the location is kept.
    let muted = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Muted)
        .count();
    assert_eq!(report.summary.muted, muted as u64);
    assert_eq!(muted, 4);
    let lab = finding(&report, "VPC-001", "LabVpc");
    assert_eq!(lab.resource.location.as_ref().map(|l| l.line), Some(7));
}

#[test]
fn json_metadata_mutes_each_rule_it_lists() {
    let (loaded, report) = scan("cloudformation/stack.json");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_muted(&report, "VPC-001", "JsonVpc", "logged by the transit account");
    assert_muted(
        &report,
        "EC2-003",
        "JsonVpc.DefaultSecurityGroup",
        "no instance runs in it",
    );
    assert_eq!(
        status(&report, "VPC-002", "JsonVpc.DefaultNetworkAcl"),
        Status::Fail
    );
    assert_muted(&report, "EC2-001", "JsonOpen", "bastion host");
    assert_eq!(status(&report, "EC2-002", "JsonOpen"), Status::Fail);
}

#[test]
fn hcl_hash_and_slash_comments_mute_every_instance_of_their_block() {
    let (loaded, report) = scan("terraform");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(loaded.notes.is_empty(), "{:?}", loaded.notes);
    for id in ["aws_vpc.lab[0]", "aws_vpc.lab[1]"] {
        assert_muted(&report, "VPC-001", id, "lab VPCs, rebuilt every night");
        // `EC2-003, VPC-002`: both rules, on the default group and ACL of each instance.
        let group = format!("{id}.default_security_group_id");
        assert_muted(&report, "EC2-003", &group, "lab traffic only");
        let acl = format!("{id}.default_network_acl_id");
        assert_muted(&report, "VPC-002", &acl, "lab traffic only");
    }
    // A trailing comment on the block's line, for every for_each instance; only VPC-001.
    for id in ["aws_vpc.team[\"a\"]", "aws_vpc.team[\"b\"]"] {
        assert_muted(&report, "VPC-001", id, "each team logs its own");
        let group = format!("{id}.default_security_group_id");
        assert_eq!(status(&report, "EC2-003", &group), Status::Fail, "{group}");
    }
    assert_eq!(status(&report, "VPC-001", "aws_vpc.prod"), Status::Fail);
    assert_muted(&report, "EC2-001", "aws_security_group.bastion", "bastion host");
    assert_eq!(
        status(&report, "EC2-002", "aws_security_group.bastion"),
        Status::Fail
    );
}

#[test]
fn a_suppression_without_reason_rule_or_known_rule_is_an_error_and_not_applied() {
    let (loaded, report) = scan("bad");
    // By file and line (what is found reading a file, then what is checked after).
    let mut sorted = loaded.errors.clone();
    sorted.sort_by_key(|e| (!e.file.ends_with(".yaml"), e.line));
    let errors: Vec<String> = sorted
        .iter()
        .map(|e| {
            let text = e.to_string();
            let root = fixture("bad");
            text.strip_prefix(root.to_str().unwrap())
                .unwrap_or(&text)
                .trim_start_matches('/')
                .to_string()
        })
        .collect();
    assert_eq!(
        errors,
        [
            "template.yaml:3: `NoReason` Metadata `cloudposture.ignore[0]` (VPC-001) has no reason; give `reason:` with why",
            "main.tf:2:3: cloudposture:ignore VPC-001 has no reason; write why after the rule id",
            "main.tf:6:1: cloudposture:ignore VPC-001 has no reason; write why after the rule id",
            "main.tf:11:1: cloudposture:ignore names `VPC-999`, which is no rule of cloudposture; `cloudposture rules list` shows the rules",
            "main.tf:16:1: cloudposture:ignore names no rule; write `cloudposture:ignore RULE-ID why`",
        ]
    );
    // One that is for no declaration mutes nothing, and says so.
    let notes: Vec<&String> = loaded
        .notes
        .iter()
        .filter(|n| n.contains("cloudposture:ignore"))
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].ends_with(
            "main.tf:26: cloudposture:ignore VPC-001 is not on or directly above a resource the rules judge; it mutes nothing"
        ),
        "{}",
        notes[0]
    );
    assert_eq!(status(&report, "VPC-001", "aws_vpc.misplaced"), Status::Fail);
    // The files were read: a bad suppression is no unreadable file.
    assert_eq!(loaded.files_read, 2);
    for id in [
        "NoReason",
        "aws_vpc.a",
        "aws_vpc.no_reason",
        "aws_vpc.unknown_rule",
        "aws_vpc.no_rule",
    ] {
        assert_eq!(status(&report, "VPC-001", id), Status::Fail, "{id}");
    }
    assert_muted(
        &report,
        "VPC-001",
        "aws_vpc.fine",
        "still read after the errors above",
    );
}

#[test]
fn a_suppression_mutes_as_an_exception_does_and_its_reason_is_kept() {
    // An exception for every VPC-001 finding, and suppressions for some of them.
    let config = serde_json::json!({"exceptions": [{"rules": ["VPC-001"], "reason": "from the config"}]});
    let (_, report) = scan_with("cloudformation/network.yaml", config);
    assert_muted(&report, "VPC-001", "BareVpc", "from the config");
    assert_muted(&report, "VPC-001", "LabVpc", "the lab VPC is rebuilt every night");
    let json = serde_json::to_value(&report).unwrap();
    let written = |id: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "VPC-001" && f["resource"]["id"] == id)
            .unwrap()
            .clone()
    };
    let (by_config, by_template) = (written("BareVpc"), written("LabVpc"));
    for key in ["status", "original_status"] {
        assert_eq!(by_config[key], by_template[key], "{key}");
    }
    let keys = |f: &serde_json::Value| f.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&by_config), keys(&by_template));
    assert_eq!(by_template["muted_reason"], "the lab VPC is rebuilt every night");
}

#[test]
fn a_suppression_in_a_child_module_is_for_every_instance_and_its_errors_are_said_once() {
    let (loaded, report) = scan("modules");
    let errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "read for three instances, said once: {errors:?}");
    assert!(
        errors[0].ends_with(
            "net/main.tf:6:1: cloudposture:ignore VPC-002 has no reason; write why after the rule id"
        ),
        "{}",
        errors[0]
    );
    for id in [
        "module.net[0].aws_vpc.this",
        "module.net[1].aws_vpc.this",
        "module.other.aws_vpc.this",
    ] {
        assert_muted(&report, "VPC-001", id, "the network account logs every VPC");
    }
    assert_eq!(
        status(&report, "VPC-001", "module.other.aws_vpc.second"),
        Status::Fail
    );
}
