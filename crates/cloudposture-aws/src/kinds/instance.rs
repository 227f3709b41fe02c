//! EC2 instances (DescribeInstances) that exist: pending, running, stopping or stopped.
//! Terminated and shutting-down instances are not listed.

use cloudposture_core::{Kind, KindInfo, Listing, Tags};
use serde::{Deserialize, Serialize};

/// The instance kind.
#[derive(Debug, Clone, Copy)]
pub struct Instances;

impl Kind for Instances {
    type Item = Instance;
    const INFO: KindInfo = KindInfo {
        name: "aws.ec2.instance",
        singular: "instance",
        plural: "instances",
        listing: Listing::Complete,
        audit_actions: &["ec2:DescribeInstances"],
        resource_type: "AWS::EC2::Instance",
        finding_type: Some("AwsEc2Instance"),
    };
}

/// The instance states that are listed (DescribeInstances' `instance-state-name` filter).
pub const LISTED_INSTANCE_STATES: [&str; 4] = ["pending", "running", "stopping", "stopped"];

/// An EC2 instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// `i-…`.
    pub id: String,
    /// Region.
    pub region: String,
    /// Owning account (the reservation's owner).
    pub owner_id: String,
    /// `pending`, `running`, `stopping` or `stopped`.
    pub state: String,
    /// e.g. `t3.micro`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    /// Its VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Its subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    /// Its AMI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    /// The instance metadata service options; `None` when AWS returned none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_options: Option<MetadataOptions>,
    /// Tags.
    #[serde(default)]
    pub tags: Tags,
    /// A launch template declared in a template that no declared instance is launched
    /// from (an Auto Scaling group's, an EKS node group's…), judged as the instances it
    /// will launch: its id is the launch template's. Never true for a listed instance.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_launch_template: bool,
}

/// The instance metadata service (IMDS) options of an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataOptions {
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_tokens: Option<String>,
    /// `enabled` or `disabled`: whether the metadata endpoint answers at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_endpoint: Option<String>,
    /// Hops a metadata response may travel (1–64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_put_response_hop_limit: Option<i32>,
    /// `pending` while a change is applied, then `applied`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

impl Instance {
    /// The `Name` tag, if any.
    pub fn name(&self) -> Option<&str> {
        self.tags.get("Name")
    }
}

ec2_resource!(Instance, Instances, "instance");

#[cfg(feature = "sdk")]
mod sdk {
    use async_trait::async_trait;
    use aws_sdk_ec2::types as ec2;
    use cloudposture_core::CollectError;

    use super::{Instance, Instances, LISTED_INSTANCE_STATES, MetadataOptions};
    use crate::collector::{Fetched, ListContext, Lister};
    use crate::sdk::{MAX_PAGE_SIZE, SdkCollector, non_empty, pages, tags};

    #[async_trait]
    impl Lister<Instances> for SdkCollector {
        async fn list<'a>(&self, ctx: &ListContext<'a>) -> Result<Fetched<Instance>, CollectError> {
            let client = self.ec2_client(ctx.region);
            let states = ec2::Filter::builder()
                .name("instance-state-name")
                .set_values(Some(LISTED_INSTANCE_STATES.map(String::from).to_vec()))
                .build();
            let listed = pages(
                "DescribeInstances",
                |token| {
                    client
                        .describe_instances()
                        .filters(states.clone())
                        .max_results(MAX_PAGE_SIZE)
                        .set_next_token(token)
                        .send()
                },
                |page| {
                    let instances = page
                        .reservations
                        .unwrap_or_default()
                        .into_iter()
                        .flat_map(|r| {
                            let owner = r.owner_id.unwrap_or_default();
                            r.instances
                                .unwrap_or_default()
                                .into_iter()
                                .map(move |i| (owner.clone(), i))
                        })
                        .collect();
                    (instances, page.next_token)
                },
            )
            .await?;
            Ok(listed.map(|(owner, i)| convert(i, owner, ctx.region)))
        }
    }

    pub(super) fn convert(i: ec2::Instance, owner_id: String, region: &str) -> Instance {
        Instance {
            id: i.instance_id.unwrap_or_default(),
            region: region.to_string(),
            owner_id,
            state: i
                .state
                .and_then(|s| s.name)
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            instance_type: i.instance_type.map(|t| t.as_str().to_string()),
            vpc_id: non_empty(i.vpc_id),
            subnet_id: non_empty(i.subnet_id),
            image_id: non_empty(i.image_id),
            metadata_options: i.metadata_options.map(|m| MetadataOptions {
                http_tokens: m.http_tokens.map(|t| t.as_str().to_string()),
                http_endpoint: m.http_endpoint.map(|e| e.as_str().to_string()),
                http_put_response_hop_limit: m.http_put_response_hop_limit,
                state: m.state.map(|s| s.as_str().to_string()),
            }),
            tags: tags(i.tags),
            is_launch_template: false,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn instances_keep_their_metadata_options() {
            let i = ec2::Instance::builder()
                .instance_id("i-1")
                .instance_type(ec2::InstanceType::T3Micro)
                .state(
                    ec2::InstanceState::builder()
                        .name(ec2::InstanceStateName::Stopped)
                        .build(),
                )
                .vpc_id("vpc-1")
                .subnet_id("subnet-1")
                .image_id("ami-1")
                .metadata_options(
                    ec2::InstanceMetadataOptionsResponse::builder()
                        .http_tokens(ec2::HttpTokensState::Optional)
                        .http_endpoint(ec2::InstanceMetadataEndpointState::Enabled)
                        .http_put_response_hop_limit(2)
                        .state(ec2::InstanceMetadataOptionsState::Applied)
                        .build(),
                )
                .tags(ec2::Tag::builder().key("Name").value("bastion").build())
                .build();
            let i = convert(i, "111122223333".into(), "eu-west-1");
            assert_eq!((i.id.as_str(), i.state.as_str()), ("i-1", "stopped"));
            assert_eq!(i.instance_type.as_deref(), Some("t3.micro"));
            assert_eq!(i.owner_id, "111122223333");
            let m = i.metadata_options.as_ref().unwrap();
            assert_eq!(m.http_tokens.as_deref(), Some("optional"));
            assert_eq!(m.http_endpoint.as_deref(), Some("enabled"));
            assert_eq!(m.http_put_response_hop_limit, Some(2));
            assert_eq!(m.state.as_deref(), Some("applied"));
            assert_eq!(i.name(), Some("bastion"));
            let bare = convert(
                ec2::Instance::builder().instance_id("i-2").build(),
                String::new(),
                "eu-west-1",
            );
            assert_eq!(bare.metadata_options, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudposture_core::Resource;

    #[test]
    fn the_arn_is_the_owners() {
        let instance = Instance {
            id: "i-1".into(),
            region: "eu-west-1".into(),
            owner_id: "123456789012".into(),
            state: "running".into(),
            instance_type: None,
            vpc_id: None,
            subnet_id: None,
            image_id: None,
            metadata_options: None,
            tags: Tags::new(),
            is_launch_template: false,
        };
        assert_eq!(
            instance.to_ref().arn(),
            Some("arn:aws:ec2:eu-west-1:123456789012:instance/i-1")
        );
    }
}
