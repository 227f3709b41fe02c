//! The crate's own resource models (never SDK types), each a core [`Resource`].

use cloudposture_core::{DeriveArn, Resource, ResourceRef, Tags};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Resource kinds this provider collects, as rules name them in `RuleMetadata::requires`.
pub mod kinds {
    /// A VPC.
    pub const VPC: &str = "aws.ec2.vpc";
    /// A flow log (of any attached resource type).
    pub const FLOW_LOG: &str = "aws.ec2.flow-log";
    /// A subnet. Collected only for the ids that other collected resources (flow logs) name.
    pub const SUBNET: &str = "aws.ec2.subnet";
    /// A network interface. Collected only for the ids that flow logs name.
    pub const NETWORK_INTERFACE: &str = "aws.ec2.network-interface";
    /// Every kind this provider knows.
    pub const ALL: [&str; 4] = [VPC, FLOW_LOG, SUBNET, NETWORK_INTERFACE];
}

/// The AWS partition of a region: `aws`, `aws-cn` or `aws-us-gov`.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The ARN of an EC2 resource from its reference (kind, id, region, account): what the
/// EC2 models give as [`Resource::derived_arn`], so that findings carry no ARN text.
/// `None` for a kind that is not EC2's or a reference without region or account.
pub fn ec2_arn_of(resource: &ResourceRef) -> Option<String> {
    let resource_type = match resource.kind.as_str() {
        kinds::VPC => "vpc",
        kinds::FLOW_LOG => "vpc-flow-log",
        kinds::SUBNET => "subnet",
        kinds::NETWORK_INTERFACE => "network-interface",
        _ => return None,
    };
    Some(ec2_arn(
        resource.region.as_deref()?,
        resource.account.as_deref()?,
        resource_type,
        &resource.id,
    ))
}

/// `arn:PARTITION:ec2:REGION:ACCOUNT:TYPE/ID`, written in one allocation of the right
/// size (every finding carries one).
pub fn ec2_arn(region: &str, account: &str, resource_type: &str, id: &str) -> String {
    let partition = partition_of(region);
    let mut arn = String::with_capacity(
        partition.len() + region.len() + account.len() + resource_type.len() + id.len() + 12,
    );
    for part in [
        "arn:",
        partition,
        ":ec2:",
        region,
        ":",
        account,
        ":",
        resource_type,
        "/",
        id,
    ] {
        arn.push_str(part);
    }
    arn
}

/// Declares an enum of AWS string values that keeps values it does not know as `Other`,
/// so that a new value from AWS never breaks collection or a snapshot.
macro_rules! aws_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know, kept as AWS sent it.
            Other(String),
        }

        impl $name {
            /// The value as AWS writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($text => $name::$variant,)+
                    _ => $name::Other(s),
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::from(s.to_string())
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_string()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

aws_enum! {
    /// Which traffic a flow log records.
    TrafficType {
        /// Accepted and rejected traffic.
        All = "ALL",
        /// Accepted traffic only.
        Accept = "ACCEPT",
        /// Rejected traffic only.
        Reject = "REJECT",
    }
}

aws_enum! {
    /// The type of resource a flow log is attached to.
    FlowLogResourceType {
        /// A VPC.
        Vpc = "VPC",
        /// A subnet.
        Subnet = "Subnet",
        /// A network interface.
        NetworkInterface = "NetworkInterface",
        /// A transit gateway.
        TransitGateway = "TransitGateway",
        /// A transit gateway attachment.
        TransitGatewayAttachment = "TransitGatewayAttachment",
    }
}

aws_enum! {
    /// Where a flow log publishes.
    DestinationType {
        /// CloudWatch Logs.
        CloudWatchLogs = "cloud-watch-logs",
        /// Amazon S3.
        S3 = "s3",
        /// Amazon Data Firehose.
        KinesisDataFirehose = "kinesis-data-firehose",
    }
}

impl FlowLogResourceType {
    /// Infers the type from a resource id prefix (`vpc-`, `subnet-`, `eni-`, `tgw-`,
    /// `tgw-attach-`). DescribeFlowLogs does not return the type, only the id.
    pub fn from_resource_id(id: &str) -> FlowLogResourceType {
        if id.starts_with("vpc-") {
            FlowLogResourceType::Vpc
        } else if id.starts_with("subnet-") {
            FlowLogResourceType::Subnet
        } else if id.starts_with("eni-") {
            FlowLogResourceType::NetworkInterface
        } else if id.starts_with("tgw-attach-") {
            FlowLogResourceType::TransitGatewayAttachment
        } else if id.starts_with("tgw-") {
            FlowLogResourceType::TransitGateway
        } else {
            FlowLogResourceType::Other(String::new())
        }
    }
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

impl Resource for Vpc {
    fn kind(&self) -> &'static str {
        kinds::VPC
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn arn(&self) -> Option<String> {
        Some(ec2_arn(&self.region, &self.owner_id, "vpc", &self.id))
    }
    fn derived_arn(&self) -> Option<DeriveArn> {
        Some(ec2_arn_of)
    }
    fn account(&self) -> Option<&str> {
        Some(&self.owner_id)
    }
    fn region(&self) -> Option<&str> {
        Some(&self.region)
    }
    fn tags(&self) -> &Tags {
        &self.tags
    }
}

/// A flow log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowLog {
    /// `fl-…`.
    pub id: String,
    /// Region.
    pub region: String,
    /// Account that owns the flow log (the scanned account).
    pub account: Option<String>,
    /// Id of the resource it is attached to (`vpc-…`, `subnet-…`, `eni-…`, `tgw-…`).
    pub resource_id: String,
    /// Type of that resource.
    pub resource_type: FlowLogResourceType,
    /// Which traffic it records.
    pub traffic_type: TrafficType,
    /// `ACTIVE` when the flow log is working.
    pub flow_log_status: String,
    /// `SUCCESS`, `FAILED`, or absent.
    pub deliver_logs_status: Option<String>,
    /// Why delivery fails, e.g. `Access error`, `Rate limited`.
    pub deliver_logs_error_message: Option<String>,
    /// Destination type.
    pub destination_type: DestinationType,
    /// Destination ARN (S3 bucket, log group or Firehose stream). Empty for some
    /// CloudWatch Logs flow logs, which only name the log group.
    pub destination: Option<String>,
    /// CloudWatch Logs log group name.
    pub log_group_name: Option<String>,
    /// IAM role that publishes the logs.
    pub deliver_logs_permission_arn: Option<String>,
    /// Custom log format, if any.
    pub log_format: Option<String>,
    /// Seconds per aggregation interval (60 or 600).
    pub max_aggregation_interval: Option<i32>,
    /// When it was created.
    pub creation_time: Option<Timestamp>,
    /// Tags.
    #[serde(default)]
    pub tags: Tags,
}

impl FlowLog {
    /// `FlowLogStatus` is `ACTIVE`.
    pub fn is_active(&self) -> bool {
        self.flow_log_status.eq_ignore_ascii_case("ACTIVE")
    }

    /// `DeliverLogsStatus` is `FAILED`.
    pub fn delivery_failed(&self) -> bool {
        self.deliver_logs_status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("FAILED"))
    }

    /// Where it publishes, for people: the destination ARN, or the log group.
    pub fn destination_label(&self) -> String {
        match (&self.destination, &self.log_group_name) {
            (Some(d), _) if !d.is_empty() => d.clone(),
            (_, Some(g)) if !g.is_empty() => format!("log group {g}"),
            _ => "(no destination reported)".to_string(),
        }
    }
}

impl Resource for FlowLog {
    fn kind(&self) -> &'static str {
        kinds::FLOW_LOG
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn arn(&self) -> Option<String> {
        self.account
            .as_ref()
            .map(|account| ec2_arn(&self.region, account, "vpc-flow-log", &self.id))
    }
    fn derived_arn(&self) -> Option<DeriveArn> {
        Some(ec2_arn_of)
    }
    fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }
    fn region(&self) -> Option<&str> {
        Some(&self.region)
    }
    fn tags(&self) -> &Tags {
        &self.tags
    }
}

/// Declares a resource that belongs to a VPC (subnet, network interface): its id, its
/// VPC, region, owner and tags — what resolving subnet- and ENI-level flow logs needs.
macro_rules! vpc_member {
    ($(#[$meta:meta])* $name:ident, kind = $kind:expr, arn_type = $arn_type:literal, id = $id_doc:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            #[doc = $id_doc]
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

        impl Resource for $name {
            fn kind(&self) -> &'static str {
                $kind
            }
            fn id(&self) -> &str {
                &self.id
            }
            fn arn(&self) -> Option<String> {
                self.owner_id
                    .as_ref()
                    .map(|owner| ec2_arn(&self.region, owner, $arn_type, &self.id))
            }
            fn derived_arn(&self) -> Option<DeriveArn> {
                Some(ec2_arn_of)
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
    };
}

vpc_member! {
    /// A subnet, collected to resolve subnet-level flow logs to their VPC.
    Subnet, kind = kinds::SUBNET, arn_type = "subnet", id = "`subnet-…`."
}

vpc_member! {
    /// A network interface, collected to resolve ENI-level flow logs to their VPC.
    NetworkInterface, kind = kinds::NETWORK_INTERFACE, arn_type = "network-interface", id = "`eni-…`."
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudposture_core::Arn;

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
        let eni = NetworkInterface {
            id: "eni-1".into(),
            vpc_id: "vpc-1".into(),
            region: "eu-west-1".into(),
            owner_id: None,
            tags: Tags::new(),
        };
        assert_eq!(eni.arn(), None);
        assert_eq!(eni.kind(), kinds::NETWORK_INTERFACE);
        let eni = NetworkInterface {
            owner_id: Some("123456789012".into()),
            ..eni
        };
        assert_eq!(
            eni.arn().as_deref(),
            Some("arn:aws:ec2:eu-west-1:123456789012:network-interface/eni-1")
        );
        // References carry the ARN as a function of their fields, which gives the same.
        assert_eq!(eni.to_ref().arn(), eni.arn().map(Into::into));
        assert!(matches!(eni.to_ref().arn_source(), Some(Arn::Derived(_))));
        assert_eq!(subnet.to_ref().arn(), subnet.arn().map(Into::into));
        let vpc = Vpc {
            id: "vpc-1".into(),
            region: "eu-west-1".into(),
            owner_id: "123456789012".into(),
            cidr_blocks: vec![],
            ipv6_cidr_blocks: vec![],
            is_default: false,
            state: "available".into(),
            tags: Tags::new(),
        };
        assert_eq!(
            vpc.to_ref().arn().as_deref(),
            Some("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1")
        );
        assert_eq!(
            ec2_arn_of(&ResourceRef::new("aws.s3.bucket", "b").in_region("eu-west-1")),
            None
        );
        let arn = ec2_arn("us-gov-west-1", "123456789012", "vpc", "vpc-0abc");
        assert_eq!(arn, "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:vpc/vpc-0abc");
        assert_eq!(arn.capacity(), arn.len(), "one allocation of the right size");
    }
}
