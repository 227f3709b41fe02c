//! What EC2-001 and EC2-002 write on their findings: the evidence, as serde structs, and
//! the messages.

use cloudposture_aws::{IpRange, Permission};
use serde::{Deserialize, Serialize};

use crate::ec2::admin_ports::{IpProtocol, and_list, ports_phrase};

/// Messages name at most this many permissions; the evidence lists all of them.
const MESSAGE_LIST_LIMIT: usize = 5;

/// The evidence of a `pass` or `fail` finding of EC2-001 or EC2-002: the world range
/// judged and each inbound permission that opens an administration port to it. The
/// ports judged are the rule's `ports` setting, written once in the report's `rules`
/// section. `cloudposture fix` reads it back with
/// `finding.evidence.parse::<OpenPortsEvidence>()` to know what to revoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenPortsEvidence {
    /// `0.0.0.0/0` (EC2-001) or `::/0` (EC2-002).
    pub world: String,
    /// Inbound permissions that open administration ports to `world` (empty on a pass).
    #[serde(default)]
    pub open: Vec<OpenPermission>,
    /// Managed prefix lists that inbound permissions to administration ports name. Their
    /// CIDRs are not read, so a prefix list that holds the world range is not seen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_lists_not_expanded: Vec<String>,
}

/// One inbound permission from the world range, as the group lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenPermission {
    /// `IpProtocol` as AWS lists it: `-1`, `tcp`, `udp`, `6`, `17`.
    pub protocol: String,
    /// First port; absent for all protocols.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    /// Last port; absent for all protocols.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
    /// The world range of the permission (the finding's `world`).
    pub cidr: String,
    /// The range's description, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The administration ports it opens.
    pub ports: Vec<u16>,
}

impl OpenPermission {
    /// `permission`'s world `range`, which opens `ports`.
    pub(super) fn of(permission: &Permission, range: &IpRange, ports: Vec<u16>) -> Self {
        OpenPermission {
            protocol: permission.protocol.clone(),
            from_port: permission.from_port,
            to_port: permission.to_port,
            cidr: range.cidr.clone(),
            description: range.description.clone(),
            ports,
        }
    }

    /// `tcp 22`, `all traffic`.
    pub fn label(&self) -> String {
        IpProtocol::parse(&self.protocol).label(&self.protocol, self.from_port, self.to_port)
    }

    /// The permission that revokes exactly this world range: same protocol and ports,
    /// only `cidr` as its source.
    pub fn to_revoke(&self, ipv6: bool) -> Permission {
        let range = vec![IpRange {
            cidr: self.cidr.clone(),
            description: None,
        }];
        let (ipv4_ranges, ipv6_ranges) = if ipv6 {
            (Vec::new(), range)
        } else {
            (range, Vec::new())
        };
        Permission {
            protocol: self.protocol.clone(),
            from_port: self.from_port,
            to_port: self.to_port,
            ipv4_ranges,
            ipv6_ranges,
            prefix_list_ids: Vec::new(),
            groups: Vec::new(),
        }
    }
}

/// The administration ports that `open` opens, each once, in the order of `ports`.
pub(super) fn opened_ports(open: &[OpenPermission], ports: &[u16]) -> Vec<u16> {
    ports
        .iter()
        .copied()
        .filter(|p| open.iter().any(|o| o.ports.contains(p)))
        .collect()
}

/// Every administration port that `open` opens, each once, lowest first.
pub(super) fn all_opened_ports(open: &[OpenPermission]) -> Vec<u16> {
    let mut ports: Vec<u16> = open.iter().flat_map(|o| o.ports.iter().copied()).collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

/// "ports 22 and 3389 are open to 0.0.0.0/0: tcp 22 opens port 22, all traffic opens
/// ports 22 and 3389".
pub(super) fn fail_message(evidence: &OpenPortsEvidence, ports: &[u16]) -> String {
    let opened = opened_ports(&evidence.open, ports);
    let verb = if opened.len() == 1 { "is" } else { "are" };
    let mut by: Vec<String> = evidence
        .open
        .iter()
        .take(MESSAGE_LIST_LIMIT)
        .map(|o| format!("the inbound rule {} opens {}", o.label(), ports_phrase(&o.ports)))
        .collect();
    if evidence.open.len() > MESSAGE_LIST_LIMIT {
        by.push(format!(
            "{} more inbound rules (see the evidence)",
            evidence.open.len() - MESSAGE_LIST_LIMIT
        ));
    }
    format!(
        "{} {verb} open to {}: {}",
        ports_phrase(&opened),
        evidence.world,
        and_list(&by)
    )
}

/// "no inbound rule allows 0.0.0.0/0 to port 22 or 3389", and the prefix lists that
/// were not looked into.
pub(super) fn pass_message(evidence: &OpenPortsEvidence, ports: &[u16]) -> String {
    let listed: Vec<String> = ports.iter().map(u16::to_string).collect();
    let word = if ports.len() == 1 { "port" } else { "ports" };
    let mut message = format!(
        "no inbound rule allows {} to {word} {}",
        evidence.world,
        listed.join(" or ")
    );
    if !evidence.prefix_lists_not_expanded.is_empty() {
        let lists = &evidence.prefix_lists_not_expanded;
        let (noun, verb) = if lists.len() == 1 {
            ("prefix list", "was")
        } else {
            ("prefix lists", "were")
        };
        message.push_str(&format!(
            "; inbound rules to these ports from {noun} {} {verb} not expanded and not judged",
            and_list(lists)
        ));
    }
    message
}
