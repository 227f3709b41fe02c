//! Snapshots: saved and loaded back identically; every kind of bad file is a clear error.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::Path;

use cloudposture_aws::snapshot::{self, SnapshotError};
use cloudposture_aws::{
    CollectError, Collection, DestinationType, ErrorClass, FlowLog, FlowLogResourceType, Inventory,
    NetworkInterface, RegionInventory, SNAPSHOT_SCHEMA_VERSION, SkippedRegion, Subnet, TrafficType, Vpc,
};

fn sample() -> Inventory {
    let mut inventory = Inventory::new(Some("111122223333".into()));
    let mut ok = RegionInventory::new("eu-west-1");
    ok.vpcs = Collection::Collected(vec![Vpc {
        id: "vpc-0a1".into(),
        region: "eu-west-1".into(),
        owner_id: "111122223333".into(),
        cidr_blocks: vec!["10.0.0.0/16".into(), "10.1.0.0/16".into()],
        ipv6_cidr_blocks: vec!["2600:1f18::/56".into()],
        is_default: false,
        state: "available".into(),
        tags: [("Name", "prod ✓ \"quoted\""), ("empty", "")]
            .into_iter()
            .collect(),
    }]);
    ok.flow_logs = Collection::Collected(vec![FlowLog {
        id: "fl-1".into(),
        region: "eu-west-1".into(),
        account: Some("111122223333".into()),
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
    ok.subnets = Collection::Collected(vec![Subnet {
        id: "subnet-1".into(),
        vpc_id: "vpc-0a1".into(),
        region: "eu-west-1".into(),
        owner_id: Some("111122223333".into()),
        tags: Default::default(),
    }]);
    ok.network_interfaces = Collection::Collected(vec![NetworkInterface {
        id: "eni-1".into(),
        vpc_id: "vpc-0a1".into(),
        region: "eu-west-1".into(),
        owner_id: None,
        tags: Default::default(),
    }]);
    ok.api_calls = 4;
    let mut failed = RegionInventory::new("us-east-1");
    failed.vpcs = Collection::Failed(CollectError::new(
        "DescribeVpcs",
        ErrorClass::Throttled,
        Some("RequestLimitExceeded".into()),
        "Request limit exceeded.",
    ));
    failed.api_calls = 1;
    inventory.regions = vec![ok, failed];
    inventory.regions_not_scanned = vec![SkippedRegion {
        name: "af-south-1".into(),
        reason: "opt-in region not enabled for the account".into(),
    }];
    inventory.global_api_calls = 2;
    inventory
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_saved_snapshot_loads_back_identically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.json");
    let inventory = sample();
    snapshot::save(&inventory, &path).unwrap();
    let loaded = snapshot::load(&path).unwrap();
    assert_eq!(loaded, inventory);
    // Saving what was loaded gives the same bytes: nothing is lost or reordered.
    assert_eq!(
        snapshot::to_json(&loaded),
        std::fs::read_to_string(&path).unwrap()
    );
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
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
    let cut = &json[..json.len() / 2];
    let path = write(dir.path(), "truncated.json", cut.as_bytes());
    let error = snapshot::load(&path).unwrap_err();
    let SnapshotError::Invalid { line, column, .. } = &error else {
        panic!("expected Invalid, got {error:?}");
    };
    let expected_line = cut.lines().count();
    assert_eq!(*line, expected_line);
    assert!(*column > 0);
    let text = error.to_string();
    assert!(text.contains("truncated.json"), "{text}");
    assert!(
        text.contains(&format!("line {expected_line}, column {column}")),
        "{text}"
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
    let mut same_shape = serde_json::to_value(sample()).unwrap();
    same_shape["schema_version"] = serde_json::Value::from(future);
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
    let mut unversioned = serde_json::to_value(sample()).unwrap();
    unversioned.as_object_mut().unwrap().remove("schema_version");
    let path = write(dir.path(), "old.json", unversioned.to_string().as_bytes());
    let text = snapshot::load(&path).unwrap_err().to_string();
    assert!(
        text.contains("old.json")
            && text.contains("missing field `schema_version`; is this a cloudposture snapshot?"),
        "{text}"
    );
}
