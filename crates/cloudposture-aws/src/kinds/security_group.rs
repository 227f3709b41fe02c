//! Security groups (DescribeSecurityGroups), with their inbound and outbound permissions.

use cloudposture_core::{Kind, KindInfo, Listing, Tags};
use serde::{Deserialize, Serialize};

/// The security group kind.
#[derive(Debug, Clone, Copy)]
pub struct SecurityGroups;

impl Kind for SecurityGroups {
    type Item = SecurityGroup;
    const INFO: KindInfo = KindInfo {
        name: "aws.ec2.security-group",
        singular: "security group",
        plural: "security groups",
        listing: Listing::Complete,
        audit_actions: &["ec2:DescribeSecurityGroups"],
        resource_type: "AWS::EC2::SecurityGroup",
        finding_type: Some("AwsEc2SecurityGroup"),
    };
}

/// A security group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityGroup {
    /// `sg-…`.
    pub id: String,
    /// `GroupName`: `default` for the group every VPC is created with.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Its VPC.
    pub vpc_id: Option<String>,
    /// Region.
    pub region: String,
    /// Owning account.
    pub owner_id: String,
    /// Inbound permissions (`IpPermissions`).
    #[serde(default)]
    pub ingress: Vec<Permission>,
    /// Outbound permissions (`IpPermissionsEgress`).
    #[serde(default)]
    pub egress: Vec<Permission>,
    /// Tags.
    #[serde(default)]
    pub tags: Tags,
}

impl SecurityGroup {
    /// The name of the group AWS creates with every VPC.
    pub const DEFAULT_NAME: &'static str = "default";

    /// Whether this is its VPC's default group (named `default`; no other group can be).
    pub fn is_default(&self) -> bool {
        self.name == Self::DEFAULT_NAME
    }
}

/// One permission of a security group, as the API groups them: a protocol and port
/// range with the sources (inbound) or destinations (outbound) it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Permission {
    /// `IpProtocol`: `-1` (all), `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number.
    pub protocol: String,
    /// First port (the ICMP type for ICMP); `None` for all protocols.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    /// Last port (the ICMP code for ICMP); `None` for all protocols.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
    /// IPv4 ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv4_ranges: Vec<IpRange>,
    /// IPv6 ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_ranges: Vec<IpRange>,
    /// Managed prefix lists (`pl-…`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_list_ids: Vec<String>,
    /// Security groups referenced as the source or destination.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupPair>,
}

/// A CIDR range of a permission.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IpRange {
    /// `0.0.0.0/0`, `10.0.0.0/8`, `::/0`…
    pub cidr: String,
    /// The range's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A security group that a permission names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GroupPair {
    /// `sg-…`.
    pub group_id: String,
    /// Its account, when another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

ec2_resource!(SecurityGroup, SecurityGroups, "security-group");

#[cfg(feature = "sdk")]
pub(crate) mod sdk {
    use async_trait::async_trait;
    use aws_sdk_ec2::types as ec2;
    use cloudposture_core::CollectError;

    use super::{GroupPair, IpRange, Permission, SecurityGroup, SecurityGroups};
    use crate::collector::{Fetched, ListContext, Lister};
    use crate::sdk::{MAX_PAGE_SIZE, SdkCollector, non_empty, pages, tags};

    #[async_trait]
    impl Lister<SecurityGroups> for SdkCollector {
        async fn list<'a>(&self, ctx: &ListContext<'a>) -> Result<Fetched<SecurityGroup>, CollectError> {
            let client = self.ec2_client(ctx.region);
            let listed = pages(
                "DescribeSecurityGroups",
                |token| {
                    client
                        .describe_security_groups()
                        .max_results(MAX_PAGE_SIZE)
                        .set_next_token(token)
                        .send()
                },
                |page| (page.security_groups.unwrap_or_default(), page.next_token),
            )
            .await?;
            Ok(listed.map(|g| convert(g, ctx.region)))
        }
    }

    pub(crate) fn convert_permission(p: ec2::IpPermission) -> Permission {
        Permission {
            protocol: p.ip_protocol.unwrap_or_default(),
            from_port: p.from_port,
            to_port: p.to_port,
            ipv4_ranges: p
                .ip_ranges
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| {
                    Some(IpRange {
                        cidr: r.cidr_ip?,
                        description: non_empty(r.description),
                    })
                })
                .collect(),
            ipv6_ranges: p
                .ipv6_ranges
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| {
                    Some(IpRange {
                        cidr: r.cidr_ipv6?,
                        description: non_empty(r.description),
                    })
                })
                .collect(),
            prefix_list_ids: p
                .prefix_list_ids
                .unwrap_or_default()
                .into_iter()
                .filter_map(|p| p.prefix_list_id)
                .collect(),
            groups: p
                .user_id_group_pairs
                .unwrap_or_default()
                .into_iter()
                .filter_map(|g| {
                    Some(GroupPair {
                        group_id: g.group_id?,
                        user_id: non_empty(g.user_id),
                    })
                })
                .collect(),
        }
    }

    pub(super) fn convert(g: ec2::SecurityGroup, region: &str) -> SecurityGroup {
        let permissions = |list: Option<Vec<ec2::IpPermission>>| {
            list.unwrap_or_default()
                .into_iter()
                .map(convert_permission)
                .collect()
        };
        SecurityGroup {
            id: g.group_id.unwrap_or_default(),
            name: g.group_name.unwrap_or_default(),
            description: g.description.unwrap_or_default(),
            vpc_id: non_empty(g.vpc_id),
            region: region.to_string(),
            owner_id: g.owner_id.unwrap_or_default(),
            ingress: permissions(g.ip_permissions),
            egress: permissions(g.ip_permissions_egress),
            tags: tags(g.tags),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn groups_keep_every_kind_of_source() {
            let permission = ec2::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(
                    ec2::IpRange::builder()
                        .cidr_ip("0.0.0.0/0")
                        .description("ssh")
                        .build(),
                )
                .ipv6_ranges(ec2::Ipv6Range::builder().cidr_ipv6("::/0").build())
                .prefix_list_ids(ec2::PrefixListId::builder().prefix_list_id("pl-1").build())
                .user_id_group_pairs(
                    ec2::UserIdGroupPair::builder()
                        .group_id("sg-2")
                        .user_id("444455556666")
                        .build(),
                )
                .build();
            let all = ec2::IpPermission::builder().ip_protocol("-1").build();
            let g = ec2::SecurityGroup::builder()
                .group_id("sg-1")
                .group_name("default")
                .description("default VPC security group")
                .vpc_id("vpc-1")
                .owner_id("111122223333")
                .ip_permissions(permission)
                .ip_permissions_egress(all)
                .tags(ec2::Tag::builder().key("Name").value("web").build())
                .build();
            let g = convert(g, "eu-west-1");
            assert!(g.is_default());
            assert_eq!(g.vpc_id.as_deref(), Some("vpc-1"));
            let p = &g.ingress[0];
            assert_eq!(
                (p.protocol.as_str(), p.from_port, p.to_port),
                ("tcp", Some(22), Some(22))
            );
            assert_eq!(p.ipv4_ranges[0].cidr, "0.0.0.0/0");
            assert_eq!(p.ipv4_ranges[0].description.as_deref(), Some("ssh"));
            assert_eq!(p.ipv6_ranges[0].cidr, "::/0");
            assert_eq!(p.prefix_list_ids, ["pl-1"]);
            assert_eq!(p.groups[0].group_id, "sg-2");
            assert_eq!(p.groups[0].user_id.as_deref(), Some("444455556666"));
            assert_eq!(g.egress[0].protocol, "-1");
            assert_eq!(g.egress[0].from_port, None);
            assert_eq!(g.tags.get("Name"), Some("web"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudposture_core::Resource;

    #[test]
    fn the_arn_is_the_owners_and_snapshots_omit_empty_sources() {
        let group = SecurityGroup {
            id: "sg-1".into(),
            name: "web".into(),
            description: String::new(),
            vpc_id: Some("vpc-1".into()),
            region: "eu-west-1".into(),
            owner_id: "123456789012".into(),
            ingress: vec![Permission {
                protocol: "tcp".into(),
                from_port: Some(22),
                to_port: Some(22),
                ipv4_ranges: vec![IpRange {
                    cidr: "0.0.0.0/0".into(),
                    description: None,
                }],
                ipv6_ranges: vec![],
                prefix_list_ids: vec![],
                groups: vec![],
            }],
            egress: vec![],
            tags: Tags::new(),
        };
        assert_eq!(
            group.to_ref().arn(),
            Some("arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1")
        );
        assert!(!group.is_default());
        let json = serde_json::to_value(&group.ingress[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"protocol": "tcp", "from_port": 22, "to_port": 22,
                               "ipv4_ranges": [{"cidr": "0.0.0.0/0"}]})
        );
        let back: Permission = serde_json::from_value(json).unwrap();
        assert_eq!(back, group.ingress[0]);
    }
}
