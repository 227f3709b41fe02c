//! SDK types → the crate's models. Every field the API returns and a model holds is kept.

use aws_sdk_ec2::types as ec2;
use cloudposture_core::Tags;
use jiff::Timestamp;

use crate::collector::RegionList;
use crate::model::{
    DestinationType, FlowLog, FlowLogResourceType, NetworkInterface, Subnet, TrafficType, Vpc,
};

/// `OptInStatus` of an opt-in region the account has not enabled.
const NOT_OPTED_IN: &str = "not-opted-in";

pub(crate) fn region_list(regions: Vec<ec2::Region>) -> RegionList {
    let mut list = RegionList::default();
    for region in regions {
        let Some(name) = region.region_name else { continue };
        if region.opt_in_status.as_deref() == Some(NOT_OPTED_IN) {
            list.not_enabled.push(name);
        } else {
            list.enabled.push(name);
        }
    }
    list.enabled.sort();
    list.not_enabled.sort();
    list
}

fn tags(tags: Option<Vec<ec2::Tag>>) -> Tags {
    tags.unwrap_or_default()
        .into_iter()
        .filter_map(|t| Some((t.key?, t.value.unwrap_or_default())))
        .collect()
}

fn timestamp(t: &aws_smithy_types::DateTime) -> Option<Timestamp> {
    Timestamp::new(t.secs(), i32::try_from(t.subsec_nanos()).ok()?).ok()
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

pub(crate) fn vpc(v: ec2::Vpc, region: &str) -> Vpc {
    let primary = v.cidr_block.clone();
    let mut cidr_blocks: Vec<String> = primary.iter().cloned().collect();
    for association in v.cidr_block_association_set.unwrap_or_default() {
        let associated = association
            .cidr_block_state
            .as_ref()
            .and_then(|s| s.state.as_ref())
            .is_none_or(|s| *s == ec2::VpcCidrBlockStateCode::Associated);
        if let Some(cidr) = association.cidr_block
            && associated
            && !cidr_blocks.contains(&cidr)
        {
            cidr_blocks.push(cidr);
        }
    }
    let ipv6_cidr_blocks = v
        .ipv6_cidr_block_association_set
        .unwrap_or_default()
        .into_iter()
        .filter(|a| {
            a.ipv6_cidr_block_state
                .as_ref()
                .and_then(|s| s.state.as_ref())
                .is_none_or(|s| *s == ec2::VpcCidrBlockStateCode::Associated)
        })
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

pub(crate) fn flow_log(f: ec2::FlowLog, region: &str, account: Option<&str>) -> FlowLog {
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

pub(crate) fn subnet(s: ec2::Subnet, region: &str) -> Subnet {
    Subnet {
        id: s.subnet_id.unwrap_or_default(),
        vpc_id: s.vpc_id.unwrap_or_default(),
        region: region.to_string(),
        owner_id: non_empty(s.owner_id),
        tags: tags(s.tags),
    }
}

pub(crate) fn network_interface(n: ec2::NetworkInterface, region: &str) -> NetworkInterface {
    NetworkInterface {
        id: n.network_interface_id.unwrap_or_default(),
        vpc_id: n.vpc_id.unwrap_or_default(),
        region: region.to_string(),
        owner_id: non_empty(n.owner_id),
        tags: tags(n.tag_set),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: &str) -> ec2::Tag {
        ec2::Tag::builder().key(k).value(v).build()
    }

    #[test]
    fn regions_split_on_opt_in_status() {
        let region = |name: &str, status: &str| {
            ec2::Region::builder()
                .region_name(name)
                .opt_in_status(status)
                .build()
        };
        let list = region_list(vec![
            region("us-east-1", "opt-in-not-required"),
            region("af-south-1", "not-opted-in"),
            region("ap-east-1", "opted-in"),
        ]);
        assert_eq!(list.enabled, ["ap-east-1", "us-east-1"]);
        assert_eq!(list.not_enabled, ["af-south-1"]);
    }

    #[test]
    fn vpc_keeps_cidrs_tags_and_owner() {
        let associated = ec2::VpcCidrBlockState::builder()
            .state(ec2::VpcCidrBlockStateCode::Associated)
            .build();
        let disassociated = ec2::VpcCidrBlockState::builder()
            .state(ec2::VpcCidrBlockStateCode::Disassociated)
            .build();
        let v = ec2::Vpc::builder()
            .vpc_id("vpc-1")
            .owner_id("111122223333")
            .cidr_block("10.0.0.0/16")
            .cidr_block_association_set(
                ec2::VpcCidrBlockAssociation::builder()
                    .cidr_block("10.0.0.0/16")
                    .cidr_block_state(associated.clone())
                    .build(),
            )
            .cidr_block_association_set(
                ec2::VpcCidrBlockAssociation::builder()
                    .cidr_block("10.1.0.0/16")
                    .cidr_block_state(associated)
                    .build(),
            )
            .cidr_block_association_set(
                ec2::VpcCidrBlockAssociation::builder()
                    .cidr_block("10.2.0.0/16")
                    .cidr_block_state(disassociated)
                    .build(),
            )
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
        let v = vpc(v, "eu-west-1");
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
        let f = flow_log(f, "us-east-2", Some("111122223333"));
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
        let f = flow_log(f, "us-east-1", None);
        assert_eq!(f.destination_type, DestinationType::CloudWatchLogs);
        assert_eq!(f.resource_type, FlowLogResourceType::Vpc);
        assert_eq!(f.account, None);
    }
}
