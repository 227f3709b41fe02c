//! Snapshots: saved and loaded back identically, schema 1 upgraded, kinds this build
//! does not know kept; every kind of bad file is a clear error.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::{Path, PathBuf};

use cloudposture_aws::snapshot::{self, SnapshotError};
use cloudposture_aws::{
    CollectError, DestinationType, ErrorClass, FlowLog, FlowLogResourceType, FlowLogs, Inventory,
    NetworkInterface, NetworkInterfaces, SNAPSHOT_SCHEMA_VERSION, Scope, ScopeId, Subnet, Subnets,
    TrafficType, Vpc, Vpcs, kinds,
};
use cloudposture_core::{Entry, KindState, SkippedRegion};
use serde_json::Value;

const ACCOUNT: &str = "111122223333";

fn sample() -> Inventory {
    let mut inventory = Inventory::new(Some(ACCOUNT.into()));
    let mut ok = Scope::new(ScopeId::region(Some(ACCOUNT), "eu-west-1"));
    ok.insert::<Vpcs>(vec![Vpc {
        id: "vpc-0a1".into(),
        region: "eu-west-1".into(),
        owner_id: ACCOUNT.into(),
        cidr_blocks: vec!["10.0.0.0/16".into(), "10.1.0.0/16".into()],
        ipv6_cidr_blocks: vec!["2600:1f18::/56".into()],
        is_default: false,
        state: "available".into(),
        tags: [("Name", "prod ✓ \"quoted\""), ("empty", "")]
            .into_iter()
            .collect(),
    }]);
    ok.insert::<FlowLogs>(vec![FlowLog {
        id: "fl-1".into(),
        region: "eu-west-1".into(),
        account: Some(ACCOUNT.into()),
        resource_id: "subnet-1".into(),
        resource_type: FlowLogResourceType::Subnet,
        traffic_type: TrafficType::Other("SOMETHING-NEW".into()),
        flow_log_status: "ACTIVE".into(),
        deliver_logs_status: Some("FAILED".into()),
        deliver_logs_error_message: Some("Access error".into()),
        destination_type: DestinationType::CloudWatchLogs,
        destination: None,
        log_group_name: Some("flows".into()),
        deliver_logs_permission_arn: Some("arn:aws:iam::111122223333:role/flows".into()),
        log_format: Some("${version} ${srcaddr}".into()),
        max_aggregation_interval: Some(60),
        creation_time: Some(jiff::Timestamp::new(1_700_000_000, 123_456_789).unwrap()),
        tags: Default::default(),
    }]);
    ok.insert::<Subnets>(vec![Subnet {
        id: "subnet-1".into(),
        vpc_id: "vpc-0a1".into(),
        region: "eu-west-1".into(),
        owner_id: Some(ACCOUNT.into()),
        tags: Default::default(),
    }]);
    ok.insert::<NetworkInterfaces>(vec![NetworkInterface {
        id: "eni-1".into(),
        vpc_id: "vpc-0a1".into(),
        region: "eu-west-1".into(),
        owner_id: None,
        tags: Default::default(),
    }]);
    ok.api_calls = 4;
    let mut failed = Scope::new(ScopeId::region(Some(ACCOUNT), "us-east-1"));
    failed.fail(
        kinds::VPC,
        CollectError::new(
            "DescribeVpcs",
            ErrorClass::Throttled,
            Some("RequestLimitExceeded".into()),
            "Request limit exceeded.",
        ),
    );
    failed.api_calls = 1;
    inventory.scopes = vec![ok, failed];
    inventory.regions_not_scanned = vec![SkippedRegion {
        name: "af-south-1".into(),
        reason: "opt-in region not enabled for the account".into(),
    }];
    inventory.global_api_calls = 2;
    inventory
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn json_of(inventory: &Inventory) -> Value {
    serde_json::from_str(&snapshot::to_json(inventory)).unwrap()
}

/// The demo account as it was written in schema 1 (`examples/demo-account.json` is now
/// schema 2; `crates/cloudposture-cli/tests/demo_snapshot.rs` checks both hold the same).
fn demo_v1_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata/demo-account-v1.json")
}

#[test]
fn a_saved_snapshot_loads_back_identically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.json");
    let inventory = sample();
    snapshot::save(&inventory, &path).unwrap();
    let loaded = snapshot::load(&path).unwrap();
    assert_eq!(loaded, inventory);
    assert_eq!(loaded.schema_version, SNAPSHOT_SCHEMA_VERSION);
    // Saving what was loaded gives the same bytes: nothing is lost or reordered.
    assert_eq!(
        snapshot::to_json(&loaded),
        std::fs::read_to_string(&path).unwrap()
    );
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn schema_2_stores_scopes_and_kinds_by_name() {
    let json = json_of(&sample());
    assert_eq!(json["schema_version"], 2);
    let scope = &json["scopes"][0];
    assert_eq!(
        (&scope["account"], &scope["region"]),
        (&Value::from(ACCOUNT), &Value::from("eu-west-1"))
    );
    let names: Vec<&str> = scope["kinds"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        names,
        [
            "aws.ec2.flow-log",
            "aws.ec2.network-interface",
            "aws.ec2.subnet",
            "aws.ec2.vpc"
        ]
    );
    assert_eq!(scope["kinds"]["aws.ec2.vpc"]["listed"][0]["id"], "vpc-0a1");
    let failed = &json["scopes"][1]["kinds"]["aws.ec2.vpc"]["failed"];
    assert_eq!(failed["code"], "RequestLimitExceeded");
}

#[test]
fn a_schema_1_snapshot_loads_into_scopes_with_the_same_counts() {
    let text = std::fs::read_to_string(demo_v1_path()).unwrap();
    let v1: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v1["schema_version"], 1,
        "testdata/demo-account-v1.json is a schema-1 file"
    );

    let loaded = snapshot::load(&demo_v1_path()).unwrap();

    assert_eq!(loaded.schema_version, SNAPSHOT_SCHEMA_VERSION);
    assert_eq!(loaded.account.as_deref(), v1["account"].as_str());
    assert_eq!(
        loaded.collected_at.to_string(),
        v1["collected_at"].as_str().unwrap()
    );
    assert_eq!(loaded.global_api_calls, v1["global_api_calls"].as_u64().unwrap());
    let skipped: Vec<&str> = loaded
        .regions_not_scanned
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(skipped, ["me-central-1"]);
    let regions = v1["regions"].as_array().unwrap();
    assert_eq!(loaded.scopes.len(), regions.len());
    let count = |v: &Value| v.get("collected").map(|c| c.as_array().unwrap().len());
    let mut flow_logs_failed = 0;
    for (scope, region) in loaded.scopes.iter().zip(regions) {
        let name = region["name"].as_str().unwrap();
        assert_eq!(scope.id, ScopeId::region(v1["account"].as_str(), name));
        assert_eq!(scope.api_calls, region["api_calls"].as_u64().unwrap(), "{name}");
        let vpcs = match scope.get::<Vpcs>() {
            KindState::Listed(vpcs) => Some(vpcs.len()),
            _ => None,
        };
        assert_eq!(vpcs, count(&region["vpcs"]), "{name}");
        match scope.get::<FlowLogs>() {
            KindState::Listed(logs) => assert_eq!(Some(logs.len()), count(&region["flow_logs"]), "{name}"),
            KindState::Failed(e) => {
                flow_logs_failed += 1;
                assert_eq!(e.operation, region["flow_logs"]["failed"]["operation"], "{name}");
                assert_eq!(e.class, ErrorClass::AccessDenied);
            }
            KindState::NotCollected => panic!("{name}: flow logs not collected"),
        }
        // `not_collected` in schema 1 is an absent kind in schema 2.
        if region["subnets"] == "not_collected" {
            assert!(scope.entry(kinds::SUBNET).is_none(), "{name}");
        } else {
            assert_eq!(
                Some(scope.count(kinds::SUBNET)),
                count(&region["subnets"]),
                "{name}"
            );
        }
    }
    assert_eq!(flow_logs_failed, 1, "ap-southeast-2's flow logs were denied");
    let total = |field: &str| regions.iter().filter_map(|r| count(&r[field])).sum::<usize>();
    assert_eq!(loaded.count(kinds::VPC), total("vpcs"));
    assert_eq!(loaded.count(kinds::FLOW_LOG), total("flow_logs"));

    // Saved again it is a schema-2 snapshot that loads back equal.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upgraded.json");
    snapshot::save(&loaded, &path).unwrap();
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("\"schema_version\": 2")
    );
    assert_eq!(snapshot::load(&path).unwrap(), loaded);
}

#[test]
fn a_kind_this_build_does_not_know_is_kept_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut json = json_of(&sample());
    let gateways = serde_json::json!({
        "listed": [{"id": "igw-1", "attachments": [{"vpc_id": "vpc-0a1", "state": "available"}], "n": 1.5}]
    });
    let routes = serde_json::json!({
        "failed": {"operation": "DescribeRouteTables", "class": "access-denied", "code": "UnauthorizedOperation",
                   "message": "no", "api_calls": 1}
    });
    json["scopes"][0]["kinds"]["example.internet-gateway"] = gateways.clone();
    json["scopes"][1]["kinds"]["example.route-table"] = routes;
    let path = write(
        dir.path(),
        "newer-kinds.json",
        serde_json::to_string_pretty(&json).unwrap().as_bytes(),
    );

    let loaded = snapshot::load(&path).unwrap();

    let Some(Entry::Unknown(raw)) = loaded.scopes[0].entry("example.internet-gateway") else {
        panic!("{:?}", loaded.scopes[0].entry("example.internet-gateway"));
    };
    assert_eq!(
        serde_json::from_str::<Value>(raw.get()).unwrap(),
        gateways["listed"]
    );
    assert!(
        matches!(loaded.scopes[1].entry("example.route-table"), Some(Entry::Failed(e)) if e.operation == "DescribeRouteTables")
    );
    // The kinds it knows are read as usual, and nothing counts the unknown one as read.
    assert!(matches!(loaded.scopes[0].get::<Vpcs>(), KindState::Listed(v) if v.len() == 1));
    assert_eq!(loaded.scopes[0].count("example.internet-gateway"), 0);
    // Saved back, the file says the same thing, byte for byte once saved by this build.
    let again = dir.path().join("again.json");
    snapshot::save(&loaded, &again).unwrap();
    let saved = std::fs::read_to_string(&again).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&saved).unwrap(), json);
    let reloaded = snapshot::load(&again).unwrap();
    assert_eq!(reloaded, loaded);
    assert_eq!(snapshot::to_json(&reloaded), saved);
}

#[test]
fn a_missing_file_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.json");
    let error = snapshot::load(&path).unwrap_err();
    assert!(matches!(error, SnapshotError::Io { .. }), "{error:?}");
    assert!(error.to_string().contains("nope.json"), "{error}");
}

#[test]
fn saving_into_a_missing_directory_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("scan.json");
    let error = snapshot::save(&sample(), &path).unwrap_err();
    assert!(matches!(error, SnapshotError::Io { .. }), "{error:?}");
    assert!(error.to_string().contains("scan.json"), "{error}");
}

#[test]
fn a_snapshot_written_part_by_part_loads_as_one_and_a_failed_one_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.json");
    let whole = sample();
    let mut file = snapshot::SnapshotFile::create(&path).unwrap();
    for (n, scope) in whole.scopes.iter().enumerate() {
        let mut part = whole.clone();
        part.scopes = vec![scope.clone()];
        part.regions_not_scanned.clear();
        if n > 0 {
            // What was read outside the scopes comes once, with the first part.
            part.global_api_calls = 0;
        }
        file.write(part).unwrap();
    }
    let kept = file.commit().unwrap();
    assert!(kept.scopes.is_empty());
    let mut loaded = snapshot::load(&path).unwrap();
    loaded.regions_not_scanned = whole.regions_not_scanned.clone();
    assert_eq!(loaded, whole);

    // Dropped before its commit (collection failed): no file, no temporary file.
    let dropped = dir.path().join("dropped.json");
    let mut file = snapshot::SnapshotFile::create(&dropped).unwrap();
    file.write(sample()).unwrap();
    drop(file);
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["org.json"]);
    // Into a directory that does not exist: an error naming the file.
    let error = snapshot::SnapshotFile::create(&dir.path().join("no-such-dir/x.json"))
        .err()
        .unwrap();
    assert!(error.to_string().contains("x.json"), "{error}");
}

#[test]
fn a_failed_save_leaves_no_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    // The name is taken by a directory that is not empty: the final rename fails after
    // the snapshot was written to its temporary file.
    let taken = dir.path().join("scan.json");
    std::fs::create_dir(&taken).unwrap();
    std::fs::write(taken.join("keep"), b"x").unwrap();
    let error = snapshot::save(&sample(), &taken).unwrap_err();
    assert!(matches!(error, SnapshotError::Io { .. }), "{error:?}");
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["scan.json"], "only the directory that was there");
    assert!(taken.join("keep").exists());
}

#[test]
fn truncated_json_names_the_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let json = snapshot::to_json(&sample());
    let half = json.len() / 2;
    // Cut mid-line, and cut just after a line break (the end is then on an empty line).
    let after_break = half + json[half..].find('\n').unwrap() + 1;
    for cut in [&json[..half], &json[..after_break]] {
        let path = write(dir.path(), "truncated.json", cut.as_bytes());
        let error = snapshot::load(&path).unwrap_err();
        let SnapshotError::Invalid { line, column, .. } = &error else {
            panic!("expected Invalid, got {error:?}");
        };
        let expected_line = cut.matches('\n').count() + 1;
        assert_eq!(*line, expected_line, "{error}");
        assert!(*column >= 1, "columns are 1-based: {error}");
        let text = error.to_string();
        assert!(text.contains("truncated.json"), "{text}");
        assert!(
            text.contains(&format!("line {expected_line}, column {column}")),
            "{text}"
        );
    }
}

#[test]
fn a_bad_item_of_a_kind_names_the_kind_scope_and_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let json = snapshot::to_json(&sample());
    let bad = json.replacen("\"is_default\": false", "\"is_default\": \"no\"", 1);
    assert_ne!(bad, json);
    let expected_line = bad
        .lines()
        .position(|l| l.contains("\"is_default\": \"no\""))
        .unwrap()
        + 1;
    let path = write(dir.path(), "bad-vpc.json", bad.as_bytes());
    let error = snapshot::load(&path).unwrap_err();
    let SnapshotError::Invalid {
        line,
        column,
        message,
        ..
    } = &error
    else {
        panic!("expected Invalid, got {error:?}");
    };
    assert!(
        message.contains("aws.ec2.vpc") && message.contains("eu-west-1"),
        "{message}"
    );
    assert!(message.contains("invalid type"), "{message}");
    assert_eq!(*line, expected_line, "{error}");
    let bad_line = bad.lines().nth(expected_line - 1).unwrap();
    let value_at = bad_line.find("\"no\"").unwrap() + 1;
    assert!(
        (value_at..=bad_line.len()).contains(column),
        "column {column} is not at the value in {bad_line:?}"
    );
}

#[test]
fn a_file_that_is_not_json_is_invalid() {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in [
        ("text.json", "hello, world\n"),
        ("empty.json", ""),
        ("array.json", "[1, 2, 3]"),
        ("yaml.json", "schema_version: 1\nregions: []\n"),
        ("wrong-version-type.json", r#"{"schema_version": "one"}"#),
        ("negative-version.json", r#"{"schema_version": -1}"#),
        ("no-version.json", r#"{"account": "111122223333"}"#),
        ("wrong-shape.json", r#"{"schema_version": 1, "regions": "all"}"#),
        ("wrong-shape-2.json", r#"{"schema_version": 2, "scopes": "all"}"#),
        (
            "wrong-entry-2.json",
            r#"{"schema_version": 2, "account": null, "collected_at": "2026-01-01T00:00:00Z",
                "scopes": [{"region": "eu-west-1", "kinds": {"aws.ec2.vpc": {"maybe": []}}}]}"#,
        ),
    ] {
        let path = write(dir.path(), name, content.as_bytes());
        let error = snapshot::load(&path).unwrap_err();
        assert!(
            matches!(error, SnapshotError::Invalid { .. }),
            "{name}: {error:?}"
        );
        assert!(error.to_string().contains(name), "{name}: {error}");
    }
}

#[test]
fn a_scan_report_is_not_taken_for_a_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "report.json",
        br#"{"schema_version": 1, "findings": []}"#,
    );
    let text = snapshot::load(&path).unwrap_err().to_string();
    assert!(
        text.contains("report.json") && text.contains("scan report"),
        "{text}"
    );
}

#[test]
fn a_binary_file_is_invalid_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"{\n  \"schema_version\": 1,\n  \"acc".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0x00, 0x89, b'P', b'N', b'G']);
    let path = write(dir.path(), "image.png", &bytes);
    let error = snapshot::load(&path).unwrap_err();
    let SnapshotError::Invalid {
        line,
        column,
        message,
        ..
    } = &error
    else {
        panic!("expected Invalid, got {error:?}");
    };
    assert!(message.contains("UTF-8"), "{message}");
    assert_eq!((*line, *column), (3, 7));

    let nul = write(dir.path(), "nul.bin", &[0u8; 64]);
    assert!(matches!(snapshot::load(&nul), Err(SnapshotError::Invalid { .. })));
}

#[test]
fn a_newer_schema_version_is_refused_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let future = u64::from(SNAPSHOT_SCHEMA_VERSION) + 1;
    // A newer layout may change anything else: the version alone decides.
    let content = format!(r#"{{"schema_version": {future}, "regions": {{"changed": true}}}}"#);
    let path = write(dir.path(), "future.json", content.as_bytes());
    let error = snapshot::load(&path).unwrap_err();
    let SnapshotError::FutureVersion { found, supported, .. } = &error else {
        panic!("expected FutureVersion, got {error:?}");
    };
    assert_eq!((*found, *supported), (future, SNAPSHOT_SCHEMA_VERSION));
    let text = error.to_string();
    assert!(text.contains("future.json") && text.contains("upgrade"), "{text}");

    // A newer version whose layout happens to still parse is refused all the same.
    let mut same_shape = json_of(&sample());
    same_shape["schema_version"] = Value::from(future);
    let path = write(
        dir.path(),
        "future-same-shape.json",
        same_shape.to_string().as_bytes(),
    );
    let error = snapshot::load(&path).unwrap_err();
    assert!(
        matches!(error, SnapshotError::FutureVersion { found, .. } if found == future),
        "{error:?}"
    );
}

#[test]
fn a_file_without_schema_version_is_asked_about() {
    let dir = tempfile::tempdir().unwrap();
    let mut unversioned = json_of(&sample());
    unversioned.as_object_mut().unwrap().remove("schema_version");
    let path = write(dir.path(), "old.json", unversioned.to_string().as_bytes());
    let text = snapshot::load(&path).unwrap_err().to_string();
    assert!(
        text.contains("old.json")
            && text.contains("missing field `schema_version`; is this a cloudposture snapshot?"),
        "{text}"
    );
}

/// The demo snapshot as JSON, changed by `change`, loaded: the error's text.
fn load_changed(change: impl FnOnce(&mut Value)) -> String {
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account.json");
    let mut json: Value = serde_json::from_str(&std::fs::read_to_string(&demo).unwrap()).unwrap();
    change(&mut json);
    let path = Path::new("changed.json");
    match snapshot::from_json(&json.to_string(), path) {
        Ok(_) => "loaded".to_string(),
        Err(e) => {
            assert!(matches!(e, SnapshotError::Inconsistent { .. }), "{e}");
            e.to_string()
        }
    }
}

fn vpcs(json: &mut Value, scope: usize) -> &mut Vec<Value> {
    json["scopes"][scope]["kinds"]["aws.ec2.vpc"]["listed"]
        .as_array_mut()
        .unwrap()
}

#[test]
fn a_snapshot_that_cannot_be_one_scan_is_refused_saying_why() {
    assert_eq!(load_changed(|_| {}), "loaded");
    assert_eq!(
        load_changed(|j| {
            let first = j["scopes"][0].clone();
            j["scopes"].as_array_mut().unwrap().push(first);
        }),
        "snapshot `changed.json` is not consistent: region ap-southeast-2 of account 123456789012 is listed twice"
    );
    assert_eq!(
        load_changed(|j| {
            let first = vpcs(j, 1)[0].clone();
            vpcs(j, 1).push(first);
        }),
        "snapshot `changed.json` is not consistent: `aws.ec2.vpc` `vpc-0e1a00000000000a1` is listed twice in eu-west-1"
    );
    assert_eq!(
        load_changed(|j| vpcs(j, 1)[0]["id"] = "".into()),
        "snapshot `changed.json` is not consistent: `aws.ec2.vpc` in eu-west-1 has an item with an empty id"
    );
    assert_eq!(
        load_changed(|j| j["scopes"][1]["region"] = "eu-west".into()),
        "snapshot `changed.json` is not consistent: `eu-west` is not an AWS region name"
    );
    assert_eq!(
        load_changed(|j| vpcs(j, 1)[0]["region"] = "us-east-1".into()),
        "snapshot `changed.json` is not consistent: `aws.ec2.vpc` `vpc-0e1a00000000000a1` says its region is \
         `us-east-1` but is listed under eu-west-1"
    );
}
