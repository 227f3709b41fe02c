//! Security-group rules as the AWS CLI takes them: `revoke-security-group-ingress` and
//! `-egress` with `--ip-permissions` JSON in the EC2 API's own spelling.

use cloudposture_aws::Permission;
use serde::Serialize;

use super::CliCommand;

/// Which rules of a group a command is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Inbound rules (`IpPermissions`).
    Ingress,
    /// Outbound rules (`IpPermissionsEgress`).
    Egress,
}

/// `aws ec2 revoke-security-group-ingress` (or `-egress`) of exactly `permissions` of
/// group `group_id` in `region`: each permission's protocol, ports and every source it
/// lists (CIDR ranges, prefix lists, groups), and nothing else.
///
/// ```
/// use cloudposture_aws::{IpRange, Permission};
/// use cloudposture_rules_aws::remediation::{Direction, revoke_command};
///
/// let ssh = Permission {
///     protocol: "tcp".into(),
///     from_port: Some(22),
///     to_port: Some(22),
///     ipv4_ranges: vec![IpRange { cidr: "0.0.0.0/0".into(), description: None }],
///     ipv6_ranges: vec![],
///     prefix_list_ids: vec![],
///     groups: vec![],
/// };
/// let command = revoke_command(Direction::Ingress, "eu-west-1", "sg-0abc", &[ssh]);
/// assert_eq!(
///     command.to_line(),
///     "aws ec2 revoke-security-group-ingress --region eu-west-1 --group-id sg-0abc --ip-permissions \
///      '[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]'"
/// );
/// ```
pub fn revoke_command(
    direction: Direction,
    region: &str,
    group_id: &str,
    permissions: &[Permission],
) -> CliCommand {
    let operation = match direction {
        Direction::Ingress => "revoke-security-group-ingress",
        Direction::Egress => "revoke-security-group-egress",
    };
    let wire: Vec<IpPermission<'_>> = permissions.iter().map(IpPermission::of).collect();
    // Plain strings, numbers and lists always serialize.
    let json = serde_json::to_string(&wire).unwrap_or_default();
    CliCommand::aws("ec2", operation)
        .arg("--region", region)
        .arg("--group-id", group_id)
        .arg("--ip-permissions", json)
}

/// A permission as the EC2 API (and so `--ip-permissions`) spells it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IpPermission<'a> {
    ip_protocol: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_port: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_port: Option<i32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ip_ranges: Vec<CidrIp<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ipv6_ranges: Vec<CidrIpv6<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    prefix_list_ids: Vec<PrefixListId<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    user_id_group_pairs: Vec<UserIdGroupPair<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CidrIp<'a> {
    cidr_ip: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CidrIpv6<'a> {
    cidr_ipv6: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PrefixListId<'a> {
    prefix_list_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UserIdGroupPair<'a> {
    group_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
}

impl<'a> IpPermission<'a> {
    fn of(p: &'a Permission) -> Self {
        IpPermission {
            ip_protocol: &p.protocol,
            from_port: p.from_port,
            to_port: p.to_port,
            ip_ranges: p
                .ipv4_ranges
                .iter()
                .map(|r| CidrIp { cidr_ip: &r.cidr })
                .collect(),
            ipv6_ranges: p
                .ipv6_ranges
                .iter()
                .map(|r| CidrIpv6 { cidr_ipv6: &r.cidr })
                .collect(),
            prefix_list_ids: p
                .prefix_list_ids
                .iter()
                .map(|id| PrefixListId { prefix_list_id: id })
                .collect(),
            user_id_group_pairs: p
                .groups
                .iter()
                .map(|g| UserIdGroupPair {
                    group_id: &g.group_id,
                    user_id: g.user_id.as_deref(),
                })
                .collect(),
        }
    }
}
