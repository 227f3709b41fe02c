//! The settings of VPC-001, typed: read once from the `[rules.VPC-001]` table, with the
//! remediation destination and role parsed there, before any API call.

use std::fmt;

use cloudposture_aws::{DestinationType, TrafficType};
use cloudposture_core::{RuleSettings, SettingError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Settings of VPC-001.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FlowLogSettings {
    /// Traffic a flow log must record to count: `any` traffic type, or `ALL`, `ACCEPT` or
    /// `REJECT`. A flow log of ALL covers ACCEPT and REJECT; an ACCEPT and a REJECT flow log
    /// together cover ALL. The remediation creates a flow log of this type (ALL for `any`).
    pub traffic_type: RequiredTraffic,
    /// Whether a flow log whose delivery is failing (DeliverLogsStatus FAILED, e.g. Access
    /// error) still counts.
    pub count_failed_delivery: bool,
    /// Destination types a flow log may publish to and still count (at least one).
    pub destination_types: Vec<AllowedDestination>,
    /// Destination written into the remediation snippets: `cloud-watch-logs:LOG_GROUP`,
    /// `s3:arn:aws:s3:::BUCKET[/PREFIX]` (or the bare bucket ARN) or
    /// `kinesis-data-firehose:STREAM_ARN`. Its type must be one of `destination_types`.
    /// Without it, the snippets send to CloudWatch Logs (or the first allowed type) with
    /// placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub remediation_destination: Option<Destination>,
    /// IAM role that delivers the flow logs, written into the remediation snippets for
    /// CloudWatch Logs (and cross-account Firehose) destinations, e.g.
    /// `arn:aws:iam::123456789012:role/VPCFlowLogsDelivery`. Not required: without it the
    /// snippets carry `<DELIVERY_ROLE_ARN>` and the policies to create the role. Not allowed
    /// with an S3 destination, which is written without a role.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub remediation_role_arn: Option<RoleArn>,
}

impl Default for FlowLogSettings {
    fn default() -> Self {
        FlowLogSettings {
            traffic_type: RequiredTraffic::Any,
            count_failed_delivery: false,
            destination_types: AllowedDestination::ALL.to_vec(),
            remediation_destination: None,
            remediation_role_arn: None,
        }
    }
}

impl RuleSettings for FlowLogSettings {
    fn validate(&self) -> Result<(), SettingError> {
        if self.destination_types.is_empty() {
            return Err(SettingError::new(
                "destination_types",
                format!(
                    "the list is empty, so no flow log could count; list at least one of: {}",
                    AllowedDestination::ALL.map(AllowedDestination::as_str).join(", ")
                ),
            ));
        }
        if let Some(destination) = &self.remediation_destination
            && !self.destination_types.contains(&destination.allowed_type())
        {
            return Err(SettingError::new(
                "remediation_destination",
                format!(
                    "`{destination}` sends to {}, which `destination_types` does not allow (allowed: {}); \
                     a flow log created from the remediation would still fail",
                    destination.allowed_type(),
                    self.allowed_list()
                ),
            ));
        }
        if self.remediation_role_arn.is_some()
            && matches!(self.remediation_destination, Some(Destination::S3(_)))
        {
            return Err(SettingError::new(
                "remediation_role_arn",
                "the remediation destination is S3, which is written without a delivery role; remove \
                 `remediation_role_arn` or use a `cloud-watch-logs:` destination",
            ));
        }
        Ok(())
    }
}

impl FlowLogSettings {
    /// Whether a flow log to `destination` may count. A type this version does not know
    /// never counts: the list can only name the known ones.
    pub fn allows(&self, destination: &DestinationType) -> bool {
        self.destination_types
            .iter()
            .any(|a| a.as_str() == destination.as_str())
    }

    /// The allowed types, for messages: `cloud-watch-logs, s3`.
    pub fn allowed_list(&self) -> String {
        let names: Vec<&str> = self.destination_types.iter().map(|d| d.as_str()).collect();
        names.join(", ")
    }
}

/// Traffic a flow log must record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum RequiredTraffic {
    /// Any traffic type.
    #[serde(rename = "any")]
    Any,
    /// Accepted and rejected traffic.
    #[serde(rename = "ALL")]
    All,
    /// Accepted traffic.
    #[serde(rename = "ACCEPT")]
    Accept,
    /// Rejected traffic.
    #[serde(rename = "REJECT")]
    Reject,
}

impl RequiredTraffic {
    /// As written in the config and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            RequiredTraffic::Any => "any",
            RequiredTraffic::All => "ALL",
            RequiredTraffic::Accept => "ACCEPT",
            RequiredTraffic::Reject => "REJECT",
        }
    }

    /// The traffic type a remediation creates (`ALL` for `any`).
    pub fn to_create(self) -> TrafficType {
        match self {
            RequiredTraffic::Any | RequiredTraffic::All => TrafficType::All,
            RequiredTraffic::Accept => TrafficType::Accept,
            RequiredTraffic::Reject => TrafficType::Reject,
        }
    }
}

/// A destination type that `destination_types` can list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AllowedDestination {
    /// CloudWatch Logs.
    CloudWatchLogs,
    /// Amazon S3.
    S3,
    /// Amazon Data Firehose.
    KinesisDataFirehose,
}

impl AllowedDestination {
    /// All three, in the order of the default.
    pub const ALL: [AllowedDestination; 3] = [
        AllowedDestination::CloudWatchLogs,
        AllowedDestination::S3,
        AllowedDestination::KinesisDataFirehose,
    ];

    /// As AWS writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            AllowedDestination::CloudWatchLogs => "cloud-watch-logs",
            AllowedDestination::S3 => "s3",
            AllowedDestination::KinesisDataFirehose => "kinesis-data-firehose",
        }
    }
}

impl fmt::Display for AllowedDestination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A flow-log destination, parsed from `remediation_destination`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Destination {
    /// A CloudWatch Logs log group, by name.
    CloudWatchLogs(String),
    /// An S3 bucket ARN, with an optional `/prefix`.
    S3(String),
    /// A Firehose delivery stream ARN.
    Firehose(String),
}

impl Destination {
    /// Its type.
    pub fn allowed_type(&self) -> AllowedDestination {
        match self {
            Destination::CloudWatchLogs(_) => AllowedDestination::CloudWatchLogs,
            Destination::S3(_) => AllowedDestination::S3,
            Destination::Firehose(_) => AllowedDestination::KinesisDataFirehose,
        }
    }

    /// Parses `cloud-watch-logs:GROUP`, `s3:S3_ARN`, a bare S3 ARN or
    /// `kinesis-data-firehose:STREAM_ARN`; the error says what is wrong.
    pub fn parse(raw: &str) -> Result<Destination, String> {
        let raw = raw.trim();
        if let Some(group) = raw.strip_prefix("cloud-watch-logs:") {
            check_log_group(group)?;
            Ok(Destination::CloudWatchLogs(group.to_string()))
        } else if let Some(arn) = raw.strip_prefix("s3:") {
            check_s3_arn(arn)?;
            Ok(Destination::S3(arn.to_string()))
        } else if let Some(arn) = raw.strip_prefix("kinesis-data-firehose:") {
            check_firehose_arn(arn)?;
            Ok(Destination::Firehose(arn.to_string()))
        } else if raw.starts_with("arn:") && raw.contains(":s3:::") {
            check_s3_arn(raw)?;
            Ok(Destination::S3(raw.to_string()))
        } else {
            Err(format!(
                "`{raw}` is not a flow-log destination; use `cloud-watch-logs:LOG_GROUP_NAME`, \
                 `s3:arn:aws:s3:::BUCKET[/PREFIX]` (or the bare bucket ARN) or \
                 `kinesis-data-firehose:arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME`"
            ))
        }
    }
}

impl TryFrom<String> for Destination {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Destination::parse(&raw)
    }
}

impl From<Destination> for String {
    fn from(d: Destination) -> String {
        d.to_string()
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Destination::CloudWatchLogs(group) => write!(f, "cloud-watch-logs:{group}"),
            Destination::S3(arn) => write!(f, "s3:{arn}"),
            Destination::Firehose(arn) => write!(f, "kinesis-data-firehose:{arn}"),
        }
    }
}

/// An IAM role ARN, checked when the settings are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoleArn(String);

impl RoleArn {
    /// `arn` if it is an IAM role ARN (a path is allowed); the error says what is expected.
    pub fn parse(arn: &str) -> Result<RoleArn, String> {
        let not_role = || {
            format!(
                "`{arn}` is not an IAM role ARN; expected `arn:aws:iam::123456789012:role/NAME` (a path is allowed)"
            )
        };
        let rest = arn.strip_prefix("arn:").ok_or_else(not_role)?;
        let (partition, rest) = rest.split_once(":iam::").ok_or_else(not_role)?;
        let (account, rest) = rest.split_once(":role/").ok_or_else(not_role)?;
        let name = rest.rsplit('/').next().unwrap_or_default();
        let valid_char = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c);
        if !PARTITIONS.contains(&partition)
            || !is_account_id(account)
            || name.is_empty()
            || name.len() > 64
            || !rest.chars().all(valid_char)
        {
            return Err(not_role());
        }
        Ok(RoleArn(arn.to_string()))
    }

    /// The ARN.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RoleArn {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        RoleArn::parse(&raw)
    }
}

impl From<RoleArn> for String {
    fn from(r: RoleArn) -> String {
        r.0
    }
}

const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];

fn check_log_group(group: &str) -> Result<(), String> {
    if group.starts_with("arn:") {
        return Err(format!(
            "`cloud-watch-logs:{group}` names the log group by ARN; give its name, e.g. \
             `cloud-watch-logs:/vpc/flow-logs`"
        ));
    }
    let valid_char = |c: char| c.is_ascii_alphanumeric() || "_-/.#".contains(c);
    if group.is_empty() || group.len() > 512 || !group.chars().all(valid_char) {
        return Err(format!(
            "`{group}` is not a valid CloudWatch Logs log group name (1 to 512 letters, digits and `_-/.#`)"
        ));
    }
    Ok(())
}

fn check_s3_arn(arn: &str) -> Result<(), String> {
    let not_arn = || {
        format!(
            "`{arn}` is not an S3 bucket ARN; expected `arn:aws:s3:::BUCKET` or `arn:aws:s3:::BUCKET/PREFIX`"
        )
    };
    let rest = arn.strip_prefix("arn:").ok_or_else(not_arn)?;
    let (partition, rest) = rest.split_once(":s3:::").ok_or_else(not_arn)?;
    if !PARTITIONS.contains(&partition) {
        return Err(not_arn());
    }
    let (bucket, prefix) = match rest.split_once('/') {
        Some((bucket, prefix)) => (bucket, Some(prefix)),
        None => (rest, None),
    };
    let valid_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-';
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !(3..=63).contains(&bucket.len())
        || !bucket.chars().all(valid_char)
        || !edge_ok(bucket.chars().next())
        || !edge_ok(bucket.chars().last())
    {
        return Err(format!(
            "`{arn}` names bucket `{bucket}`, which is not a valid S3 bucket name (3 to 63 lowercase letters, \
             digits, `.` and `-`, starting and ending with a letter or digit)"
        ));
    }
    if let Some(prefix) = prefix {
        if prefix.trim_end_matches('/') == "AWSLogs" {
            return Err(format!(
                "`{arn}` uses the folder `AWSLogs`, which flow logs reserve; choose another prefix"
            ));
        }
        if prefix.chars().any(char::is_whitespace) {
            return Err(format!("`{arn}` has whitespace in its prefix"));
        }
    }
    Ok(())
}

fn check_firehose_arn(arn: &str) -> Result<(), String> {
    let not_arn = || {
        format!(
            "`{arn}` is not a Firehose delivery stream ARN; expected \
             `arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME`"
        )
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [arn_word, partition, service, region, account, resource] = parts.as_slice() else {
        return Err(not_arn());
    };
    let name = resource.strip_prefix("deliverystream/").ok_or_else(not_arn)?;
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if *arn_word != "arn"
        || !PARTITIONS.contains(partition)
        || *service != "firehose"
        || region.is_empty()
        || !is_account_id(account)
        || !name_ok
    {
        return Err(not_arn());
    }
    Ok(())
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}
