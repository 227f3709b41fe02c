//! `cloudposture completions SHELL` prints a completion script that knows the commands
//! and their flags.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

#[test]
fn completion_scripts_name_the_subcommands_and_flags() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef cloudposture"),
        ("fish", "complete -c cloudposture"),
    ] {
        let output = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: {script}");
        // fish writes flags as `-l snapshot`, the others as `--snapshot`.
        for word in ["scan", "collect", "fix", "iam-policy", "snapshot", "standard"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    let unknown = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("invalid value 'tcsh'"));
}
