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
