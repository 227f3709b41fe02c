//! Network interfaces looked up by id (those that flow logs name): a lookup, not a listing.

use cloudposture_core::{Kind, KindInfo, Listing, Resource, Tags};
use serde::{Deserialize, Serialize};

use crate::arn::ec2_arn;

/// The network interface kind: only the network interfaces that other collected data names.
#[derive(Debug, Clone, Copy)]
pub struct NetworkInterfaces;

impl Kind for NetworkInterfaces {
    type Item = NetworkInterface;
    const INFO: KindInfo = KindInfo {
        name: "aws.ec2.network-interface",
        singular: "network interface",
        plural: "network interfaces",
        listing: Listing::Lookup,
        audit_actions: &["ec2:DescribeNetworkInterfaces"],
        resource_type: "AWS::EC2::NetworkInterface",
        finding_type: Some("AwsEc2NetworkInterface"),
    };
}

/// A network interface, looked up to resolve ENI-level flow logs to their VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInterface {
    /// `eni-…`.
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

impl Resource for NetworkInterface {
    fn kind(&self) -> &'static str {
        NetworkInterfaces::INFO.name
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn arn(&self) -> Option<String> {
        self.owner_id
            .as_ref()
            .map(|owner| ec2_arn(&self.region, owner, "network-interface", &self.id))
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

    use super::{NetworkInterface, NetworkInterfaces};
    use crate::collector::{Fetched, ListContext, Lister};
    use crate::kinds::{FlowLogResourceType, flow_log_targets};
    use crate::sdk::{MAX_PAGE_SIZE, SdkCollector, id_filter, in_chunks, non_empty, pages, tags};

    // Looked up with an id *filter* rather than the ids parameter: an id that no longer
    // exists (deleted since its flow log was listed) is then simply absent instead of
    // failing the whole call with a NotFound error.
    #[async_trait]
    impl Lister<NetworkInterfaces> for SdkCollector {
        async fn list<'a>(&self, ctx: &ListContext<'a>) -> Result<Fetched<NetworkInterface>, CollectError> {
            let ids = flow_log_targets(ctx.scope, FlowLogResourceType::NetworkInterface);
            let client = self.ec2_client(ctx.region);
            let client = &client;
            let fetched = in_chunks(&ids, |chunk| {
                pages(
                    "DescribeNetworkInterfaces",
                    move |token| {
                        client
                            .describe_network_interfaces()
                            .filters(id_filter("network-interface-id", chunk))
                            .max_results(MAX_PAGE_SIZE)
                            .set_next_token(token)
                            .send()
                    },
                    |page| (page.network_interfaces.unwrap_or_default(), page.next_token),
                )
            })
            .await?;
            Ok(fetched.map(|item| convert(item, ctx.region)))
        }
    }

    pub(super) fn convert(n: ec2::NetworkInterface, region: &str) -> NetworkInterface {
        NetworkInterface {
            id: n.network_interface_id.unwrap_or_default(),
            vpc_id: n.vpc_id.unwrap_or_default(),
            region: region.to_string(),
            owner_id: non_empty(n.owner_id),
            tags: tags(n.tag_set),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_need_the_owner() {
        let eni = NetworkInterface {
            id: "eni-1".into(),
            vpc_id: "vpc-1".into(),
            region: "eu-west-1".into(),
            owner_id: None,
            tags: Tags::new(),
        };
        assert_eq!(eni.arn(), None);
        assert_eq!(eni.kind(), crate::kinds::NETWORK_INTERFACE);
        let eni = NetworkInterface {
            owner_id: Some("123456789012".into()),
            ..eni
        };
        assert_eq!(
            eni.arn().as_deref(),
            Some("arn:aws:ec2:eu-west-1:123456789012:network-interface/eni-1")
        );
        assert_eq!(eni.to_ref().arn(), eni.arn().as_deref());
    }
}
