//! Subnets looked up by id (those that flow logs name): a lookup, not a listing.

use cloudposture_core::{Kind, KindInfo, Listing, Resource, Tags};
use serde::{Deserialize, Serialize};

use crate::arn::ec2_arn;

/// The subnet kind: only the subnets that other collected data names.
#[derive(Debug, Clone, Copy)]
pub struct Subnets;

impl Kind for Subnets {
    type Item = Subnet;
    const INFO: KindInfo = KindInfo {
        name: "aws.ec2.subnet",
        singular: "subnet",
        plural: "subnets",
        listing: Listing::Lookup,
        audit_actions: &["ec2:DescribeSubnets"],
        resource_type: "AWS::EC2::Subnet",
        finding_type: Some("AwsEc2Subnet"),
    };
}

/// A subnet, looked up to resolve subnet-level flow logs to their VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subnet {
    /// `subnet-…`.
    pub id: String,
    /// Its VPC.
    pub vpc_id: String,
    /// Region.
    pub region: String,
    /// Owning account.
    pub owner_id: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Tags,
}

impl Resource for Subnet {
    fn kind(&self) -> &'static str {
        Subnets::INFO.name
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn arn(&self) -> Option<String> {
        self.owner_id
            .as_ref()
            .map(|owner| ec2_arn(&self.region, owner, "subnet", &self.id))
    }
    fn account(&self) -> Option<&str> {
        self.owner_id.as_deref()
    }
    fn region(&self) -> Option<&str> {
        Some(&self.region)
    }
    fn tags(&self) -> &Tags {
        &self.tags
    }
}

#[cfg(feature = "sdk")]
mod sdk {
    use async_trait::async_trait;
    use aws_sdk_ec2::types as ec2;
    use cloudposture_core::CollectError;

    use super::{Subnet, Subnets};
    use crate::collector::{Fetched, ListContext, Lister};
    use crate::kinds::{FlowLogResourceType, flow_log_targets};
    use crate::sdk::{MAX_PAGE_SIZE, SdkCollector, id_filter, in_chunks, non_empty, pages, tags};

    // Looked up with an id *filter* rather than the ids parameter: an id that no longer
    // exists (deleted since its flow log was listed) is then simply absent instead of
    // failing the whole call with a NotFound error.
    #[async_trait]
    impl Lister<Subnets> for SdkCollector {
        async fn list<'a>(&self, ctx: &ListContext<'a>) -> Result<Fetched<Subnet>, CollectError> {
            let ids = flow_log_targets(ctx.scope, FlowLogResourceType::Subnet);
            let client = self.ec2_client(ctx.region);
            let client = &client;
            let fetched = in_chunks(&ids, |chunk| {
                pages(
                    "DescribeSubnets",
                    move |token| {
                        client
                            .describe_subnets()
                            .filters(id_filter("subnet-id", chunk))
                            .max_results(MAX_PAGE_SIZE)
                            .set_next_token(token)
                            .send()
                    },
                    |page| (page.subnets.unwrap_or_default(), page.next_token),
                )
            })
            .await?;
            Ok(fetched.map(|item| convert(item, ctx.region)))
        }
    }

    pub(super) fn convert(s: ec2::Subnet, region: &str) -> Subnet {
        Subnet {
            id: s.subnet_id.unwrap_or_default(),
            vpc_id: s.vpc_id.unwrap_or_default(),
            region: region.to_string(),
            owner_id: non_empty(s.owner_id),
            tags: tags(s.tags),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_name_partition_region_owner_and_type() {
        let subnet = Subnet {
            id: "subnet-1".into(),
            vpc_id: "vpc-1".into(),
            region: "cn-north-1".into(),
            owner_id: Some("123456789012".into()),
            tags: Tags::new(),
        };
        assert_eq!(
            subnet.arn().as_deref(),
            Some("arn:aws-cn:ec2:cn-north-1:123456789012:subnet/subnet-1")
        );
        assert_eq!(subnet.kind(), crate::kinds::SUBNET);
        // A finding's reference reads the same ARN.
        assert_eq!(subnet.to_ref().arn(), subnet.arn().as_deref());
        let unowned = Subnet {
            owner_id: None,
            ..subnet
        };
        assert_eq!(unowned.arn(), None);
    }
}
