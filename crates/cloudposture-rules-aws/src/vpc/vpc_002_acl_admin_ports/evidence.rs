//! What VPC-002 writes on its findings: the evidence, as serde structs, and the messages.

use cloudposture_aws::{AclEntry, PortRange};
use serde::{Deserialize, Serialize};

use crate::ec2::admin_ports::{IpProtocol, Transport, and_list, ports_phrase};

/// Messages name at most this many deciding entries; the evidence has all of them.
const MESSAGE_LIST_LIMIT: usize = 5;

/// The evidence of a `pass` or `fail` finding of VPC-002: for each administration port,
/// world range and protocol, whether the ACL lets it in and the entry that decides. The
/// ports judged are the `ports` setting, written once in the report's `rules` section.
/// Read it back with `finding.evidence.parse::<AclEvidence>()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclEvidence {
    /// Whether it is its VPC's default network ACL.
    pub is_default: bool,
    /// One verdict per port, world range and protocol, in the order of `ports`.
    pub verdicts: Vec<PortVerdict>,
}

/// Whether inbound traffic of one protocol from one world range to one port gets in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortVerdict {
    /// The administration port.
    pub port: u16,
    /// `tcp` or `udp`.
    pub protocol: Transport,
    /// `0.0.0.0/0` or `::/0`.
    pub cidr: String,
    /// Whether the traffic gets in.
    pub open: bool,
    /// The first inbound entry (lowest rule number) for exactly this CIDR that matches
    /// the traffic: it decides. Absent when none matches; the traffic is then denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<DecidingEntry>,
}

/// An inbound entry as it decided a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecidingEntry {
    /// Its rule number.
    pub rule_number: i32,
    /// Its protocol number as AWS gives it: `-1` (all), `6` (TCP), `17` (UDP).
    pub protocol: String,
    /// `allow` or `deny`; any other action is counted as allowing.
    pub action: String,
    /// Its ports; absent for all ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_range: Option<PortRange>,
}

/// How VPC-002 reads an entry's action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Action {
    Allow,
    Deny,
    /// Neither (a value this version does not know): never taken to close a port.
    Unknown,
}

impl Action {
    pub(super) fn of(raw: &str) -> Action {
        if raw.eq_ignore_ascii_case("allow") {
            Action::Allow
        } else if raw.eq_ignore_ascii_case("deny") {
            Action::Deny
        } else {
            Action::Unknown
        }
    }
}

impl DecidingEntry {
    pub(super) fn of(entry: &AclEntry) -> Self {
        DecidingEntry {
            rule_number: entry.rule_number,
            protocol: entry.protocol.clone(),
            action: entry.action.clone(),
            port_range: entry.port_range,
        }
    }

    fn label(&self) -> String {
        let (from, to) = (self.port_range.map(|r| r.from), self.port_range.map(|r| r.to));
        IpProtocol::parse(&self.protocol).label(&self.protocol, from, to)
    }

    fn allows_all(&self) -> bool {
        IpProtocol::parse(&self.protocol) == IpProtocol::All && Action::of(&self.action) == Action::Allow
    }
}

/// `tcp and udp ports 22 and 3389`, `tcp port 22 and udp port 3389`.
pub(super) fn opened_phrase(open: &[&PortVerdict], ports: &[u16]) -> String {
    let of = |t: Transport| -> Vec<u16> {
        ports
            .iter()
            .copied()
            .filter(|p| open.iter().any(|v| v.protocol == t && v.port == *p))
            .collect()
    };
    let (tcp, udp) = (of(Transport::Tcp), of(Transport::Udp));
    if tcp == udp {
        return format!("tcp and udp {}", ports_phrase(&tcp));
    }
    let parts: Vec<String> = [(Transport::Tcp, tcp), (Transport::Udp, udp)]
        .into_iter()
        .filter(|(_, ports)| !ports.is_empty())
        .map(|(t, ports)| format!("{} {}", t.name(), ports_phrase(&ports)))
        .collect();
    and_list(&parts)
}

/// The open verdicts, grouped by the entry that lets them in, lowest rule number first.
pub(super) fn by_deciding_entry(verdicts: &[PortVerdict]) -> Vec<(&DecidingEntry, &str, Vec<&PortVerdict>)> {
    let mut groups: Vec<(&DecidingEntry, &str, Vec<&PortVerdict>)> = Vec::new();
    for v in verdicts.iter().filter(|v| v.open) {
        let Some(entry) = &v.decided_by else { continue };
        match groups
            .iter_mut()
            .find(|(e, cidr, _)| e.rule_number == entry.rule_number && *cidr == v.cidr)
        {
            Some((_, _, list)) => list.push(v),
            None => groups.push((entry, v.cidr.as_str(), vec![v])),
        }
    }
    groups.sort_by_key(|(e, _, _)| e.rule_number);
    groups
}

/// What lets the ports in, entry by entry; a default ACL that allows everything is
/// said in those words.
pub(super) fn fail_message(evidence: &AclEvidence, ports: &[u16]) -> String {
    let groups = by_deciding_entry(&evidence.verdicts);
    let mut parts: Vec<String> = groups
        .iter()
        .take(MESSAGE_LIST_LIMIT)
        .map(|(entry, cidr, open)| {
            let opened = opened_phrase(open, ports);
            let n = entry.rule_number;
            if evidence.is_default && entry.allows_all() {
                format!(
                    "the VPC's default network ACL allows all inbound traffic from {cidr} (entry {n}), which \
                     opens {opened}"
                )
            } else if Action::of(&entry.action) == Action::Unknown {
                format!(
                    "inbound entry {n} has the action `{}`, which is neither allow nor deny and is counted as \
                     allowing {} from {cidr}, which opens {opened}",
                    entry.action,
                    entry.label()
                )
            } else {
                format!(
                    "inbound entry {n} allows {} from {cidr}, which opens {opened}",
                    entry.label()
                )
            }
        })
        .collect();
    if groups.len() > MESSAGE_LIST_LIMIT {
        parts.push(format!(
            "{} more entries let them in (see the evidence)",
            groups.len() - MESSAGE_LIST_LIMIT
        ));
    }
    parts.join("; ")
}

/// "no inbound entry allows traffic from 0.0.0.0/0 or ::/0 to port 22 or 3389", and
/// what denies it.
pub(super) fn pass_message(evidence: &AclEvidence, ports: &[u16]) -> String {
    let listed: Vec<String> = ports.iter().map(u16::to_string).collect();
    let word = if ports.len() == 1 { "port" } else { "ports" };
    let mut denies: Vec<i32> = evidence
        .verdicts
        .iter()
        .filter_map(|v| v.decided_by.as_ref().map(|e| e.rule_number))
        .collect();
    denies.sort_unstable();
    denies.dedup();
    let why = match denies.as_slice() {
        [] => "no inbound entry matches it, so it is denied".to_string(),
        [one] => format!("entry {one} denies it first"),
        many => {
            let numbers: Vec<String> = many.iter().map(i32::to_string).collect();
            format!("entries {} deny it first", and_list(&numbers))
        }
    };
    format!(
        "no inbound entry allows traffic from 0.0.0.0/0 or ::/0 to {word} {}; {why}",
        listed.join(" or ")
    )
}
