//! Scans of several accounts in one run (`--accounts`), against moto's Organizations,
//! STS and EC2: the management account (moto's own account, as GetCallerIdentity says)
//! and member accounts read through an assumed role, each with its own VPCs.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::collections::BTreeMap;

use assert_cmd::Command;
use cloudposture_moto::{ACCOUNT_ID, MotoServer};
use serde_json::Value;
use tempfile::TempDir;

const REGION: &str = "eu-west-1";

/// The binary with dummy credentials and nothing of the developer's AWS set-up.
fn cloudposture(moto: &MotoServer) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("cloudposture");
    for var in cloudposture_moto::AWS_ENV_TO_REMOVE {
        cmd.env_remove(var);
    }
    cmd.env_remove("CLOUDPOSTURE_CONFIG").env_remove("RUST_LOG");
    cmd.env_remove("JOB_COMPLETION_INDEX")
        .env_remove("AWS_BATCH_JOB_ARRAY_INDEX");
    cmd.envs(moto.env());
    cmd
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// An organization of the management account and three members (`dev`, `prod`, and
/// `closed`, which is closed): a VPC without flow logs in the management account and in
/// `dev` and `prod`.
struct Org {
    moto: MotoServer,
    dev: String,
    prod: String,
    closed: String,
    /// The VPC created in each account, by account.
    vpcs: BTreeMap<String, String>,
}

fn organization() -> Org {
    let moto = MotoServer::start();
    let (members, vpcs) = runtime().block_on(async {
        let members = moto.create_organization(&["dev", "prod", "closed"]).await;
        moto.close_account(&members[2]).await;
        let mut vpcs = BTreeMap::new();
        let own = moto
            .create_vpc(REGION, "10.0.0.0/16", &[("Name", "management")])
            .await;
        vpcs.insert(ACCOUNT_ID.to_string(), own);
        for (account, cidr) in [(&members[0], "10.1.0.0/16"), (&members[1], "10.2.0.0/16")] {
            let vpc = moto.create_member_vpc(account, REGION, cidr, "member").await;
            vpcs.insert(account.clone(), vpc);
        }
        (members, vpcs)
    });
    Org {
        moto,
        dev: members[0].clone(),
        prod: members[1].clone(),
        closed: members[2].clone(),
        vpcs,
    }
}

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// `(scanned account, VPC id) → status` of every finding.
fn verdicts(report: &Value) -> BTreeMap<(String, String), String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                (
                    f["scanned_account"].as_str().unwrap().to_string(),
                    f["resource"]["id"].as_str().unwrap().to_string(),
                ),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn accounts_of(report: &Value) -> Vec<(String, String)> {
    report["scan"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_string(),
                a["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The report's entry for account `id`.
fn account<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["scan"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("no account {id} in the report"))
}

/// `(id, status)` of the organization's accounts, sorted, with prod's status `prod`.
fn expected_accounts(org: &Org, prod: &str) -> Vec<(String, String)> {
    let mut expected = vec![
        (ACCOUNT_ID.to_string(), "ok".to_string()),
        (org.dev.clone(), "ok".to_string()),
        (org.prod.clone(), prod.to_string()),
        (org.closed.clone(), "not_scanned".to_string()),
    ];
    expected.sort();
    expected
}

#[test]
fn the_organization_is_scanned_account_by_account_and_its_snapshot_gives_the_same_verdicts() {
    let org = organization();
    let endpoint = org.moto.endpoint_url();
    let scan = |format: &str, extra: &[&str]| {
        cloudposture(&org.moto)
            .args([
                "scan",
                "--rules",
                "VPC-001",
                "--format",
                format,
                "--regions",
                REGION,
            ])
            .args(["--endpoint-url", &endpoint, "--accounts", "org"])
            .args(extra)
            .output()
            .unwrap()
    };
    let live = scan("json", &[]);
    assert_eq!(
        live.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&live.stderr)
    );
    let report = json_of(&live);
    // moto's management account is the caller's own account (GetCallerIdentity says so).
    assert_eq!(report["scan"]["account"], ACCOUNT_ID);

    let expected = expected_accounts(&org, "ok");
    assert_eq!(accounts_of(&report), expected);
    let closed = account(&report, &org.closed);
    assert_eq!(closed["name"], "closed");
    assert_eq!(closed["error"], "account state is SUSPENDED, not ACTIVE");
    assert_eq!(closed["regions"].as_array().unwrap().len(), 0);
    let dev = account(&report, &org.dev);
    assert_eq!(dev["name"], "dev");
    assert_eq!(dev["regions"][0]["name"], REGION);
    assert_eq!(dev["regions"][0]["status"], "ok");
    // AssumeRole into it, GetCallerIdentity there, DescribeVpcs, DescribeFlowLogs.
    assert_eq!(dev["api_calls"], 4);

    // Each account's VPCs are judged under that account: its own VPC and its default VPC.
    let live_verdicts = verdicts(&report);
    for (account, vpc) in &org.vpcs {
        assert_eq!(
            live_verdicts[&(account.clone(), vpc.clone())],
            "fail",
            "{account}"
        );
    }
    assert_eq!(live_verdicts.len(), 6, "{live_verdicts:?}");
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["scanned_account"], f["resource"]["account"], "{f}");
    }
    for account in [ACCOUNT_ID, &org.dev, &org.prod] {
        assert_eq!(report["summary"]["by_account"][account]["fail"], 2, "{account}");
    }
    assert!(report["summary"]["by_account"].get(&org.closed).is_none());

    // Security Hub findings name the account whose credentials read each resource.
    let asff = json_of(&scan("asff", &[]));
    let mut asff_accounts: Vec<&str> = asff
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["AwsAccountId"].as_str().unwrap())
        .collect();
    asff_accounts.sort();
    asff_accounts.dedup();
    let mut want = vec![ACCOUNT_ID, org.dev.as_str(), org.prod.as_str()];
    want.sort();
    assert_eq!(asff_accounts, want);

    // The table groups each rule's findings by account, then region.
    let table = scan("table", &[]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("4 accounts (caller 123456789012)"), "{text}");
    assert!(text.contains(&format!("account {} (dev)", org.dev)), "{text}");
    assert!(text.contains("Accounts not scanned:"), "{text}");

    // A snapshot holds every account's inventory; scanning it gives the same verdicts.
    let dir = TempDir::new().unwrap();
    let snapshot = dir.path().join("org.json");
    let collected = cloudposture(&org.moto)
        .args(["collect", "--rules", "VPC-001", "--regions", REGION])
        .args(["--endpoint-url", &endpoint, "--accounts", "org", "--output"])
        .arg(&snapshot)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&collected.stderr);
    assert_eq!(collected.status.code(), Some(0), "{said}");
    // Written account by account; the summary counts the accounts.
    assert!(
        said.contains(": 4 accounts, 3 regions (0 in error), 6 VPCs"),
        "{said}"
    );
    let offline = cloudposture(&org.moto)
        .args(["scan", "--rules", "VPC-001", "--format", "json", "--snapshot"])
        .arg(&snapshot)
        .output()
        .unwrap();
    assert_eq!(offline.status.code(), Some(1));
    let offline = json_of(&offline);
    assert_eq!(verdicts(&offline), live_verdicts);
    assert_eq!(accounts_of(&offline), expected);
    assert_eq!(offline["summary"]["by_account"], report["summary"]["by_account"]);

    // --exclude-accounts leaves an account out altogether.
    let excluded = json_of(&scan("json", &["--exclude-accounts", &org.dev]));
    let ids: Vec<String> = accounts_of(&excluded).into_iter().map(|(id, _)| id).collect();
    assert!(!ids.contains(&org.dev), "{ids:?}");
    assert_eq!(ids.len(), 3);

    // --accounts-file: the listed accounts only, comments and blank lines skipped.
    let file = dir.path().join("accounts.txt");
    std::fs::write(&file, format!("# the team's accounts\n{}  # prod\n\n", org.prod)).unwrap();
    let listed = cloudposture(&org.moto)
        .args([
            "scan",
            "--rules",
            "VPC-001",
            "--format",
            "json",
            "--regions",
            REGION,
        ])
        .args(["--endpoint-url", &endpoint, "--accounts-file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        listed.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert_eq!(
        accounts_of(&json_of(&listed)),
        [(org.prod.clone(), "ok".to_string())]
    );
}

#[test]
fn an_account_whose_role_cannot_be_assumed_is_in_error_and_the_others_are_scanned() {
    let org = organization();
    let proxy = org.moto.refusing_assume_role_proxy(&org.prod);
    let out = cloudposture(&org.moto)
        .args([
            "scan",
            "--rules",
            "VPC-001",
            "--format",
            "json",
            "--regions",
            REGION,
        ])
        .args([
            "--fail-on",
            "never",
            "--endpoint-url",
            &proxy,
            "--accounts",
            "org",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "incomplete, never clean: {stderr}");
    assert!(
        stderr.contains(&format!("accounts in error: {}", org.prod)),
        "{stderr}"
    );
    let report = json_of(&out);
    let expected = expected_accounts(&org, "error");
    assert_eq!(accounts_of(&report), expected);
    let prod = account(&report, &org.prod);
    let error = prod["error"].as_str().unwrap();
    assert!(
        error.starts_with(&format!(
            "AssumeRole of arn:aws:iam::{}:role/OrganizationAccountAccessRole access denied (AccessDenied: \
             User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: sts:AssumeRole)",
            org.prod
        )),
        "{error}"
    );
    assert!(
        !error.contains('\n') && !error.contains("Error {"),
        "one line, no Debug text: {error}"
    );
    // The others are judged as without the refusal.
    let verdicts = verdicts(&report);
    assert_eq!(verdicts.len(), 4, "{verdicts:?}");
    assert!(verdicts.keys().all(|(account, _)| *account != org.prod));
    assert_eq!(verdicts[&(org.dev.clone(), org.vpcs[&org.dev].clone())], "fail");
}

#[test]
fn collect_of_an_organization_with_an_account_in_error_writes_the_snapshot_and_exits_3() {
    let org = organization();
    let proxy = org.moto.refusing_assume_role_proxy(&org.dev);
    let dir = TempDir::new().unwrap();
    let snapshot = dir.path().join("org.json");
    let out = cloudposture(&org.moto)
        .args(["collect", "--rules", "VPC-001", "--regions", REGION])
        .args(["--endpoint-url", &proxy, "--accounts", "org", "--output"])
        .arg(&snapshot)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "account {}: AssumeRole of arn:aws:iam::{}:role/",
            org.dev, org.dev
        )),
        "{stderr}"
    );
    // Scanning the snapshot says the same: the account in error, exit 3 when nothing fails.
    let offline = cloudposture(&org.moto)
        .args([
            "scan",
            "--rules",
            "VPC-001",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--snapshot",
        ])
        .arg(&snapshot)
        .output()
        .unwrap();
    assert_eq!(offline.status.code(), Some(3));
    let statuses: BTreeMap<String, String> = accounts_of(&json_of(&offline)).into_iter().collect();
    assert_eq!(statuses[&org.dev], "error");
    assert_eq!(statuses[&org.prod], "ok");
}

#[test]
fn shards_one_to_three_merged_equal_one_scan_of_the_organization() {
    let org = organization();
    // prod refuses its role: the merged scan is as incomplete as a single one.
    let proxy = org.moto.refusing_assume_role_proxy(&org.prod);
    let dir = TempDir::new().unwrap();
    let scan_with = |extra: &[&str], env: &[(&str, &str)]| {
        cloudposture(&org.moto)
            .args(["scan", "--rules", "VPC-001", "--regions", REGION])
            .args(["--endpoint-url", &proxy, "--accounts", "org"])
            .args(extra)
            .envs(env.iter().copied())
            .output()
            .unwrap()
    };
    let scan = |extra: &[&str]| scan_with(extra, &[]);
    let whole = scan(&["--format", "json"]);
    assert_eq!(whole.status.code(), Some(1));
    let whole = json_of(&whole);

    let mut reports = Vec::new();
    for k in 1..=3u32 {
        let path = dir.path().join(format!("shard-{k}.json"));
        let shard = format!("{k}/3");
        let output = ["--format", "json", "--output", path.to_str().unwrap()];
        // As a Kubernetes Indexed Job and an AWS Batch array job run them (indexes from 0).
        let auto = [&output[..], &["--shard", "auto/3"]].concat();
        let out = match k {
            1 => scan_with(&auto, &[("JOB_COMPLETION_INDEX", "0")]),
            2 => scan_with(&auto, &[("AWS_BATCH_JOB_ARRAY_INDEX", "1")]),
            _ => scan(&[&output[..], &["--shard", &shard]].concat()),
        };
        let part: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(part["scan"]["shard"], serde_json::json!({"index": k, "count": 3}));
        for account in part["scan"]["accounts"].as_array().unwrap() {
            let id: u64 = account["id"].as_str().unwrap().parse().unwrap();
            assert_eq!(id % 3, u64::from(k - 1), "shard {shard} holds {id}");
        }
        assert!(
            [0, 1, 3].contains(&out.status.code().unwrap()),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        reports.push(path);
    }
    let merge = |args: &[&str], reports: &[std::path::PathBuf]| {
        cloudposture(&org.moto)
            .arg("merge")
            .args(reports)
            .args(args)
            .output()
            .unwrap()
    };
    let merged = merge(&["--format", "json"], &reports);
    assert_eq!(
        merged.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let merged = json_of(&merged);
    assert_eq!(merged["findings"], whole["findings"]);
    assert_eq!(merged["summary"], whole["summary"]);
    assert_eq!(merged["scan"]["accounts"], whole["scan"]["accounts"]);
    assert_eq!(merged["scan"]["regions"], whole["scan"]["regions"]);
    assert!(merged["scan"].get("shard").is_none());

    // The table of the merged report: prod in error, said on stderr too (exit 1 wins).
    let table = merge(&["--fail-on", "never"], &reports);
    let text = String::from_utf8_lossy(&table.stdout);
    let stderr = String::from_utf8_lossy(&table.stderr);
    assert_eq!(table.status.code(), Some(3), "{stderr}");
    assert!(text.contains("3 shard reports merged"), "{text}");
    assert!(text.contains(&format!("account {} (dev)", org.dev)), "{text}");
    assert!(
        stderr.contains(&format!("accounts in error: {}", org.prod)),
        "{stderr}"
    );
    if std::env::var_os("CLOUDPOSTURE_PRINT_TABLE").is_some() {
        eprintln!("{text}");
    }

    // A shard collected to a snapshot and scanned later is the same shard report.
    let snapshot = dir.path().join("shard-2.snapshot.json");
    let collected = cloudposture(&org.moto)
        .args(["collect", "--rules", "VPC-001", "--regions", REGION])
        .args([
            "--endpoint-url",
            &proxy,
            "--accounts",
            "org",
            "--shard",
            "2/3",
            "--output",
        ])
        .arg(&snapshot)
        .output()
        .unwrap();
    assert!([0, 3].contains(&collected.status.code().unwrap()));
    let offline = cloudposture(&org.moto)
        .args(["scan", "--rules", "VPC-001", "--format", "json", "--snapshot"])
        .arg(&snapshot)
        .output()
        .unwrap();
    let offline = json_of(&offline);
    let live: Value = serde_json::from_str(&std::fs::read_to_string(&reports[1]).unwrap()).unwrap();
    assert_eq!(
        offline["scan"]["shard"],
        serde_json::json!({"index": 2, "count": 3})
    );
    assert_eq!(offline["findings"], live["findings"]);

    // A shard left out, or given twice, is bad input.
    let missing = merge(&[], &reports[..2]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr).trim(),
        "error: shard 3 of 3 is missing: merge needs the reports of all 3 shards"
    );
    let twice = merge(&[], &[reports[0].clone(), reports[1].clone(), reports[1].clone()]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("is given twice"));
}
