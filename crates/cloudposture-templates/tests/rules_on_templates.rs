//! The six AWS rules judging templates: fixtures loaded with `load`, run through the
//! registry and `Plan::evaluate` as the CLI will, verdicts asserted per resource id
//! (CloudFormation logical id, Terraform address) with the file:line they point at.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod common;

use std::path::PathBuf;

use cloudposture_core::{Report, ScanSource, Selection, Status};
use cloudposture_templates::{LoadOptions, Loaded};
use common::{at, finding, fixture, scan_rules, scan_selected, status};

fn scan_with(paths: &[PathBuf], options: &LoadOptions, config: serde_json::Value) -> (Loaded, Report) {
    scan_selected(paths, options, config, &Selection::default())
}

fn scan(path: &str) -> (Loaded, Report) {
    scan_with(&[fixture(path)], &LoadOptions::default(), serde_json::json!({}))
}

#[test]
fn terraform_references_in_every_form_reach_their_vpcs() {
    let (loaded, report) = scan("terraform/main");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    // `local.main_vpc = try(aws_vpc.main.id, "")`, count and for_each instances.
    for id in [
        "aws_vpc.main",
        "aws_vpc.multi[0]",
        "aws_vpc.multi[1]",
        "aws_vpc.by_key[\"a\"]",
    ] {
        assert_eq!(status(&report, "VPC-001", id), Status::Pass, "{id}");
    }
    for id in ["aws_vpc.other", "aws_vpc.by_key[\"b\"]"] {
        let f = finding(&report, "VPC-001", id);
        assert_eq!(f.status, Status::Fail, "{id}");
        assert!(!f.message.contains("could not be told apart"), "{}", f.message);
    }
    assert_eq!(
        at(finding(&report, "VPC-001", "aws_vpc.main")),
        "terraform/main/main.tf:6"
    );
    assert_eq!(report.scan.source, ScanSource::Template);
    assert!(report.scan.regions.is_empty());
    // No ARN, account or region is made up for a resource not yet deployed.
    let vpc = &finding(&report, "VPC-001", "aws_vpc.main").resource;
    assert_eq!(
        (vpc.arn(), vpc.account.as_deref(), vpc.region.as_deref()),
        (None, None, None)
    );
}

#[test]
fn terraform_variables_come_from_tfvars_then_var_files() {
    let config = serde_json::json!({"rules": {"VPC-001": {"traffic_type": "ALL"}}});
    let (_, report) = scan_with(
        &[fixture("terraform/main")],
        &LoadOptions::default(),
        config.clone(),
    );
    // terraform.tfvars sets traffic = "ALL" over the default "REJECT".
    assert_eq!(status(&report, "VPC-001", "aws_vpc.main"), Status::Pass);
    assert_eq!(
        status(&report, "VPC-001", "aws_vpc.multi[1]"),
        Status::Fail,
        "its flow log records REJECT only"
    );
    let options = LoadOptions {
        var_files: vec![fixture("terraform/override/prod.tfvars")],
        ..LoadOptions::default()
    };
    let (_, report) = scan_with(&[fixture("terraform/main")], &options, config);
    assert_eq!(
        status(&report, "VPC-001", "aws_vpc.main"),
        Status::Fail,
        "--var-file sets REJECT"
    );
}

#[test]
fn tfvars_json_files_are_read_in_terraforms_order() {
    let dir = tempfile::TempDir::new().unwrap();
    for name in ["main.tf", "variables.tf", "terraform.tfvars"] {
        std::fs::copy(fixture("terraform/main").join(name), dir.path().join(name)).unwrap();
    }
    let config = serde_json::json!({"rules": {"VPC-001": {"traffic_type": "ALL"}}});
    let scan_dir = || {
        scan_with(
            &[dir.path().to_path_buf()],
            &LoadOptions::default(),
            config.clone(),
        )
        .1
    };
    // terraform.tfvars.json comes after terraform.tfvars: its REJECT wins over ALL.
    std::fs::write(
        dir.path().join("terraform.tfvars.json"),
        r#"{"traffic": "REJECT"}"#,
    )
    .unwrap();
    assert_eq!(status(&scan_dir(), "VPC-001", "aws_vpc.main"), Status::Fail);
    // *.auto.tfvars.json come after both.
    std::fs::write(dir.path().join("zz.auto.tfvars.json"), r#"{"traffic": "ALL"}"#).unwrap();
    assert_eq!(status(&scan_dir(), "VPC-001", "aws_vpc.main"), Status::Pass);
    // A --var-file whose name ends in .json is JSON too, read last.
    let prod = dir.path().join("prod.json");
    std::fs::write(&prod, r#"{"traffic": "REJECT"}"#).unwrap();
    let options = LoadOptions {
        var_files: vec![prod],
        ..LoadOptions::default()
    };
    let (_, report) = scan_with(&[dir.path().to_path_buf()], &options, config.clone());
    assert_eq!(status(&report, "VPC-001", "aws_vpc.main"), Status::Fail);
}

#[test]
fn terraform_groups_acls_and_instances_are_judged_where_declared() {
    let (loaded, report) = scan("terraform/main");
    // ingress 22 from var.admin_cidr = "0.0.0.0/0" (terraform.tfvars).
    let ssh = finding(&report, "EC2-001", "aws_security_group.ssh");
    assert_eq!(ssh.status, Status::Fail);
    assert_eq!(at(ssh), "terraform/main/main.tf:54");
    // 443 inline, and 3389 from an aws_security_group_rule on the group.
    assert_eq!(status(&report, "EC2-001", "aws_security_group.web"), Status::Fail);
    assert_eq!(status(&report, "EC2-002", "aws_security_group.web"), Status::Pass);
    // The implicit default group of each VPC keeps AWS's rules, unless taken over.
    assert_eq!(
        status(&report, "EC2-003", "aws_default_security_group.main"),
        Status::Pass
    );
    let implicit = finding(&report, "EC2-003", "aws_vpc.other.default_security_group_id");
    assert_eq!(implicit.status, Status::Fail);
    assert_eq!(at(implicit), "terraform/main/main.tf:21", "the VPC's line");
    assert_eq!(
        status(&report, "EC2-003", "aws_vpc.multi[1].default_security_group_id"),
        Status::Fail
    );
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.resource.id != "aws_vpc.main.default_security_group_id"),
        "taken over by aws_default_security_group.main"
    );
    // Network ACLs: an aws_network_acl_rule opening 22; the default ACL taken over with
    // 10/8 only; an implicit default ACL allowing everything.
    assert_eq!(status(&report, "VPC-002", "aws_network_acl.open"), Status::Fail);
    assert_eq!(
        status(&report, "VPC-002", "aws_default_network_acl.main"),
        Status::Pass
    );
    assert_eq!(
        status(&report, "VPC-002", "aws_vpc.other.default_network_acl_id"),
        Status::Fail
    );
    // IMDSv2.
    assert_eq!(status(&report, "EC2-004", "aws_instance.v2"), Status::Pass);
    assert_eq!(status(&report, "EC2-004", "aws_instance.v1"), Status::Fail);
    // Every finding of a template points at its source.
    assert!(report.findings.iter().all(|f| f.resource.location.is_some()));
    assert!(
        loaded
            .notes
            .iter()
            .any(|n| n.contains("module.remote") && n.contains("not examined")),
        "{:?}",
        loaded.notes
    );
}

#[test]
fn what_cannot_be_resolved_is_an_error_naming_it_never_a_pass() {
    let (_, report) = scan("terraform/unresolved");
    let vpc = finding(&report, "VPC-001", "aws_vpc.here");
    assert_eq!(vpc.status, Status::Error);
    assert!(
        vpc.message.contains("aws_flow_log.x (")
            && vpc
                .message
                .contains("main.tf:13): vpc_id = var.vpc_id cannot be resolved (variable without a default)"),
        "{}",
        vpc.message
    );
    // The group's VPC comes from a data source and its CIDR from a function not
    // evaluated: no group of the scope can be judged.
    let groups = finding(&report, "EC2-001", "*");
    assert_eq!(groups.status, Status::Error);
    assert!(
        groups.message.contains("function `cidrsubnet` is not evaluated"),
        "{}",
        groups.message
    );
    // Said as reading templates, on one line (the expression as written, flattened).
    assert!(
        groups.message.starts_with("security groups in ")
            && groups.message.contains(" could not be read from the templates: ")
            && groups
                .message
                .contains(r#"= [cidrsubnet("10.0.0.0/8", 8, 1)] cannot be resolved"#),
        "{}",
        groups.message
    );
    assert!(report.findings.iter().all(|f| !f.message.contains('\n')));
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.status != Status::Pass || f.rule.id == "EC2-004")
    );
}

#[test]
fn cloudformation_yaml_with_short_tags() {
    let (loaded, report) = scan("cloudformation/network.yaml");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let logged = finding(&report, "VPC-001", "LoggedVpc");
    assert_eq!(logged.status, Status::Pass, "{}", logged.message);
    assert_eq!(at(logged), "cloudformation/network.yaml:10");
    assert_eq!(status(&report, "VPC-001", "BareVpc"), Status::Fail);
    let ssh = finding(&report, "EC2-001", "SshOpen");
    assert_eq!(
        (ssh.status, at(ssh)),
        (Status::Fail, "cloudformation/network.yaml:31".to_string())
    );
    // AWS::EC2::SecurityGroupIngress with !GetAtt WebOnly.GroupId adds 3389.
    assert_eq!(status(&report, "EC2-001", "WebOnly"), Status::Fail);
    // CloudFormation cannot take the default group over: AWS's rules stay.
    assert_eq!(
        status(&report, "EC2-003", "LoggedVpc.DefaultSecurityGroup"),
        Status::Fail
    );
    assert_eq!(status(&report, "VPC-002", "Acl"), Status::Fail);
    assert_eq!(status(&report, "EC2-004", "Server"), Status::Pass);
    assert_eq!(status(&report, "EC2-004", "LegacyServer"), Status::Fail);
}

#[test]
fn cloudformation_json_and_parameters_without_defaults() {
    let (_, report) = scan("cloudformation/stack.json");
    let vpc = finding(&report, "VPC-001", "JsonVpc");
    assert_eq!(
        (vpc.status, at(vpc)),
        (Status::Pass, "cloudformation/stack.json:7".to_string())
    );
    assert_eq!(status(&report, "EC2-001", "JsonGroup"), Status::Pass);
    let (_, report) = scan("cloudformation/imported.yaml");
    let vpc = finding(&report, "VPC-001", "ImportedVpc");
    assert_eq!(vpc.status, Status::Error);
    assert!(
        vpc.message.contains("parameter `VpcId` has no default"),
        "{}",
        vpc.message
    );
}

#[test]
fn what_one_template_leaves_unknown_is_its_own_and_bad_files_are_errors_with_their_place() {
    let paths = [fixture("cloudformation"), fixture("broken")];
    let (loaded, report) = scan_with(&paths, &LoadOptions::default(), serde_json::json!({}));
    // A scope per path, and imported.yaml (a parameter without default) on its own.
    assert_eq!(loaded.inventory.scopes.len(), 3);
    let errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "notes.yaml is no template: {errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("bad.yaml:") && e.contains("not a valid CloudFormation template"))
    );
    let hcl = errors.iter().find(|e| e.contains("bad.tf:")).unwrap();
    assert!(hcl.contains("not valid HCL") && !hcl.contains('\n'), "{hcl}");
    assert!(
        loaded
            .errors
            .iter()
            .all(|e| e.line.is_some() && e.column.is_some())
    );
    assert_eq!(
        loaded.files_read, 3,
        "the three CloudFormation files; neither broken file"
    );
    // The flow log of imported.yaml that cannot be resolved could be any VPC of that
    // template, but no other template's: a template refers only to what it declares.
    assert_eq!(status(&report, "VPC-001", "ImportedVpc"), Status::Error);
    assert_eq!(status(&report, "VPC-001", "JsonVpc"), Status::Pass);
    assert_eq!(status(&report, "VPC-001", "LoggedVpc"), Status::Pass);
    assert_eq!(status(&report, "VPC-001", "BareVpc"), Status::Fail);
    assert_eq!(status(&report, "EC2-001", "SshOpen"), Status::Fail);
    let written = serde_json::to_value(&report).unwrap();
    let first = &written["findings"][0]["resource"]["location"];
    assert!(first["file"].is_string() && first["line"].is_u64(), "{first}");
}

#[test]
fn ids_two_templates_share_are_told_apart_by_their_file() {
    let (_, report) = scan("duplicate");
    let dir = fixture("duplicate");
    let a = format!("{}:VPC", dir.join("a.yaml").display());
    let b = format!("{}:VPC", dir.join("b.yaml").display());
    assert_eq!(
        status(&report, "VPC-001", &a),
        Status::Pass,
        "a.yaml's flow log is a.yaml's VPC's"
    );
    assert_eq!(status(&report, "VPC-001", &b), Status::Fail);
    assert_eq!(at(finding(&report, "VPC-001", &b)), "duplicate/b.yaml:2");
    assert_eq!(
        status(&report, "EC2-003", &format!("{b}.DefaultSecurityGroup")),
        Status::Fail
    );
}

#[test]
fn a_default_group_for_a_vpc_from_a_data_source_cannot_be_judged() {
    let (_, report) = scan_rules("terraform/default_from_data", &["EC2-003"]);
    let groups = finding(&report, "EC2-003", "*");
    assert_eq!(groups.status, Status::Error);
    assert!(
        groups.message.contains(
            "vpc_id = data.aws_vpc.shared.id cannot be resolved (`data.aws_vpc.shared` is a data source"
        ),
        "{}",
        groups.message
    );
}
