//! What EC2-001, EC2-002 and VPC-002 share: the remote administration ports a user
//! configures (`ports`), whether a protocol and port range reach one of them, the two
//! world ranges, and the words their messages and snippets use for them.

use std::collections::HashSet;

use cloudposture_core::{AuditStep, Reference, Snippet, SnippetKind};
use serde::{Deserialize, Serialize};

use crate::remediation::CliCommand;

/// The IPv4 range of every address.
pub const WORLD_IPV4: &str = "0.0.0.0/0";
/// The IPv6 range of every address.
pub const WORLD_IPV6: &str = "::/0";

/// The audit step of the three rules that lists the regions to look at.
pub(crate) const CLI_ENABLED_REGIONS: AuditStep = AuditStep {
    via: "cli",
    text: "List the regions enabled for the account.",
    code: Some("aws ec2 describe-regions --query 'Regions[].RegionName' --output text"),
};

/// The benchmark the three rules' CIS controls come from.
pub(crate) const CIS_BENCHMARK: Reference = Reference {
    title: "CIS Amazon Web Services Foundations Benchmark",
    url: "https://www.cisecurity.org/benchmark/amazon_web_services",
};

/// The remote administration ports a rule checks: SSH (22) and RDP (3389) by default.
/// At least one, each from 0 to 65535, none twice; checked when the settings are read.
///
/// ```
/// use cloudposture_rules_aws::ec2::admin_ports::AdminPorts;
///
/// assert_eq!(AdminPorts::default().as_slice(), [22, 3389]);
/// let err = AdminPorts::try_from(vec![serde_json::json!(22), serde_json::json!(22)]).unwrap_err();
/// assert_eq!(err, "port 22 is listed twice");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<serde_json::Value>", into = "Vec<u16>")]
pub struct AdminPorts(Vec<u16>);

impl Default for AdminPorts {
    fn default() -> Self {
        AdminPorts(vec![22, 3389])
    }
}

impl AdminPorts {
    /// The ports, in the order given.
    pub fn as_slice(&self) -> &[u16] {
        &self.0
    }
}

// Read as JSON values rather than as `u16`, so that a wrong entry is told in words
// ("`70000` is not a port number") rather than in serde's ("expected u16").
impl TryFrom<Vec<serde_json::Value>> for AdminPorts {
    type Error = String;

    fn try_from(raw: Vec<serde_json::Value>) -> Result<Self, String> {
        if raw.is_empty() {
            return Err(
                "the list is empty, so no port would be checked; list at least one port, e.g. \
                        [22, 3389]"
                    .to_string(),
            );
        }
        let mut seen = HashSet::new();
        let mut ports = Vec::with_capacity(raw.len());
        for value in raw {
            let port = value
                .as_u64()
                .and_then(|p| u16::try_from(p).ok())
                .ok_or_else(|| {
                    format!("`{value}` is not a port number; ports are whole numbers from 0 to 65535")
                })?;
            if !seen.insert(port) {
                return Err(format!("port {port} is listed twice"));
            }
            ports.push(port);
        }
        Ok(AdminPorts(ports))
    }
}

impl From<AdminPorts> for Vec<u16> {
    fn from(ports: AdminPorts) -> Vec<u16> {
        ports.0
    }
}

/// TCP or UDP: the protocols whose ports a rule judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// TCP (protocol 6).
    Tcp,
    /// UDP (protocol 17).
    Udp,
}

impl Transport {
    /// Both, TCP first.
    pub const BOTH: [Transport; 2] = [Transport::Tcp, Transport::Udp];

    /// `tcp` or `udp`, as the AWS CLI, CloudFormation and Terraform write it for
    /// security groups and Terraform for network ACLs.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
        }
    }

    /// The protocol number: 6 or 17.
    pub fn number(self) -> u8 {
        match self {
            Transport::Tcp => 6,
            Transport::Udp => 17,
        }
    }
}

/// A protocol as a security group permission or a network ACL entry gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpProtocol {
    /// `-1` or `all`: every protocol and port.
    All,
    /// TCP or UDP, by name or number.
    Transport(Transport),
    /// Any other (ICMP, ICMPv6, GRE…): it has no ports, so no administration port.
    Other,
}

impl IpProtocol {
    /// Reads `-1`, `all`, `tcp`, `6`, `udp`, `17` (names in any case); anything else is
    /// [`IpProtocol::Other`].
    pub fn parse(raw: &str) -> IpProtocol {
        let raw = raw.trim();
        if raw == "-1" || raw.eq_ignore_ascii_case("all") {
            IpProtocol::All
        } else if raw == "6" || raw.eq_ignore_ascii_case("tcp") {
            IpProtocol::Transport(Transport::Tcp)
        } else if raw == "17" || raw.eq_ignore_ascii_case("udp") {
            IpProtocol::Transport(Transport::Udp)
        } else {
            IpProtocol::Other
        }
    }

    /// Whether traffic of `transport` to `port` matches a rule of this protocol and the
    /// inclusive range `from`..=`to`. A TCP or UDP rule without a range (AWS gives none
    /// when it covers every port) matches every port; `-1` matches whatever its range.
    pub fn reaches(self, from: Option<i32>, to: Option<i32>, transport: Transport, port: u16) -> bool {
        match self {
            IpProtocol::All => true,
            IpProtocol::Transport(t) if t == transport => {
                let port = i32::from(port);
                from.is_none_or(|from| from <= port) && to.is_none_or(|to| port <= to)
            }
            _ => false,
        }
    }

    /// How messages name a rule of this protocol and range: `tcp 22`, `udp 0-1024`,
    /// `tcp (all ports)`, `all traffic`; `raw` for a protocol without ports.
    pub fn label(self, raw: &str, from: Option<i32>, to: Option<i32>) -> String {
        match self {
            IpProtocol::All => "all traffic".to_string(),
            IpProtocol::Transport(t) => format!("{} {}", t.name(), port_range_label(from, to)),
            IpProtocol::Other => format!("protocol {raw}"),
        }
    }
}

/// `22`, `0-1024`, `(all ports)`.
fn port_range_label(from: Option<i32>, to: Option<i32>) -> String {
    match (from, to) {
        (Some(from), Some(to)) if from == to => from.to_string(),
        (Some(from), Some(to)) => format!("{from}-{to}"),
        _ => "(all ports)".to_string(),
    }
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `port 22`, `ports 22 and 3389`.
pub(crate) fn ports_phrase(ports: &[u16]) -> String {
    let listed: Vec<String> = ports.iter().map(u16::to_string).collect();
    let word = if ports.len() == 1 { "port" } else { "ports" };
    format!("{word} {}", and_list(&listed))
}

/// A CLI snippet of one or more commands, each after its `# ` comment lines: what it
/// does, for the person who runs it.
pub(crate) fn commented_cli(title: &str, commands: &[(String, CliCommand)]) -> Snippet {
    let mut content = String::new();
    for (comment, command) in commands {
        if !content.is_empty() {
            content.push('\n');
        }
        for line in comment.lines() {
            content.push_str("# ");
            content.push_str(line);
            content.push('\n');
        }
        content.push_str(&command.to_multiline());
    }
    Snippet {
        kind: SnippetKind::Cli,
        title: title.to_string(),
        content,
    }
}

/// The snippets of the three rules read back by the parsers of their languages, for
/// their tests.
#[cfg(test)]
pub(crate) mod parsed {
    use cloudposture_core::{Remediation, SnippetKind};

    /// The content of the one snippet of `kind`.
    pub(crate) fn snippet(r: &Remediation, kind: SnippetKind) -> &str {
        let found: Vec<&str> = r
            .snippets
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.content.as_str())
            .collect();
        assert_eq!(found.len(), 1, "one {kind:?} snippet");
        found[0]
    }

    /// The commands of the CLI snippet as the shell passes them, and its comment lines.
    pub(crate) fn cli(r: &Remediation) -> (Vec<Vec<String>>, Vec<String>) {
        let content = snippet(r, SnippetKind::Cli);
        let comments = content
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .map(str::to_string)
            .collect();
        let commands = content
            .split("\n\n")
            .map(|block| {
                let code: Vec<&str> = block.lines().filter(|l| !l.starts_with('#')).collect();
                shell_words::split(&code.join("\n")).unwrap()
            })
            .collect();
        (commands, comments)
    }

    /// The CloudFormation snippet's YAML, as JSON.
    pub(crate) fn cloudformation(r: &Remediation) -> serde_json::Value {
        serde_norway::from_str(snippet(r, SnippetKind::Cloudformation)).unwrap()
    }

    /// The Terraform snippet's HCL, as JSON (`resource.TYPE.NAME.attribute`).
    pub(crate) fn terraform(r: &Remediation) -> serde_json::Value {
        hcl::from_str(snippet(r, SnippetKind::Terraform)).unwrap()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]

    use super::*;
    use serde_json::json;

    #[test]
    fn protocols_are_read_by_name_in_any_case_and_by_number() {
        for raw in ["-1", "all", "ALL"] {
            assert_eq!(IpProtocol::parse(raw), IpProtocol::All, "{raw}");
        }
        for raw in ["tcp", "TCP", "6"] {
            assert_eq!(
                IpProtocol::parse(raw),
                IpProtocol::Transport(Transport::Tcp),
                "{raw}"
            );
        }
        for raw in ["udp", "Udp", "17"] {
            assert_eq!(
                IpProtocol::parse(raw),
                IpProtocol::Transport(Transport::Udp),
                "{raw}"
            );
        }
        for raw in ["icmp", "1", "58", ""] {
            assert_eq!(IpProtocol::parse(raw), IpProtocol::Other, "{raw}");
        }
    }

    #[test]
    fn a_range_reaches_the_ports_inside_it_for_its_own_protocol_only() {
        let tcp = IpProtocol::Transport(Transport::Tcp);
        assert!(tcp.reaches(Some(0), Some(1024), Transport::Tcp, 22));
        assert!(tcp.reaches(Some(22), Some(22), Transport::Tcp, 22));
        assert!(!tcp.reaches(Some(23), Some(3388), Transport::Tcp, 22));
        assert!(!tcp.reaches(Some(0), Some(1024), Transport::Udp, 22));
        assert!(
            tcp.reaches(None, None, Transport::Tcp, 3389),
            "no range: every port"
        );
        assert!(
            IpProtocol::All.reaches(Some(80), Some(80), Transport::Udp, 22),
            "-1 ignores ports"
        );
        assert!(!IpProtocol::Other.reaches(Some(-1), Some(-1), Transport::Tcp, 22));
    }

    #[test]
    fn labels_name_protocol_and_ports() {
        let tcp = IpProtocol::parse("tcp");
        assert_eq!(tcp.label("tcp", Some(22), Some(22)), "tcp 22");
        assert_eq!(tcp.label("tcp", Some(0), Some(1024)), "tcp 0-1024");
        assert_eq!(tcp.label("6", None, None), "tcp (all ports)");
        assert_eq!(IpProtocol::All.label("-1", None, None), "all traffic");
        assert_eq!(ports_phrase(&[22]), "port 22");
        assert_eq!(ports_phrase(&[22, 3389, 5985]), "ports 22, 3389 and 5985");
    }

    #[test]
    fn ports_are_checked_when_read() {
        let read =
            |raw: serde_json::Value| serde_json::from_value::<AdminPorts>(raw).map_err(|e| e.to_string());
        assert_eq!(read(json!([22, 5985])).unwrap().as_slice(), [22, 5985]);
        assert_eq!(read(json!([0, 65535])).unwrap().as_slice(), [0, 65535]);
        assert!(read(json!([])).unwrap_err().starts_with("the list is empty"));
        assert_eq!(
            read(json!([65536])).unwrap_err(),
            "`65536` is not a port number; ports are whole numbers from 0 to 65535"
        );
        assert_eq!(
            read(json!([-22])).unwrap_err(),
            "`-22` is not a port number; ports are whole numbers from 0 to 65535"
        );
        assert_eq!(
            read(json!(["ssh"])).unwrap_err(),
            "`\"ssh\"` is not a port number; ports are whole numbers from 0 to 65535"
        );
        assert_eq!(
            read(json!([3389, 22, 3389])).unwrap_err(),
            "port 3389 is listed twice"
        );
        assert_eq!(
            serde_json::to_value(AdminPorts::default()).unwrap(),
            json!([22, 3389])
        );
    }
}
