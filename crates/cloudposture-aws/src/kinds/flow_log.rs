//! Flow logs (DescribeFlowLogs), of every resource type they attach to.

use std::collections::BTreeSet;

use cloudposture_core::{Kind, KindInfo, KindState, Listing, Resource, Scope, Tags};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::arn::ec2_arn;

/// The flow log kind: every flow log of the region, whatever it is attached to.
#[derive(Debug, Clone, Copy)]
pub struct FlowLogs;

impl Kind for FlowLogs {
    type Item = FlowLog;
    const INFO: KindInfo = KindInfo {
        name: "aws.ec2.flow-log",
        singular: "flow log",
        plural: "flow logs",
        listing: Listing::Complete,
        audit_actions: &["ec2:DescribeFlowLogs"],
        resource_type: "AWS::EC2::FlowLog",
        finding_type: None,
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
        FlowLogs::INFO.name
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn arn(&self) -> Option<String> {
        self.account
            .as_ref()
            .map(|account| ec2_arn(&self.region, account, "vpc-flow-log", &self.id))
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

/// The ids of the resources of type `target` that the flow logs of `scope` are
/// attached to, each once, sorted: what the subnet and network-interface lookups read.
pub fn flow_log_targets(scope: &Scope, target: FlowLogResourceType) -> Vec<String> {
    let KindState::Listed(flow_logs) = scope.get::<FlowLogs>() else {
        return Vec::new();
    };
    let ids: BTreeSet<&str> = flow_logs
        .iter()
        .filter(|f| f.resource_type == target)
        .map(|f| f.resource_id.as_str())
        .collect();
    ids.into_iter().map(str::to_string).collect()
}

#[cfg(feature = "sdk")]
pub(crate) mod sdk {
    use async_trait::async_trait;
    use aws_sdk_ec2::types as ec2;
    use cloudposture_core::CollectError;

    use super::{DestinationType, FlowLog, FlowLogResourceType, FlowLogs, TrafficType};
    use crate::collector::{Fetched, ListContext, Lister};
    use crate::sdk::{MAX_PAGE_SIZE, SdkCollector, non_empty, pages, tags, timestamp};

    #[async_trait]
    impl Lister<FlowLogs> for SdkCollector {
        async fn list<'a>(&self, ctx: &ListContext<'a>) -> Result<Fetched<FlowLog>, CollectError> {
            let client = self.ec2_client(ctx.region);
            let listed = pages(
                "DescribeFlowLogs",
                |token| {
                    client
                        .describe_flow_logs()
                        .max_results(MAX_PAGE_SIZE)
                        .set_next_token(token)
                        .send()
                },
                |page| (page.flow_logs.unwrap_or_default(), page.next_token),
            )
            .await?;
            // DescribeFlowLogs lists the caller's own flow logs but does not name the account.
            Ok(listed.map(|f| convert(f, ctx.region, ctx.account)))
        }
    }

    pub(crate) fn convert(f: ec2::FlowLog, region: &str, account: Option<&str>) -> FlowLog {
        let resource_id = f.resource_id.unwrap_or_default();
        let log_group_name = non_empty(f.log_group_name);
        let destination_type = match (&f.log_destination_type, &log_group_name) {
            (Some(t), _) => DestinationType::from(t.as_str()),
            // Flow logs created before S3 destinations existed do not say: they publish to
            // CloudWatch Logs, which is what naming a log group means.
            (None, Some(_)) => DestinationType::CloudWatchLogs,
            (None, None) => DestinationType::Other(String::new()),
        };
        FlowLog {
            id: f.flow_log_id.unwrap_or_default(),
            region: region.to_string(),
            account: account.map(str::to_string),
            resource_type: FlowLogResourceType::from_resource_id(&resource_id),
            resource_id,
            traffic_type: f.traffic_type.map_or_else(
                || TrafficType::Other(String::new()),
                |t| TrafficType::from(t.as_str()),
            ),
            flow_log_status: f.flow_log_status.unwrap_or_default(),
            deliver_logs_status: non_empty(f.deliver_logs_status),
            deliver_logs_error_message: non_empty(f.deliver_logs_error_message),
            destination_type,
            destination: non_empty(f.log_destination),
            log_group_name,
            deliver_logs_permission_arn: non_empty(f.deliver_logs_permission_arn),
            log_format: non_empty(f.log_format),
            max_aggregation_interval: f.max_aggregation_interval,
            creation_time: f.creation_time.as_ref().and_then(timestamp),
            tags: tags(f.tags),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use jiff::Timestamp;

        fn tag(k: &str, v: &str) -> ec2::Tag {
            ec2::Tag::builder().key(k).value(v).build()
        }

        #[test]
        fn flow_log_keeps_every_field() {
            let f = ec2::FlowLog::builder()
                .flow_log_id("fl-1")
                .resource_id("subnet-1")
                .traffic_type(ec2::TrafficType::Reject)
                .flow_log_status("ACTIVE")
                .deliver_logs_status("FAILED")
                .deliver_logs_error_message("Access error")
                .log_destination_type(ec2::LogDestinationType::CloudWatchLogs)
                .log_destination("")
                .log_group_name("flows")
                .deliver_logs_permission_arn("arn:aws:iam::111122223333:role/flows")
                .log_format("${version} ${srcaddr}")
                .max_aggregation_interval(60)
                .creation_time(aws_smithy_types::DateTime::from_secs_and_nanos(1_700_000_000, 5))
                .tags(tag("k", "v"))
                .build();
            let f = convert(f, "us-east-2", Some("111122223333"));
            assert_eq!(f.id, "fl-1");
            assert_eq!(f.account.as_deref(), Some("111122223333"));
            assert_eq!(f.resource_type, FlowLogResourceType::Subnet);
            assert_eq!(f.traffic_type, TrafficType::Reject);
            assert!(f.is_active());
            assert!(f.delivery_failed());
            assert_eq!(f.deliver_logs_error_message.as_deref(), Some("Access error"));
            assert_eq!(f.destination_type, DestinationType::CloudWatchLogs);
            assert_eq!(f.destination, None);
            assert_eq!(f.destination_label(), "log group flows");
            assert_eq!(f.max_aggregation_interval, Some(60));
            assert_eq!(f.log_format.as_deref(), Some("${version} ${srcaddr}"));
            assert_eq!(f.creation_time, Some(Timestamp::new(1_700_000_000, 5).unwrap()));
            assert_eq!(f.tags.get("k"), Some("v"));
        }

        #[test]
        fn old_flow_log_without_destination_type_is_cloudwatch_logs() {
            let f = ec2::FlowLog::builder()
                .flow_log_id("fl-2")
                .resource_id("vpc-1")
                .log_group_name("g")
                .build();
            let f = convert(f, "us-east-1", None);
            assert_eq!(f.destination_type, DestinationType::CloudWatchLogs);
            assert_eq!(f.resource_type, FlowLogResourceType::Vpc);
            assert_eq!(f.account, None);
        }
    }
}
