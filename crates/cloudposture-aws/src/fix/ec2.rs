//! The parameters of the fixes for security groups and instances: revoking
//! permissions (`ec2:RevokeSecurityGroupIngress` / `ec2:RevokeSecurityGroupEgress`) and
//! requiring IMDSv2 (`ec2:ModifyInstanceMetadataOptions`).

use serde::{Deserialize, Serialize};

use crate::kinds::{GroupPair, IpRange, Permission};

/// The operation of actions that revoke permissions of one security group: one
/// RevokeSecurityGroupIngress call for `ingress` and one RevokeSecurityGroupEgress call
/// for `egress` (each only when not empty). Parameters: [`RevokePermissionsParams`].
pub const REVOKE_SECURITY_GROUP_RULES: &str = "ec2:RevokeSecurityGroupRules";

/// The operation of actions that require IMDSv2 on one instance
/// (ModifyInstanceMetadataOptions with `HttpTokens=required`). Parameters:
/// [`RequireImdsV2Params`].
pub const MODIFY_INSTANCE_METADATA_OPTIONS: &str = "ec2:ModifyInstanceMetadataOptions";

/// Revoke exactly these permissions of a security group, as they were listed (a
/// permission names only the ranges, prefix lists and groups to revoke; the group's
/// other rules stay).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokePermissionsParams {
    /// The group's region.
    pub region: String,
    /// `sg-…`.
    pub group_id: String,
    /// Inbound permissions to revoke.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<Permission>,
    /// Outbound permissions to revoke.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<Permission>,
}

/// Require IMDSv2 on an instance (`HttpTokens=required`, endpoint left as it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequireImdsV2Params {
    /// The instance's region.
    pub region: String,
    /// `i-…`.
    pub instance_id: String,
}

impl RevokePermissionsParams {
    /// Rules to revoke, inbound then outbound: one per source of each permission.
    pub fn rule_count(&self) -> usize {
        SecurityGroupRule::of(&self.ingress).len() + SecurityGroupRule::of(&self.egress).len()
    }
}

/// One rule of a security group, as AWS counts them: a protocol and port range with
/// one source (inbound) or destination (outbound). A [`Permission`] groups several.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SecurityGroupRule {
    /// `IpProtocol` as listed: `-1`, `tcp`, `6`…
    pub protocol: String,
    /// First port (ICMP type).
    pub from_port: Option<i32>,
    /// Last port (ICMP code).
    pub to_port: Option<i32>,
    /// The one source or destination.
    pub source: RuleSource,
}

/// The source (inbound) or destination (outbound) of a [`SecurityGroupRule`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleSource {
    /// An IPv4 range.
    Ipv4(String),
    /// An IPv6 range.
    Ipv6(String),
    /// A managed prefix list, `pl-…`.
    PrefixList(String),
    /// A security group, with its account when another.
    Group {
        /// `sg-…`.
        group_id: String,
        /// Its account.
        user_id: Option<String>,
    },
}

impl SecurityGroupRule {
    /// The rules of `permissions`, in order: each permission's IPv4 ranges, IPv6 ranges,
    /// prefix lists and groups. A permission without any source has no rule.
    pub fn of(permissions: &[Permission]) -> Vec<SecurityGroupRule> {
        let mut rules = Vec::new();
        for p in permissions {
            let sources = p
                .ipv4_ranges
                .iter()
                .map(|r| RuleSource::Ipv4(r.cidr.clone()))
                .chain(p.ipv6_ranges.iter().map(|r| RuleSource::Ipv6(r.cidr.clone())))
                .chain(p.prefix_list_ids.iter().cloned().map(RuleSource::PrefixList))
                .chain(p.groups.iter().map(|g| RuleSource::Group {
                    group_id: g.group_id.clone(),
                    user_id: g.user_id.clone(),
                }));
            rules.extend(sources.map(|source| SecurityGroupRule {
                protocol: p.protocol.clone(),
                from_port: p.from_port,
                to_port: p.to_port,
                source,
            }));
        }
        rules
    }

    /// Whether `other` is the same rule to AWS: protocol names and numbers alike (`tcp`
    /// and `6`, `-1` and `all`, any case), ports not compared for all protocols, a group
    /// of the same id whatever account is written, CIDRs compared without case (IPv6).
    pub fn same_as(&self, other: &SecurityGroupRule) -> bool {
        let protocol = canonical_protocol(&self.protocol);
        let same_source = match (&self.source, &other.source) {
            (RuleSource::Group { group_id: a, .. }, RuleSource::Group { group_id: b, .. }) => a == b,
            (RuleSource::Ipv4(a), RuleSource::Ipv4(b)) | (RuleSource::Ipv6(a), RuleSource::Ipv6(b)) => {
                a.eq_ignore_ascii_case(b)
            }
            (RuleSource::PrefixList(a), RuleSource::PrefixList(b)) => a == b,
            _ => false,
        };
        same_source
            && protocol == canonical_protocol(&other.protocol)
            && (protocol == "-1" || (self.from_port, self.to_port) == (other.from_port, other.to_port))
    }

    /// The rule as a permission of its own.
    pub fn to_permission(&self) -> Permission {
        let mut permission = Permission {
            protocol: self.protocol.clone(),
            from_port: self.from_port,
            to_port: self.to_port,
            ipv4_ranges: Vec::new(),
            ipv6_ranges: Vec::new(),
            prefix_list_ids: Vec::new(),
            groups: Vec::new(),
        };
        let range = |cidr: &String| IpRange {
            cidr: cidr.clone(),
            description: None,
        };
        match &self.source {
            RuleSource::Ipv4(cidr) => permission.ipv4_ranges.push(range(cidr)),
            RuleSource::Ipv6(cidr) => permission.ipv6_ranges.push(range(cidr)),
            RuleSource::PrefixList(id) => permission.prefix_list_ids.push(id.clone()),
            RuleSource::Group { group_id, user_id } => permission.groups.push(GroupPair {
                group_id: group_id.clone(),
                user_id: user_id.clone(),
            }),
        }
        permission
    }
}

/// `IpProtocol` as AWS stores it: the names of TCP, UDP, ICMP and ICMPv6 for their
/// numbers, `-1` for all, lower case.
fn canonical_protocol(protocol: &str) -> String {
    let protocol = protocol.trim().to_ascii_lowercase();
    match protocol.as_str() {
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        "all" => "-1".into(),
        _ => protocol,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn permission(protocol: &str, ports: Option<(i32, i32)>, cidrs: &[&str]) -> Permission {
        Permission {
            protocol: protocol.into(),
            from_port: ports.map(|p| p.0),
            to_port: ports.map(|p| p.1),
            ipv4_ranges: cidrs
                .iter()
                .map(|c| IpRange {
                    cidr: c.to_string(),
                    description: Some("kept out of matching".into()),
                })
                .collect(),
            ipv6_ranges: vec![],
            prefix_list_ids: vec![],
            groups: vec![],
        }
    }

    #[test]
    fn a_permission_has_one_rule_per_source() {
        let mut p = permission("tcp", Some((22, 22)), &["0.0.0.0/0", "10.0.0.0/8"]);
        p.ipv6_ranges.push(IpRange {
            cidr: "::/0".into(),
            description: None,
        });
        p.prefix_list_ids.push("pl-1".into());
        p.groups.push(GroupPair {
            group_id: "sg-2".into(),
            user_id: None,
        });
        let empty = permission("-1", None, &[]);
        let rules = SecurityGroupRule::of(&[p, empty]);
        let sources: Vec<&RuleSource> = rules.iter().map(|r| &r.source).collect();
        assert_eq!(
            sources,
            [
                &RuleSource::Ipv4("0.0.0.0/0".into()),
                &RuleSource::Ipv4("10.0.0.0/8".into()),
                &RuleSource::Ipv6("::/0".into()),
                &RuleSource::PrefixList("pl-1".into()),
                &RuleSource::Group {
                    group_id: "sg-2".into(),
                    user_id: None
                },
            ]
        );
        assert!(
            rules
                .iter()
                .all(|r| r.protocol == "tcp" && r.from_port == Some(22))
        );
        // Back to a permission of its own, without the description AWS does not match on.
        assert_eq!(
            rules[0].to_permission(),
            Permission {
                ipv4_ranges: vec![IpRange {
                    cidr: "0.0.0.0/0".into(),
                    description: None
                }],
                ..permission("tcp", Some((22, 22)), &[])
            }
        );
        let params = RevokePermissionsParams {
            region: "eu-west-1".into(),
            group_id: "sg-1".into(),
            ingress: vec![permission("tcp", Some((22, 22)), &["0.0.0.0/0", "10.0.0.0/8"])],
            egress: vec![permission("-1", None, &["0.0.0.0/0"])],
        };
        assert_eq!(params.rule_count(), 3);
    }

    #[test]
    fn rules_match_as_aws_stores_them() {
        let rule = |protocol: &str, ports: Option<(i32, i32)>, cidr: &str| {
            SecurityGroupRule::of(&[permission(protocol, ports, &[cidr])]).remove(0)
        };
        let ssh = rule("tcp", Some((22, 22)), "0.0.0.0/0");
        assert!(ssh.same_as(&rule("6", Some((22, 22)), "0.0.0.0/0")));
        assert!(ssh.same_as(&rule("TCP", Some((22, 22)), "0.0.0.0/0")));
        assert!(!ssh.same_as(&rule("tcp", Some((22, 23)), "0.0.0.0/0")));
        assert!(!ssh.same_as(&rule("udp", Some((22, 22)), "0.0.0.0/0")));
        assert!(!ssh.same_as(&rule("tcp", Some((22, 22)), "10.0.0.0/8")));
        // All protocols: whatever ports are written.
        assert!(rule("-1", None, "0.0.0.0/0").same_as(&rule("all", Some((-1, -1)), "0.0.0.0/0")));
        let group = |user_id: Option<&str>| SecurityGroupRule {
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            source: RuleSource::Group {
                group_id: "sg-1".into(),
                user_id: user_id.map(String::from),
            },
        };
        assert!(group(None).same_as(&group(Some("123456789012"))));
        let v6 = SecurityGroupRule {
            source: RuleSource::Ipv6("2001:DB8::/32".into()),
            ..ssh.clone()
        };
        assert!(v6.same_as(&SecurityGroupRule {
            source: RuleSource::Ipv6("2001:db8::/32".into()),
            ..ssh.clone()
        }));
        assert!(!v6.same_as(&ssh), "an IPv6 range is never an IPv4 one");
    }
}
