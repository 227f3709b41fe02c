//! Seeding moto with the resources tests need: VPCs, subnets, network interfaces, flow
//! logs, S3 buckets and CloudWatch Logs log groups.

use aws_sdk_ec2::types::{
    FlowLogsResourceType, LogDestinationType, ResourceType, Tag, TagSpecification, TrafficType,
};

use super::{MotoServer, auth_header, error_text, json_string};

impl MotoServer {
    /// Creates a VPC with `cidr` (e.g. `10.0.0.0/16`) and `tags`; returns its id.
    ///
    /// # Panics
    ///
    /// When moto refuses (as every seeding helper does: seeding is test set-up).
    pub async fn create_vpc(&self, region: &str, cidr: &str, tags: &[(&str, &str)]) -> String {
        let mut request = self.ec2_client(region).create_vpc().cidr_block(cidr);
        if !tags.is_empty() {
            request = request.tag_specifications(tag_specification(ResourceType::Vpc, tags));
        }
        let out = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateVpc `{cidr}` in `{region}`: {}", error_text(&e)));
        out.vpc
            .and_then(|v| v.vpc_id)
            .unwrap_or_else(|| panic!("CreateVpc `{cidr}` in `{region}` returned no VPC id"))
    }

    /// Creates `count` untagged VPCs (`10.x.y.0/24`, distinct for up to 65,536) and
    /// returns their ids; for scale tests and benchmarks. About 3.4 s per 1,000.
    pub async fn create_vpcs(&self, region: &str, count: usize) -> Vec<String> {
        let mut ids = Vec::with_capacity(count);
        for i in 0..count {
            let cidr = format!("10.{}.{}.0/24", (i / 256) % 256, i % 256);
            ids.push(self.create_vpc(region, &cidr, &[]).await);
        }
        ids
    }

    /// The id of `region`'s default VPC (moto creates one per region on first use).
    pub async fn default_vpc_id(&self, region: &str) -> String {
        let out = self
            .ec2_client(region)
            .describe_vpcs()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("is-default")
                    .values("true")
                    .build(),
            )
            .send()
            .await
            .unwrap_or_else(|e| panic!("DescribeVpcs in `{region}`: {}", error_text(&e)));
        out.vpcs
            .unwrap_or_default()
            .into_iter()
            .find_map(|v| v.vpc_id)
            .unwrap_or_else(|| panic!("moto has no default VPC in `{region}`"))
    }

    /// Creates a subnet of `vpc_id` with `cidr` (inside the VPC's range); returns its id.
    pub async fn create_subnet(&self, region: &str, vpc_id: &str, cidr: &str) -> String {
        let out = self
            .ec2_client(region)
            .create_subnet()
            .vpc_id(vpc_id)
            .cidr_block(cidr)
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateSubnet `{cidr}` in `{vpc_id}`: {}", error_text(&e)));
        out.subnet
            .and_then(|s| s.subnet_id)
            .unwrap_or_else(|| panic!("CreateSubnet in `{vpc_id}` returned no subnet id"))
    }

    /// Creates a network interface in `subnet_id`; returns its id.
    pub async fn create_network_interface(&self, region: &str, subnet_id: &str) -> String {
        let out = self
            .ec2_client(region)
            .create_network_interface()
            .subnet_id(subnet_id)
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateNetworkInterface in `{subnet_id}`: {}", error_text(&e)));
        out.network_interface
            .and_then(|n| n.network_interface_id)
            .unwrap_or_else(|| panic!("CreateNetworkInterface in `{subnet_id}` returned no id"))
    }

    /// Creates a flow log of `resource_id` publishing to the S3 bucket `bucket` (which must
    /// exist: see [`MotoServer::create_bucket`]); returns its id.
    ///
    /// `resource_type` is `VPC`, `Subnet` or `NetworkInterface`; `traffic_type` is `ALL`,
    /// `ACCEPT` or `REJECT`.
    pub async fn create_flow_log_s3(
        &self,
        region: &str,
        resource_id: &str,
        resource_type: &str,
        bucket: &str,
        traffic_type: &str,
    ) -> String {
        let request = self
            .ec2_client(region)
            .create_flow_logs()
            .resource_ids(resource_id)
            .resource_type(FlowLogsResourceType::from(resource_type))
            .traffic_type(TrafficType::from(traffic_type))
            .log_destination_type(LogDestinationType::S3)
            .log_destination(format!("arn:aws:s3:::{bucket}"));
        let out = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateFlowLogs for `{resource_id}`: {}", error_text(&e)));
        single_flow_log_id(out, resource_id)
    }

    /// Creates a flow log of `resource_id` publishing to the CloudWatch Logs group
    /// `log_group` through the IAM role `role_arn`; returns its id.
    ///
    /// moto creates it even when the log group does not exist, with
    /// `DeliverLogsStatus=FAILED` (`Access error`): the way to seed a failing flow log.
    /// `resource_type` and `traffic_type` as for [`MotoServer::create_flow_log_s3`].
    pub async fn create_flow_log_cwl(
        &self,
        region: &str,
        resource_id: &str,
        resource_type: &str,
        log_group: &str,
        role_arn: &str,
        traffic_type: &str,
    ) -> String {
        let out = self
            .ec2_client(region)
            .create_flow_logs()
            .resource_ids(resource_id)
            .resource_type(FlowLogsResourceType::from(resource_type))
            .traffic_type(TrafficType::from(traffic_type))
            .log_destination_type(LogDestinationType::CloudWatchLogs)
            .log_group_name(log_group)
            .deliver_logs_permission_arn(role_arn)
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateFlowLogs for `{resource_id}`: {}", error_text(&e)));
        single_flow_log_id(out, resource_id)
    }

    /// Creates the S3 bucket `name` (in `us-east-1`; bucket names are global).
    pub async fn create_bucket(&self, name: &str) {
        let headers = [("authorization", auth_header("us-east-1", "s3"))];
        let (status, body) = self.http_async("PUT", &format!("/{name}"), &headers, b"").await;
        if status != 200 {
            panic!("CreateBucket `{name}` answered {status}: {body}");
        }
    }

    /// Creates the CloudWatch Logs log group `name` in `region`.
    pub async fn create_log_group(&self, region: &str, name: &str) {
        let headers = [
            ("authorization", auth_header(region, "logs")),
            ("x-amz-target", "Logs_20140328.CreateLogGroup".to_string()),
            ("content-type", "application/x-amz-json-1.1".to_string()),
        ];
        let body = format!("{{\"logGroupName\":{}}}", json_string(name));
        let (status, answer) = self.http_async("POST", "/", &headers, body.as_bytes()).await;
        if status != 200 {
            panic!("CreateLogGroup `{name}` in `{region}` answered {status}: {answer}");
        }
    }
}

fn tag_specification(resource_type: ResourceType, tags: &[(&str, &str)]) -> TagSpecification {
    let mut spec = TagSpecification::builder().resource_type(resource_type);
    for (key, value) in tags {
        spec = spec.tags(Tag::builder().key(*key).value(*value).build());
    }
    spec.build()
}

fn single_flow_log_id(
    out: aws_sdk_ec2::operation::create_flow_logs::CreateFlowLogsOutput,
    resource_id: &str,
) -> String {
    let failures: Vec<String> = out
        .unsuccessful
        .unwrap_or_default()
        .into_iter()
        .filter_map(|u| u.error.and_then(|e| e.message))
        .collect();
    if !failures.is_empty() {
        panic!(
            "CreateFlowLogs for `{resource_id}` failed: {}",
            failures.join("; ")
        );
    }
    out.flow_log_ids
        .unwrap_or_default()
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("CreateFlowLogs for `{resource_id}` returned no flow log id"))
}
