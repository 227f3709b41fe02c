//! Exit 3 (incomplete) always says why on stderr, whatever goes to stdout.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

#[test]
fn exit_3_says_why_on_stderr_in_every_format() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo-account.json");
    for format in ["table", "json", "csv", "junit", "ocsf", "asff"] {
        for quiet in [false, true] {
            let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("cloudposture");
            if quiet {
                cmd.arg("-q");
            }
            // Nothing counts as failing, so the regions the demo could not read decide: 3.
            let output = cmd
                .args([
                    "scan",
                    "--snapshot",
                    demo,
                    "--fail-on",
                    "never",
                    "--format",
                    format,
                ])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(3), "{format}: {stderr}");
            assert_eq!(
                stderr.trim_end(),
                "incomplete: 3 findings could not be judged (see the findings with status `error`); \
                 regions in error: ap-southeast-2",
                "{format} (quiet: {quiet})"
            );
            assert!(!output.stdout.is_empty(), "{format}: the report is still written");
        }
    }
}
