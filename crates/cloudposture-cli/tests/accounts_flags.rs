//! The account flags of `scan`, `collect` and `fix` refused as bad input (exit 2) before
//! any AWS call: bad ids, a bad line of the accounts file, flags that need `--accounts`,
//! and `fix` of several accounts.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use tempfile::TempDir;

const REGION: &str = "eu-west-1";

#[test]
fn a_bad_line_of_the_accounts_file_is_bad_input_naming_the_line() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("accounts.txt");
    std::fs::write(&file, "111122223333\n# fine\n12345\n").unwrap();
    let out = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
        .args([
            "scan",
            "--regions",
            REGION,
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--accounts-file",
        ])
        .arg(&file)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3: `12345` is not an AWS account id (12 digits)"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[test]
fn bad_account_flags_are_refused_before_any_call() {
    let run = |args: &[&str]| {
        let out = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, stderr) = run(&["scan", "--accounts", "12345"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("`12345` is not an AWS account id"), "{stderr}");
    let (code, stderr) = run(&["scan", "--accounts", "org", "--role-session-name", "x"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("not a role session name"), "{stderr}");
    let (code, stderr) = run(&["scan", "--accounts", "org", "--accounts-file", "a.txt"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("cannot be used with"), "{stderr}");
    let (code, _) = run(&["scan", "--exclude-accounts", "111122223333"]);
    assert_eq!(code, Some(2), "--exclude-accounts needs --accounts");
    let (code, stderr) = run(&["fix", "--accounts", "org", "--rules", "EC2-004"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("fix changes one account at a time"), "{stderr}");
}

fn iam_policy(args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let out = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
        .env_remove("CLOUDPOSTURE_CONFIG")
        .arg("iam-policy")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code(), json, stderr)
}

#[test]
fn iam_policy_of_an_organization_scan_gives_the_scanner_and_a_read_only_member_role() {
    let (code, org, stderr) = iam_policy(&["--rules", "VPC-001", "--accounts"]);
    assert_eq!(code, Some(0), "{stderr}");
    let scanner = &org["scanner_policy"]["Statement"];
    let audit = serde_json::json!([
        "ec2:DescribeFlowLogs",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeRegions",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
        "sts:GetCallerIdentity"
    ]);
    assert_eq!(scanner[0]["Action"], audit, "its own account is read directly");
    assert_eq!(scanner[1]["Action"], serde_json::json!(["sts:AssumeRole"]));
    assert_eq!(
        scanner[1]["Resource"],
        "arn:aws:iam::*:role/OrganizationAccountAccessRole"
    );
    assert_eq!(
        scanner[2]["Action"],
        serde_json::json!(["organizations:ListAccounts"])
    );
    let member = &org["member_role"];
    assert_eq!(member["name"], "CloudpostureAudit");
    assert_eq!(member["permissions_policy"]["Statement"][0]["Action"], audit);
    assert_eq!(
        member["trust_policy"]["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::<SCANNER_ACCOUNT_ID>:role/<SCANNER_ROLE_NAME>"
    );
    assert!(
        org["recommendation"]
            .as_str()
            .unwrap()
            .contains("OrganizationAccountAccessRole, the default, has full administrator rights")
    );

    // Named accounts: the role in each of them only, no organization listing.
    let (code, listed, stderr) = iam_policy(&[
        "--rules",
        "VPC-001",
        "--accounts",
        "111122223333,444455556666",
        "--role-name",
        "Audit",
        "--external-id",
        "ext-1",
        "--scanner-principal",
        "arn:aws:iam::999999999999:role/scanner",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let scanner = listed["scanner_policy"]["Statement"].as_array().unwrap();
    assert_eq!(scanner.len(), 2, "no organizations:ListAccounts: {scanner:?}");
    assert_eq!(
        scanner[1]["Resource"],
        serde_json::json!([
            "arn:aws:iam::111122223333:role/Audit",
            "arn:aws:iam::444455556666:role/Audit"
        ])
    );
    let trust = &listed["member_role"]["trust_policy"]["Statement"][0];
    assert_eq!(
        trust["Principal"]["AWS"],
        "arn:aws:iam::999999999999:role/scanner"
    );
    assert_eq!(trust["Condition"]["StringEquals"]["sts:ExternalId"], "ext-1");
    assert_eq!(listed["member_role"]["name"], "Audit");
    assert!(listed.get("recommendation").is_none());

    let (code, _, stderr) = iam_policy(&["--role-name", "Audit"]);
    assert_eq!(code, Some(2), "--role-name needs --accounts: {stderr}");
}
