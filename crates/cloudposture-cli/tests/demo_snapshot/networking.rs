//! The demo account's security groups, network ACLs and instances: one case of each
//! networking rule (EC2-001…004, VPC-002), beside the flow logs of `demo_snapshot.rs`.

use cloudposture_aws::kinds::{Instances, NetworkAcls, SecurityGroups, Vpcs};
use cloudposture_aws::{
    AclEntry, CollectError, ErrorClass, GroupPair, Instance, IpRange, MetadataOptions, NetworkAcl,
    Permission, PortRange, Scope, SecurityGroup,
};
use cloudposture_core::{Kind, KindState};

use super::{ACCOUNT, tags};

/// A permission of `protocol` on `ports` (all ports: `None`) from these sources.
fn permission(
    protocol: &str,
    ports: Option<(i32, i32)>,
    v4: &[&str],
    v6: &[&str],
    groups: &[&str],
) -> Permission {
    let ranges = |cidrs: &[&str]| {
        cidrs
            .iter()
            .map(|c| IpRange {
                cidr: c.to_string(),
                description: None,
            })
            .collect()
    };
    Permission {
        protocol: protocol.into(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        ipv4_ranges: ranges(v4),
        ipv6_ranges: ranges(v6),
        prefix_list_ids: Vec::new(),
        groups: groups
            .iter()
            .map(|g| GroupPair {
                group_id: g.to_string(),
                user_id: None,
            })
            .collect(),
    }
}

fn all_out() -> Permission {
    permission("-1", None, &["0.0.0.0/0"], &[], &[])
}

fn group(
    region: &str,
    id: &str,
    name: &str,
    vpc: &str,
    ingress: Vec<Permission>,
    egress: Vec<Permission>,
) -> SecurityGroup {
    SecurityGroup {
        id: id.into(),
        name: name.into(),
        description: String::new(),
        vpc_id: Some(vpc.into()),
        region: region.into(),
        owner_id: ACCOUNT.into(),
        ingress,
        egress,
        tags: tags(&[("Name", name)]),
    }
}

/// The default group of `vpc` as AWS creates it (all inbound from its members, all
/// outbound), or emptied of every rule.
fn default_group(vpc: &str, region: &str, emptied: bool) -> SecurityGroup {
    let id = format!("sg-0d{}", &vpc["vpc-0e".len()..]);
    let (ingress, egress) = if emptied {
        (Vec::new(), Vec::new())
    } else {
        (vec![permission("-1", None, &[], &[], &[&id])], vec![all_out()])
    };
    SecurityGroup {
        description: "default VPC security group".into(),
        tags: Default::default(),
        ..group(region, &id, "default", vpc, ingress, egress)
    }
}

fn entry(
    rule_number: i32,
    egress: bool,
    protocol: &str,
    action: &str,
    cidr: &str,
    ports: Option<(i32, i32)>,
) -> AclEntry {
    let v6 = cidr.contains(':');
    AclEntry {
        rule_number,
        egress,
        protocol: protocol.into(),
        action: action.into(),
        cidr_block: (!v6).then(|| cidr.into()),
        ipv6_cidr_block: v6.then(|| cidr.into()),
        port_range: ports.map(|(from, to)| PortRange { from, to }),
    }
}

fn acl(
    id: &str,
    vpc: &str,
    region: &str,
    is_default: bool,
    entries: Vec<AclEntry>,
    name: Option<&str>,
) -> NetworkAcl {
    NetworkAcl {
        id: id.into(),
        vpc_id: vpc.into(),
        region: region.into(),
        owner_id: ACCOUNT.into(),
        is_default,
        entries,
        subnet_ids: Vec::new(),
        tags: name.map(|n| tags(&[("Name", n)])).unwrap_or_default(),
    }
}

/// The default ACL of `vpc` as AWS creates it: rule 100 allows everything both ways.
fn default_acl(vpc: &str, region: &str) -> NetworkAcl {
    let entries = vec![
        entry(100, false, "-1", "allow", "0.0.0.0/0", None),
        entry(32767, false, "-1", "deny", "0.0.0.0/0", None),
        entry(100, true, "-1", "allow", "0.0.0.0/0", None),
        entry(32767, true, "-1", "deny", "0.0.0.0/0", None),
    ];
    acl(
        &format!("acl-0c{}", &vpc["vpc-0e".len()..]),
        vpc,
        region,
        true,
        entries,
        None,
    )
}

fn instance(
    region: &str,
    id: &str,
    vpc: &str,
    tokens: &str,
    endpoint: &str,
    state: &str,
    name: &str,
) -> Instance {
    Instance {
        id: id.into(),
        region: region.into(),
        owner_id: ACCOUNT.into(),
        state: state.into(),
        instance_type: Some("t3.micro".into()),
        vpc_id: Some(vpc.into()),
        subnet_id: None,
        image_id: Some("ami-0c1a0000000000001".into()),
        metadata_options: Some(MetadataOptions {
            http_tokens: Some(tokens.into()),
            http_endpoint: Some(endpoint.into()),
            http_put_response_hop_limit: Some(if tokens == "required" { 2 } else { 1 }),
            state: Some("applied".into()),
        }),
        tags: tags(&[("Name", name)]),
        is_launch_template: false,
    }
}

/// The account's own VPCs of `scope` (a shared VPC's groups and ACLs are its owner's).
fn own_vpcs(scope: &Scope) -> Vec<String> {
    match scope.get::<Vpcs>() {
        KindState::Listed(vpcs) => vpcs
            .iter()
            .filter(|v| v.owner_id == ACCOUNT)
            .map(|v| v.id.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// Adds the networking kinds to the three regions of the demo (one more call per kind).
pub fn add(scopes: &mut [Scope]) {
    for scope in scopes {
        let region = scope.id.label().to_string();
        let r = region.as_str();
        let vpcs = own_vpcs(scope);
        // Emptied default groups pass EC2-003; the others are as AWS made them.
        let emptied = ["vpc-0e1a00000000000a1", "vpc-0a5e0000000000b12"];
        let mut groups: Vec<SecurityGroup> = vpcs
            .iter()
            .map(|v| default_group(v, r, emptied.contains(&v.as_str())))
            .collect();
        let mut acls: Vec<NetworkAcl> = vpcs.iter().map(|v| default_acl(v, r)).collect();
        let mut instances = Vec::new();
        if r == "eu-west-1" {
            let (prod, staging, batch) = (
                "vpc-0e1a00000000000a1",
                "vpc-0e1a00000000000b2",
                "vpc-0e1a00000000000d4",
            );
            let mut bastion = permission("tcp", Some((22, 22)), &["0.0.0.0/0", "10.0.0.0/8"], &[], &[]);
            bastion.ipv4_ranges[1].description = Some("vpn".into());
            let mut office = permission("tcp", Some((22, 22)), &["203.0.113.0/24"], &[], &[]);
            office.prefix_list_ids.push("pl-0e1a000000000001".into());
            groups.extend([
                // EC2-001 fails: SSH from anywhere (beside a private range).
                group(
                    r,
                    "sg-0e1a0000000000b01",
                    "bastion",
                    prod,
                    vec![bastion],
                    vec![all_out()],
                ),
                // Web ports open to the world pass both EC2-001 and EC2-002.
                group(
                    r,
                    "sg-0e1a0000000000b02",
                    "web",
                    prod,
                    vec![
                        permission("tcp", Some((443, 443)), &["0.0.0.0/0"], &["::/0"], &[]),
                        permission("tcp", Some((80, 80)), &["0.0.0.0/0"], &["::/0"], &[]),
                    ],
                    vec![all_out()],
                ),
                // Only another group may reach the database.
                group(
                    r,
                    "sg-0e1a0000000000b03",
                    "db",
                    prod,
                    vec![permission(
                        "tcp",
                        Some((5432, 5432)),
                        &[],
                        &[],
                        &["sg-0e1a0000000000b02"],
                    )],
                    Vec::new(),
                ),
                // EC2-002 fails: RDP (TCP and UDP) from any IPv6 address.
                group(
                    r,
                    "sg-0e1a0000000000b04",
                    "windows-admin",
                    staging,
                    vec![
                        permission("tcp", Some((3389, 3389)), &[], &["::/0"], &[]),
                        permission("udp", Some((3389, 3389)), &[], &["::/0"], &[]),
                    ],
                    vec![all_out()],
                ),
                // SSH from the office and a prefix list (not expanded): passes.
                group(
                    r,
                    "sg-0e1a0000000000b05",
                    "office-ssh",
                    staging,
                    vec![office],
                    Vec::new(),
                ),
                // Every protocol from anywhere: fails both admin ports of EC2-001.
                group(
                    r,
                    "sg-0e1a0000000000b06",
                    "batch-debug",
                    batch,
                    vec![permission("-1", None, &["0.0.0.0/0"], &[], &[])],
                    vec![all_out()],
                ),
            ]);
            // VPC-002: prod's public ACL denies the admin ports before it allows the rest
            // (passes); staging's allows all TCP before its deny of 22 (fails).
            let mut prod_public = Vec::new();
            let mut number = 50;
            for cidr in ["0.0.0.0/0", "::/0"] {
                for (protocol, port) in [("6", 22), ("6", 3389), ("17", 3389)] {
                    prod_public.push(entry(number, false, protocol, "deny", cidr, Some((port, port))));
                    number += 1;
                }
            }
            prod_public.extend([
                entry(100, false, "-1", "allow", "0.0.0.0/0", None),
                entry(101, false, "-1", "allow", "::/0", None),
                entry(32767, false, "-1", "deny", "0.0.0.0/0", None),
                entry(32768, false, "-1", "deny", "::/0", None),
                entry(100, true, "-1", "allow", "0.0.0.0/0", None),
                entry(32767, true, "-1", "deny", "0.0.0.0/0", None),
            ]);
            let staging_public = vec![
                entry(100, false, "6", "allow", "0.0.0.0/0", Some((0, 65535))),
                entry(200, false, "6", "deny", "0.0.0.0/0", Some((22, 22))),
                entry(32767, false, "-1", "deny", "0.0.0.0/0", None),
                entry(100, true, "-1", "allow", "0.0.0.0/0", None),
                entry(32767, true, "-1", "deny", "0.0.0.0/0", None),
            ];
            acls.extend([
                acl(
                    "acl-0e1a0000000000c01",
                    prod,
                    r,
                    false,
                    prod_public,
                    Some("prod-public"),
                ),
                acl(
                    "acl-0e1a0000000000c02",
                    staging,
                    r,
                    false,
                    staging_public,
                    Some("staging-public"),
                ),
            ]);
            // EC2-004: IMDSv2 required, IMDSv1 allowed (running and stopped), endpoint off.
            instances.extend([
                instance(
                    r,
                    "i-0e1a00000000000a1",
                    prod,
                    "required",
                    "enabled",
                    "running",
                    "prod-web-1",
                ),
                instance(
                    r,
                    "i-0e1a00000000000a2",
                    prod,
                    "optional",
                    "enabled",
                    "running",
                    "prod-bastion",
                ),
                instance(
                    r,
                    "i-0e1a00000000000b1",
                    staging,
                    "optional",
                    "enabled",
                    "stopped",
                    "staging-legacy-app",
                ),
                instance(
                    r,
                    "i-0e1a00000000000d1",
                    batch,
                    "optional",
                    "disabled",
                    "running",
                    "batch-worker",
                ),
            ]);
        }
        if r == "us-east-1" {
            instances.extend([
                instance(
                    r,
                    "i-0a5e0000000000b11",
                    "vpc-0a5e0000000000b12",
                    "required",
                    "enabled",
                    "running",
                    "payments-api",
                ),
                instance(
                    r,
                    "i-0a5e0000000000c11",
                    "vpc-0a5e0000000000c13",
                    "required",
                    "enabled",
                    "pending",
                    "stream-consumer",
                ),
            ]);
        }
        scope.insert::<SecurityGroups>(groups);
        scope.insert::<Instances>(instances);
        if r == "ap-southeast-2" {
            // The same service control policy denies the ACLs: VPC-002 is `error` there.
            scope.fail(
                NetworkAcls::INFO.name,
                CollectError::new(
                    "DescribeNetworkAcls",
                    ErrorClass::AccessDenied,
                    Some("UnauthorizedOperation".into()),
                    "You are not authorized to perform this operation. User: \
                     arn:aws:sts::123456789012:assumed-role/audit/cloudposture is not authorized to perform: \
                     ec2:DescribeNetworkAcls with an explicit deny in a service control policy",
                ),
            );
        } else {
            scope.insert::<NetworkAcls>(acls);
        }
        scope.api_calls += 3;
    }
}
