//! `examples/demo-account.json`: generated from the inventory below, so that the file
//! and this description of it cannot drift apart.
//!
//! Regenerate after changing the inventory or the snapshot layout:
//! `CLOUDPOSTURE_UPDATE_DEMO=1 cargo test --workspace --all-targets --all-features --test demo_snapshot`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::PathBuf;

#[path = "demo_snapshot/networking.rs"]
mod networking;

use cloudposture_aws::kinds::{
    FlowLogs, Instances, NetworkAcls, NetworkInterfaces, SecurityGroups, Subnets, Vpcs,
};
use cloudposture_aws::{
    CollectError, DestinationType, ErrorClass, FlowLog, FlowLogResourceType, Inventory, NetworkInterface,
    SNAPSHOT_SCHEMA_VERSION, Scope, ScopeId, Subnet, TrafficType, Vpc, snapshot,
};
use cloudposture_core::{Kind, SkippedRegion, Tags};

const ACCOUNT: &str = "123456789012";
const ROLE: &str = "arn:aws:iam::123456789012:role/vpc-flow-logs";

fn demo_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account.json")
}

/// The same account as it was written in schema 1, before snapshots stored scopes × kinds.
fn demo_v1_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../cloudposture-aws/tests/testdata/demo-account-v1.json")
}

fn region(name: &str, api_calls: u64) -> Scope {
    let mut scope = Scope::new(ScopeId::region(Some(ACCOUNT), name));
    scope.api_calls = api_calls;
    scope
}

fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn vpc(region: &str, id: &str, cidr: &str, tag_pairs: &[(&str, &str)]) -> Vpc {
    Vpc {
        id: id.into(),
        region: region.into(),
        owner_id: ACCOUNT.into(),
        cidr_blocks: vec![cidr.into()],
        ipv6_cidr_blocks: Vec::new(),
        is_default: false,
        state: "available".into(),
        tags: tags(tag_pairs),
    }
}

struct Log<'a> {
    region: &'a str,
    id: &'a str,
    resource_id: &'a str,
    traffic: TrafficType,
    status: &'a str,
    delivery: Option<(&'a str, Option<&'a str>)>,
    destination: DestinationType,
}

fn flow_log(l: Log<'_>) -> FlowLog {
    let (destination, log_group_name, role) = match &l.destination {
        DestinationType::CloudWatchLogs => (
            Some(format!(
                "arn:aws:logs:{}:{ACCOUNT}:log-group:/vpc/flow-logs/{}",
                l.region, l.resource_id
            )),
            Some(format!("/vpc/flow-logs/{}", l.resource_id)),
            Some(ROLE.to_string()),
        ),
        DestinationType::S3 => (
            Some(format!("arn:aws:s3:::demo-flow-logs-{ACCOUNT}/{}", l.region)),
            None,
            None,
        ),
        DestinationType::KinesisDataFirehose => (
            Some(format!(
                "arn:aws:firehose:{}:{ACCOUNT}:deliverystream/vpc-flow-logs",
                l.region
            )),
            None,
            Some(ROLE.to_string()),
        ),
        DestinationType::Other(_) => (None, None, None),
    };
    FlowLog {
        id: l.id.into(),
        region: l.region.into(),
        account: Some(ACCOUNT.into()),
        resource_id: l.resource_id.into(),
        resource_type: FlowLogResourceType::from_resource_id(l.resource_id),
        traffic_type: l.traffic,
        flow_log_status: l.status.into(),
        deliver_logs_status: l.delivery.map(|(s, _)| s.to_string()),
        deliver_logs_error_message: l.delivery.and_then(|(_, e)| e.map(str::to_string)),
        destination_type: l.destination,
        destination,
        log_group_name,
        deliver_logs_permission_arn: role,
        log_format: None,
        max_aggregation_interval: Some(600),
        creation_time: Some("2025-03-14T10:00:00Z".parse().unwrap()),
        tags: Tags::new(),
    }
}

const OK: Option<(&str, Option<&str>)> = Some(("SUCCESS", None));

/// The demo account: every kind of VPC that VPC-001.md describes.
/// The demo account: the VPCs and flow logs below, and the networking kinds of
/// [`networking`].
fn demo() -> Inventory {
    let mut inventory = flow_log_demo();
    networking::add(&mut inventory.scopes);
    inventory
}

/// The VPCs and flow logs of the demo account (all that schema 1 could hold).
fn flow_log_demo() -> Inventory {
    let eu = "eu-west-1";
    let mut default_vpc = vpc(eu, "vpc-0e1a00000000000f6", "172.31.0.0/16", &[]);
    default_vpc.is_default = true;
    let mut eu_west_1 = region(eu, 2);
    eu_west_1.insert::<Vpcs>(vec![
        // Compliant: ALL traffic, ACTIVE, delivering.
        vpc(
            eu,
            "vpc-0e1a00000000000a1",
            "10.10.0.0/16",
            &[("Name", "prod-core"), ("Environment", "production")],
        ),
        // No flow log at all.
        vpc(
            eu,
            "vpc-0e1a00000000000b2",
            "10.20.0.0/16",
            &[("Name", "staging"), ("Environment", "staging")],
        ),
        // A flow log that is failing delivery.
        vpc(
            eu,
            "vpc-0e1a00000000000c3",
            "10.30.0.0/16",
            &[("Name", "analytics")],
        ),
        // A flow log that is not ACTIVE.
        vpc(
            eu,
            "vpc-0e1a00000000000d4",
            "10.40.0.0/16",
            &[("Name", "legacy-batch")],
        ),
        // A sandbox (an exception on `Environment::sandbox` mutes it).
        vpc(
            eu,
            "vpc-0e1a00000000000e5",
            "10.50.0.0/16",
            &[
                ("Name", "sandbox-42"),
                ("Environment", "sandbox"),
                ("Ephemeral", ""),
            ],
        ),
        // The region's default VPC, never given a flow log.
        default_vpc,
    ]);
    eu_west_1.insert::<FlowLogs>(vec![
        flow_log(Log {
            region: eu,
            id: "fl-0e1a0000000000a01",
            resource_id: "vpc-0e1a00000000000a1",
            traffic: TrafficType::All,
            status: "ACTIVE",
            delivery: OK,
            destination: DestinationType::CloudWatchLogs,
        }),
        flow_log(Log {
            region: eu,
            id: "fl-0e1a0000000000c01",
            resource_id: "vpc-0e1a00000000000c3",
            traffic: TrafficType::All,
            status: "ACTIVE",
            delivery: Some(("FAILED", Some("Access error"))),
            destination: DestinationType::CloudWatchLogs,
        }),
        flow_log(Log {
            region: eu,
            id: "fl-0e1a0000000000d01",
            resource_id: "vpc-0e1a00000000000d4",
            traffic: TrafficType::All,
            status: "INACTIVE",
            delivery: None,
            destination: DestinationType::S3,
        }),
    ]);
    eu_west_1.insert::<Subnets>(Vec::new());
    eu_west_1.insert::<NetworkInterfaces>(Vec::new());

    let us = "us-east-1";
    let mut shared = vpc(
        us,
        "vpc-0a5e0000000000f16",
        "10.160.0.0/16",
        &[("Name", "shared-network")],
    );
    shared.owner_id = "111122223333".into();
    let mut us_east_1 = region(us, 4);
    us_east_1.insert::<Vpcs>(vec![
        // REJECT only: enough for the default `traffic_type = "any"`, not for "ALL".
        vpc(
            us,
            "vpc-0a5e0000000000a11",
            "10.110.0.0/16",
            &[("Name", "edge-reject-only")],
        ),
        // An ACCEPT log and a REJECT log: together they cover ALL.
        vpc(
            us,
            "vpc-0a5e0000000000b12",
            "10.120.0.0/16",
            &[("Name", "payments"), ("Environment", "production")],
        ),
        // Delivering to Kinesis Data Firehose.
        vpc(
            us,
            "vpc-0a5e0000000000c13",
            "10.130.0.0/16",
            &[("Name", "streaming")],
        ),
        // Only a subnet has a flow log: the VPC does not pass.
        vpc(
            us,
            "vpc-0a5e0000000000d14",
            "10.140.0.0/16",
            &[("Name", "subnet-logged")],
        ),
        // Only a network interface has a flow log: the VPC does not pass.
        vpc(
            us,
            "vpc-0a5e0000000000e15",
            "10.150.0.0/16",
            &[("Name", "eni-logged")],
        ),
        // Shared with this account through AWS RAM; only its owner can add a flow log.
        shared,
    ]);
    us_east_1.insert::<FlowLogs>(vec![
        flow_log(Log {
            region: us,
            id: "fl-0a5e000000000a101",
            resource_id: "vpc-0a5e0000000000a11",
            traffic: TrafficType::Reject,
            status: "ACTIVE",
            delivery: OK,
            destination: DestinationType::CloudWatchLogs,
        }),
        flow_log(Log {
            region: us,
            id: "fl-0a5e000000000b101",
            resource_id: "vpc-0a5e0000000000b12",
            traffic: TrafficType::Accept,
            status: "ACTIVE",
            delivery: OK,
            destination: DestinationType::S3,
        }),
        flow_log(Log {
            region: us,
            id: "fl-0a5e000000000b102",
            resource_id: "vpc-0a5e0000000000b12",
            traffic: TrafficType::Reject,
            status: "ACTIVE",
            delivery: OK,
            destination: DestinationType::CloudWatchLogs,
        }),
        flow_log(Log {
            region: us,
            id: "fl-0a5e000000000c101",
            resource_id: "vpc-0a5e0000000000c13",
            traffic: TrafficType::All,
            status: "ACTIVE",
            delivery: OK,
            destination: DestinationType::KinesisDataFirehose,
        }),
        flow_log(Log {
            region: us,
            id: "fl-0a5e000000000d101",
            resource_id: "subnet-0a5e00000000d1401",
            traffic: TrafficType::All,
            status: "ACTIVE",
            delivery: OK,
            destination: DestinationType::S3,
        }),
        flow_log(Log {
            region: us,
            id: "fl-0a5e000000000e101",
            resource_id: "eni-0a5e00000000e1501",
            traffic: TrafficType::All,
            status: "ACTIVE",
            delivery: OK,
            destination: DestinationType::CloudWatchLogs,
        }),
    ]);
    us_east_1.insert::<Subnets>(vec![Subnet {
        id: "subnet-0a5e00000000d1401".into(),
        vpc_id: "vpc-0a5e0000000000d14".into(),
        region: us.into(),
        owner_id: Some(ACCOUNT.into()),
        tags: tags(&[("Name", "subnet-logged-private-a")]),
    }]);
    us_east_1.insert::<NetworkInterfaces>(vec![NetworkInterface {
        id: "eni-0a5e00000000e1501".into(),
        vpc_id: "vpc-0a5e0000000000e15".into(),
        region: us.into(),
        owner_id: Some(ACCOUNT.into()),
        tags: Tags::new(),
    }]);

    let ap = "ap-southeast-2";
    let mut ap_southeast_2 = region(ap, 2);
    ap_southeast_2.insert::<Vpcs>(vec![
        vpc(
            ap,
            "vpc-0a9000000000000a1",
            "10.210.0.0/16",
            &[("Name", "sydney-app")],
        ),
        vpc(
            ap,
            "vpc-0a9000000000000b2",
            "10.220.0.0/16",
            &[("Name", "sydney-data")],
        ),
    ]);
    // The auditing role may not list this region's flow logs: its VPCs are `error`. Its
    // subnets and network interfaces (looked up from flow logs) were not collected.
    ap_southeast_2.fail(
        FlowLogs::INFO.name,
        CollectError::new(
            "DescribeFlowLogs",
            ErrorClass::AccessDenied,
            Some("UnauthorizedOperation".into()),
            "You are not authorized to perform this operation. User: \
             arn:aws:sts::123456789012:assumed-role/audit/cloudposture is not authorized to perform: \
             ec2:DescribeFlowLogs with an explicit deny in a service control policy",
        ),
    );

    Inventory {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        account: Some(ACCOUNT.into()),
        collected_at: "2026-11-20T09:30:00Z".parse().unwrap(),
        scopes: vec![ap_southeast_2, eu_west_1, us_east_1],
        regions_not_scanned: vec![SkippedRegion {
            name: "me-central-1".into(),
            reason: "opt-in region not enabled for the account".into(),
        }],
        global_api_calls: 2,
        global_errors: Vec::new(),
        accounts: Vec::new(),
        shard: None,
    }
}

#[test]
fn demo_snapshot_is_generated_from_this_file() {
    let expected = snapshot::to_json(&demo()) + "\n";
    let path = demo_path();
    if std::env::var_os("CLOUDPOSTURE_UPDATE_DEMO").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "examples/demo-account.json differs from tests/demo_snapshot.rs; regenerate it with \
         CLOUDPOSTURE_UPDATE_DEMO=1 cargo test --workspace --all-targets --all-features --test demo_snapshot"
    );
}

#[test]
fn demo_snapshot_loads_in_the_current_schema() {
    let loaded = snapshot::load(&demo_path()).unwrap();
    assert_eq!(loaded, demo());
    assert_eq!(loaded.schema_version, SNAPSHOT_SCHEMA_VERSION);
    assert_eq!(loaded.account.as_deref(), Some(ACCOUNT));
    let regions: Vec<&str> = loaded.scopes.iter().map(|s| s.id.label()).collect();
    assert_eq!(regions, ["ap-southeast-2", "eu-west-1", "us-east-1"]);
    assert_eq!(loaded.count(Vpcs::INFO.name), 14);
    assert_eq!(loaded.count(FlowLogs::INFO.name), 9);
    assert_eq!(loaded.count(SecurityGroups::INFO.name), 19);
    assert_eq!(loaded.count(NetworkAcls::INFO.name), 13);
    assert_eq!(loaded.count(Instances::INFO.name), 6);
    assert_eq!(loaded.regions_not_scanned.len(), 1);
}

/// Moving the demo to schema 2 kept its content: the schema-1 file it replaced loads
/// into the same inventory.
#[test]
fn the_schema_1_demo_it_replaced_holds_the_same_account() {
    assert_eq!(snapshot::load(&demo_v1_path()).unwrap(), flow_log_demo());
}
