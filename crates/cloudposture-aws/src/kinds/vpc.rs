//! VPCs (DescribeVpcs).

use cloudposture_core::{Kind, KindInfo, Listing, Tags};
use serde::{Deserialize, Serialize};

/// The VPC kind.
#[derive(Debug, Clone, Copy)]
pub struct Vpcs;

impl Kind for Vpcs {
    type Item = Vpc;
    const INFO: KindInfo = KindInfo {
        name: "aws.ec2.vpc",
        singular: "VPC",
        plural: "VPCs",
        listing: Listing::Complete,
        audit_actions: &["ec2:DescribeVpcs"],
        resource_type: "AWS::EC2::VPC",
        finding_type: Some("AwsEc2Vpc"),
    };
}

/// A VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vpc {
    /// `vpc-…`.
    pub id: String,
    /// Region.
    pub region: String,
    /// Owning account (differs from the scanned account for VPCs shared through AWS RAM).
    pub owner_id: String,
    /// IPv4 CIDR blocks, primary first.
    pub cidr_blocks: Vec<String>,
    /// IPv6 CIDR blocks.
    #[serde(default)]
    pub ipv6_cidr_blocks: Vec<String>,
    /// Whether this is the region's default VPC.
    pub is_default: bool,
    /// `available` or `pending`.
    pub state: String,
    /// Tags.
    #[serde(default)]
    pub tags: Tags,
}

impl Vpc {
    /// The `Name` tag, if any.
    pub fn name(&self) -> Option<&str> {
        self.tags.get("Name")
    }
}

ec2_resource!(Vpc, Vpcs, "vpc");

#[cfg(test)]
mod tests {
    use super::*;
    use cloudposture_core::Resource;

    #[test]
    fn the_arn_is_the_owners() {
        let vpc = Vpc {
            id: "vpc-1".into(),
            region: "us-gov-west-1".into(),
            owner_id: "123456789012".into(),
            cidr_blocks: vec![],
            ipv6_cidr_blocks: vec![],
            is_default: false,
            state: "available".into(),
            tags: Tags::new(),
        };
        assert_eq!(
            vpc.to_ref().arn(),
            Some("arn:aws-us-gov:ec2:us-gov-west-1:123456789012:vpc/vpc-1")
        );
        assert_eq!(vpc.to_ref().kind, "aws.ec2.vpc");
    }
}

#[cfg(feature = "sdk")]
mod sdk {
    use async_trait::async_trait;
    use aws_sdk_ec2::types as ec2;
    use cloudposture_core::CollectError;

    use super::{Vpc, Vpcs};
    use crate::collector::{Fetched, ListContext, Lister};
    use crate::sdk::{MAX_PAGE_SIZE, SdkCollector, pages, tags};

    #[async_trait]
    impl Lister<Vpcs> for SdkCollector {
        async fn list<'a>(&self, ctx: &ListContext<'a>) -> Result<Fetched<Vpc>, CollectError> {
            let client = self.ec2_client(ctx.region);
            let listed = pages(
                "DescribeVpcs",
                |token| {
                    client
                        .describe_vpcs()
                        .max_results(MAX_PAGE_SIZE)
                        .set_next_token(token)
                        .send()
                },
                |page| (page.vpcs.unwrap_or_default(), page.next_token),
            )
            .await?;
            Ok(listed.map(|v| convert(v, ctx.region)))
        }
    }

    fn associated(state: Option<&ec2::VpcCidrBlockState>) -> bool {
        state
            .and_then(|s| s.state.as_ref())
            .is_none_or(|s| *s == ec2::VpcCidrBlockStateCode::Associated)
    }

    pub(super) fn convert(v: ec2::Vpc, region: &str) -> Vpc {
        let mut cidr_blocks: Vec<String> = v.cidr_block.iter().cloned().collect();
        for association in v.cidr_block_association_set.unwrap_or_default() {
            if let Some(cidr) = association.cidr_block
                && associated(association.cidr_block_state.as_ref())
                && !cidr_blocks.contains(&cidr)
            {
                cidr_blocks.push(cidr);
            }
        }
        let ipv6_cidr_blocks = v
            .ipv6_cidr_block_association_set
            .unwrap_or_default()
            .into_iter()
            .filter(|a| associated(a.ipv6_cidr_block_state.as_ref()))
            .filter_map(|a| a.ipv6_cidr_block)
            .collect();
        Vpc {
            id: v.vpc_id.unwrap_or_default(),
            region: region.to_string(),
            owner_id: v.owner_id.unwrap_or_default(),
            cidr_blocks,
            ipv6_cidr_blocks,
            is_default: v.is_default.unwrap_or(false),
            state: v.state.map(|s| s.as_str().to_string()).unwrap_or_default(),
            tags: tags(v.tags),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn tag(k: &str, v: &str) -> ec2::Tag {
            ec2::Tag::builder().key(k).value(v).build()
        }

        #[test]
        fn vpc_keeps_cidrs_tags_and_owner() {
            let state = |code| ec2::VpcCidrBlockState::builder().state(code).build();
            let association = |cidr: &str, code| {
                ec2::VpcCidrBlockAssociation::builder()
                    .cidr_block(cidr)
                    .cidr_block_state(state(code))
                    .build()
            };
            let v = ec2::Vpc::builder()
                .vpc_id("vpc-1")
                .owner_id("111122223333")
                .cidr_block("10.0.0.0/16")
                .cidr_block_association_set(association(
                    "10.0.0.0/16",
                    ec2::VpcCidrBlockStateCode::Associated,
                ))
                .cidr_block_association_set(association(
                    "10.1.0.0/16",
                    ec2::VpcCidrBlockStateCode::Associated,
                ))
                .cidr_block_association_set(association(
                    "10.2.0.0/16",
                    ec2::VpcCidrBlockStateCode::Disassociated,
                ))
                .ipv6_cidr_block_association_set(
                    ec2::VpcIpv6CidrBlockAssociation::builder()
                        .ipv6_cidr_block("2600:1f18::/56")
                        .build(),
                )
                .is_default(true)
                .state(ec2::VpcState::Available)
                .tags(tag("Name", "prod"))
                .tags(tag("team", ""))
                .build();
            let v = convert(v, "eu-west-1");
            assert_eq!(v.id, "vpc-1");
            assert_eq!(v.region, "eu-west-1");
            assert_eq!(v.owner_id, "111122223333");
            assert_eq!(v.cidr_blocks, ["10.0.0.0/16", "10.1.0.0/16"]);
            assert_eq!(v.ipv6_cidr_blocks, ["2600:1f18::/56"]);
            assert!(v.is_default);
            assert_eq!(v.state, "available");
            assert_eq!(v.name(), Some("prod"));
            assert_eq!(v.tags.get("team"), Some(""));
        }
    }
}
