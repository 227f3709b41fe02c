//! Registry and remote Terraform modules read from where `terraform init` downloaded them
//! (`.terraform/modules/modules.json`), judged by the real rules.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod common;

use cloudposture_core::Status;
use common::{at, finding, fixture, scan_rules as scan, status};

const VPC: &str = "terraform/registry/.terraform/modules/vpc/main.tf";

#[test]
fn a_downloaded_registry_module_is_judged_at_its_downloaded_file() {
    let (loaded, report) = scan("terraform/registry", &["VPC-001"]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    // enable_flow_log = true: the module's counted aws_flow_log logs its VPC.
    let logged = finding(&report, "VPC-001", "module.vpc.aws_vpc.this[0]");
    assert_eq!(
        (logged.status, at(logged)),
        (Status::Pass, format!("{VPC}:7")),
        "{}",
        logged.message
    );
    // enable_flow_log = false: count = 0, no flow log.
    let quiet = finding(&report, "VPC-001", "module.quiet.aws_vpc.this[0]");
    assert_eq!((quiet.status, at(quiet)), (Status::Fail, format!("{VPC}:7")));
}

#[test]
fn a_nested_downloaded_call_is_found_by_its_own_key() {
    let (_, report) = scan("terraform/registry", &["VPC-001"]);
    // `vpc.secondary` is listed: its VPC is read, and the root's flow log reaches it
    // through two outputs (module.vpc.secondary_id = module.secondary.vpc_id).
    let nested = finding(&report, "VPC-001", "module.vpc.module.secondary.aws_vpc.this");
    assert_eq!(
        (nested.status, at(nested)),
        (
            Status::Pass,
            "terraform/registry/.terraform/modules/vpc/modules/secondary/main.tf:3".to_string()
        ),
        "{}",
        nested.message
    );
}

#[test]
fn calls_not_downloaded_keep_a_note_saying_to_run_terraform_init() {
    let (loaded, report) = scan("terraform/registry", &["VPC-001"]);
    let root = fixture("terraform/registry").display().to_string();
    let note = |address: &str| -> String {
        let found: Vec<&String> = loaded
            .notes
            .iter()
            .filter(|n| n.starts_with(&format!("{address} (")))
            .collect();
        assert_eq!(found.len(), 1, "{address}: {:?}", loaded.notes);
        found[0].clone()
    };
    let pending = note("module.pending");
    assert!(
        pending.contains("main.tf:19): module `git::https://example.com/net.git` is not examined")
            && pending.contains(&format!(
                "it is not downloaded: run `terraform init` in {root} to have it read"
            )),
        "{pending}"
    );
    let gone = note("module.gone");
    assert!(
        gone.contains("is not examined (its download ")
            && gone.contains(".terraform/modules/gone is missing: run `terraform init`"),
        "{gone}"
    );
    // `quiet` shares vpc's download, but `quiet.secondary` is not listed.
    let nested = note("module.quiet.module.secondary");
    assert!(nested.contains("it is not downloaded"), "{nested}");
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.resource.id.starts_with("module.quiet.module.secondary")),
        "nothing is made up for a call not read"
    );
}

#[test]
fn downloaded_modules_are_not_roots_of_their_own() {
    let (loaded, report) = scan("terraform/registry", &["VPC-001"]);
    let mut ids: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule.id == "VPC-001")
        .map(|f| f.resource.id.as_str())
        .collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "module.quiet.aws_vpc.this[0]",
            "module.vpc.aws_vpc.this[0]",
            "module.vpc.module.secondary.aws_vpc.this",
        ]
    );
    assert_eq!(
        loaded.files_read, 3,
        "main.tf, the downloaded vpc and secondary, each read once"
    );
}

#[test]
fn a_malformed_modules_json_is_one_error_and_the_calls_stay_noted() {
    let (loaded, report) = scan("terraform/registry_bad", &["VPC-001"]);
    let errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
    let file = fixture("terraform/registry_bad/.terraform/modules/modules.json");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(&format!("{}:2:", file.display()))
            && errors[0].contains("not a Terraform modules manifest: invalid type: integer `7`"),
        "{}",
        errors[0]
    );
    assert!(
        loaded
            .notes
            .iter()
            .any(|n| n.starts_with("module.vpc (") && n.contains("is not examined (it is not downloaded")),
        "{:?}",
        loaded.notes
    );
    let vpcs = report.findings.iter().filter(|f| f.rule.id == "VPC-001").count();
    assert_eq!(vpcs, 0, "no VPC is read through a manifest that does not parse");
}

#[test]
fn a_downloaded_module_given_as_the_path_is_a_root() {
    // Only a scan that starts under `.terraform` reads it as a root: the path was given.
    let (_, alone) = scan(
        "terraform/registry/.terraform/modules/vpc/modules/secondary",
        &["VPC-001"],
    );
    assert_eq!(status(&alone, "VPC-001", "aws_vpc.this"), Status::Fail);
}
