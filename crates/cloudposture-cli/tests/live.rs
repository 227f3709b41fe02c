//! Live scans of the `cloudposture` binary against moto's EC2 emulator (started by
//! `cloudposture-moto` on a free loopback port), and against an endpoint that does not
//! answer at all.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::Path;

use assert_cmd::Command;
use cloudposture_moto::MotoServer;
use serde_json::Value;
use tempfile::TempDir;

/// The binary with dummy credentials and nothing of the developer's AWS set-up.
fn cloudposture() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("cloudposture");
    for var in [
        "CLOUDPOSTURE_CONFIG",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_SESSION_TOKEN",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

struct Seeded {
    logged: String,
    unlogged: String,
    failing: String,
    subnet_only: String,
    default_vpc: String,
}

/// Seeds `region` with a VPC of each kind moto can produce.
fn seed(moto: &MotoServer, region: &str, bucket: &str) -> Seeded {
    runtime().block_on(async {
        moto.create_bucket(bucket).await;
        let logged = moto
            .create_vpc(region, "10.1.0.0/16", &[("Name", "logged")])
            .await;
        moto.create_flow_log_s3(region, &logged, "VPC", bucket, "ALL")
            .await;
        let unlogged = moto
            .create_vpc(region, "10.2.0.0/16", &[("Name", "unlogged")])
            .await;
        // No such log group: moto creates the flow log with DeliverLogsStatus=FAILED.
        let failing = moto
            .create_vpc(region, "10.3.0.0/16", &[("Name", "failing")])
            .await;
        moto.create_flow_log_cwl(
            region,
            &failing,
            "VPC",
            "/missing/group",
            "arn:aws:iam::123456789012:role/flow-logs",
            "ALL",
        )
        .await;
        let subnet_only = moto
            .create_vpc(region, "10.4.0.0/16", &[("Name", "subnet-only")])
            .await;
        let subnet = moto.create_subnet(region, &subnet_only, "10.4.1.0/24").await;
        moto.create_flow_log_s3(region, &subnet, "Subnet", bucket, "ALL")
            .await;
        let default_vpc = moto.default_vpc_id(region).await;
        Seeded {
            logged,
            unlogged,
            failing,
            subnet_only,
            default_vpc,
        }
    })
}

fn json_of(output: &std::process::Output) -> Value {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {stderr}"))
}

fn statuses(report: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["findings"]
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
    out.sort();
    out
}

fn status<'a>(statuses: &'a [(String, String)], id: &str) -> &'a str {
    statuses
        .iter()
        .find(|(v, _)| v == id)
        .map(|(_, s)| s.as_str())
        .unwrap_or_else(|| panic!("no finding for {id}: {statuses:?}"))
}

#[test]
fn live_scan_and_collect_then_scan_the_snapshot() {
    let moto = MotoServer::start();
    let region = "eu-north-1";
    let vpcs = seed(&moto, region, "cloudposture-cli-live");
    let endpoint = moto.endpoint_url();

    let live = cloudposture()
        .args([
            "scan",
            "--rules",
            "VPC-001",
            "--format",
            "json",
            "--regions",
            region,
            "--endpoint-url",
            &endpoint,
        ])
        .output()
        .unwrap();
    assert_eq!(
        live.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&live.stderr)
    );
    let report = json_of(&live);
    assert_eq!(report["scan"]["source"], "live");
    assert_eq!(report["scan"]["account"], "123456789012");
    assert_eq!(report["scan"]["regions"][0]["name"], region);
    assert_eq!(report["scan"]["regions"][0]["status"], "ok");
    // GetCallerIdentity, DescribeVpcs, DescribeFlowLogs, DescribeSubnets (one subnet log).
    assert_eq!(report["scan"]["api_calls"], 4);
    let live_statuses = statuses(&report);
    assert_eq!(status(&live_statuses, &vpcs.logged), "pass");
    assert_eq!(status(&live_statuses, &vpcs.unlogged), "fail");
    assert_eq!(status(&live_statuses, &vpcs.failing), "fail");
    assert_eq!(status(&live_statuses, &vpcs.subnet_only), "fail");
    assert_eq!(status(&live_statuses, &vpcs.default_vpc), "fail");
    assert_eq!(live_statuses.len(), 5);

    let dir = TempDir::new().unwrap();
    let snapshot = dir.path().join("account.json");
    let collected = cloudposture()
        .args([
            "collect",
            "--rules",
            "VPC-001",
            "--regions",
            region,
            "--endpoint-url",
            &endpoint,
            "--output",
        ])
        .arg(&snapshot)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&collected.stderr);
    assert_eq!(collected.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("1 region (0 in error), 5 VPCs, 3 flow logs"),
        "{stderr}"
    );
    assert!(collected.stdout.is_empty());

    let offline = cloudposture()
        .args(["scan", "--rules", "VPC-001", "--format", "json", "--snapshot"])
        .arg(&snapshot)
        .env("AWS_ACCESS_KEY_ID", "")
        .output()
        .unwrap();
    assert_eq!(offline.status.code(), Some(1));
    let report = json_of(&offline);
    assert_eq!(report["scan"]["source"], "snapshot");
    assert_eq!(
        statuses(&report),
        live_statuses,
        "the snapshot gives the live verdicts"
    );
    assert_eq!(
        report["scan"]["api_calls"], 4,
        "the snapshot keeps the calls it took"
    );
}

#[test]
fn live_scan_of_every_enabled_region_lists_regions_once() {
    let moto = MotoServer::start();
    let output = cloudposture()
        .args([
            "scan",
            "--rules",
            "VPC-001",
            "--format",
            "json",
            "--concurrency",
            "16",
            "--endpoint-url",
            &moto.endpoint_url(),
        ])
        .output()
        .unwrap();
    let report = json_of(&output);
    let scan = &report["scan"];
    let regions = scan["regions"].as_array().unwrap();
    assert!(regions.len() > 10, "every enabled region: {}", regions.len());
    assert!(regions.iter().all(|r| r["status"] == "ok"), "{regions:?}");
    assert!(
        !scan["regions_not_scanned"].as_array().unwrap().is_empty(),
        "opt-in regions are listed"
    );
    // Every region has a default VPC without a flow log.
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        report["summary"]["fail"].as_u64().unwrap() as usize,
        regions.len()
    );
}

/// An endpoint that refuses connections: the caller identity, read first, says so in one
/// line; no region is tried (whether the regions are named or listed) and nothing is
/// reported, since nothing could be read.
#[test]
fn an_unreachable_endpoint_is_one_line_before_any_region_exit_3() {
    for regions in [&["--regions", "us-east-1,eu-west-1"][..], &[]] {
        let started = std::time::Instant::now();
        let output = cloudposture()
            .args(["scan", "--format", "json", "--endpoint-url", "http://127.0.0.1:1"])
            .args(regions)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        eprintln!("{regions:?}: {:?}", started.elapsed());
        assert_eq!(output.status.code(), Some(3), "{stderr}");
        assert_eq!(
            stderr.trim_end(),
            "error: cannot reach AWS: GetCallerIdentity could not connect to http://127.0.0.1:1 \
             (connection refused); nothing was scanned"
        );
        assert!(output.stdout.is_empty(), "no report of nothing");
    }
}

/// No credentials at all, or a profile that does not exist: bad input, one line, exit 2,
/// before any region.
#[test]
fn missing_credentials_and_unknown_profiles_are_one_line_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, "[profile audit]\nregion = eu-west-1\n").unwrap();
    let none = cloudposture()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args([
            "scan",
            "--regions",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:1",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&none.stderr);
    assert_eq!(none.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: no usable AWS credentials: "),
        "{stderr}"
    );
    assert!(stderr.contains("no credentials found"), "{stderr}");
    assert!(
        !stderr.contains("dispatch failure") && !stderr.contains("Attempted"),
        "{stderr}"
    );

    let unknown = cloudposture()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", &config)
        .args(["scan", "--profile", "nosuch", "--regions", "us-east-1"])
        .args(["--endpoint-url", "http://127.0.0.1:1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert_eq!(unknown.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: the AWS profile `nosuch` is not defined in the AWS config or credentials file ({} or \
             /nonexistent/aws-credentials)",
            config.display()
        )
    );
}

#[test]
fn collect_refuses_an_unwritable_destination_before_calling_aws() {
    let output = cloudposture()
        .args(["collect", "--endpoint-url", "http://127.0.0.1:1", "--output"])
        .arg(Path::new("/nonexistent-dir/snap.json"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write `/nonexistent-dir/snap.json`"),
        "{stderr}"
    );
}

/// With stderr on a terminal the progress bar draws from its own thread while the scan
/// runs; nothing may wait on a lock the main thread holds. `script` (util-linux) gives
/// the binary a pseudo-terminal.
#[test]
fn progress_on_a_terminal_does_not_block_the_scan() {
    let moto = MotoServer::start();
    let command = format!(
        "{} scan --regions ca-central-1 --endpoint-url {} -v",
        assert_cmd::cargo::cargo_bin!("cloudposture").display(),
        moto.endpoint_url()
    );
    // `timeout`: a deadlock must fail the test (exit 124), not hang it.
    let output = std::process::Command::new("timeout")
        .args(["120", "script", "-qec", &command, "/dev/null"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("`timeout` and `script` (coreutils, util-linux) run the binary on a pseudo-terminal");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("collecting"), "the progress bar was drawn: {text}");
    assert!(text.contains("1 failing"), "{text}");
    assert!(text.contains("\x1b["), "colour on a terminal: {text}");
}

/// A region that cannot be read is recorded in the snapshot: `collect` exits 3, and so
/// does every later scan of that snapshot.
/// An endpoint that knows the caller (GetCallerIdentity answers) but answers every EC2
/// call with an HTML error page, as a broken proxy does: HTTP 500, not an AWS answer.
fn broken_ec2_endpoint() -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream);
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let (status, answer) = if String::from_utf8_lossy(&body).contains("Action=GetCallerIdentity") {
                (
                    "200 OK",
                    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                     <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/audit</Arn>\
                     <UserId>AIDA0</UserId><Account>123456789012</Account></GetCallerIdentityResult>\
                     <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
                )
            } else {
                (
                    "500 Internal Server Error",
                    "<html><body><h1>502 Bad Gateway</h1>upstream gone</body></html>",
                )
            };
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    url
}

#[test]
fn collect_of_an_unreadable_region_writes_the_failure_and_exits_3() {
    let dir = TempDir::new().unwrap();
    let snapshot = dir.path().join("partial.json");
    let collected = cloudposture()
        .args([
            "collect",
            "--rules",
            "VPC-001",
            "--regions",
            "eu-south-1",
            "--max-attempts",
            "1",
        ])
        .args(["--endpoint-url", &broken_ec2_endpoint(), "--output"])
        .arg(&snapshot)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&collected.stderr);
    assert_eq!(collected.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("1 region (1 in error)"), "{stderr}");
    // Both listings the rule needs failed, each said once on the region's line, in words:
    // no response headers, no HTML, no Rust `Debug` text.
    let line = stderr.lines().find(|l| l.starts_with("  eu-south-1: ")).unwrap();
    for operation in [
        "DescribeVpcs failed (HTTP 500 from the endpoint (not an AWS error answer))",
        "DescribeFlowLogs failed",
    ] {
        assert_eq!(line.matches(operation).count(), 1, "{operation} in {stderr}");
    }
    for noise in ["<html", "upstream", "Response {", "SdkError", "content-type"] {
        assert!(!stderr.contains(noise), "{noise} in {stderr}");
    }

    let scanned = cloudposture()
        .args(["scan", "--rules", "VPC-001", "--format", "json", "--snapshot"])
        .arg(&snapshot)
        .output()
        .unwrap();
    assert_eq!(scanned.status.code(), Some(3));
    let report = json_of(&scanned);
    // The caller identity was read: the account is known, only the region is in error.
    assert_eq!(report["scan"]["account"], "123456789012");
    let regions = report["scan"]["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 1, "{regions:?}");
    assert_eq!(regions[0]["name"], "eu-south-1");
    assert_eq!(regions[0]["status"], "error");
    assert_eq!(report["summary"]["pass"], 0);
}
