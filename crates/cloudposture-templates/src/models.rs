//! The AWS models as a template declares them: no region, no owner, the states AWS
//! gives a resource it has just created.

use cloudposture_aws::{
    AclEntry, DestinationType, FlowLog, FlowLogResourceType, Instance, IpRange, MetadataOptions, NetworkAcl,
    Permission, PortRange, SecurityGroup, Subnet, TrafficType, Vpc,
};
use cloudposture_core::Tags;

/// The world, as AWS writes it in rules.
pub(crate) const WORLD_IPV4: &str = "0.0.0.0/0";
/// The world, IPv6.
pub(crate) const WORLD_IPV6: &str = "::/0";

pub(crate) fn vpc(id: &str, cidr: Option<String>, is_default: bool, tags: Tags) -> Vpc {
    Vpc {
        id: id.to_string(),
        region: String::new(),
        owner_id: String::new(),
        cidr_blocks: cidr.into_iter().collect(),
        ipv6_cidr_blocks: Vec::new(),
        is_default,
        state: "available".to_string(),
        tags,
    }
}

/// What a flow log says, as read from the template.
pub(crate) struct FlowLogSpec {
    pub resource_id: String,
    pub resource_type: FlowLogResourceType,
    pub traffic_type: TrafficType,
    pub destination_type: DestinationType,
    pub destination: Option<String>,
    pub log_group_name: Option<String>,
    pub role_arn: Option<String>,
    pub log_format: Option<String>,
    pub max_aggregation_interval: Option<i32>,
    pub tags: Tags,
}

/// A flow log declared in a template counts as active and delivering: it is created so.
pub(crate) fn flow_log(id: &str, spec: FlowLogSpec) -> FlowLog {
    FlowLog {
        id: id.to_string(),
        region: String::new(),
        account: None,
        resource_id: spec.resource_id,
        resource_type: spec.resource_type,
        traffic_type: spec.traffic_type,
        flow_log_status: "ACTIVE".to_string(),
        deliver_logs_status: Some("SUCCESS".to_string()),
        deliver_logs_error_message: None,
        destination_type: spec.destination_type,
        destination: spec.destination,
        log_group_name: spec.log_group_name,
        deliver_logs_permission_arn: spec.role_arn,
        log_format: spec.log_format,
        max_aggregation_interval: spec.max_aggregation_interval,
        creation_time: None,
        tags: spec.tags,
    }
}

pub(crate) fn subnet(id: &str, vpc_id: String) -> Subnet {
    Subnet {
        id: id.to_string(),
        vpc_id,
        region: String::new(),
        owner_id: None,
        tags: Tags::new(),
    }
}

pub(crate) fn security_group(
    id: &str,
    name: String,
    description: String,
    vpc_id: Option<String>,
    tags: Tags,
) -> SecurityGroup {
    SecurityGroup {
        id: id.to_string(),
        name,
        description,
        vpc_id,
        region: String::new(),
        owner_id: String::new(),
        ingress: Vec::new(),
        egress: Vec::new(),
        tags,
    }
}

pub(crate) fn network_acl(id: &str, vpc_id: String, is_default: bool, tags: Tags) -> NetworkAcl {
    NetworkAcl {
        id: id.to_string(),
        vpc_id,
        region: String::new(),
        owner_id: String::new(),
        is_default,
        entries: deny_everything_else(false),
        subnet_ids: Vec::new(),
        tags,
    }
}

/// The `*` entries every network ACL ends with: deny whatever no rule allowed.
pub(crate) fn deny_everything_else(ipv6: bool) -> Vec<AclEntry> {
    let mut entries = Vec::new();
    for egress in [false, true] {
        entries.push(acl_entry(32767, egress, "-1", "deny", WORLD_IPV4, None));
        if ipv6 {
            entries.push(acl_entry(32768, egress, "-1", "deny", WORLD_IPV6, None));
        }
    }
    entries
}

/// An ACL entry; an IPv6 CIDR goes to `ipv6_cidr_block`.
pub(crate) fn acl_entry(
    rule_number: i32,
    egress: bool,
    protocol: &str,
    action: &str,
    cidr: &str,
    ports: Option<PortRange>,
) -> AclEntry {
    let v6 = cidr.contains(':');
    let protocol = normalize_protocol(protocol);
    AclEntry {
        rule_number,
        egress,
        port_range: if protocol == "-1" { None } else { ports },
        protocol,
        action: action.to_ascii_lowercase(),
        cidr_block: (!v6).then(|| cidr.to_string()),
        ipv6_cidr_block: v6.then(|| cidr.to_string()),
    }
}

/// `all`, `-1`: every protocol, as AWS writes it (`-1`); names as given otherwise.
pub(crate) fn normalize_protocol(raw: &str) -> String {
    let raw = raw.trim();
    if raw == "-1" || raw.eq_ignore_ascii_case("all") {
        "-1".to_string()
    } else {
        raw.to_ascii_lowercase()
    }
}

/// A permission of one protocol and range from `cidrs` (IPv4 and IPv6 sorted apart).
/// Every protocol (`-1`) has no port range, as AWS reports it.
pub(crate) fn permission(protocol: &str, from: Option<i32>, to: Option<i32>, cidrs: &[String]) -> Permission {
    let protocol = normalize_protocol(protocol);
    let all = protocol == "-1";
    let range = |cidr: &String| IpRange {
        cidr: cidr.clone(),
        description: None,
    };
    Permission {
        from_port: if all { None } else { from },
        to_port: if all { None } else { to },
        protocol,
        ipv4_ranges: cidrs.iter().filter(|c| !c.contains(':')).map(range).collect(),
        ipv6_ranges: cidrs.iter().filter(|c| c.contains(':')).map(range).collect(),
        prefix_list_ids: Vec::new(),
        groups: Vec::new(),
    }
}

pub(crate) fn instance(
    id: &str,
    subnet_id: Option<String>,
    instance_type: Option<String>,
    options: MetadataOptions,
    tags: Tags,
) -> Instance {
    Instance {
        id: id.to_string(),
        region: String::new(),
        owner_id: String::new(),
        state: "running".to_string(),
        instance_type,
        vpc_id: None,
        subnet_id,
        image_id: None,
        metadata_options: Some(options),
        tags,
        is_launch_template: false,
    }
}

/// Metadata options as an instance gets them: what the template says, else AWS's
/// defaults (the endpoint enabled, tokens optional, one hop).
pub(crate) fn metadata_options(
    tokens: Option<String>,
    endpoint: Option<String>,
    hops: Option<i32>,
) -> MetadataOptions {
    MetadataOptions {
        http_tokens: Some(tokens.unwrap_or_else(|| "optional".to_string())),
        http_endpoint: Some(endpoint.unwrap_or_else(|| "enabled".to_string())),
        http_put_response_hop_limit: Some(hops.unwrap_or(1)),
        state: Some("applied".to_string()),
    }
}
