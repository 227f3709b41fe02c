//! Terraform plans (`terraform show -json plan.out`) judged by the AWS rules: values
//! known only after apply resolved through the plan's configuration (in the root, through
//! a module's output and a module's input), ids as resource addresses, findings at the
//! plan file. `main.json` is pretty-printed (each resource at its `"address"` line);
//! `unresolved.json` is on one line, as Terraform writes it; `launch_templates.json` has
//! one resource a line.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod common;

use cloudposture_core::{Report, ScanSource, Status};
use cloudposture_templates::{LoadOptions, Loaded, load};
use common::{at, finding, scan_rules, status};

/// The plan fixture `name` scanned with the rules `rules` only.
fn scan(name: &str, rules: &[&str]) -> (Loaded, Report) {
    scan_rules(&format!("plan/{name}"), rules)
}

/// Status and `file:line` of a finding, the file relative to the fixtures.
fn verdict(report: &Report, rule: &str, id: &str) -> (Status, String) {
    let f = finding(report, rule, id);
    (f.status, at(f))
}

/// Asserts each (rule, resource id, status, `file:line`) of `expected`.
fn assert_verdicts(report: &Report, expected: &[(&str, &str, Status, &str)]) {
    for (rule, id, status, place) in expected {
        assert_eq!(
            verdict(report, rule, id),
            (*status, place.to_string()),
            "{rule} {id}"
        );
    }
}

#[test]
fn flow_logs_known_after_apply_reach_their_vpcs_through_references_and_modules() {
    let (loaded, report) = scan("main.json", &["VPC-001"]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.files_read, 1);
    assert_verdicts(
        &report,
        &[
            // `vpc_id` known after apply, `references: ["aws_vpc.main.id", "aws_vpc.main"]`.
            ("VPC-001", "aws_vpc.main", Status::Pass, "plan/main.json:13"),
            // In module `net`, logged from the root through the module's output `vpc_id`.
            (
                "VPC-001",
                "module.net.aws_vpc.this",
                Status::Pass,
                "plan/main.json:653",
            ),
            // Logged by `module.logs.aws_flow_log.this` through its input `var.vpc_id`.
            ("VPC-001", "aws_vpc.multi[1]", Status::Pass, "plan/main.json:157"),
            // An existing VPC: the flow log's `vpc_id` is the VPC's id, known.
            ("VPC-001", "aws_vpc.legacy", Status::Pass, "plan/main.json:215"),
            // No flow log.
            ("VPC-001", "aws_vpc.bare", Status::Fail, "plan/main.json:100"),
            ("VPC-001", "aws_vpc.multi[0]", Status::Fail, "plan/main.json:128"),
            (
                "VPC-001",
                "aws_vpc.by_key[\"a\"]",
                Status::Fail,
                "plan/main.json:186",
            ),
        ],
    );
    assert_eq!(report.findings.len(), 7, "one finding per VPC of the plan");
    assert_eq!(report.scan.source, ScanSource::Template);
}

#[test]
fn groups_acls_and_instances_of_a_plan_are_judged_with_their_implicit_defaults() {
    let rules = ["EC2-001", "EC2-003", "EC2-004", "VPC-002"];
    let (_, report) = scan("main.json", &rules);
    assert_verdicts(
        &report,
        &[
            (
                "EC2-001",
                "aws_security_group.ssh",
                Status::Fail,
                "plan/main.json:316",
            ),
            // 443 inline, and 3389 from an aws_vpc_security_group_ingress_rule whose
            // group id is known after apply.
            (
                "EC2-001",
                "aws_security_group.web",
                Status::Fail,
                "plan/main.json:379",
            ),
            // The default group of aws_vpc.main is taken over (its vpc_id known after
            // apply); the others keep AWS's rules, at the VPC's line.
            (
                "EC2-003",
                "aws_default_security_group.main",
                Status::Pass,
                "plan/main.json:462",
            ),
            (
                "EC2-003",
                "module.net.aws_vpc.this.default_security_group_id",
                Status::Fail,
                "plan/main.json:653",
            ),
            (
                "EC2-003",
                "aws_vpc.legacy.default_security_group_id",
                Status::Fail,
                "plan/main.json:215",
            ),
            // An aws_network_acl_rule opening 22 to a network ACL known after apply.
            (
                "VPC-002",
                "aws_network_acl.public",
                Status::Fail,
                "plan/main.json:487",
            ),
            (
                "VPC-002",
                "aws_vpc.main.default_network_acl_id",
                Status::Fail,
                "plan/main.json:13",
            ),
            // http_tokens = "required"; no metadata_options: AWS's defaults.
            ("EC2-004", "aws_instance.web", Status::Pass, "plan/main.json:553"),
            (
                "EC2-004",
                "aws_instance.legacy",
                Status::Fail,
                "plan/main.json:587",
            ),
        ],
    );
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.resource.id != "aws_vpc.main.default_security_group_id"),
        "taken over by aws_default_security_group.main"
    );
    assert!(report.findings.iter().all(|f| f.status != Status::Error));
}

#[test]
fn an_instance_of_a_plan_takes_the_metadata_options_of_its_launch_template() {
    let (loaded, report) = scan("launch_templates.json", &["EC2-004"]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_verdicts(
        &report,
        &[
            // `launch_template { id = aws_launch_template.web.id }`, known after apply,
            // resolved through the configuration; `web` leaves tokens optional.
            (
                "EC2-004",
                "aws_instance.app",
                Status::Fail,
                "plan/launch_templates.json:4",
            ),
            // `launch_template { name = "safe" }`, whose tokens are required.
            (
                "EC2-004",
                "aws_instance.ok",
                Status::Pass,
                "plan/launch_templates.json:5",
            ),
        ],
    );
    assert_eq!(report.findings.len(), 2, "launch templates are not instances");
}

#[test]
fn a_value_known_after_apply_that_no_reference_resolves_is_an_error_naming_it() {
    let (loaded, report) = scan("unresolved.json", &["VPC-001", "EC2-001"]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(
        verdict(&report, "VPC-001", "aws_vpc.here"),
        (Status::Error, "plan/unresolved.json:1".to_string())
    );
    let message = &finding(&report, "VPC-001", "aws_vpc.here").message;
    assert!(
        message.contains("aws_flow_log.shared (")
            && message.contains(
                "unresolved.json:1): vpc_id = data.aws_vpc.shared.id cannot be resolved (`data.aws_vpc.shared` is read only when the plan is applied)"
            ),
        "{message}"
    );
    assert_eq!(status(&report, "EC2-001", "*"), Status::Error);
    let groups = finding(&report, "EC2-001", "*");
    assert!(
        groups.message.contains(
            "aws_security_group_rule.ssh (")
            && groups.message.contains("security_group_id = local.ops_group_id cannot be resolved (the plan's configuration does not record what locals are)"),
        "{}",
        groups.message
    );
    assert!(report.findings.iter().all(|f| f.status != Status::Pass));
}

#[test]
fn json_that_is_neither_a_plan_nor_a_template_is_ignored_and_a_broken_plan_is_an_error() {
    let dir = std::env::temp_dir().join(format!("cloudposture-plans-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("package.json"), r#"{"name": "x", "version": "1.0.0"}"#).unwrap();
    std::fs::write(
        dir.join("broken.json"),
        "{\"format_version\": \"1.2\",\n \"planned_values\": {\"root_module\": }}",
    )
    .unwrap();
    let loaded = load(std::slice::from_ref(&dir), &LoadOptions::default());
    std::fs::remove_dir_all(&dir).unwrap();
    let errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].ends_with("broken.json:2:36: not a valid Terraform plan: expected value"),
        "{}",
        errors[0]
    );
    assert_eq!(loaded.files_read, 0);
}
