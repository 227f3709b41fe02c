//! Terraform local modules and `*.tf.json`, judged by the real rules: verdicts, resource
//! ids (`module.net.aws_vpc.this`) and the `file:line` each finding points at.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod common;

use cloudposture_core::{Report, Status};
use common::{at, finding, fixture, scan_rules as scan, status};

fn ids(report: &Report, rule: &str) -> Vec<String> {
    let mut ids: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule.id == rule)
        .map(|f| f.resource.id.to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_flow_log_reaches_a_childs_vpc_through_the_modules_output() {
    let (loaded, report) = scan("terraform/modules", &["VPC-001"]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    // `vpc_id = module.net.vpc_id` in the root, `aws_vpc.this` in modules/net: Checkov
    // reports this VPC as without flow logs.
    let net = finding(&report, "VPC-001", "module.net.aws_vpc.this");
    assert_eq!(net.status, Status::Pass, "{}", net.message);
    assert_eq!(
        at(net),
        "terraform/modules/net/main.tf:6",
        "the child's file and line"
    );
}

#[test]
fn a_vpc_id_passed_as_an_input_reaches_the_childs_flow_log() {
    let (_, report) = scan("terraform/modules", &["VPC-001"]);
    // module "logs" { vpc_id = aws_vpc.app.id }: the flow log is modules/logged's.
    let app = finding(&report, "VPC-001", "aws_vpc.app");
    assert_eq!(app.status, Status::Pass, "{}", app.message);
    assert_eq!(at(app), "terraform/modules/live/main.tf:14");
}

#[test]
fn nested_counted_and_keyed_modules_have_addresses_of_their_own() {
    let (_, report) = scan("terraform/modules", &["VPC-001"]);
    let nested = finding(&report, "VPC-001", "module.stack.module.inner.aws_vpc.this");
    assert_eq!(
        (nested.status, at(nested)),
        (Status::Fail, "terraform/modules/net/main.tf:6".to_string())
    );
    // count = 2: only the first instance's VPC has a flow log (`module.zones[0].vpc_id`).
    assert_eq!(
        status(&report, "VPC-001", "module.zones[0].aws_vpc.this"),
        Status::Pass
    );
    assert_eq!(
        status(&report, "VPC-001", "module.zones[1].aws_vpc.this"),
        Status::Fail
    );
    // for_each: `module.by_env["prod"].vpc_id`.
    assert_eq!(
        status(&report, "VPC-001", "module.by_env[\"prod\"].aws_vpc.this"),
        Status::Pass
    );
    assert_eq!(
        status(&report, "VPC-001", "module.by_env[\"dev\"].aws_vpc.this"),
        Status::Fail
    );
}

#[test]
fn a_directory_called_as_a_module_is_not_scanned_again_as_a_root() {
    let (loaded, report) = scan("terraform/modules", &["VPC-001", "EC2-003"]);
    assert_eq!(
        ids(&report, "VPC-001"),
        [
            "aws_vpc.app",
            "module.by_env[\"dev\"].aws_vpc.this",
            "module.by_env[\"prod\"].aws_vpc.this",
            "module.net.aws_vpc.this",
            "module.stack.module.inner.aws_vpc.this",
            "module.zones[0].aws_vpc.this",
            "module.zones[1].aws_vpc.this",
        ],
        "no `aws_vpc.this` of modules/net scanned as a root of its own"
    );
    // The implicit default group of a child's VPC is the child's too.
    let group = finding(
        &report,
        "EC2-003",
        "module.net.aws_vpc.this.default_security_group_id",
    );
    assert_eq!(
        (group.status, at(group)),
        (Status::Fail, "terraform/modules/net/main.tf:6".to_string())
    );
    // Four module directories, one file each, each read once.
    assert_eq!(loaded.files_read, 4);
    // Scanned alone, the child is a root.
    let (_, alone) = scan("terraform/modules/net", &["VPC-001"]);
    let vpc = finding(&alone, "VPC-001", "aws_vpc.this");
    assert_eq!(
        (vpc.status, at(vpc)),
        (Status::Fail, "terraform/modules/net/main.tf:6".to_string())
    );
}

#[test]
fn a_registry_module_is_noted_as_not_examined() {
    let (loaded, _) = scan("terraform/modules", &["VPC-001"]);
    let notes: Vec<&String> = loaded
        .notes
        .iter()
        .filter(|n| n.contains("module.registry"))
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", loaded.notes);
    assert!(
        notes[0].contains("modules/live/main.tf:50)")
            && notes[0].contains("module `terraform-aws-modules/vpc/aws` is not examined"),
        "{}",
        notes[0]
    );
}

#[test]
fn a_child_variable_neither_passed_nor_defaulted_is_named_unresolved() {
    let (loaded, report) = scan("terraform/module_unpassed", &["VPC-001"]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let vpc = finding(&report, "VPC-001", "aws_vpc.here");
    assert_eq!(vpc.status, Status::Error);
    // The child's file as reached from the path given, `..` taken away.
    assert!(
        vpc.message.contains("module.logs.aws_flow_log.this (")
            && vpc.message.contains(
                "terraform/modules/logged/main.tf:5): vpc_id = var.vpc_id cannot be resolved (variable without a default)"
            ),
        "{}",
        vpc.message
    );
}

#[test]
fn terraform_json_is_part_of_its_directorys_module() {
    let (loaded, report) = scan("terraform/json", &["VPC-001", "EC2-001"]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    // `"${local.logged}"` → `"${aws_vpc.main.id}"`; `"${var.traffic}"` from variables.tf.
    let main = finding(&report, "VPC-001", "aws_vpc.main");
    assert_eq!(
        (main.status, at(main)),
        (Status::Pass, "terraform/json/main.tf.json:8".to_string()),
        "{}",
        main.message
    );
    let bare = finding(&report, "VPC-001", "aws_vpc.bare");
    assert_eq!(
        (bare.status, at(bare)),
        (Status::Fail, "terraform/json/main.tf.json:12".to_string())
    );
    // A module called from JSON, its output read in JSON.
    assert_eq!(
        status(&report, "VPC-001", "module.net.aws_vpc.this"),
        Status::Pass
    );
    // `"ingress": [{…}]` is the nested block.
    let ssh = finding(&report, "EC2-001", "aws_security_group.ssh");
    assert_eq!(
        (ssh.status, at(ssh)),
        (Status::Fail, "terraform/json/main.tf.json:36".to_string())
    );
    // `"dynamic": {"ingress": {"for_each": "${var.admin_ports}", "content": {…}}}`: 3389.
    let rdp = finding(&report, "EC2-001", "aws_security_group.rdp");
    assert_eq!(
        (rdp.status, at(rdp)),
        (Status::Fail, "terraform/json/main.tf.json:27".to_string()),
        "{}",
        rdp.message
    );
    assert_eq!(
        loaded.files_read, 3,
        "main.tf.json, variables.tf and modules/net/main.tf"
    );
}

#[test]
fn a_missing_module_and_a_cycle_of_modules_are_errors_at_the_call() {
    let (loaded, report) = scan("terraform/module_errors", &["VPC-001"]);
    let errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
    let dir = fixture("terraform/module_errors");
    let main = dir.join("main.tf").display().to_string();
    let back = dir.join("loop/main.tf").display().to_string();
    assert_eq!(
        errors,
        [
            format!("{main}:1: module `missing`: source `./nowhere` is not a directory of Terraform files"),
            format!("{back}:1: module `back` calls `../`, a module on the way to it: a cycle"),
        ],
        "the directory that only a cycle reaches is read as a root, once"
    );
    // `count = var.zones` without a value: what the module declares is unknown.
    let vpcs = finding(&report, "VPC-001", "*");
    assert_eq!(vpcs.status, Status::Error);
    assert!(
        vpcs.message.contains("module.zones (")
            && vpcs.message.contains(
                "main.tf:13): how many instances it has cannot be resolved (count = var.zones: variable without a default), so what `module.zones` declares is unknown"
            ),
        "{}",
        vpcs.message
    );
}
