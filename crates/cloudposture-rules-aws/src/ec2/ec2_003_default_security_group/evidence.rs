//! What EC2-003 writes on its findings: the evidence, as a serde struct, and the
//! messages, which say in words what the group allows.

use cloudposture_aws::{Permission, SecurityGroup};
use serde::{Deserialize, Serialize};

/// Messages name at most this many rules; the evidence lists all of them.
const MESSAGE_LIST_LIMIT: usize = 5;

/// The evidence of a `pass` or `fail` finding of EC2-003: the default group's inbound
/// and outbound permissions as listed (empty for a passing group). Read it back with
/// `finding.evidence.parse::<DefaultGroupEvidence>()`; the fix does, to know what to
/// revoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultGroupEvidence {
    /// The group's VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Inbound permissions (`IpPermissions`).
    pub ingress: Vec<Permission>,
    /// Outbound permissions (`IpPermissionsEgress`).
    pub egress: Vec<Permission>,
}

impl DefaultGroupEvidence {
    pub(super) fn of(group: &SecurityGroup) -> Self {
        DefaultGroupEvidence {
            vpc_id: group.vpc_id.clone(),
            ingress: group.ingress.clone(),
            egress: group.egress.clone(),
        }
    }
}

/// The rules of `permissions` as the console counts them: one per source or destination
/// (range, prefix list or group) of each permission.
pub(super) fn rule_count(permissions: &[Permission]) -> usize {
    permissions.iter().map(|p| peers(p, None).len().max(1)).sum()
}

/// "the default security group of vpc-1" (or of the group's id when it has no VPC).
pub(super) fn group_label(group: &SecurityGroup) -> String {
    match &group.vpc_id {
        Some(vpc) => format!("the default security group of {vpc}"),
        None => format!("the default security group {}", group.id),
    }
}

pub(super) fn pass_message(group: &SecurityGroup) -> String {
    format!("{} has no inbound and no outbound rules", group_label(group))
}

/// "the default security group of vpc-1 allows 1 inbound and 1 outbound rule: inbound
/// all traffic from sg-1 (the group itself); outbound all traffic to 0.0.0.0/0".
pub(super) fn fail_message(group: &SecurityGroup) -> String {
    let (inbound, outbound) = (rule_count(&group.ingress), rule_count(&group.egress));
    let count = |n: usize| if n == 0 { "no".to_string() } else { n.to_string() };
    // The noun goes with the last count: "1 inbound and 1 outbound rule", "… no outbound rules".
    let rules = if outbound == 1 { "rule" } else { "rules" };
    let mut described: Vec<String> = group
        .ingress
        .iter()
        .map(|p| describe(p, "inbound", "from", &group.id))
        .chain(
            group
                .egress
                .iter()
                .map(|p| describe(p, "outbound", "to", &group.id)),
        )
        .collect();
    let more = described.len().saturating_sub(MESSAGE_LIST_LIMIT);
    described.truncate(MESSAGE_LIST_LIMIT);
    if more > 0 {
        described.push(format!("{more} more (see the evidence)"));
    }
    format!(
        "{} allows {} inbound and {} outbound {rules}: {}",
        group_label(group),
        count(inbound),
        count(outbound),
        described.join("; ")
    )
}

/// One permission in words: "inbound TCP port 22 from 0.0.0.0/0 and sg-2".
fn describe(permission: &Permission, direction: &str, preposition: &str, own_id: &str) -> String {
    let peers = peers(permission, Some(own_id));
    let traffic = traffic(permission);
    if peers.is_empty() {
        format!("{direction} {traffic}")
    } else {
        format!("{direction} {traffic} {preposition} {}", peers.join(", "))
    }
}

/// The sources or destinations of a permission; `own_id` marks the group itself.
fn peers(permission: &Permission, own_id: Option<&str>) -> Vec<String> {
    let ranges = permission
        .ipv4_ranges
        .iter()
        .chain(&permission.ipv6_ranges)
        .map(|r| r.cidr.clone());
    let groups = permission
        .groups
        .iter()
        .map(|g| match (Some(g.group_id.as_str()) == own_id, &g.user_id) {
            (true, _) => format!("{} (the group itself)", g.group_id),
            (false, Some(account)) => format!("{} of account {account}", g.group_id),
            (false, None) => g.group_id.clone(),
        });
    ranges
        .chain(permission.prefix_list_ids.iter().cloned())
        .chain(groups)
        .collect()
}

/// "all traffic", "TCP port 22", "UDP ports 1024-65535", "ICMP type 8 code 0"…
fn traffic(permission: &Permission) -> String {
    let protocol = permission.protocol.as_str();
    let (from, to) = (permission.from_port, permission.to_port);
    match protocol {
        "-1" | "all" => "all traffic".to_string(),
        "icmp" | "icmpv6" | "1" | "58" => {
            let name = if matches!(protocol, "icmp" | "1") {
                "ICMP"
            } else {
                "ICMPv6"
            };
            match (from, to) {
                (None | Some(-1), _) => format!("all {name}"),
                (Some(kind), None | Some(-1)) => format!("{name} type {kind}"),
                (Some(kind), Some(code)) => format!("{name} type {kind} code {code}"),
            }
        }
        "tcp" | "udp" | "6" | "17" => {
            let name = if matches!(protocol, "tcp" | "6") {
                "TCP"
            } else {
                "UDP"
            };
            match (from, to) {
                (None, _) | (Some(0), Some(65535)) => format!("all {name} ports"),
                (Some(port), None) => format!("{name} port {port}"),
                (Some(a), Some(b)) if a == b => format!("{name} port {a}"),
                (Some(a), Some(b)) => format!("{name} ports {a}-{b}"),
            }
        }
        other => format!("all traffic of protocol {other}"),
    }
}
