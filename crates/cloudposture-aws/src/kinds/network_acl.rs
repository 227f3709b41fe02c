//! Network ACLs (DescribeNetworkAcls), with their numbered entries.

use cloudposture_core::{Kind, KindInfo, Listing, Tags};
use serde::{Deserialize, Serialize};

/// The network ACL kind.
#[derive(Debug, Clone, Copy)]
pub struct NetworkAcls;

impl Kind for NetworkAcls {
    type Item = NetworkAcl;
    const INFO: KindInfo = KindInfo {
        name: "aws.ec2.network-acl",
        singular: "network ACL",
        plural: "network ACLs",
        listing: Listing::Complete,
        audit_actions: &["ec2:DescribeNetworkAcls"],
        resource_type: "AWS::EC2::NetworkAcl",
        finding_type: Some("AwsEc2NetworkAcl"),
    };
}

/// A network ACL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkAcl {
    /// `acl-…`.
    pub id: String,
    /// Its VPC.
    pub vpc_id: String,
    /// Region.
    pub region: String,
    /// Owning account.
    pub owner_id: String,
    /// Whether this is its VPC's default ACL.
    pub is_default: bool,
    /// Entries, inbound and outbound, as AWS lists them (including the final `*` deny,
    /// rule number 32767).
    #[serde(default)]
    pub entries: Vec<AclEntry>,
    /// The subnets associated with it.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Tags,
}

impl NetworkAcl {
    /// The inbound entries in the order AWS evaluates them (ascending rule number).
    pub fn inbound(&self) -> Vec<&AclEntry> {
        let mut entries: Vec<&AclEntry> = self.entries.iter().filter(|e| !e.egress).collect();
        entries.sort_by_key(|e| e.rule_number);
        entries
    }
}

/// One numbered entry of a network ACL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AclEntry {
    /// Evaluation order, lowest first (32767 is the final `*` entry).
    pub rule_number: i32,
    /// Whether it applies to outbound traffic.
    pub egress: bool,
    /// Protocol number as text: `-1` (all), `6` (TCP), `17` (UDP), `1` (ICMP)…
    pub protocol: String,
    /// `allow` or `deny`.
    pub action: String,
    /// IPv4 CIDR (an entry has this or `ipv6_cidr_block`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    /// IPv6 CIDR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block: Option<String>,
    /// Ports, for TCP and UDP (`None`: AWS gave none, i.e. all ports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_range: Option<PortRange>,
}

impl AclEntry {
    /// The entry's CIDR, IPv4 or IPv6.
    pub fn cidr(&self) -> Option<&str> {
        self.cidr_block.as_deref().or(self.ipv6_cidr_block.as_deref())
    }
}

/// An inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PortRange {
    /// First port.
    pub from: i32,
    /// Last port.
    pub to: i32,
}

ec2_resource!(NetworkAcl, NetworkAcls, "network-acl");

#[cfg(feature = "sdk")]
mod sdk {
    use async_trait::async_trait;
    use aws_sdk_ec2::types as ec2;
    use cloudposture_core::CollectError;

    use super::{AclEntry, NetworkAcl, NetworkAcls, PortRange};
    use crate::collector::{Fetched, ListContext, Lister};
    use crate::sdk::{MAX_PAGE_SIZE, SdkCollector, non_empty, pages, tags};

    #[async_trait]
    impl Lister<NetworkAcls> for SdkCollector {
        async fn list<'a>(&self, ctx: &ListContext<'a>) -> Result<Fetched<NetworkAcl>, CollectError> {
            let client = self.ec2_client(ctx.region);
            let listed = pages(
                "DescribeNetworkAcls",
                |token| {
                    client
                        .describe_network_acls()
                        .max_results(MAX_PAGE_SIZE)
                        .set_next_token(token)
                        .send()
                },
                |page| (page.network_acls.unwrap_or_default(), page.next_token),
            )
            .await?;
            Ok(listed.map(|a| convert(a, ctx.region)))
        }
    }

    fn convert_entry(e: ec2::NetworkAclEntry) -> AclEntry {
        AclEntry {
            rule_number: e.rule_number.unwrap_or_default(),
            egress: e.egress.unwrap_or(false),
            protocol: e.protocol.unwrap_or_default(),
            action: e.rule_action.map(|a| a.as_str().to_string()).unwrap_or_default(),
            cidr_block: non_empty(e.cidr_block),
            ipv6_cidr_block: non_empty(e.ipv6_cidr_block),
            port_range: e.port_range.and_then(|p| {
                Some(PortRange {
                    from: p.from?,
                    to: p.to?,
                })
            }),
        }
    }

    pub(super) fn convert(a: ec2::NetworkAcl, region: &str) -> NetworkAcl {
        NetworkAcl {
            id: a.network_acl_id.unwrap_or_default(),
            vpc_id: a.vpc_id.unwrap_or_default(),
            region: region.to_string(),
            owner_id: a.owner_id.unwrap_or_default(),
            is_default: a.is_default.unwrap_or(false),
            entries: a
                .entries
                .unwrap_or_default()
                .into_iter()
                .map(convert_entry)
                .collect(),
            subnet_ids: a
                .associations
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| s.subnet_id)
                .collect(),
            tags: tags(a.tags),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn acls_keep_entries_and_subnets() {
            let entry = ec2::NetworkAclEntry::builder()
                .rule_number(100)
                .egress(false)
                .protocol("6")
                .rule_action(ec2::RuleAction::Allow)
                .cidr_block("0.0.0.0/0")
                .port_range(ec2::PortRange::builder().from(22).to(22).build())
                .build();
            let v6 = ec2::NetworkAclEntry::builder()
                .rule_number(32767)
                .egress(true)
                .protocol("-1")
                .rule_action(ec2::RuleAction::Deny)
                .ipv6_cidr_block("::/0")
                .build();
            let a = ec2::NetworkAcl::builder()
                .network_acl_id("acl-1")
                .vpc_id("vpc-1")
                .owner_id("111122223333")
                .is_default(true)
                .entries(entry)
                .entries(v6)
                .associations(
                    ec2::NetworkAclAssociation::builder()
                        .subnet_id("subnet-1")
                        .build(),
                )
                .build();
            let a = convert(a, "eu-west-1");
            assert!(a.is_default);
            assert_eq!(a.subnet_ids, ["subnet-1"]);
            let e = &a.entries[0];
            assert_eq!((e.rule_number, e.egress, e.protocol.as_str()), (100, false, "6"));
            assert_eq!(e.action, "allow");
            assert_eq!(e.cidr(), Some("0.0.0.0/0"));
            assert_eq!(e.port_range, Some(PortRange { from: 22, to: 22 }));
            let e = &a.entries[1];
            assert_eq!(
                (e.egress, e.action.as_str(), e.cidr()),
                (true, "deny", Some("::/0"))
            );
            assert_eq!(e.port_range, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudposture_core::Resource;

    fn entry(rule_number: i32, egress: bool) -> AclEntry {
        AclEntry {
            rule_number,
            egress,
            protocol: "-1".into(),
            action: "allow".into(),
            cidr_block: Some("0.0.0.0/0".into()),
            ipv6_cidr_block: None,
            port_range: None,
        }
    }

    #[test]
    fn inbound_entries_come_in_rule_order_and_the_arn_is_the_owners() {
        let acl = NetworkAcl {
            id: "acl-1".into(),
            vpc_id: "vpc-1".into(),
            region: "cn-north-1".into(),
            owner_id: "123456789012".into(),
            is_default: false,
            entries: vec![entry(32767, false), entry(100, true), entry(90, false)],
            subnet_ids: vec![],
            tags: Tags::new(),
        };
        let order: Vec<i32> = acl.inbound().iter().map(|e| e.rule_number).collect();
        assert_eq!(order, [90, 32767]);
        assert_eq!(
            acl.to_ref().arn(),
            Some("arn:aws-cn:ec2:cn-north-1:123456789012:network-acl/acl-1")
        );
    }
}
