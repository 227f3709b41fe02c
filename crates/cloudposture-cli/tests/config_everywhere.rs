//! Every command reads and checks `--config` before doing anything else: a misspelt
//! setting is exit 2 with the file and line, whatever the command.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use tempfile::TempDir;

#[test]
fn every_command_refuses_a_bad_config_with_its_file_and_line() {
    let dir = TempDir::new().unwrap();
    let config = dir.path().join("cloudposture.toml");
    std::fs::write(&config, "[rules.VPC-001]\ntraffic_type = \"ALL\"\nbogus = 1\n").unwrap();
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo-account.json");
    let out = dir.path().join("snap.json");
    // No command may get as far as AWS: the endpoint refuses, which would be exit 3.
    let live = ["--endpoint-url", "http://127.0.0.1:1"];
    let commands: Vec<Vec<&str>> = vec![
        vec!["scan", "--snapshot", demo],
        vec!["scan", live[0], live[1]],
        vec!["collect", live[0], live[1], "--output", out.to_str().unwrap()],
        vec!["fix", "--rules", "EC2-004", live[0], live[1]],
        vec!["rules", "list"],
        vec!["rules", "show", "EC2-001"],
        vec!["iam-policy"],
        vec!["merge", out.to_str().unwrap()],
    ];
    for args in commands {
        let output = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env_remove("CLOUDPOSTURE_CONFIG")
            .arg("--config")
            .arg(&config)
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!(
                "error: config `{}` line 3: rule `VPC-001` has no setting `bogus`",
                config.display()
            )),
            "{args:?}: {stderr}"
        );
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(!out.exists(), "{args:?} wrote the snapshot");
    }
}
