//! docs/deploy.md, checked as far as it can be here: its Kubernetes manifest and AWS Batch
//! job definition parse and split the accounts into as many shards as `--shard auto/N`
//! says, and every `cloudposture` command line on the page is accepted by the parser.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use serde_json::Value;

fn page() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/deploy.md")).unwrap()
}

/// The fenced blocks of `lang` on the page.
fn blocks(page: &str, lang: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for line in page.lines() {
        let fence = line.trim_start();
        match &mut current {
            Some(block) if fence.starts_with("```") => {
                found.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None if fence == format!("```{lang}") => current = Some(String::new()),
            None => {}
        }
    }
    found
}

/// N of the `--shard auto/N` in `text`.
fn shards_in(text: &str) -> u64 {
    let at = text.find("--shard auto/").expect("a --shard auto/N") + "--shard auto/".len();
    let digits: String = text[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap()
}

#[test]
fn the_manifest_and_the_job_definition_parse_and_agree_with_their_shards() {
    let page = page();
    let manifest = blocks(&page, "yaml").remove(0);
    let documents: Vec<Value> = manifest
        .split("\n---\n")
        .map(|d| serde_norway::from_str(d).unwrap())
        .collect();
    let job = &documents[0];
    assert_eq!(job["kind"], "Job");
    assert_eq!(job["spec"]["completionMode"], "Indexed");
    let shards = shards_in(&manifest);
    assert_eq!(job["spec"]["completions"], shards);
    assert_eq!(job["spec"]["parallelism"], shards);
    let pod = &job["spec"]["template"]["spec"];
    assert_eq!(pod["serviceAccountName"], documents[1]["metadata"]["name"]);
    assert!(
        pod["containers"][0]["args"][0]
            .as_str()
            .unwrap()
            .contains("$JOB_COMPLETION_INDEX")
    );

    let json: Vec<Value> = blocks(&page, "json")
        .iter()
        .map(|b| serde_json::from_str(b).unwrap())
        .collect();
    let definition = json
        .iter()
        .find(|j| j.get("jobDefinitionName").is_some())
        .unwrap();
    let command = definition["containerProperties"]["command"][2].as_str().unwrap();
    assert!(command.contains("$AWS_BATCH_JOB_ARRAY_INDEX"));
    let submit = blocks(&page, "sh").concat();
    assert!(submit.contains(&format!("--array-properties size={}", shards_in(command))));
    // The trust policies are IAM documents.
    assert!(json.iter().filter(|j| j["Version"] == "2012-10-17").count() >= 2);
}

/// Every `cloudposture …` command of the page's sh, yaml and json blocks, as arguments.
fn commands(page: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for lang in ["sh", "yaml", "json"] {
        for block in blocks(page, lang) {
            for line in block.lines() {
                let mut rest = line;
                while let Some(at) = rest.find("cloudposture ") {
                    let before = rest[..at].trim_end();
                    let after = &rest[at + "cloudposture ".len()..];
                    rest = after;
                    if !(before.is_empty() || before.ends_with('{') || before.ends_with('-')) {
                        continue;
                    }
                    let end = ["||", "&&", ";", " > ", "|"]
                        .iter()
                        .filter_map(|stop| after.find(stop))
                        .min()
                        .unwrap_or(after.len());
                    found.push(after[..end].split_whitespace().map(str::to_string).collect());
                }
            }
        }
    }
    found
}

#[test]
fn every_command_line_on_the_page_is_accepted_by_the_parser() {
    let page = page();
    let commands = commands(&page);
    assert!(commands.len() >= 6, "{commands:?}");
    let dir = tempfile::TempDir::new().unwrap();
    for args in commands {
        let out = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
            .current_dir(dir.path())
            .args(&args)
            .env_remove("CLOUDPOSTURE_CONFIG")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "eu-west-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
            .env("JOB_COMPLETION_INDEX", "0")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The parser's refusals all end with the usage line.
        assert!(!stderr.contains("Usage:"), "{args:?}: {stderr}");
        if args[0] == "iam-policy" {
            assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
            let policies: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert!(policies["member_role"]["trust_policy"].is_object());
        }
    }
}
