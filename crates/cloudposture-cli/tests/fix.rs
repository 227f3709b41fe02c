//! `cloudposture fix` against moto's EC2 emulator: the plan and its dry run change
//! nothing, `--apply` creates flow logs (S3, CloudWatch Logs) that make the VPCs pass, a
//! second run creates nothing, a missing bucket fails its VPCs, all rules without a
//! destination leave the VPCs not planned (with why), EC2-001/002 revoke world-open
//! ranges only, EC2-003 and EC2-004 empty default groups and require IMDSv2, and bad
//! flags stop the command before any API call.
//!
//! One moto server serves the whole binary; each test works in a region of its own.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use assert_cmd::Command;
use cloudposture_moto::{AWS_ENV_TO_REMOVE, MotoServer};
use serde_json::Value;

const ROLE: &str = "arn:aws:iam::123456789012:role/flow-logs";

/// The binary talking to the shared moto server and nothing else.
fn cloudposture(moto: &MotoServer) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("cloudposture");
    for var in AWS_ENV_TO_REMOVE
        .iter()
        .chain(&["CLOUDPOSTURE_CONFIG", "RUST_LOG", "NO_COLOR"])
    {
        cmd.env_remove(var);
    }
    cmd.envs(moto.env());
    cmd
}

/// `fix --rules VPC-001 --regions REGION` plus `args` (VPC-001 alone: the plans and
/// counts below are its own, whatever other rules the build has).
fn fix(moto: &MotoServer, region: &str, args: &[&str]) -> std::process::Output {
    cloudposture(moto)
        .args(["fix", "--rules", "VPC-001", "--regions", region])
        .args(args)
        .output()
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", stdout(output), stderr(output)))
}

/// (VPC, destination or log group, traffic type) of every flow log of `region`, sorted.
fn flow_logs(moto: &MotoServer, region: &str) -> Vec<(String, String, String)> {
    runtime().block_on(async {
        let out = moto.ec2_client(region).describe_flow_logs().send().await.unwrap();
        let mut logs: Vec<_> = out
            .flow_logs()
            .iter()
            .map(|f| {
                let destination = f
                    .log_destination()
                    .filter(|d| !d.is_empty())
                    .or(f.log_group_name())
                    .unwrap_or_default();
                (
                    f.resource_id().unwrap_or_default().to_string(),
                    destination.to_string(),
                    f.traffic_type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default(),
                )
            })
            .collect();
        logs.sort();
        logs
    })
}

/// Two new VPCs without flow log in `region` (moto's default VPC has none either), and a
/// logged one; returns (unlogged, logged).
fn seed(moto: &MotoServer, region: &str, bucket: &str) -> (Vec<String>, String) {
    runtime().block_on(async {
        moto.create_bucket(bucket).await;
        let a = moto.create_vpc(region, "10.1.0.0/16", &[("Name", "a")]).await;
        let b = moto.create_vpc(region, "10.2.0.0/16", &[("Name", "b")]).await;
        let logged = moto
            .create_vpc(region, "10.3.0.0/16", &[("Name", "logged")])
            .await;
        moto.create_flow_log_s3(region, &logged, "VPC", bucket, "ALL")
            .await;
        let default = moto.default_vpc_id(region).await;
        let mut unlogged = vec![a, b, default];
        unlogged.sort();
        (unlogged, logged)
    })
}

/// VPC-001's statuses of `scan --regions REGION`, by VPC.
fn scan(moto: &MotoServer, region: &str) -> Vec<(String, String)> {
    let output = cloudposture(moto)
        .args([
            "scan",
            "--rules",
            "VPC-001",
            "--format",
            "json",
            "--regions",
            region,
        ])
        .output()
        .unwrap();
    let report = json(&output);
    let mut statuses: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["resource"]["id"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    statuses.sort();
    statuses
}

fn results(report: &Value) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["resource"]["id"].as_str().unwrap().to_string(), r.clone()))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn plan_only_prints_the_plan_checks_it_and_changes_nothing() {
    let moto = MotoServer::shared();
    let region = "eu-west-3";
    let bucket = "cloudposture-cli-fix-plan";
    let (unlogged, logged) = seed(moto, region, bucket);
    let before = flow_logs(moto, region);
    let destination = format!("s3:arn:aws:s3:::{bucket}");

    let output = fix(moto, region, &["--destination", &destination]);

    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}\n{}", stderr(&output));
    assert!(
        text.starts_with("cloudposture fix · account 123456789012 · dry run: nothing is changed"),
        "{text}"
    );
    assert!(text.contains("Plan: 3 actions"), "{text}");
    for vpc in &unlogged {
        assert!(
            text.contains(&format!(
                "VPC-001  create an ALL flow log on {vpc} ({region}) to s3 arn:aws:s3:::{bucket}"
            )),
            "{text}"
        );
    }
    assert!(
        !text.contains(&format!("on {logged}")),
        "a passing VPC is never planned: {text}"
    );
    assert_eq!(
        text.matches("would succeed").count(),
        4,
        "3 VPCs and the summary: {text}"
    );
    assert!(
        text.contains("Not touched: 0 error, 0 muted, 1 pass, 0 skipped"),
        "{text}"
    );
    assert!(
        text.contains(
            "3 would succeed, 0 would be refused; nothing was changed. Add --apply to carry them out."
        ),
        "{text}"
    );
    assert_eq!(flow_logs(moto, region), before, "the dry run created nothing");

    let output = fix(moto, region, &["--destination", &destination, "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    assert_eq!(report["mode"], "dry-run");
    assert_eq!(report["plan"]["actions"].as_array().unwrap().len(), 3);
    let action = &report["plan"]["actions"][0];
    assert_eq!(action["operation"], "ec2:CreateFlowLogs");
    assert_eq!(action["parameters"]["destination_type"], "s3");
    assert_eq!(
        action["parameters"]["log_destination"],
        format!("arn:aws:s3:::{bucket}")
    );
    assert!(
        action["parameters"]["client_token"]
            .as_str()
            .unwrap()
            .starts_with("cloudposture-")
    );
    for (vpc, result) in results(&report) {
        assert!(unlogged.contains(&vpc));
        assert_eq!(result["outcome"]["status"], "would_succeed");
        assert_eq!(result["after"], Value::Null);
    }
    assert_eq!(flow_logs(moto, region), before);
}

#[test]
fn apply_to_s3_makes_the_vpcs_pass_and_a_second_apply_creates_nothing() {
    let moto = MotoServer::shared();
    let region = "eu-north-1";
    let bucket = "cloudposture-cli-fix-s3";
    let (unlogged, logged) = seed(moto, region, bucket);
    let destination = format!("s3:arn:aws:s3:::{bucket}");

    let output = fix(
        moto,
        region,
        &["--destination", &destination, "--apply", "--format", "json"],
    );

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["mode"], "apply");
    let results = results(&report);
    assert_eq!(results.iter().map(|r| r.0.clone()).collect::<Vec<_>>(), unlogged);
    for (_, result) in &results {
        assert_eq!(result["outcome"]["status"], "created", "{result}");
        assert!(
            result["outcome"]["flow_log_id"]
                .as_str()
                .unwrap()
                .starts_with("fl-")
        );
        assert_eq!(result["after"]["status"], "pass", "{result}");
    }
    let logs = flow_logs(moto, region);
    for vpc in unlogged.iter().chain([&logged]) {
        assert!(
            logs.contains(&(vpc.clone(), format!("arn:aws:s3:::{bucket}"), "ALL".to_string())),
            "{vpc}: {logs:?}"
        );
    }
    assert_eq!(logs.len(), 4);
    assert!(scan(moto, region).iter().all(|(_, status)| status == "pass"));

    let again = fix(moto, region, &["--destination", &destination, "--apply"]);
    let text = stdout(&again);
    assert_eq!(again.status.code(), Some(0), "{text}");
    assert!(text.contains("Nothing to fix: no failing finding."), "{text}");
    assert!(
        text.contains("Not touched: 0 error, 0 muted, 4 pass, 0 skipped"),
        "{text}"
    );
    assert_eq!(flow_logs(moto, region), logs, "the second apply created nothing");
}

#[test]
fn apply_to_cloud_watch_logs_with_a_role() {
    let moto = MotoServer::shared();
    let region = "ca-central-1";
    let (unlogged, _) = seed(moto, region, "cloudposture-cli-fix-cwl");
    runtime().block_on(moto.create_log_group(region, "/vpc/flow-logs"));

    let output = fix(
        moto,
        region,
        &[
            "--destination",
            "cloud-watch-logs:/vpc/flow-logs",
            "--role-arn",
            ROLE,
            "--traffic-type",
            "reject",
            "--apply",
        ],
    );

    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}\n{}", stderr(&output));
    for vpc in &unlogged {
        assert!(
            text.contains(&format!(
                "create a REJECT flow log on {vpc} ({region}) to cloud-watch-logs log group /vpc/flow-logs \
                 (role {ROLE})"
            )),
            "{text}"
        );
    }
    assert_eq!(text.matches("· now pass").count(), 3, "{text}");
    assert!(
        text.contains("3 created, 0 already done, 0 failed; 3 of 3 now pass"),
        "{text}"
    );
    let logs = flow_logs(moto, region);
    for vpc in &unlogged {
        assert!(
            logs.contains(&(vpc.clone(), "/vpc/flow-logs".to_string(), "REJECT".to_string())),
            "{logs:?}"
        );
    }
}

#[test]
fn a_missing_bucket_fails_its_vpcs_and_the_others_stay_fixed() {
    let moto = MotoServer::shared();
    let region = "ap-northeast-2";
    let bucket = "cloudposture-cli-fix-partial";
    let (unlogged, _) = seed(moto, region, bucket);
    let (muted, fixed) = unlogged.split_first().unwrap();
    // First run: one VPC is muted by the config (left alone), the others are fixed.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cloudposture.toml");
    std::fs::write(
        &config,
        format!("[[exceptions]]\nresources = [\"{muted}\"]\nreason = \"owned by another team\"\n"),
    )
    .unwrap();
    let destination = format!("s3:arn:aws:s3:::{bucket}");
    let first = cloudposture(moto)
        .args(["--config"])
        .arg(&config)
        .args([
            "fix",
            "--rules",
            "VPC-001",
            "--regions",
            region,
            "--destination",
            &destination,
            "--apply",
        ])
        .output()
        .unwrap();
    let text = stdout(&first);
    assert_eq!(first.status.code(), Some(0), "{text}");
    assert!(
        text.contains("Not touched: 0 error, 1 muted, 1 pass, 0 skipped"),
        "{text}"
    );
    assert!(
        !text.contains(&format!("on {muted}")),
        "a muted VPC is never planned: {text}"
    );
    let logs = flow_logs(moto, region);

    // Second run, to a bucket that does not exist: only the muted VPC is left to fix,
    // and it fails; the VPCs fixed before are passing and not touched.
    let output = fix(
        moto,
        region,
        &[
            "--destination",
            "s3:arn:aws:s3:::cloudposture-no-such-bucket",
            "--apply",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    let results = results(&report);
    assert_eq!(results.len(), 1);
    let (vpc, result) = &results[0];
    assert_eq!(vpc, muted);
    assert_eq!(result["outcome"]["status"], "failed");
    assert_eq!(
        result["outcome"]["message"],
        "LogDestination: cloudposture-no-such-bucket does not exist."
    );
    assert_eq!(result["after"]["status"], "fail");
    assert_eq!(report["not_touched"]["pass"], 3);
    assert_eq!(flow_logs(moto, region), logs, "nothing was created");
    for vpc in fixed {
        assert!(scan(moto, region).contains(&(vpc.clone(), "pass".to_string())));
    }

    let text = stdout(&fix(
        moto,
        region,
        &[
            "--destination",
            "s3:arn:aws:s3:::cloudposture-no-such-bucket",
            "--apply",
        ],
    ));
    assert!(
        text.contains(&format!(
            "VPC-001  VPC {muted}  {region}  failed: 400: LogDestination: cloudposture-no-such-bucket does not exist. · now \
             fail: no flow log"
        )),
        "{text}"
    );
    assert!(
        text.contains("0 changed, 0 already done, 1 failed; 0 of 1 now pass"),
        "{text}"
    );
}

#[test]
fn all_rules_without_a_destination_plan_no_flow_log_and_say_why() {
    let moto = MotoServer::shared();
    let region = "ap-southeast-2";
    let (unlogged, _) = seed(moto, region, "cloudposture-cli-fix-no-destination");
    let before = flow_logs(moto, region);

    // Every rule (no --rules): VPC-001 cannot plan without a destination, the others
    // plan as usual; the command goes on.
    let output = cloudposture(moto)
        .args(["fix", "--regions", region, "--format", "json"])
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let mut not_planned: Vec<(String, String)> = report["plan"]["not_planned"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["rule_id"] == "VPC-001")
        .map(|n| {
            (
                n["resource"]["id"].as_str().unwrap().to_string(),
                n["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    not_planned.sort();
    assert_eq!(
        not_planned.iter().map(|n| n.0.clone()).collect::<Vec<_>>(),
        unlogged
    );
    for (_, reason) in &not_planned {
        assert!(
            reason.starts_with("no destination: pass --destination s3:arn:aws:s3:::BUCKET[/prefix]"),
            "{reason}"
        );
    }
    assert!(
        report["plan"]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["rule_id"] != "VPC-001")
    );

    let text = stdout(
        &cloudposture(moto)
            .args(["fix", "--regions", region])
            .output()
            .unwrap(),
    );
    for vpc in &unlogged {
        assert!(
            text.contains(&format!(
                "  not planned: VPC-001 {vpc}: no destination: pass --destination"
            )),
            "{text}"
        );
    }
    assert_eq!(flow_logs(moto, region), before, "nothing was created");
}

/// EC2-001 and EC2-002 revoke the world-open ranges of SSH and RDP and nothing else.
#[test]
fn world_open_admin_ports_are_revoked_and_private_ranges_stay() {
    use cloudposture_aws::sdk::aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range};
    let moto = MotoServer::shared();
    let region = "us-east-2";
    let ec2 = moto.ec2_client(region);
    let group = runtime().block_on(async {
        let vpc = moto.create_vpc(region, "10.6.0.0/16", &[]).await;
        let group = ec2
            .create_security_group()
            .group_name("admin")
            .description("ssh and rdp")
            .vpc_id(vpc)
            .send()
            .await
            .unwrap()
            .group_id
            .unwrap();
        let v4 = |cidr: &str| IpRange::builder().cidr_ip(cidr).build();
        ec2.authorize_security_group_ingress()
            .group_id(&group)
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(22)
                    .to_port(22)
                    .ip_ranges(v4("0.0.0.0/0"))
                    .ip_ranges(v4("10.0.0.0/8"))
                    .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                    .build(),
            )
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(3389)
                    .to_port(3389)
                    .ip_ranges(v4("0.0.0.0/0"))
                    .build(),
            )
            .send()
            .await
            .unwrap();
        group
    });
    // (port, CIDR) of each inbound rule of the group, sorted.
    let rules = || {
        runtime().block_on(async {
            let out = ec2
                .describe_security_groups()
                .group_ids(&group)
                .send()
                .await
                .unwrap();
            let mut rules: Vec<(i32, String)> = Vec::new();
            for p in out.security_groups()[0].ip_permissions() {
                let port = p.from_port().unwrap_or(-1);
                rules.extend(
                    p.ip_ranges()
                        .iter()
                        .map(|r| (port, r.cidr_ip().unwrap().to_string())),
                );
                rules.extend(
                    p.ipv6_ranges()
                        .iter()
                        .map(|r| (port, r.cidr_ipv6().unwrap().to_string())),
                );
            }
            rules.sort();
            rules
        })
    };
    let before = rules();
    let fix = |args: &[&str]| {
        cloudposture(moto)
            .args(["fix", "--rules", "EC2-001,EC2-002", "--regions", region])
            .args(args)
            .output()
            .unwrap()
    };

    let dry = fix(&[]);
    let text = stdout(&dry);
    assert_eq!(dry.status.code(), Some(0), "{text}\n{}", stderr(&dry));
    for rule in ["EC2-001", "EC2-002"] {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("  {rule}  revoke inbound")) && l.contains(&group))
            .unwrap_or_else(|| panic!("{rule}: {text}"));
        assert!(
            line.contains("from the internet") && line.contains("cut off"),
            "{line}"
        );
    }
    assert_eq!(rules(), before, "a dry run revokes nothing");

    let applied = fix(&["--apply"]);
    let text = stdout(&applied);
    assert_eq!(applied.status.code(), Some(0), "{text}\n{}", stderr(&applied));
    assert!(
        text.contains(&format!(
            "EC2-001  security group {group}  {region}  revoked 2 rules · now pass"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "EC2-002  security group {group}  {region}  revoked 1 rule · now pass"
        )),
        "{text}"
    );
    assert_eq!(
        rules(),
        [(22, "10.0.0.0/8".to_string())],
        "only the world ranges are gone"
    );
}

/// The default security groups and the IMDSv1 instance of a region are fixed by
/// EC2-003 and EC2-004, without any VPC-001 flag.
#[test]
fn default_groups_are_emptied_and_imds_v2_required() {
    let moto = MotoServer::shared();
    let region = "us-west-1";
    let instance = runtime().block_on(async {
        moto.create_vpc(region, "10.5.0.0/16", &[]).await;
        let ec2 = moto.ec2_client(region);
        let image = ec2.describe_images().send().await.unwrap().images()[0]
            .image_id()
            .unwrap()
            .to_string();
        let run = ec2
            .run_instances()
            .image_id(image)
            .min_count(1)
            .max_count(1)
            .metadata_options(
                cloudposture_aws::sdk::aws_sdk_ec2::types::InstanceMetadataOptionsRequest::builder()
                    .http_tokens(cloudposture_aws::sdk::aws_sdk_ec2::types::HttpTokensState::Optional)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        run.instances()[0].instance_id().unwrap().to_string()
    });
    let ec2 = |args: &[&str]| {
        cloudposture(moto)
            .args(["fix", "--regions", region])
            .args(args)
            .output()
            .unwrap()
    };

    // A dry run of EC2-003 alone (moto ignores DryRun on ModifyInstanceMetadataOptions:
    // EC2-004 is only applied here).
    let dry = ec2(&["--rules", "EC2-003"]);
    let text = stdout(&dry);
    assert_eq!(dry.status.code(), Some(0), "{text}\n{}", stderr(&dry));
    assert_eq!(
        text.matches("; traffic between members of the group stops")
            .count(),
        2,
        "the default groups of both VPCs, with the warning: {text}"
    );
    assert!(
        text.contains("2 would succeed, 0 would be refused; nothing was changed."),
        "{text}"
    );

    let applied = ec2(&["--rules", "EC2-003,EC2-004", "--apply", "--format", "json"]);
    assert_eq!(applied.status.code(), Some(0), "{}", stderr(&applied));
    let report = json(&applied);
    let outcomes: Vec<(String, String, String)> = results(&report)
        .into_iter()
        .map(|(id, r)| {
            let status = |v: &Value| v["status"].as_str().unwrap().to_string();
            (id, status(&r["outcome"]), status(&r["after"]))
        })
        .collect();
    assert_eq!(outcomes.len(), 3, "{outcomes:?}");
    for (id, outcome, after) in &outcomes {
        let expected = if id == &instance {
            "imds_v2_required"
        } else {
            "revoked"
        };
        assert_eq!((outcome.as_str(), after.as_str()), (expected, "pass"), "{id}");
    }

    let again = ec2(&["--rules", "EC2-003,EC2-004", "--apply"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stdout(&again).contains("Nothing to fix: no failing finding."),
        "{}",
        stdout(&again)
    );
}

/// Bad flags end the command with exit 2 and a message naming the flag, before any API
/// call: the endpoint does not answer, so a call would end in exit 3 instead.
#[test]
fn bad_flags_exit_2_before_any_call() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--destination", "ftp://bucket"],
            "error: invalid `--destination`: `ftp://bucket` is not a flow-log destination; use \
             `cloud-watch-logs:LOG_GROUP_NAME`",
        ),
        (
            &["--destination", "s3:arn:aws:s3:::Bad_Bucket"],
            "error: invalid `--destination`: `arn:aws:s3:::Bad_Bucket` names bucket `Bad_Bucket`",
        ),
        (
            &["--destination", "cloud-watch-logs:/vpc/flows"],
            "error: cannot plan a fix for rule `VPC-001`: the cloud-watch-logs destination `/vpc/flows` needs \
             a delivery role: pass --role-arn",
        ),
        (
            // Named, VPC-001 must be fixable; among all rules it is only not planned.
            &["--rules", "VPC-001"],
            "error: cannot plan a fix for rule `VPC-001`: no destination: pass --destination \
             s3:arn:aws:s3:::BUCKET[/prefix] or cloud-watch-logs:GROUP",
        ),
        (
            &[
                "--destination",
                "cloud-watch-logs:/vpc/flows",
                "--role-arn",
                "flow-logs",
            ],
            "error: invalid `--role-arn`: `flow-logs` is not an IAM role ARN",
        ),
        (
            &["--destination", "s3:arn:aws:s3:::flows", "--role-arn", ROLE],
            "error: invalid `--role-arn`: the remediation destination is S3",
        ),
        (
            &["--destination", "s3:arn:aws:s3:::flows", "--traffic-type", "some"],
            "error: invalid value 'some' for '--traffic-type <TYPE>'",
        ),
        (
            &[
                "--destination",
                "s3:arn:aws:s3:::flows",
                "--snapshot",
                "account.json",
            ],
            "error: fix needs a live account; --snapshot `account.json` can be scanned but not changed",
        ),
        (
            &["--template", "infra/"],
            "error: fix changes a live account; a template (`infra/`) is fixed by editing it",
        ),
    ];
    for (args, message) in cases {
        let output = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
            .env_remove("CLOUDPOSTURE_CONFIG")
            .args([
                "fix",
                "--max-attempts",
                "1",
                "--endpoint-url",
                "http://127.0.0.1:1",
            ])
            .args(*args)
            .output()
            .unwrap();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with(message), "{args:?}:\n{err}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }

    // A traffic type that the rule's configured requirement does not accept.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cloudposture.toml");
    std::fs::write(&config, "[rules.VPC-001]\ntraffic_type = \"ALL\"\n").unwrap();
    let output = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
        .args(["--config"])
        .arg(&config)
        .args([
            "fix",
            "--endpoint-url",
            "http://127.0.0.1:1",
            "--destination",
            "s3:arn:aws:s3:::flows",
        ])
        .args(["--traffic-type", "ACCEPT"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(
            "error: `--traffic-type ACCEPT` would not make the VPCs pass: rule `VPC-001` requires ALL traffic"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn help_documents_dry_run_apply_and_exit_codes() {
    let output = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
        .args(["fix", "--help"])
        .output()
        .unwrap();
    let help = stdout(&output);
    assert_eq!(output.status.code(), Some(0));
    for needle in [
        "--destination",
        "--role-arn",
        "--traffic-type",
        "--apply",
        "DryRun",
        "Exit codes:",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
    assert!(
        !help.contains("--snapshot <FILE>"),
        "the refused flag is hidden: {help}"
    );
}

#[test]
fn the_rule_page_and_the_remediation_policy_cover_fix() {
    let show = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
        .args(["rules", "show", "VPC-001"])
        .output()
        .unwrap();
    let page = stdout(&show);
    assert!(
        page.contains(
            "```sh\n   cloudposture fix --rules VPC-001 --destination s3:arn:aws:s3:::BUCKET_NAME --apply"
        ),
        "{page}"
    );

    let output = assert_cmd::cargo::cargo_bin_cmd!("cloudposture")
        .env_remove("CLOUDPOSTURE_CONFIG")
        .args(["iam-policy", "--rules", "VPC-001", "--remediation"])
        .output()
        .unwrap();
    let policy: Value = serde_json::from_slice(&output.stdout).unwrap();
    let actions = policy["Statement"][0]["Action"].as_array().unwrap();
    for needed in [
        "ec2:CreateFlowLogs",
        "ec2:DescribeFlowLogs",
        "iam:PassRole",
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
    ] {
        assert!(actions.contains(&Value::from(needed)), "{needed}: {actions:?}");
    }
}
