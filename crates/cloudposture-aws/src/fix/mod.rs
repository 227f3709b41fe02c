//! Remediation that acts on AWS: the parameters of the actions that rules plan and the
//! outcome of each ([`FixOutcome`], [`FixResult`]).
//!
//! - [`CREATE_FLOW_LOGS`] ([`CreateFlowLogParams`]): a flow log on one VPC, with the
//!   idempotency token that makes a repeated run create nothing twice.
//! - [`REVOKE_SECURITY_GROUP_RULES`] ([`RevokePermissionsParams`]): revoke exactly the
//!   listed rules of one security group.
//! - [`MODIFY_INSTANCE_METADATA_OPTIONS`] ([`RequireImdsV2Params`]): require IMDSv2 on
//!   one instance.
//!
//! The executor that carries the actions out is `crate::sdk::fix` (feature `sdk`). It
//! groups the actions of a region that share a [`FlowLogSpec`] into one CreateFlowLogs
//! call of up to [`MAX_VPCS_PER_CALL`] VPCs.
//!
//! ```
//! use cloudposture_aws::fix::{CreateFlowLogParams, FlowLogSpec};
//! use cloudposture_aws::{DestinationType, TrafficType};
//!
//! let spec = FlowLogSpec {
//!     region: "eu-west-1".into(),
//!     traffic_type: TrafficType::All,
//!     destination_type: DestinationType::S3,
//!     log_destination: Some("arn:aws:s3:::flow-logs".into()),
//!     log_group_name: None,
//!     deliver_logs_permission_arn: None,
//! };
//! let params = CreateFlowLogParams::new("vpc-0abc", spec.clone());
//! // The same VPC and destination always give the same token.
//! assert_eq!(params.client_token, CreateFlowLogParams::new("vpc-0abc", spec).client_token);
//! assert!(params.client_token.len() <= 64);
//! ```

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::kinds::{DestinationType, FlowLog, TrafficType};

mod ec2;
mod outcome;

pub use ec2::{
    MODIFY_INSTANCE_METADATA_OPTIONS, REVOKE_SECURITY_GROUP_RULES, RequireImdsV2Params,
    RevokePermissionsParams, RuleSource, SecurityGroupRule,
};
pub use outcome::{FixOutcome, FixResult};

/// The operation of the actions this module describes ([`cloudposture_core::FixAction::operation`]).
pub const CREATE_FLOW_LOGS: &str = "ec2:CreateFlowLogs";

/// VPCs one CreateFlowLogs call accepts (`ResourceIds`: at most 300 for VPCs, subnets and
/// network interfaces, 25 for transit gateways).
pub const MAX_VPCS_PER_CALL: usize = 300;

/// Prefix of the client tokens cloudposture sends, so that CloudTrail shows where a call came from.
const TOKEN_PREFIX: &str = "cloudposture-";

/// Bytes of the SHA-256 digest kept in a token: 48 hex digits, 61 characters with the
/// prefix (EC2 accepts up to 64 ASCII characters).
const TOKEN_DIGEST_BYTES: usize = 24;

/// What a flow log records and where it sends it: everything of a CreateFlowLogs call but
/// the VPCs. Actions with equal specs are created in one call.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FlowLogSpec {
    /// Region of the VPCs.
    pub region: String,
    /// Traffic to record: `ALL`, `ACCEPT` or `REJECT`.
    pub traffic_type: TrafficType,
    /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
    pub destination_type: DestinationType,
    /// ARN of the S3 bucket (with an optional `/prefix`) or of the Firehose delivery
    /// stream; `None` for CloudWatch Logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_destination: Option<String>,
    /// CloudWatch Logs log group; `None` for the other destination types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_name: Option<String>,
    /// IAM role that delivers the logs (CloudWatch Logs; cross-account Firehose).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_logs_permission_arn: Option<String>,
}

impl FlowLogSpec {
    /// The destination for people: `s3 arn:aws:s3:::bucket`, `cloud-watch-logs log group
    /// flows (role arn:…)`, `kinesis-data-firehose arn:…`.
    pub fn destination_label(&self) -> String {
        let mut label = match (
            &self.destination_type,
            &self.log_group_name,
            &self.log_destination,
        ) {
            (DestinationType::CloudWatchLogs, Some(group), _) => {
                format!("cloud-watch-logs log group {group}")
            }
            (kind, _, Some(destination)) => format!("{kind} {destination}"),
            (kind, _, None) => kind.to_string(),
        };
        if let Some(role) = &self.deliver_logs_permission_arn {
            label.push_str(&format!(" (role {role})"));
        }
        label
    }

    /// The idempotency token of creating this flow log on `vpc_ids`: a digest of the
    /// sorted, deduplicated VPC ids and every field of the spec, so that the same call
    /// always carries the same token (AWS then creates nothing twice) and a different
    /// call never does. Stable across runs, machines and Rust versions.
    pub fn client_token<S: AsRef<str>>(&self, vpc_ids: &[S]) -> String {
        let mut ids: Vec<&str> = vpc_ids.iter().map(AsRef::as_ref).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut hasher = Sha256::new();
        // Every field is length-prefixed: no two different inputs hash the same bytes.
        let mut field = |value: &str| {
            hasher.update((value.len() as u64).to_be_bytes());
            hasher.update(value.as_bytes());
        };
        field("cloudposture fix v1");
        field(&self.region);
        field(self.traffic_type.as_str());
        field(self.destination_type.as_str());
        field(self.log_destination.as_deref().unwrap_or(""));
        field(self.log_group_name.as_deref().unwrap_or(""));
        field(self.deliver_logs_permission_arn.as_deref().unwrap_or(""));
        for id in ids {
            field(id);
        }
        let digest = hasher.finalize();
        let mut token = String::with_capacity(TOKEN_PREFIX.len() + 2 * TOKEN_DIGEST_BYTES);
        token.push_str(TOKEN_PREFIX);
        for byte in &digest[..TOKEN_DIGEST_BYTES] {
            token.push_str(&format!("{byte:02x}"));
        }
        token
    }

    /// Whether `flow_log` already does on `vpc_id` what this spec would create: same
    /// destination and traffic type (the role is not compared: another role to the same
    /// destination is still the same flow log to AWS).
    pub fn is_met_by(&self, vpc_id: &str, flow_log: &FlowLog) -> bool {
        let same = |a: &Option<String>, b: &Option<String>| {
            a.as_deref().map(|s| s.trim_end_matches('/')) == b.as_deref().map(|s| s.trim_end_matches('/'))
        };
        flow_log.resource_id == vpc_id
            && flow_log.traffic_type == self.traffic_type
            && flow_log.destination_type == self.destination_type
            && match self.destination_type {
                DestinationType::CloudWatchLogs => same(&flow_log.log_group_name, &self.log_group_name),
                _ => same(&flow_log.destination, &self.log_destination),
            }
    }
}

/// The parameters of one `ec2:CreateFlowLogs` action: a flow log on one VPC.
///
/// Serialized flat: `{"vpc_id", "region", "traffic_type", "destination_type",
/// "log_destination" | "log_group_name", "deliver_logs_permission_arn", "client_token"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateFlowLogParams {
    /// The VPC.
    pub vpc_id: String,
    /// What to create.
    #[serde(flatten)]
    pub spec: FlowLogSpec,
    /// The idempotency token of creating this flow log on this VPC alone (a call for
    /// several VPCs carries the token of all of them: [`FlowLogSpec::client_token`]).
    pub client_token: String,
}

impl CreateFlowLogParams {
    /// The parameters of a flow log per `spec` on `vpc_id`, with its client token.
    pub fn new(vpc_id: impl Into<String>, spec: FlowLogSpec) -> Self {
        let vpc_id = vpc_id.into();
        let client_token = spec.client_token(&[&vpc_id]);
        CreateFlowLogParams {
            vpc_id,
            spec,
            client_token,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::FlowLogResourceType;

    fn s3_spec(bucket: &str) -> FlowLogSpec {
        FlowLogSpec {
            region: "eu-west-1".into(),
            traffic_type: TrafficType::All,
            destination_type: DestinationType::S3,
            log_destination: Some(format!("arn:aws:s3:::{bucket}")),
            log_group_name: None,
            deliver_logs_permission_arn: None,
        }
    }

    #[test]
    fn tokens_are_stable_short_ascii_and_order_free() {
        let spec = s3_spec("flows");
        let token = spec.client_token(&["vpc-2", "vpc-1"]);
        // Pinned (and checked with Python's hashlib): the token must not change between
        // releases, or a repeated run after an upgrade would not be recognised as the same call.
        assert_eq!(
            token,
            "cloudposture-fb7215ad2e4254af3b1e25587a28bfc5962c554a77dfd6f8"
        );
        assert!(token.len() <= 64 && token.is_ascii());
        assert_eq!(token, spec.client_token(&["vpc-1", "vpc-2", "vpc-1"]));
    }

    #[test]
    fn tokens_differ_with_any_field() {
        let base = s3_spec("flows");
        let ids = ["vpc-1"];
        let token = base.client_token(&ids);
        let mut variants = vec![
            s3_spec("other").client_token(&ids),
            base.client_token(&["vpc-2"]),
            base.client_token(&["vpc-1", "vpc-2"]),
        ];
        let mut changed = base.clone();
        changed.traffic_type = TrafficType::Reject;
        variants.push(changed.client_token(&ids));
        let mut changed = base.clone();
        changed.region = "eu-west-2".into();
        variants.push(changed.client_token(&ids));
        let mut changed = base.clone();
        changed.deliver_logs_permission_arn = Some("arn:aws:iam::123456789012:role/r".into());
        variants.push(changed.client_token(&ids));
        for variant in &variants {
            assert_ne!(variant, &token);
        }
        // Field boundaries count: moving text between fields changes the token.
        let mut a = base.clone();
        a.log_destination = Some("ab".into());
        a.log_group_name = Some("c".into());
        let mut b = base;
        b.log_destination = Some("a".into());
        b.log_group_name = Some("bc".into());
        assert_ne!(a.client_token(&ids), b.client_token(&ids));
    }

    #[test]
    fn params_serialize_flat_and_round_trip() {
        let params = CreateFlowLogParams::new("vpc-1", s3_spec("flows"));
        let json = serde_json::to_value(&params).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "vpc_id": "vpc-1",
                "region": "eu-west-1",
                "traffic_type": "ALL",
                "destination_type": "s3",
                "log_destination": "arn:aws:s3:::flows",
                "client_token": params.client_token,
            })
        );
        assert_eq!(
            serde_json::from_value::<CreateFlowLogParams>(json).unwrap(),
            params
        );
        assert_eq!(params.client_token, params.spec.client_token(&["vpc-1"]));
    }

    #[test]
    fn labels_name_the_destination_and_role() {
        assert_eq!(s3_spec("flows").destination_label(), "s3 arn:aws:s3:::flows");
        let cwl = FlowLogSpec {
            destination_type: DestinationType::CloudWatchLogs,
            log_destination: None,
            log_group_name: Some("/vpc/flows".into()),
            deliver_logs_permission_arn: Some("arn:aws:iam::123456789012:role/flow-logs".into()),
            ..s3_spec("x")
        };
        assert_eq!(
            cwl.destination_label(),
            "cloud-watch-logs log group /vpc/flows (role arn:aws:iam::123456789012:role/flow-logs)"
        );
    }

    #[test]
    fn existing_flow_logs_meet_a_spec_of_the_same_destination_and_traffic() {
        let log = FlowLog {
            id: "fl-1".into(),
            region: "eu-west-1".into(),
            account: None,
            resource_id: "vpc-1".into(),
            resource_type: FlowLogResourceType::Vpc,
            traffic_type: TrafficType::All,
            flow_log_status: "ACTIVE".into(),
            deliver_logs_status: None,
            deliver_logs_error_message: None,
            destination_type: DestinationType::S3,
            destination: Some("arn:aws:s3:::flows/".into()),
            log_group_name: None,
            deliver_logs_permission_arn: None,
            log_format: None,
            max_aggregation_interval: None,
            creation_time: None,
            tags: Default::default(),
        };
        assert!(s3_spec("flows").is_met_by("vpc-1", &log));
        assert!(!s3_spec("flows").is_met_by("vpc-2", &log));
        assert!(!s3_spec("other").is_met_by("vpc-1", &log));
        let mut reject = s3_spec("flows");
        reject.traffic_type = TrafficType::Reject;
        assert!(!reject.is_met_by("vpc-1", &log));
    }
}
