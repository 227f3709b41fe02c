//! VPC-001 "VPC Flow Logs Enabled": its metadata, settings, evaluation, remediation
//! and unit tests, in one file.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use cloudposture_aws::{
    CollectError, Collection, DestinationType, FlowLog, FlowLogResourceType, Inventory, RegionInventory,
    TrafficType, Vpc, kinds, partition_of,
};
use cloudposture_core::json::{JsonArray, JsonObject};
use cloudposture_core::{
    AuditStep, BuildRemediation, Control, Evidence, Finding, Pillar, Reference, Remediation, Resource,
    ResourceRef, RiskLevel, Rule, RuleContext, RuleMetadata, SettingDefault, SettingKind, SettingSpec,
    Settings, SettingsError, Snippet, SnippetKind, Standard,
};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

/// ## What it does
/// Checks that every VPC has at least one flow log attached to the VPC itself that is
/// active, delivering, records the required traffic and sends it to an allowed
/// destination type.
///
/// ## Why is this bad?
/// Flow logs are the record of the IP traffic going to and from the network
/// interfaces of a VPC. Without them, overly permissive security groups and network
/// ACLs, rejected connection attempts and unusual data transfer go unseen, and after
/// an incident there is nothing to investigate.
///
/// Flow logs of a subnet or a network interface record only that part of the VPC and
/// do not make the VPC pass. A VPC shared with the account through AWS RAM is skipped:
/// only its owner can create its flow logs.
///
/// ## Example
/// A VPC without a flow log fails; this creates one (the failing finding carries the
/// same command with its VPC id, region and, from the settings, destination filled in):
///
/// ```sh
/// aws ec2 create-flow-logs --region eu-west-1 --resource-type VPC --resource-ids vpc-0abc \
///   --traffic-type ALL --log-destination-type s3 --log-destination arn:aws:s3:::my-flow-logs
/// ```
///
/// ## Settings
/// - `traffic_type`: `any` (default), `ALL`, `ACCEPT` or `REJECT`. `ALL` covers
///   `ACCEPT` and `REJECT`; an `ACCEPT` and a `REJECT` flow log together cover `ALL`.
/// - `count_failed_delivery`: count flow logs whose delivery is failing (default `false`).
/// - `destination_types`: destination types that count (default all three).
/// - `remediation_destination`, `remediation_role_arn`: filled into the remediation
///   snippets; placeholders such as `<LOG_GROUP_NAME>` otherwise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VpcFlowLogsEnabled;

/// The resource id of the one `Error` finding for a region whose VPCs could not be
/// listed: the finding stands for all VPCs of that region (its `region` says which).
pub const REGION_WIDE_ID: &str = "*";

const TRAFFIC_TYPE: &str = "traffic_type";
const COUNT_FAILED_DELIVERY: &str = "count_failed_delivery";
const DESTINATION_TYPES: &str = "destination_types";
const REMEDIATION_DESTINATION: &str = "remediation_destination";
const REMEDIATION_ROLE_ARN: &str = "remediation_role_arn";

const CLOUD_WATCH_LOGS: &str = "cloud-watch-logs";
const S3: &str = "s3";
const FIREHOSE: &str = "kinesis-data-firehose";
const ALL_DESTINATION_TYPES: &[&str] = &[CLOUD_WATCH_LOGS, S3, FIREHOSE];

const LOG_GROUP_PLACEHOLDER: &str = "<LOG_GROUP_NAME>";
const ROLE_PLACEHOLDER: &str = "<DELIVERY_ROLE_ARN>";
const BUCKET_PLACEHOLDER: &str = "<BUCKET_NAME>";
const STREAM_PLACEHOLDER: &str = "<DELIVERY_STREAM_NAME>";

/// Messages list at most this many flow logs; the evidence lists all of them.
const MESSAGE_LIST_LIMIT: usize = 5;

const NO_FLOW_LOG: &str = "no flow log is attached to the VPC";

/// The metadata of VPC-001.
pub static VPC_001: RuleMetadata = RuleMetadata {
    id: "VPC-001",
    title: "VPC Flow Logs Enabled",
    provider: "aws",
    service: "VPC",
    resource_type: "AWS::EC2::VPC",
    resource_kind: kinds::VPC,
    // Subnets and network interfaces are fetched only for the ids that subnet- and
    // ENI-level flow logs name, so that the evidence can say which VPC they belong to.
    requires: &[
        kinds::VPC,
        kinds::FLOW_LOG,
        kinds::SUBNET,
        kinds::NETWORK_INTERFACE,
    ],
    risk: RiskLevel::Low,
    pillars: &[Pillar::Security, Pillar::Sustainability],
    controls: &[
        Control::new(Standard::CisAwsFoundations, "v1.2.0", "2.9"),
        Control::new(Standard::CisAwsFoundations, "v1.4.0", "3.9"),
        Control::new(Standard::CisAwsFoundations, "v1.5.0", "3.9"),
        Control::new(Standard::CisAwsFoundations, "v2.0.0", "3.9"),
        Control::new(Standard::CisAwsFoundations, "v3.0.0", "3.7"),
        Control::new(Standard::CisAwsFoundations, "v4.0.0", "3.7"),
        Control::new(Standard::CisAwsFoundations, "v5.0.0", "3.7"),
        Control::new(Standard::PciDss, "v3.2.1", "10.3.3"),
        Control::new(Standard::PciDss, "v3.2.1", "10.3.4"),
        Control::new(Standard::PciDss, "v3.2.1", "10.3.5"),
        Control::new(Standard::PciDss, "v3.2.1", "10.3.6"),
        Control::standard_only(Standard::Gdpr, "2016/679"),
        Control::standard_only(Standard::Apra, "CPS 234 (2019)"),
        Control::standard_only(Standard::Mas, "TRM 2021"),
        Control::new(Standard::Nist, "Rev. 5", "AC-4(26)"),
        Control::new(Standard::Nist, "Rev. 5", "AU-2"),
        Control::new(Standard::Nist, "Rev. 5", "AU-3"),
        Control::new(Standard::Nist, "Rev. 5", "AU-6(3)"),
        Control::new(Standard::Nist, "Rev. 5", "AU-6(4)"),
        Control::new(Standard::Nist, "Rev. 5", "AU-12"),
        Control::new(Standard::Nist, "Rev. 5", "CA-7"),
        Control::new(Standard::Nist, "Rev. 5", "SI-7(8)"),
        Control::new(Standard::Nist800171, "Rev. 2", "3.1.20"),
        Control::new(Standard::Nist800171, "Rev. 2", "3.3.1"),
        Control::new(Standard::Nist800171, "Rev. 2", "3.13.1"),
    ],
    description: "Checks that every VPC in every enabled region has at least one flow log attached to the \
        VPC itself that is active, delivering (a DeliverLogsStatus other than FAILED), records the required \
        traffic (ALL, ACCEPT or REJECT; any by default) and publishes to an allowed destination type \
        (CloudWatch Logs, Amazon S3 or Amazon Data Firehose). Flow logs of subnets or network interfaces are \
        named in the evidence but do not count. VPCs shared with the account by another account are skipped.",
    rationale: "VPC Flow Logs record the IP traffic going to and from the network interfaces of a VPC. They \
        are how you detect and investigate overly permissive security groups and network ACLs, rejected \
        connection attempts and unusual volumes of data transfer; without them there is no record to look \
        at after an incident. A flow log that is not active or whose delivery fails records nothing. \
        (Publishing flow logs incurs CloudWatch Logs, S3 or Firehose charges.)",
    audit: &[
        AuditStep {
            via: "console",
            text: "Sign in to the AWS Management Console and open the Amazon VPC console at \
                https://console.aws.amazon.com/vpc/. With the region selector, choose a region enabled for \
                the account; repeat the following steps for every enabled region.",
            code: None,
        },
        AuditStep {
            via: "console",
            text: "In the navigation pane, choose Your VPCs. Skip VPCs whose Owner ID is another account: \
                they are shared with you and only their owner can create flow logs.",
            code: None,
        },
        AuditStep {
            via: "console",
            text: "Select a VPC and open its Flow logs tab. If no flow log is listed, the VPC fails.",
            code: None,
        },
        AuditStep {
            via: "console",
            text: "The VPC passes when a listed flow log has Status Active, a Filter that covers the traffic \
                you require (All covers Accept and Reject), a destination of an allowed type, and delivery that \
                is not failing (a delivery status of FAILED, e.g. with Access error, means nothing is \
                delivered). Flow logs on the Flow logs tab of a subnet or a network interface do not count.",
            code: None,
        },
        AuditStep {
            via: "cli",
            text: "List the regions enabled for the account.",
            code: Some("aws ec2 describe-regions --query 'Regions[].RegionName' --output text"),
        },
        AuditStep {
            via: "cli",
            text: "For each region, list the VPCs and their owners. Skip VPCs owned by another account \
                (compare with `aws sts get-caller-identity --query Account`).",
            code: Some(
                "aws ec2 describe-vpcs --region REGION --query 'Vpcs[*].[VpcId,OwnerId]' --output text",
            ),
        },
        AuditStep {
            via: "cli",
            text: "For each VPC, list its flow logs. An empty FlowLogs list means the VPC has no flow log and \
                fails.",
            code: Some(
                "aws ec2 describe-flow-logs --region REGION --filter Name=resource-id,Values=VPC_ID \
                --query 'FlowLogs[*].[FlowLogId,FlowLogStatus,DeliverLogsStatus,DeliverLogsErrorMessage,\
                TrafficType,LogDestinationType,LogDestination]' --output table",
            ),
        },
        AuditStep {
            via: "cli",
            text: "The VPC passes when one flow log has FlowLogStatus ACTIVE, a DeliverLogsStatus other than \
                FAILED, a TrafficType that covers the required traffic (or an ACCEPT and a REJECT flow log \
                together cover ALL) and an allowed LogDestinationType.",
            code: None,
        },
    ],
    remediation: &[
        AuditStep {
            via: "console",
            text: "Open the Amazon VPC console at https://console.aws.amazon.com/vpc/, choose Your VPCs, \
                select the VPC, then choose Actions, Create flow log.",
            code: None,
        },
        AuditStep {
            via: "console",
            text: "For Filter choose All (or the traffic type your settings require). For Destination choose \
                Send to CloudWatch Logs (a log group and an IAM role that vpc-flow-logs.amazonaws.com can \
                assume), Send to an Amazon S3 bucket (a bucket ARN, no role needed) or Send to Amazon Data \
                Firehose. Choose Create flow log, then check after a few minutes that the flow log is Active \
                and its delivery does not fail.",
            code: None,
        },
        AuditStep {
            via: "cli",
            text: "For a CloudWatch Logs destination, create the delivery role: save the trust policy and the \
                permissions policy that the failing finding carries as trust-policy.json and \
                permissions-policy.json, then create the role.",
            code: Some(
                "aws iam create-role --role-name VPCFlowLogsDelivery \
                --assume-role-policy-document file://trust-policy.json && \
                aws iam put-role-policy --role-name VPCFlowLogsDelivery --policy-name VPCFlowLogsDelivery \
                --policy-document file://permissions-policy.json",
            ),
        },
        AuditStep {
            via: "cli",
            text: "Create the flow log in the VPC's region, to CloudWatch Logs with the delivery role...",
            code: Some(
                "aws ec2 create-flow-logs --region REGION --resource-type VPC --resource-ids VPC_ID \
                --traffic-type ALL --log-destination-type cloud-watch-logs --log-group-name LOG_GROUP_NAME \
                --deliver-logs-permission-arn ROLE_ARN",
            ),
        },
        AuditStep {
            via: "cli",
            text: "...or to an existing S3 bucket, which needs no role.",
            code: Some(
                "aws ec2 create-flow-logs --region REGION --resource-type VPC --resource-ids VPC_ID \
                --traffic-type ALL --log-destination-type s3 --log-destination arn:aws:s3:::BUCKET_NAME",
            ),
        },
        AuditStep {
            via: "cloudformation",
            text: "Declare an AWS::EC2::FlowLog with ResourceType VPC, the VPC's ResourceId, TrafficType ALL \
                and a destination. Each failing finding carries a ready-to-deploy template.",
            code: Some(
                "Resources:\n  VpcFlowLog:\n    Type: AWS::EC2::FlowLog\n    Properties:\n      \
                ResourceType: VPC\n      ResourceId: VPC_ID\n      TrafficType: ALL\n      \
                LogDestinationType: s3\n      LogDestination: arn:aws:s3:::BUCKET_NAME",
            ),
        },
        AuditStep {
            via: "terraform",
            text: "Declare an aws_flow_log with vpc_id, traffic_type = \"ALL\" and a destination. Each failing \
                finding carries the resource with its values filled in.",
            code: Some(
                "resource \"aws_flow_log\" \"vpc\" {\n  vpc_id               = \"VPC_ID\"\n  \
                traffic_type         = \"ALL\"\n  log_destination_type = \"s3\"\n  \
                log_destination      = \"arn:aws:s3:::BUCKET_NAME\"\n}",
            ),
        },
        AuditStep {
            via: "cloudposture",
            text: "Or let cloudposture create them. `cloudposture fix` scans, prints the flow log each failing \
                VPC would get and checks the plan with DryRun, creating nothing; with --apply it creates them \
                (one CreateFlowLogs call per region and destination for up to 300 VPCs, with an idempotency \
                token, leaving alone VPCs that already have that flow log) and scans those regions again. A \
                CloudWatch Logs destination (cloud-watch-logs:LOG_GROUP_NAME) also needs --role-arn; \
                --traffic-type chooses ALL (the default), ACCEPT or REJECT.",
            code: Some("cloudposture fix --rules VPC-001 --destination s3:arn:aws:s3:::BUCKET_NAME --apply"),
        },
    ],
    references: &[
        Reference {
            title: "Logging IP traffic using VPC Flow Logs",
            url: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",
        },
        Reference {
            title: "Publish flow logs to CloudWatch Logs",
            url: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-cwl.html",
        },
        Reference {
            title: "IAM role for publishing flow logs to CloudWatch Logs",
            url: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
        },
        Reference {
            title: "Publish flow logs to Amazon S3",
            url: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html",
        },
        Reference {
            title: "Publish flow logs to Amazon Data Firehose",
            url: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-firehose.html",
        },
        Reference {
            title: "AWS CLI: create-flow-logs",
            url: "https://docs.aws.amazon.com/cli/latest/reference/ec2/create-flow-logs.html",
        },
        Reference {
            title: "AWS CloudFormation: AWS::EC2::FlowLog",
            url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-flowlog.html",
        },
        Reference {
            title: "Terraform: aws_flow_log",
            url: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/flow_log",
        },
        Reference {
            title: "AWS Security Hub: [EC2.6] VPC flow logging should be enabled in all VPCs",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6",
        },
        Reference {
            title: "CIS Amazon Web Services Foundations Benchmark",
            url: "https://www.cisecurity.org/benchmark/amazon_web_services",
        },
    ],
    published: "2016-04-08",
    iam_audit: &[
        "ec2:DescribeRegions",
        "ec2:DescribeVpcs",
        "ec2:DescribeFlowLogs",
        "ec2:DescribeSubnets",
        "ec2:DescribeNetworkInterfaces",
        "sts:GetCallerIdentity",
    ],
    // CreateFlowLogs itself, and DescribeFlowLogs for `cloudposture fix` to leave alone VPCs
    // that already have the flow log; PassRole for the delivery role (CloudWatch Logs, or a
    // cross-account Firehose stream); Create/DeleteLogDelivery for S3 and Firehose
    // destinations, which are delivered as vended logs. The log group is created by the
    // delivery role, not by the caller, so `logs:CreateLogGroup` is the role's, not ours.
    // S3 also lets a caller with s3:GetBucketPolicy and s3:PutBucketPolicy on its own bucket
    // have the delivery policy attached for it (replacing the bucket's policy): too broad to
    // ask for here; the bucket owner adds that policy instead.
    iam_remediate: &[
        "ec2:CreateFlowLogs",
        "ec2:DescribeFlowLogs",
        "iam:PassRole",
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
    ],
    settings: &[
        SettingSpec {
            name: TRAFFIC_TYPE,
            kind: SettingKind::Choice(&["any", "ALL", "ACCEPT", "REJECT"]),
            default: SettingDefault::Str("any"),
            description: "Traffic a flow log must record to count: `any` traffic type, or `ALL`, `ACCEPT` or \
                `REJECT`. A flow log of ALL covers ACCEPT and REJECT; an ACCEPT and a REJECT flow log together \
                cover ALL. The remediation creates a flow log of this type (ALL for `any`).",
        },
        SettingSpec {
            name: COUNT_FAILED_DELIVERY,
            kind: SettingKind::Bool,
            default: SettingDefault::Bool(false),
            description: "Whether a flow log whose delivery is failing (DeliverLogsStatus FAILED, e.g. Access \
                error) still counts.",
        },
        SettingSpec {
            name: DESTINATION_TYPES,
            kind: SettingKind::List(ALL_DESTINATION_TYPES),
            default: SettingDefault::List(ALL_DESTINATION_TYPES),
            description: "Destination types a flow log may publish to and still count (at least one).",
        },
        SettingSpec {
            name: REMEDIATION_DESTINATION,
            kind: SettingKind::String,
            default: SettingDefault::None,
            description: "Destination written into the remediation snippets: `cloud-watch-logs:LOG_GROUP`, \
                `s3:arn:aws:s3:::BUCKET[/PREFIX]` (or the bare bucket ARN) or \
                `kinesis-data-firehose:STREAM_ARN`. Its type must be one of `destination_types`. Without \
                it, the snippets send to CloudWatch Logs (or the first allowed type) with placeholders.",
        },
        SettingSpec {
            name: REMEDIATION_ROLE_ARN,
            kind: SettingKind::String,
            default: SettingDefault::None,
            description: "IAM role that delivers the flow logs, written into the remediation snippets for \
                CloudWatch Logs (and cross-account Firehose) destinations, e.g. \
                `arn:aws:iam::123456789012:role/VPCFlowLogsDelivery`. Not required: without it the snippets \
                carry `<DELIVERY_ROLE_ARN>` and the policies to create the role. Not allowed with an S3 \
                destination, which is written without a role.",
        },
    ],
};

impl Rule<Inventory> for VpcFlowLogsEnabled {
    fn metadata(&self) -> &'static RuleMetadata {
        &VPC_001
    }

    fn validate_settings(&self, settings: &Settings) -> Result<(), SettingsError> {
        let invalid = |key: &str, detail: String| SettingsError::InvalidValue {
            rule: VPC_001.id.to_string(),
            key: key.to_string(),
            detail,
        };
        let allowed = settings.list(DESTINATION_TYPES);
        if allowed.is_empty() {
            return Err(invalid(
                DESTINATION_TYPES,
                format!(
                    "the list is empty, so no flow log could count; list at least one of: {}",
                    ALL_DESTINATION_TYPES.join(", ")
                ),
            ));
        }
        let destination = match settings.str(REMEDIATION_DESTINATION) {
            Some(raw) => {
                let destination =
                    Destination::parse(raw).map_err(|detail| invalid(REMEDIATION_DESTINATION, detail))?;
                if !allowed.iter().any(|a| a == destination.type_name()) {
                    return Err(invalid(
                        REMEDIATION_DESTINATION,
                        format!(
                            "`{raw}` sends to {}, which `{DESTINATION_TYPES}` does not allow (allowed: {}); \
                             a flow log created from the remediation would still fail",
                            destination.type_name(),
                            allowed.join(", ")
                        ),
                    ));
                }
                Some(destination)
            }
            None => None,
        };
        if let Some(role) = settings.str(REMEDIATION_ROLE_ARN) {
            check_role_arn(role).map_err(|detail| invalid(REMEDIATION_ROLE_ARN, detail))?;
            if matches!(destination, Some(Destination::S3 { .. })) {
                return Err(invalid(
                    REMEDIATION_ROLE_ARN,
                    "the remediation destination is S3, which is written without a delivery role; remove \
                     `remediation_role_arn` or use a `cloud-watch-logs:` destination"
                        .to_string(),
                ));
            }
        }
        Ok(())
    }

    fn evaluate(&self, inventory: &Inventory, ctx: &RuleContext<'_>) -> Vec<Finding> {
        let options = Options::from_settings(ctx.settings());
        // One finding per VPC, or one per region that could not be listed: sized once.
        let mut findings = Vec::with_capacity(inventory.vpc_count() + inventory.regions.len());
        for region in &inventory.regions {
            match RegionState::of(inventory, region, ctx) {
                RegionState::Unlisted(finding) => findings.push(finding),
                RegionState::Listed { vpcs, index } => findings.extend(
                    vpcs.iter()
                        .map(|vpc| judge_vpc(inventory, vpc, &index, &options, ctx)),
                ),
            }
        }
        findings
    }

    /// One `ec2:CreateFlowLogs` action per failing VPC, to `remediation_destination`
    /// (with `remediation_role_arn` for CloudWatch Logs), recording the `traffic_type`
    /// setting's traffic (ALL for `any`). See [`plan_fix`].
    fn plan_fix(&self, finding: &Finding, settings: &Settings) -> Result<Option<FixAction>, FixError> {
        plan_fix(finding, settings)
    }
}

// ---------------------------------------------------------------------------------------------
// Settings, read once per evaluation
// ---------------------------------------------------------------------------------------------

/// Traffic a flow log must record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RequiredTraffic {
    Any,
    All,
    Accept,
    Reject,
}

impl RequiredTraffic {
    /// Reads the setting. The engine validates it; a value that slips past (settings
    /// built in code) is read as the strictest requirement rather than the laxest.
    fn parse(value: Option<&str>) -> Self {
        match value {
            None | Some("any") => RequiredTraffic::Any,
            Some("ACCEPT") => RequiredTraffic::Accept,
            Some("REJECT") => RequiredTraffic::Reject,
            Some(_) => RequiredTraffic::All,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            RequiredTraffic::Any => "any",
            RequiredTraffic::All => "ALL",
            RequiredTraffic::Accept => "ACCEPT",
            RequiredTraffic::Reject => "REJECT",
        }
    }

    /// The traffic type a remediation creates.
    fn to_create(self) -> &'static str {
        match self {
            RequiredTraffic::Any | RequiredTraffic::All => "ALL",
            RequiredTraffic::Accept => "ACCEPT",
            RequiredTraffic::Reject => "REJECT",
        }
    }

    fn coverage(self) -> Coverage {
        match self {
            RequiredTraffic::Any => Coverage::NONE,
            RequiredTraffic::All => Coverage::ALL,
            RequiredTraffic::Accept => Coverage::ACCEPT,
            RequiredTraffic::Reject => Coverage::REJECT,
        }
    }
}

/// Which of accepted and rejected traffic is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Coverage {
    accept: bool,
    reject: bool,
}

impl Coverage {
    const NONE: Coverage = Coverage {
        accept: false,
        reject: false,
    };
    const ACCEPT: Coverage = Coverage {
        accept: true,
        reject: false,
    };
    const REJECT: Coverage = Coverage {
        accept: false,
        reject: true,
    };
    const ALL: Coverage = Coverage {
        accept: true,
        reject: true,
    };

    fn of(traffic: &TrafficType) -> Coverage {
        match traffic {
            TrafficType::All => Coverage::ALL,
            TrafficType::Accept => Coverage::ACCEPT,
            TrafficType::Reject => Coverage::REJECT,
            TrafficType::Other(_) => Coverage::NONE,
        }
    }

    fn union(self, other: Coverage) -> Coverage {
        Coverage {
            accept: self.accept || other.accept,
            reject: self.reject || other.reject,
        }
    }

    fn intersects(self, other: Coverage) -> bool {
        (self.accept && other.accept) || (self.reject && other.reject)
    }

    fn contains(self, other: Coverage) -> bool {
        (self.accept || !other.accept) && (self.reject || !other.reject)
    }
}

/// The settings of one evaluation, typed.
struct Options<'s> {
    traffic: RequiredTraffic,
    count_failed_delivery: bool,
    allowed: &'s [String],
    /// Whether CloudWatch Logs, S3 and Firehose are in `allowed`.
    allowed_known: [bool; 3],
    /// Shared by every failing finding of the evaluation.
    remediation: Arc<dyn BuildRemediation>,
}

impl<'s> Options<'s> {
    fn from_settings(settings: &'s Settings) -> Self {
        Options {
            traffic: RequiredTraffic::parse(settings.str(TRAFFIC_TYPE)),
            count_failed_delivery: settings.bool(COUNT_FAILED_DELIVERY),
            allowed: settings.list(DESTINATION_TYPES),
            allowed_known: [CLOUD_WATCH_LOGS, S3, FIREHOSE]
                .map(|t| settings.list(DESTINATION_TYPES).iter().any(|a| a == t)),
            remediation: Arc::new(DeferredRemediation {
                traffic: RequiredTraffic::parse(settings.str(TRAFFIC_TYPE)),
                plan: RemediationPlan::from_settings(settings),
            }),
        }
    }

    fn allows(&self, destination: &DestinationType) -> bool {
        // The three known types are looked up in flags made once; a type this version
        // does not know counts only if the list names it.
        match destination {
            DestinationType::CloudWatchLogs => self.allowed_known[0],
            DestinationType::S3 => self.allowed_known[1],
            DestinationType::KinesisDataFirehose => self.allowed_known[2],
            other => self.allowed.iter().any(|a| a == other.as_str()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Evidence
// ---------------------------------------------------------------------------------------------

/// The evidence of a `pass` or `fail` finding of VPC-001: the flow logs looked at, each
/// with whether it counted and, if not, why. The settings they were judged by are
/// written once, in the report's `rules` section. Read it back with
/// `finding.evidence.parse::<FlowLogEvidence>()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowLogEvidence {
    /// Flow logs attached to the VPC itself.
    pub flow_logs: Vec<ConsideredFlowLog>,
    /// Flow logs attached to the VPC's subnets or network interfaces: named, never counted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnet_and_interface_flow_logs: Vec<ConsideredFlowLog>,
    /// What else the reader should know (a failed subnet lookup, an unknown account…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One flow log as VPC-001 judged it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsideredFlowLog {
    /// `fl-…`.
    pub id: String,
    /// The subnet or network interface it is attached to (`subnet-…`, `eni-…`); absent
    /// for a flow log of the VPC itself, which is the finding's resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attached_to: Option<String>,
    /// `ALL`, `ACCEPT` or `REJECT`.
    pub traffic_type: String,
    /// `FlowLogStatus`, e.g. `ACTIVE`.
    pub status: String,
    /// `DeliverLogsStatus`: `SUCCESS` or `FAILED`; absent when AWS reports none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_status: Option<String>,
    /// `DeliverLogsErrorMessage`, e.g. `Access error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_error: Option<String>,
    /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
    pub destination_type: String,
    /// The destination ARN, or the log group.
    pub destination: String,
    /// Whether it made the VPC pass.
    pub counted: bool,
    /// Why it does not count (empty when it counts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<NotCounted>,
}

/// Why a flow log does not count for its VPC, as written in the evidence (`snake_case`).
/// The finding's message says the same in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotCounted {
    /// Its `FlowLogStatus` is not `ACTIVE`.
    NotActive,
    /// Its `DeliverLogsStatus` is `FAILED` and `count_failed_delivery` is false.
    DeliveryFailing,
    /// It sends to a destination type that `destination_types` does not list.
    DestinationNotAllowed,
    /// The VPC passes on other flow logs; this one records traffic that `traffic_type`
    /// does not ask for (e.g. `REJECT` when `ACCEPT` is required).
    TrafficNotRequired,
    /// It is usable, but the usable flow logs of the VPC together do not record the
    /// traffic `traffic_type` requires (e.g. only `REJECT` when `ALL` is required).
    TrafficNotCovered,
    /// It is attached to one of the VPC's subnets and records only that subnet.
    AttachedToSubnet,
    /// It is attached to a network interface in the VPC and records only that interface.
    AttachedToNetworkInterface,
}

impl NotCounted {
    const ALL: [NotCounted; 7] = [
        NotCounted::NotActive,
        NotCounted::DeliveryFailing,
        NotCounted::DestinationNotAllowed,
        NotCounted::TrafficNotRequired,
        NotCounted::TrafficNotCovered,
        NotCounted::AttachedToSubnet,
        NotCounted::AttachedToNetworkInterface,
    ];

    /// The name written in the evidence.
    pub fn as_str(self) -> &'static str {
        match self {
            NotCounted::NotActive => "not_active",
            NotCounted::DeliveryFailing => "delivery_failing",
            NotCounted::DestinationNotAllowed => "destination_not_allowed",
            NotCounted::TrafficNotRequired => "traffic_not_required",
            NotCounted::TrafficNotCovered => "traffic_not_covered",
            NotCounted::AttachedToSubnet => "attached_to_subnet",
            NotCounted::AttachedToNetworkInterface => "attached_to_network_interface",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of [`NotCounted`] reasons, without allocating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Reasons(u8);

impl Reasons {
    /// Reasons that make a flow log unusable, whatever the other flow logs.
    const DISQUALIFYING: Reasons = Reasons(
        (1 << NotCounted::NotActive as u8)
            | (1 << NotCounted::DeliveryFailing as u8)
            | (1 << NotCounted::DestinationNotAllowed as u8),
    );

    fn with(mut self, reason: NotCounted) -> Self {
        self.0 |= reason.bit();
        self
    }

    fn contains(self, reason: NotCounted) -> bool {
        self.0 & reason.bit() != 0
    }

    fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn disqualifies(self) -> bool {
        self.0 & Self::DISQUALIFYING.0 != 0
    }

    fn iter(self) -> impl Iterator<Item = NotCounted> {
        NotCounted::ALL.into_iter().filter(move |r| self.contains(*r))
    }
}

/// Where a flow log publishes, for people: the destination ARN, or `log group <name>`,
/// as pieces to write one after another (no intermediate string).
fn destination_label(log: &FlowLog) -> [&str; 2] {
    match (&log.destination, &log.log_group_name) {
        (Some(d), _) if !d.is_empty() => [d, ""],
        (_, Some(g)) if !g.is_empty() => ["log group ", g],
        _ => ["(no destination reported)", ""],
    }
}

/// A flow log as judged, written straight from the inventory as a [`ConsideredFlowLog`]
/// (the unit tests read every finding's evidence back as one, so the two cannot drift).
#[derive(Clone, Copy)]
struct Judged<'a> {
    log: &'a FlowLog,
    counted: bool,
    reasons: Reasons,
}

impl Judged<'_> {
    /// Its [`ConsideredFlowLog`] members.
    fn write(&self, o: &mut JsonObject<'_>) {
        let log = self.log;
        o.str("id", &log.id);
        if log.resource_type != FlowLogResourceType::Vpc {
            o.str("attached_to", &log.resource_id);
        }
        o.str("traffic_type", log.traffic_type.as_str())
            .str("status", &log.flow_log_status)
            .opt_str("delivery_status", log.deliver_logs_status.as_deref())
            .opt_str("delivery_error", log.deliver_logs_error_message.as_deref())
            .str("destination_type", log.destination_type.as_str())
            .str_concat("destination", &destination_label(log))
            .bool("counted", self.counted);
        if !self.reasons.is_empty() {
            o.array("reasons", |a| {
                for reason in self.reasons.iter() {
                    a.str(reason.as_str());
                }
            });
        }
    }
}

/// The [`FlowLogEvidence`] of a judged VPC, written from the inventory and the region's
/// index by hand ([`Evidence::object`]): judging a million VPCs copies no flow-log
/// string and goes through no serde machinery.
fn flow_log_evidence(flow_logs: &[Judged<'_>], below: &[Judged<'_>], notes: &[String]) -> Evidence {
    let list = |a: &mut JsonArray<'_>, logs: &[Judged<'_>]| {
        for j in logs {
            a.object(|o| j.write(o));
        }
    };
    Evidence::object(|o| {
        o.array("flow_logs", |a| list(a, flow_logs));
        if !below.is_empty() {
            o.array("subnet_and_interface_flow_logs", |a| list(a, below));
        }
        if !notes.is_empty() {
            o.array("notes", |a| {
                for note in notes {
                    a.str(note);
                }
            });
        }
    })
}

/// The evidence of a VPC shared by another account.
#[derive(Serialize)]
struct SharedVpcEvidence<'a> {
    owner_id: &'a str,
    scanned_account: &'a str,
}

/// The evidence of what could not be read.
#[derive(Serialize)]
struct UnreadableEvidence<'a> {
    region: &'a str,
    error: Option<&'a CollectError>,
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/// Flow logs of one VPC or subnet: one or two are the rule, so they are kept inline.
type LogList<'a> = SmallVec<[&'a FlowLog; 2]>;

/// Hash maps of the index: keys are AWS ids from our own inventory, so a fast hasher
/// (still randomly seeded) instead of SipHash.
type IdMap<'a, V> = HashMap<&'a str, V, foldhash::fast::RandomState>;

fn id_map<'a, V>(capacity: usize) -> IdMap<'a, V> {
    HashMap::with_capacity_and_hasher(capacity, foldhash::fast::RandomState::default())
}

/// Where the flow logs attached to one resource are. Nearly every resource has one, kept
/// in the map entry itself, so that an entry is 32 bytes and the index of a large region
/// stays in cache; resources with more point at a list.
#[derive(Clone, Copy)]
enum Slot<'a> {
    /// The one flow log.
    One(&'a FlowLog),
    /// Several: `RegionIndex::lists[i]`.
    Several(usize),
}

/// Flow logs of one region, indexed once so that each VPC is judged by lookups:
/// O(VPCs + flow logs) per region, whatever their numbers.
struct RegionIndex<'a> {
    /// Flow logs by the id of the resource they are attached to.
    by_resource: IdMap<'a, Slot<'a>>,
    /// The flow logs of resources that have several.
    lists: Vec<LogList<'a>>,
    /// Subnet- and ENI-level flow logs by the VPC of their subnet or interface (empty,
    /// and not looked up, in the many regions that have none).
    below_vpc: IdMap<'a, LogList<'a>>,
    /// Notes every VPC of the region carries (lookups that failed, an unknown account).
    notes: Vec<String>,
    /// The evidence of every VPC without any flow log: the same text, shared.
    no_flow_logs: Evidence,
}

impl<'a> RegionIndex<'a> {
    fn build(region: &'a RegionInventory, flow_logs: &'a [FlowLog], account_known: bool) -> Self {
        use std::collections::hash_map::Entry;
        let mut by_resource: IdMap<'a, Slot<'a>> = id_map(flow_logs.len());
        let mut lists: Vec<LogList<'a>> = Vec::new();
        let mut below: Vec<&FlowLog> = Vec::new();
        for log in flow_logs {
            match by_resource.entry(log.resource_id.as_str()) {
                Entry::Vacant(slot) => {
                    slot.insert(Slot::One(log));
                }
                Entry::Occupied(mut slot) => match *slot.get() {
                    Slot::One(first) => {
                        lists.push(SmallVec::from_buf([first, log]));
                        slot.insert(Slot::Several(lists.len() - 1));
                    }
                    Slot::Several(i) => lists[i].push(log),
                },
            }
            if matches!(
                log.resource_type,
                FlowLogResourceType::Subnet | FlowLogResourceType::NetworkInterface
            ) {
                below.push(log);
            }
        }
        let mut below_vpc: IdMap<'a, LogList<'a>> = id_map(0);
        let mut notes = Vec::new();
        if !below.is_empty() {
            let subnets = region.subnets.items_or_empty();
            let interfaces = region.network_interfaces.items_or_empty();
            let mut subnet_vpc: IdMap<'a, &'a str> = id_map(subnets.len());
            subnet_vpc.extend(subnets.iter().map(|s| (s.id.as_str(), s.vpc_id.as_str())));
            let mut eni_vpc: IdMap<'a, &'a str> = id_map(interfaces.len());
            eni_vpc.extend(interfaces.iter().map(|n| (n.id.as_str(), n.vpc_id.as_str())));
            let (mut unresolved_subnet, mut unresolved_eni) = (0usize, 0usize);
            for log in below {
                let (map, unresolved) = match log.resource_type {
                    FlowLogResourceType::Subnet => (&subnet_vpc, &mut unresolved_subnet),
                    _ => (&eni_vpc, &mut unresolved_eni),
                };
                match map.get(log.resource_id.as_str()) {
                    Some(vpc_id) => below_vpc.entry(*vpc_id).or_default().push(log),
                    None => *unresolved += 1,
                }
            }
            if unresolved_subnet > 0 {
                notes.push(lookup_note(
                    &region.subnets,
                    unresolved_subnet,
                    "subnet",
                    "subnets",
                    &region.name,
                ));
            }
            if unresolved_eni > 0 {
                notes.push(lookup_note(
                    &region.network_interfaces,
                    unresolved_eni,
                    "network-interface",
                    "network interfaces",
                    &region.name,
                ));
            }
        }
        if !account_known {
            notes.push(
                "the scanned account is unknown (the caller identity could not be read), so VPCs shared \
                 by another account could not be told apart and were evaluated; only a VPC's owner can \
                 create its flow logs"
                    .to_string(),
            );
        }
        let no_flow_logs = flow_log_evidence(&[], &[], &notes);
        RegionIndex {
            by_resource,
            lists,
            below_vpc,
            notes,
            no_flow_logs,
        }
    }

    /// The flow logs of a VPC, and those of its subnets and interfaces.
    fn logs_of(&self, vpc_id: &str) -> (&[&'a FlowLog], &[&'a FlowLog]) {
        let own: &[&'a FlowLog] = match self.by_resource.get(vpc_id) {
            None => &[],
            Some(Slot::One(log)) => std::slice::from_ref(log),
            Some(Slot::Several(i)) => &self.lists[*i],
        };
        let below: &[&'a FlowLog] = if self.below_vpc.is_empty() {
            &[]
        } else {
            self.below_vpc.get(vpc_id).map_or(&[], |logs| logs.as_slice())
        };
        (own, below)
    }
}

/// Why some subnet- or ENI-level flow logs could not be attributed to a VPC.
fn lookup_note<T>(lookup: &Collection<T>, count: usize, level: &str, what: &str, region: &str) -> String {
    let logs = if count == 1 { "flow log" } else { "flow logs" };
    let why = match lookup {
        Collection::Failed(e) => format!("the lookup of their {what} failed: {e}"),
        Collection::NotCollected => format!("{what} were not collected"),
        Collection::Collected(_) => format!("their {what} no longer exist"),
    };
    format!(
        "{count} {level}-level {logs} in {region} could not be matched to a VPC because {why}; \
         they would not count for a VPC in any case"
    )
}

/// What the VPCs of one region are judged against, made once per region.
enum RegionState<'a> {
    /// The VPCs could not be listed: one finding stands for the region.
    Unlisted(Finding),
    /// VPCs to judge, with the region's flow-log index or why none can be judged.
    Listed {
        vpcs: &'a [Vpc],
        index: Result<RegionIndex<'a>, Unjudgeable>,
    },
}

/// Why no VPC of a region can be judged (its flow logs could not be listed): the same
/// message and evidence for each.
struct Unjudgeable {
    message: String,
    evidence: Evidence,
}

impl<'a> RegionState<'a> {
    fn of(inventory: &'a Inventory, region: &'a RegionInventory, ctx: &RuleContext<'_>) -> Self {
        let vpcs = match &region.vpcs {
            Collection::Collected(vpcs) => vpcs,
            Collection::Failed(error) => {
                return RegionState::Unlisted(region_error(
                    inventory,
                    region,
                    ctx,
                    format!("could not list VPCs in {}: {error}", region.name),
                    Some(error),
                ));
            }
            Collection::NotCollected => {
                return RegionState::Unlisted(region_error(
                    inventory,
                    region,
                    ctx,
                    format!(
                        "VPCs were not collected in {} (the inventory was made without `{}`), so none \
                         could be judged",
                        region.name,
                        kinds::VPC
                    ),
                    None,
                ));
            }
        };
        let unjudgeable = |message: String| Unjudgeable {
            message,
            evidence: Evidence::new(&UnreadableEvidence {
                region: &region.name,
                error: region.flow_logs.error(),
            }),
        };
        let index = match &region.flow_logs {
            Collection::Collected(logs) => Ok(RegionIndex::build(region, logs, inventory.account.is_some())),
            Collection::Failed(error) => Err(unjudgeable(format!(
                "could not list flow logs in {}: {error}; the VPC cannot be judged",
                region.name
            ))),
            Collection::NotCollected => Err(unjudgeable(format!(
                "flow logs were not collected in {} (the inventory was made without `{}`); the VPC \
                 cannot be judged",
                region.name,
                kinds::FLOW_LOG
            ))),
        };
        RegionState::Listed { vpcs, index }
    }
}

/// The finding for one VPC.
fn judge_vpc(
    inventory: &Inventory,
    vpc: &Vpc,
    index: &Result<RegionIndex<'_>, Unjudgeable>,
    options: &Options<'_>,
    ctx: &RuleContext<'_>,
) -> Finding {
    let resource = vpc.to_ref();
    if let Some(account) = inventory.account.as_deref()
        && vpc.owner_id != account
    {
        return ctx
            .skipped(
                resource,
                format!(
                    "VPC is owned by account {} and shared with account {account} through AWS RAM; only its \
                     owner can create its flow logs",
                    vpc.owner_id
                ),
            )
            .with_evidence(SharedVpcEvidence {
                owner_id: &vpc.owner_id,
                scanned_account: account,
            });
    }
    let index = match index {
        Ok(index) => index,
        Err(unjudgeable) => {
            let mut finding = ctx.error(resource, unjudgeable.message.clone());
            finding.evidence = unjudgeable.evidence.clone();
            return finding;
        }
    };
    let (own, below) = index.logs_of(&vpc.id);
    let judgement = judge(own, below, options);
    let evidence = if own.is_empty() && below.is_empty() {
        index.no_flow_logs.clone()
    } else {
        flow_log_evidence(&judgement.flow_logs, &judgement.below, &index.notes)
    };
    if judgement.pass {
        let mut finding = ctx.pass(resource, judgement.message);
        finding.evidence = evidence;
        finding
    } else {
        // One builder for every failing VPC: snippets are made from the finding's resource
        // when a writer reads them, since most findings of a large scan are counted, not
        // printed with their templates.
        let mut finding = ctx.fail(resource, judgement.message);
        finding.evidence = evidence;
        finding.with_deferred_remediation(Arc::clone(&options.remediation))
    }
}

/// The one `Error` finding for a region whose VPCs could not be listed.
fn region_error(
    inventory: &Inventory,
    region: &RegionInventory,
    ctx: &RuleContext<'_>,
    message: String,
    error: Option<&CollectError>,
) -> Finding {
    let resource = ResourceRef::new(kinds::VPC, REGION_WIDE_ID)
        .in_region(region.name.as_str())
        .in_account(inventory.account.as_deref());
    ctx.error(resource, message).with_evidence(UnreadableEvidence {
        region: &region.name,
        error,
    })
}

/// The verdict on one VPC, with the flow logs as judged.
struct Judgement<'a> {
    pass: bool,
    message: String,
    flow_logs: SmallVec<[Judged<'a>; 2]>,
    below: SmallVec<[Judged<'a>; 2]>,
}

/// What disqualifies one flow log, apart from its traffic type.
fn problems(log: &FlowLog, options: &Options<'_>) -> Reasons {
    let mut reasons = Reasons::default();
    if !log.is_active() {
        reasons = reasons.with(NotCounted::NotActive);
    }
    if log.delivery_failed() && !options.count_failed_delivery {
        reasons = reasons.with(NotCounted::DeliveryFailing);
    }
    if !options.allows(&log.destination_type) {
        reasons = reasons.with(NotCounted::DestinationNotAllowed);
    }
    reasons
}

fn delivery_error(log: &FlowLog) -> &str {
    log.deliver_logs_error_message
        .as_deref()
        .filter(|m| !m.is_empty())
        .unwrap_or("no error message reported")
}

fn judge<'a>(vpc_logs: &[&'a FlowLog], below: &[&'a FlowLog], options: &Options<'_>) -> Judgement<'a> {
    let required = options.traffic.coverage();
    let mut flow_logs: SmallVec<[Judged<'a>; 2]> = vpc_logs
        .iter()
        .map(|log| Judged {
            log,
            counted: false,
            reasons: problems(log, options),
        })
        .collect();
    let usable = || flow_logs.iter().filter(|j| j.reasons.is_empty());
    let covered = usable().fold(Coverage::NONE, |c, j| c.union(Coverage::of(&j.log.traffic_type)));
    let pass = match options.traffic {
        RequiredTraffic::Any => usable().next().is_some(),
        _ => covered.contains(required),
    };
    // A usable flow log counts when the VPC passes and it records some of the required traffic.
    for j in flow_logs.iter_mut().filter(|j| j.reasons.is_empty()) {
        let records_required =
            options.traffic == RequiredTraffic::Any || Coverage::of(&j.log.traffic_type).intersects(required);
        match (pass, records_required) {
            (true, true) => j.counted = true,
            (true, false) => j.reasons = j.reasons.with(NotCounted::TrafficNotRequired),
            (false, _) => j.reasons = j.reasons.with(NotCounted::TrafficNotCovered),
        }
    }
    let below: SmallVec<[Judged<'a>; 2]> = below
        .iter()
        .map(|log| Judged {
            log,
            counted: false,
            reasons: Reasons::default().with(match log.resource_type {
                FlowLogResourceType::Subnet => NotCounted::AttachedToSubnet,
                _ => NotCounted::AttachedToNetworkInterface,
            }),
        })
        .collect();
    let message = if pass {
        pass_message(&flow_logs, options)
    } else {
        fail_message(&flow_logs, &below, options)
    };
    Judgement {
        pass,
        message,
        flow_logs,
        below,
    }
}

thread_local! {
    /// Where messages are written before they are copied out at their exact size.
    static MESSAGE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The message that `write` writes, in an allocation of its exact size: a million
/// messages waste no capacity and cost one allocation each.
fn sized_message(write: impl FnOnce(&mut String)) -> String {
    MESSAGE.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut buf) => {
            buf.clear();
            write(&mut buf);
            buf.as_str().to_owned()
        }
        Err(_) => {
            let mut own = String::new();
            write(&mut own);
            own
        }
    })
}

/// Appends `parts`, one after another: plain copies, where `write!` would go through
/// the formatting machinery for each piece.
fn push_all(message: &mut String, parts: &[&str]) {
    for part in parts {
        message.push_str(part);
    }
}

fn pass_message(flow_logs: &[Judged<'_>], options: &Options<'_>) -> String {
    let mut counted = flow_logs.iter().filter(|j| j.counted);
    // Prefer one flow log that satisfies the requirement alone.
    let alone = counted.clone().find(|j| {
        options.traffic == RequiredTraffic::Any
            || Coverage::of(&j.log.traffic_type).contains(options.traffic.coverage())
    });
    sized_message(|message| match alone {
        Some(j) => {
            let log = j.log;
            let [label, name] = destination_label(log);
            push_all(
                message,
                &[
                    "flow log ",
                    &log.id,
                    " is active and records ",
                    log.traffic_type.as_str(),
                    " traffic to ",
                    log.destination_type.as_str(),
                    " (",
                    label,
                    name,
                    ")",
                ],
            );
            if log.delivery_failed() {
                push_all(
                    message,
                    &[
                        "; its delivery is failing (",
                        delivery_error(log),
                        ") but counts because `",
                        COUNT_FAILED_DELIVERY,
                        "` is true",
                    ],
                );
            }
        }
        None => {
            message.push_str("flow logs ");
            let n = counted.clone().count();
            for (i, j) in counted.by_ref().enumerate() {
                push_list_separator(message, i, n);
                push_all(message, &[&j.log.id, " (", j.log.traffic_type.as_str(), ")"]);
            }
            push_all(
                message,
                &[" together record ", options.traffic.as_str(), " traffic"],
            );
        }
    })
}

fn fail_message(flow_logs: &[Judged<'_>], below: &[Judged<'_>], options: &Options<'_>) -> String {
    if flow_logs.is_empty() && below.is_empty() {
        return NO_FLOW_LOG.to_string();
    }
    sized_message(|message| {
        let part = |message: &mut String| {
            if !message.is_empty() {
                message.push_str("; ");
            }
        };
        if flow_logs.is_empty() {
            message.push_str(NO_FLOW_LOG);
        } else if flow_logs.iter().any(|j| !j.reasons.disqualifies()) {
            let mut recorded: SmallVec<[&str; 3]> = flow_logs
                .iter()
                .filter(|j| !j.reasons.disqualifies())
                .map(|j| j.log.traffic_type.as_str())
                .collect();
            recorded.sort_unstable();
            recorded.dedup();
            message.push_str("only ");
            for (i, t) in recorded.iter().enumerate() {
                push_list_separator(message, i, recorded.len());
                message.push_str(t);
            }
            push_all(
                message,
                &[
                    " traffic is logged but ",
                    options.traffic.as_str(),
                    " is required",
                ],
            );
        }
        let rejected = flow_logs.iter().filter(|j| j.reasons.disqualifies());
        let rejected_count = rejected.clone().count();
        for j in rejected.take(MESSAGE_LIST_LIMIT) {
            part(message);
            push_all(message, &["flow log ", &j.log.id, " "]);
            for (i, reason) in j.reasons.iter().enumerate() {
                if i > 0 {
                    message.push_str(", and ");
                }
                push_problem(message, reason, j.log, options);
            }
        }
        if rejected_count > MESSAGE_LIST_LIMIT {
            part(message);
            let _ = write!(
                message,
                "{} other flow logs do not count (see the evidence)",
                rejected_count - MESSAGE_LIST_LIMIT
            );
        }
        if !below.is_empty() {
            part(message);
            message.push_str("flow logs of its subnets or network interfaces do not count for the VPC: ");
            for (i, j) in below.iter().take(MESSAGE_LIST_LIMIT).enumerate() {
                if i > 0 {
                    message.push_str(", ");
                }
                push_all(message, &[&j.log.id, " on ", &j.log.resource_id]);
            }
            if below.len() > MESSAGE_LIST_LIMIT {
                let _ = write!(
                    message,
                    ", {} more (see the evidence)",
                    below.len() - MESSAGE_LIST_LIMIT
                );
            }
        }
    })
}

/// Words for a reason that disqualifies a flow log ("flow log fl-1 <words>").
fn push_problem(message: &mut String, reason: NotCounted, log: &FlowLog, options: &Options<'_>) {
    match reason {
        NotCounted::NotActive => push_all(message, &["is not active (status ", &log.flow_log_status, ")"]),
        NotCounted::DeliveryFailing => push_all(message, &["is failing delivery: ", delivery_error(log)]),
        NotCounted::DestinationNotAllowed => {
            push_all(
                message,
                &[
                    "sends to ",
                    log.destination_type.as_str(),
                    ", which is not an allowed destination (allowed: ",
                ],
            );
            for (i, allowed) in options.allowed.iter().enumerate() {
                if i > 0 {
                    message.push_str(", ");
                }
                message.push_str(allowed);
            }
            message.push(')');
        }
        // Not disqualifying: said in the "only … traffic is logged" part.
        _ => {}
    }
}

/// `a`, `a and b`, `a, b and c`: what goes before item `i` of `n`.
fn push_list_separator(message: &mut String, i: usize, n: usize) {
    if i == 0 {
        return;
    }
    message.push_str(if i + 1 == n { " and " } else { ", " });
}

// ---------------------------------------------------------------------------------------------
// Remediation
// ---------------------------------------------------------------------------------------------

/// A flow-log destination, parsed from `remediation_destination`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Destination {
    CloudWatchLogs { log_group: String },
    S3 { arn: String },
    Firehose { arn: String },
}

impl Destination {
    fn type_name(&self) -> &'static str {
        match self {
            Destination::CloudWatchLogs { .. } => CLOUD_WATCH_LOGS,
            Destination::S3 { .. } => S3,
            Destination::Firehose { .. } => FIREHOSE,
        }
    }

    /// Parses `cloud-watch-logs:GROUP`, `s3:S3_ARN`, a bare S3 ARN or
    /// `kinesis-data-firehose:STREAM_ARN`; the error says what is wrong.
    fn parse(raw: &str) -> Result<Destination, String> {
        let raw = raw.trim();
        if let Some(group) = raw.strip_prefix("cloud-watch-logs:") {
            check_log_group(group)?;
            Ok(Destination::CloudWatchLogs {
                log_group: group.to_string(),
            })
        } else if let Some(arn) = raw.strip_prefix("s3:") {
            check_s3_arn(arn)?;
            Ok(Destination::S3 { arn: arn.to_string() })
        } else if let Some(arn) = raw.strip_prefix("kinesis-data-firehose:") {
            check_firehose_arn(arn)?;
            Ok(Destination::Firehose { arn: arn.to_string() })
        } else if raw.starts_with("arn:") && raw.contains(":s3:::") {
            check_s3_arn(raw)?;
            Ok(Destination::S3 { arn: raw.to_string() })
        } else {
            Err(format!(
                "`{raw}` is not a flow-log destination; use `cloud-watch-logs:LOG_GROUP_NAME`, \
                 `s3:arn:aws:s3:::BUCKET[/PREFIX]` (or the bare bucket ARN) or \
                 `kinesis-data-firehose:arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME`"
            ))
        }
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

fn check_role_arn(arn: &str) -> Result<(), String> {
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
    Ok(())
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// What the remediation snippets send to, resolved from the settings once.
#[derive(Debug)]
struct RemediationPlan {
    /// The configured destination, or `None` for placeholders of `fallback_type`.
    destination: Option<Destination>,
    /// Destination type used with placeholders: CloudWatch Logs unless not allowed.
    fallback_type: &'static str,
    role_arn: Option<String>,
    /// The IAM policies of the CloudWatch Logs delivery role, written once per region
    /// and account: they name no VPC, so the failing VPCs of a region share them.
    role_policies: Mutex<Vec<RolePolicies>>,
}

/// The delivery role's trust and permissions policies for one region and account.
#[derive(Debug)]
struct RolePolicies {
    region: String,
    account: String,
    trust: String,
    permissions: String,
}

impl RemediationPlan {
    fn from_settings(settings: &Settings) -> Self {
        let allowed = settings.list(DESTINATION_TYPES);
        let fallback_type = ALL_DESTINATION_TYPES
            .iter()
            .copied()
            .find(|t| allowed.iter().any(|a| a == t))
            .unwrap_or(CLOUD_WATCH_LOGS);
        RemediationPlan {
            // Validated before the scan; an invalid value built in code gives placeholders.
            destination: settings
                .str(REMEDIATION_DESTINATION)
                .and_then(|d| Destination::parse(d).ok()),
            fallback_type,
            role_arn: settings
                .str(REMEDIATION_ROLE_ARN)
                .filter(|r| check_role_arn(r).is_ok())
                .map(str::to_string),
            role_policies: Mutex::new(Vec::new()),
        }
    }

    /// The delivery role's (trust, permissions) policies for `vpc`'s region and account,
    /// from those already written when there are.
    fn role_policies(&self, vpc: &VpcKey, log_group: &str) -> (String, String) {
        let write = || (trust_policy(vpc), permissions_policy(vpc, log_group));
        // A poisoned lock only loses the sharing.
        let Ok(mut known) = self.role_policies.lock() else {
            return write();
        };
        if let Some(p) = known
            .iter()
            .find(|p| p.region == vpc.region && p.account == vpc.owner_id)
        {
            return (p.trust.clone(), p.permissions.clone());
        }
        let (trust, permissions) = write();
        known.push(RolePolicies {
            region: vpc.region.to_string(),
            account: vpc.owner_id.to_string(),
            trust: trust.clone(),
            permissions: permissions.clone(),
        });
        (trust, permissions)
    }

    fn for_vpc(&self, vpc: &VpcKey, traffic: RequiredTraffic) -> Remediation {
        let partition = partition_of(vpc.region);
        let role_or_placeholder = || self.role_arn.as_deref().unwrap_or(ROLE_PLACEHOLDER);
        let target = match &self.destination {
            Some(Destination::CloudWatchLogs { log_group }) => Target::CloudWatchLogs {
                log_group,
                role: role_or_placeholder(),
            },
            Some(Destination::S3 { arn }) => Target::S3 {
                arn: Cow::Borrowed(arn),
            },
            Some(Destination::Firehose { arn }) => Target::Firehose {
                arn: Cow::Borrowed(arn),
                role: self.role_arn.as_deref(),
            },
            None => match self.fallback_type {
                S3 => Target::S3 {
                    arn: Cow::Owned(["arn:", partition, ":s3:::", BUCKET_PLACEHOLDER].concat()),
                },
                FIREHOSE => Target::Firehose {
                    arn: Cow::Owned(
                        [
                            "arn:",
                            partition,
                            ":firehose:",
                            vpc.region,
                            ":",
                            vpc.owner_id,
                            ":deliverystream/",
                            STREAM_PLACEHOLDER,
                        ]
                        .concat(),
                    ),
                    role: self.role_arn.as_deref(),
                },
                _ => Target::CloudWatchLogs {
                    log_group: LOG_GROUP_PLACEHOLDER,
                    role: role_or_placeholder(),
                },
            },
        };
        let policies = match &target {
            Target::CloudWatchLogs { log_group, .. } => Some(self.role_policies(vpc, log_group)),
            _ => None,
        };
        build_remediation(vpc, traffic.to_create(), &target, policies)
    }
}

/// A destination with every value filled in (real or placeholder).
enum Target<'a> {
    CloudWatchLogs {
        log_group: &'a str,
        role: &'a str,
    },
    S3 {
        arn: Cow<'a, str>,
    },
    Firehose {
        arn: Cow<'a, str>,
        role: Option<&'a str>,
    },
}

impl Target<'_> {
    /// The flow log's destination type (`cloud-watch-logs`, `s3`…).
    fn destination_type(&self) -> &'static str {
        match self {
            Target::CloudWatchLogs { .. } => CLOUD_WATCH_LOGS,
            Target::S3 { .. } => S3,
            Target::Firehose { .. } => FIREHOSE,
        }
    }
}

/// The ready-to-run remediation for `vpc` under `settings`: an AWS CLI command, a
/// CloudFormation template, a Terraform resource and, for a CloudWatch Logs destination,
/// the delivery role's trust and permissions policies.
///
/// The VPC id and region are filled in; the destination and role come from the
/// `remediation_destination` and `remediation_role_arn` settings, and are placeholders
/// such as `<LOG_GROUP_NAME>` and `<DELIVERY_ROLE_ARN>` when not set. The flow log
/// records the required `traffic_type` (`ALL` when it is `any`). Settings are expected
/// validated ([`Rule::validate_settings`]); invalid values give placeholders.
///
/// ```
/// use cloudposture_aws::Vpc;
/// use cloudposture_core::{Settings, SnippetKind};
/// use cloudposture_rules_aws::VPC_001;
/// use cloudposture_rules_aws::vpc::vpc_001_flow_logs_enabled::remediation_for;
///
/// let vpc = Vpc {
///     id: "vpc-0abc".into(),
///     region: "eu-west-1".into(),
///     owner_id: "123456789012".into(),
///     cidr_blocks: vec!["10.0.0.0/16".into()],
///     ipv6_cidr_blocks: vec![],
///     is_default: false,
///     state: "available".into(),
///     tags: Default::default(),
/// };
/// let remediation = remediation_for(&vpc, &Settings::defaults(VPC_001.settings));
/// let cli = &remediation.snippets[0];
/// assert_eq!(cli.kind, SnippetKind::Cli);
/// assert!(cli.content.contains("--resource-ids vpc-0abc"));
/// assert!(cli.content.contains("--log-group-name '<LOG_GROUP_NAME>'"));
/// ```
pub fn remediation_for(vpc: &Vpc, settings: &Settings) -> Remediation {
    let traffic = RequiredTraffic::parse(settings.str(TRAFFIC_TYPE));
    RemediationPlan::from_settings(settings).for_vpc(&VpcKey::of(vpc), traffic)
}

/// What remediation needs to know of a VPC.
#[derive(Debug, Clone, Copy)]
struct VpcKey<'a> {
    id: &'a str,
    region: &'a str,
    owner_id: &'a str,
}

impl<'a> VpcKey<'a> {
    fn of(vpc: &'a Vpc) -> Self {
        VpcKey {
            id: &vpc.id,
            region: &vpc.region,
            owner_id: &vpc.owner_id,
        }
    }

    /// The VPC a finding is about (its account is the VPC's owner).
    fn of_resource(resource: &'a ResourceRef) -> Self {
        VpcKey {
            id: &resource.id,
            region: resource.region_str(),
            owner_id: resource.account_str(),
        }
    }
}

/// The remediation of failing VPCs, built from a finding's resource when read: the plan
/// is resolved once from the settings and shared by every failing finding of the scan.
struct DeferredRemediation {
    traffic: RequiredTraffic,
    plan: RemediationPlan,
}

impl BuildRemediation for DeferredRemediation {
    fn build(&self, resource: &ResourceRef) -> Remediation {
        self.plan.for_vpc(&VpcKey::of_resource(resource), self.traffic)
    }
}

/// `role_policies`: the CloudWatch Logs delivery role's trust and permissions policies,
/// for a CloudWatch Logs target.
///
/// Built for every failing VPC a report writes, so written with `push_str` into strings
/// of about their final size rather than with `format!`.
fn build_remediation(
    vpc: &VpcKey,
    traffic: &str,
    target: &Target,
    role_policies: Option<(String, String)>,
) -> Remediation {
    let (destination_kind, destination) = match target {
        Target::CloudWatchLogs { log_group, .. } => ("CloudWatch Logs log group ", *log_group),
        Target::S3 { arn } => ("S3 bucket ", &**arn),
        Target::Firehose { arn, .. } => ("Firehose delivery stream ", &**arn),
    };
    let summary = [
        "create a flow log on ",
        vpc.id,
        " in ",
        vpc.region,
        " that records ",
        traffic,
        " traffic to ",
        destination_kind,
        destination,
    ]
    .concat();
    let mut snippets = Vec::with_capacity(5);
    snippets.extend([
        Snippet {
            kind: SnippetKind::Cli,
            title: "AWS CLI".to_string(),
            content: cli_snippet(vpc, traffic, target),
        },
        Snippet {
            kind: SnippetKind::Cloudformation,
            title: "CloudFormation (YAML)".to_string(),
            content: cloudformation_snippet(vpc, traffic, target),
        },
        Snippet {
            kind: SnippetKind::Terraform,
            title: "Terraform".to_string(),
            content: terraform_snippet(vpc, traffic, target),
        },
    ]);
    if let Some((trust, permissions)) = role_policies {
        snippets.push(Snippet {
            kind: SnippetKind::IamPolicy,
            title: "IAM trust policy of the delivery role (vpc-flow-logs.amazonaws.com)".to_string(),
            content: trust,
        });
        snippets.push(Snippet {
            kind: SnippetKind::IamPolicy,
            title: "IAM permissions policy of the delivery role".to_string(),
            content: permissions,
        });
    }
    Remediation { summary, snippets }
}

/// Writes a shell word, quoted when it has characters the shell would interpret (`<`,
/// spaces…).
fn push_shell_word(out: &mut String, word: &str) {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        out.push_str(word);
    } else {
        out.push('\'');
        for (i, part) in word.split('\'').enumerate() {
            if i > 0 {
                out.push_str(r"'\''");
            }
            out.push_str(part);
        }
        out.push('\'');
    }
}

fn cli_snippet(vpc: &VpcKey, traffic: &str, target: &Target) -> String {
    let mut args: SmallVec<[(&str, &str); 8]> = SmallVec::new();
    args.extend([
        ("--region", vpc.region),
        ("--resource-type", "VPC"),
        ("--resource-ids", vpc.id),
        ("--traffic-type", traffic),
        ("--log-destination-type", target.destination_type()),
    ]);
    match target {
        Target::CloudWatchLogs { log_group, role } => {
            args.push(("--log-group-name", log_group));
            args.push(("--deliver-logs-permission-arn", role));
        }
        Target::S3 { arn } => args.push(("--log-destination", arn)),
        Target::Firehose { arn, role } => {
            args.push(("--log-destination", arn));
            if let Some(role) = role {
                args.push(("--deliver-cross-account-role", role));
            }
        }
    }
    let mut out = String::with_capacity(320);
    out.push_str("aws ec2 create-flow-logs");
    for (flag, value) in args {
        out.push_str(" \\\n  ");
        out.push_str(flag);
        out.push(' ');
        push_shell_word(&mut out, value);
    }
    out.push('\n');
    out
}

/// Writes a YAML double-quoted scalar: JSON string syntax is valid YAML.
fn push_yaml_str(out: &mut String, s: &str) {
    if s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        cloudposture_core::json::push_json_str(out, s);
    }
}

fn cloudformation_snippet(vpc: &VpcKey, traffic: &str, target: &Target) -> String {
    let mut properties: SmallVec<[(&str, &str); 7]> = SmallVec::new();
    properties.extend([
        ("ResourceType", "VPC"),
        ("ResourceId", vpc.id),
        ("TrafficType", traffic),
        ("LogDestinationType", target.destination_type()),
    ]);
    match target {
        Target::CloudWatchLogs { log_group, role } => {
            properties.push(("LogGroupName", log_group));
            properties.push(("DeliverLogsPermissionArn", role));
        }
        Target::S3 { arn } => properties.push(("LogDestination", arn)),
        Target::Firehose { arn, role } => {
            properties.push(("LogDestination", arn));
            if let Some(role) = role {
                properties.push(("DeliverCrossAccountRole", role));
            }
        }
    }
    let mut out = String::with_capacity(640);
    out.push_str("# Deploy in ");
    out.push_str(vpc.region);
    out.push_str(", e.g.:\n#   aws cloudformation deploy --region ");
    out.push_str(vpc.region);
    out.push_str(" --stack-name ");
    push_shell_word(&mut out, &[vpc.id, "-flow-log"].concat());
    out.push_str(" --template-file flow-log.yaml\nAWSTemplateFormatVersion: \"2010-09-09\"\nDescription: ");
    push_yaml_str(
        &mut out,
        &["Flow log of ", vpc.id, " (cloudposture VPC-001)"].concat(),
    );
    out.push_str("\nResources:\n  FlowLog");
    // The logical id: `FlowLog` and the id's dash-separated parts capitalized,
    // letters and digits only (`vpc-0abc` gives `FlowLogVpc0abc`).
    for part in vpc.id.split('-') {
        for (i, c) in part.chars().enumerate() {
            let c = if i == 0 { c.to_ascii_uppercase() } else { c };
            if c.is_ascii_alphanumeric() {
                out.push(c);
            }
        }
    }
    out.push_str(":\n    Type: AWS::EC2::FlowLog\n    Properties:\n");
    for (key, value) in properties {
        out.push_str("      ");
        out.push_str(key);
        out.push_str(": ");
        push_yaml_str(&mut out, value);
        out.push('\n');
    }
    out
}

/// Writes an HCL quoted string: `"`, `\` and interpolation sequences escaped.
fn push_hcl_str(out: &mut String, s: &str) {
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str(r"\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str(r"\n"),
            '\r' => out.push_str(r"\r"),
            '\t' => out.push_str(r"\t"),
            // `${` and `%{` start interpolations and directives; doubled, they are text.
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn terraform_snippet(vpc: &VpcKey, traffic: &str, target: &Target) -> String {
    let group_arn;
    let mut attributes: SmallVec<[(&str, &str); 6]> = SmallVec::new();
    attributes.extend([
        ("vpc_id", vpc.id),
        ("traffic_type", traffic),
        ("log_destination_type", target.destination_type()),
    ]);
    match target {
        Target::CloudWatchLogs { log_group, role } => {
            group_arn = [
                "arn:",
                partition_of(vpc.region),
                ":logs:",
                vpc.region,
                ":",
                vpc.owner_id,
                ":log-group:",
                log_group,
            ]
            .concat();
            attributes.push(("log_destination", &group_arn));
            attributes.push(("iam_role_arn", role));
        }
        Target::S3 { arn } => attributes.push(("log_destination", arn)),
        Target::Firehose { arn, role } => {
            attributes.push(("log_destination", arn));
            if let Some(role) = role {
                attributes.push(("deliver_cross_account_role", role));
            }
        }
    }
    let width = attributes.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::with_capacity(512);
    out.push_str("# Apply with the AWS provider configured for region ");
    out.push_str(vpc.region);
    out.push_str(".\nresource \"aws_flow_log\" \"");
    out.extend(
        vpc.id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
    );
    out.push_str("\" {\n");
    for (key, value) in attributes {
        out.push_str("  ");
        out.push_str(key);
        out.extend(std::iter::repeat_n(' ', width - key.len()));
        out.push_str(" = ");
        push_hcl_str(&mut out, value);
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

/// An IAM policy document, serialized in the order people read them (`Version` first).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyDocument {
    version: &'static str,
    statement: Vec<PolicyStatement>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyStatement {
    #[serde(skip_serializing_if = "Option::is_none")]
    sid: Option<&'static str>,
    effect: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    principal: Option<serde_json::Value>,
    action: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<serde_json::Value>,
}

fn policy_json(statement: Vec<PolicyStatement>) -> String {
    let document = PolicyDocument {
        version: "2012-10-17",
        statement,
    };
    // Serializing these plain structs cannot fail; an empty string would show if it did.
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

/// Lets the flow-logs service assume the role, only for flow logs of the VPC's account
/// and region (the confused-deputy conditions AWS recommends).
fn trust_policy(vpc: &VpcKey) -> String {
    let source_arn = format!(
        "arn:{}:ec2:{}:{}:vpc-flow-log/*",
        partition_of(vpc.region),
        vpc.region,
        vpc.owner_id
    );
    policy_json(vec![PolicyStatement {
        sid: None,
        effect: "Allow",
        principal: Some(serde_json::json!({ "Service": "vpc-flow-logs.amazonaws.com" })),
        action: serde_json::json!("sts:AssumeRole"),
        resource: None,
        // In key order: serde_json keeps either the order written or the sorted order
        // (its `preserve_order` feature, which other crates of a build may turn on),
        // and the policy should read the same in every build.
        condition: Some(serde_json::json!({
            "ArnLike": { "aws:SourceArn": source_arn },
            "StringEquals": { "aws:SourceAccount": vpc.owner_id },
        })),
    }])
}

/// Writes to the one log group; reads (describe) on the account's log groups of the region.
fn permissions_policy(vpc: &VpcKey, log_group: &str) -> String {
    let prefix = format!(
        "arn:{}:logs:{}:{}:log-group:",
        partition_of(vpc.region),
        vpc.region,
        vpc.owner_id
    );
    policy_json(vec![
        PolicyStatement {
            sid: Some("WriteFlowLogs"),
            effect: "Allow",
            principal: None,
            action: serde_json::json!(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]),
            resource: Some(serde_json::json!([
                format!("{prefix}{log_group}"),
                format!("{prefix}{log_group}:*")
            ])),
            condition: None,
        },
        PolicyStatement {
            sid: Some("DescribeLogGroupsAndStreams"),
            effect: "Allow",
            principal: None,
            action: serde_json::json!(["logs:DescribeLogGroups", "logs:DescribeLogStreams"]),
            resource: Some(serde_json::json!(format!("{prefix}*"))),
            condition: None,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudposture_aws::{ErrorClass, NetworkInterface, Subnet};
    use cloudposture_core::Status;
    use serde_json::json;

    const ACCOUNT: &str = "123456789012";
    const OTHER_ACCOUNT: &str = "210987654321";
    const REGION: &str = "eu-west-1";

    // ---- builders: each test states only what its case is about ----

    fn vpc(id: &str) -> Vpc {
        Vpc {
            id: id.to_string(),
            region: REGION.to_string(),
            owner_id: ACCOUNT.to_string(),
            cidr_blocks: vec!["10.0.0.0/16".to_string()],
            ipv6_cidr_blocks: Vec::new(),
            is_default: false,
            state: "available".to_string(),
            tags: Default::default(),
        }
    }

    /// An active, delivering flow log of ALL traffic to CloudWatch Logs on `resource_id`.
    fn flow_log(id: &str, resource_id: &str) -> FlowLog {
        FlowLog {
            id: id.to_string(),
            region: REGION.to_string(),
            account: Some(ACCOUNT.to_string()),
            resource_id: resource_id.to_string(),
            resource_type: FlowLogResourceType::from_resource_id(resource_id),
            traffic_type: TrafficType::All,
            flow_log_status: "ACTIVE".to_string(),
            deliver_logs_status: Some("SUCCESS".to_string()),
            deliver_logs_error_message: None,
            destination_type: DestinationType::CloudWatchLogs,
            destination: None,
            log_group_name: Some("vpc-flow-logs".to_string()),
            deliver_logs_permission_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/flow-logs")),
            log_format: None,
            max_aggregation_interval: Some(600),
            creation_time: None,
            tags: Default::default(),
        }
    }

    fn in_region(mut v: Vpc, name: &str) -> Vpc {
        v.region = name.to_string();
        v
    }

    fn traffic(mut log: FlowLog, t: TrafficType) -> FlowLog {
        log.traffic_type = t;
        log
    }

    fn failing_delivery(mut log: FlowLog, error: &str) -> FlowLog {
        log.deliver_logs_status = Some("FAILED".to_string());
        log.deliver_logs_error_message = Some(error.to_string());
        log
    }

    fn to_s3(mut log: FlowLog) -> FlowLog {
        log.destination_type = DestinationType::S3;
        log.destination = Some("arn:aws:s3:::flow-log-bucket".to_string());
        log.log_group_name = None;
        log
    }

    fn region(vpcs: Vec<Vpc>, flow_logs: Vec<FlowLog>) -> RegionInventory {
        RegionInventory {
            vpcs: Collection::Collected(vpcs),
            flow_logs: Collection::Collected(flow_logs),
            subnets: Collection::Collected(Vec::new()),
            network_interfaces: Collection::Collected(Vec::new()),
            ..RegionInventory::new(REGION)
        }
    }

    fn inventory(regions: Vec<RegionInventory>) -> Inventory {
        Inventory {
            regions,
            ..Inventory::new(Some(ACCOUNT.to_string()))
        }
    }

    fn access_denied(operation: &str) -> CollectError {
        CollectError::new(
            operation,
            ErrorClass::AccessDenied,
            Some("UnauthorizedOperation".to_string()),
            "You are not authorized to perform this operation.",
        )
    }

    /// Settings from `raw` (as in a config file), validated like the engine does.
    fn settings(raw: serde_json::Value) -> Result<Settings, SettingsError> {
        let map = raw.as_object().cloned().unwrap_or_default();
        let settings = Settings::resolve(
            VPC_001.id,
            VPC_001.settings,
            map.iter().map(|(k, v)| (k.as_str(), v)),
        )?;
        VpcFlowLogsEnabled.validate_settings(&settings)?;
        Ok(settings)
    }

    fn run_with(inventory: &Inventory, raw: serde_json::Value) -> Vec<Finding> {
        let settings = settings(raw).unwrap();
        let ctx = RuleContext::new(&VPC_001, &settings, VPC_001.risk);
        VpcFlowLogsEnabled.evaluate(inventory, &ctx)
    }

    fn run(inventory: &Inventory) -> Vec<Finding> {
        run_with(inventory, json!({}))
    }

    /// The single finding of a one-VPC inventory.
    fn judge_one(vpc_: Vpc, logs: Vec<FlowLog>, raw: serde_json::Value) -> Finding {
        let findings = run_with(&inventory(vec![region(vec![vpc_], logs)]), raw);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        findings.into_iter().next().unwrap()
    }

    #[test]
    fn reason_codes_written_by_hand_are_the_serde_names() {
        for reason in NotCounted::ALL {
            assert_eq!(serde_json::to_value(reason).unwrap(), reason.as_str());
        }
    }

    /// The evidence as its documented type; it must say nothing the type does not
    /// (the evidence is written by hand, so a misspelt key would otherwise go unseen).
    fn evidence(f: &Finding) -> FlowLogEvidence {
        let typed: FlowLogEvidence = f.evidence.parse().unwrap();
        assert_eq!(
            serde_json::to_value(&typed).unwrap(),
            f.evidence.to_value(),
            "the evidence is exactly a FlowLogEvidence"
        );
        typed
    }

    // ---- decision branches ----

    #[test]
    fn vpc_without_flow_log_fails_with_remediation() {
        let f = judge_one(vpc("vpc-1"), vec![], json!({}));
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.message, "no flow log is attached to the VPC");
        assert_eq!(f.resource.id, "vpc-1");
        assert_eq!(f.resource.region.as_deref(), Some(REGION));
        assert!(evidence(&f).flow_logs.is_empty());
        let remediation = f.remediation().unwrap().into_owned();
        assert_eq!(
            remediation.summary,
            "create a flow log on vpc-1 in eu-west-1 that records ALL traffic to CloudWatch Logs log group \
             <LOG_GROUP_NAME>"
        );
    }

    #[test]
    fn active_delivering_all_traffic_flow_log_passes() {
        let f = judge_one(vpc("vpc-1"), vec![flow_log("fl-1", "vpc-1")], json!({}));
        assert_eq!(f.status, Status::Pass);
        assert_eq!(
            f.message,
            "flow log fl-1 is active and records ALL traffic to cloud-watch-logs (log group vpc-flow-logs)"
        );
        assert!(f.remediation.is_none());
        let e = evidence(&f);
        assert_eq!(e.flow_logs.len(), 1);
        assert!(e.flow_logs[0].counted);
        assert!(e.flow_logs[0].reasons.is_empty());
        assert_eq!(e.flow_logs[0].destination, "log group vpc-flow-logs");
        // The settings are the report's (`rules`), not repeated in every finding.
        let raw = f.evidence.to_value();
        assert!(raw.get("required_traffic_type").is_none(), "{raw}");
        // Nothing empty is written: no subnet-level logs, no notes, no reasons.
        assert!(raw.get("subnet_and_interface_flow_logs").is_none(), "{raw}");
        assert!(raw.get("notes").is_none(), "{raw}");
        assert!(raw["flow_logs"][0].get("reasons").is_none(), "{raw}");
        // A flow log of the VPC itself does not repeat the VPC's id.
        assert!(raw["flow_logs"][0].get("attached_to").is_none(), "{raw}");
    }

    #[test]
    fn flow_log_that_is_not_active_fails() {
        let mut log = flow_log("fl-1", "vpc-1");
        log.flow_log_status = "INACTIVE".to_string();
        let f = judge_one(vpc("vpc-1"), vec![log], json!({}));
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.message, "flow log fl-1 is not active (status INACTIVE)");
        let e = evidence(&f);
        assert!(!e.flow_logs[0].counted);
        assert_eq!(e.flow_logs[0].status, "INACTIVE");
        assert!(f.remediation.is_some());
    }

    #[test]
    fn flow_log_failing_delivery_fails_by_default() {
        let log = failing_delivery(flow_log("fl-1", "vpc-1"), "Access error");
        let f = judge_one(vpc("vpc-1"), vec![log], json!({}));
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.message, "flow log fl-1 is failing delivery: Access error");
        let e = evidence(&f);
        assert_eq!(e.flow_logs[0].delivery_status.as_deref(), Some("FAILED"));
        assert_eq!(e.flow_logs[0].delivery_error.as_deref(), Some("Access error"));
        assert_eq!(e.flow_logs[0].reasons, [NotCounted::DeliveryFailing]);
        assert_eq!(
            f.evidence.to_value()["flow_logs"][0]["reasons"],
            json!(["delivery_failing"])
        );
    }

    #[test]
    fn flow_log_failing_delivery_passes_when_failed_delivery_counts() {
        let log = failing_delivery(flow_log("fl-1", "vpc-1"), "Access error");
        let f = judge_one(vpc("vpc-1"), vec![log], json!({"count_failed_delivery": true}));
        assert_eq!(f.status, Status::Pass);
        assert!(
            f.message
                .contains("its delivery is failing (Access error) but counts because"),
            "{}",
            f.message
        );
        let e = evidence(&f);
        assert!(e.flow_logs[0].counted && e.flow_logs[0].reasons.is_empty());
        assert_eq!(e.flow_logs[0].delivery_status.as_deref(), Some("FAILED"));
    }

    #[test]
    fn flow_log_failing_delivery_without_error_message_says_so() {
        let mut log = failing_delivery(flow_log("fl-1", "vpc-1"), "");
        log.deliver_logs_error_message = None;
        let f = judge_one(vpc("vpc-1"), vec![log], json!({}));
        assert_eq!(
            f.message,
            "flow log fl-1 is failing delivery: no error message reported"
        );
    }

    #[test]
    fn flow_log_with_several_problems_names_them_all() {
        let mut log = to_s3(failing_delivery(flow_log("fl-1", "vpc-1"), "Access error"));
        log.flow_log_status = "INACTIVE".to_string();
        let f = judge_one(
            vpc("vpc-1"),
            vec![log],
            json!({"destination_types": ["cloud-watch-logs"]}),
        );
        assert_eq!(
            f.message,
            "flow log fl-1 is not active (status INACTIVE), and is failing delivery: Access error, and sends \
             to s3, which is not an allowed destination (allowed: cloud-watch-logs)"
        );
    }

    #[test]
    fn reject_only_flow_log_passes_any_and_reject() {
        for required in ["any", "REJECT"] {
            let log = traffic(flow_log("fl-1", "vpc-1"), TrafficType::Reject);
            let f = judge_one(vpc("vpc-1"), vec![log], json!({"traffic_type": required}));
            assert_eq!(f.status, Status::Pass, "{required}: {}", f.message);
        }
    }

    #[test]
    fn reject_only_flow_log_fails_all() {
        let log = traffic(flow_log("fl-1", "vpc-1"), TrafficType::Reject);
        let f = judge_one(vpc("vpc-1"), vec![log], json!({"traffic_type": "ALL"}));
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.message, "only REJECT traffic is logged but ALL is required");
        let e = evidence(&f);
        assert!(!e.flow_logs[0].counted);
        assert_eq!(e.flow_logs[0].reasons, [NotCounted::TrafficNotCovered]);
        // The remediation creates what is required.
        let remediation = f.remediation().unwrap().into_owned();
        let cli = &remediation.snippets[0].content;
        assert!(cli.contains("--traffic-type ALL"), "{cli}");
    }

    #[test]
    fn reject_only_flow_log_fails_accept() {
        let log = traffic(flow_log("fl-1", "vpc-1"), TrafficType::Reject);
        let f = judge_one(vpc("vpc-1"), vec![log], json!({"traffic_type": "ACCEPT"}));
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.message, "only REJECT traffic is logged but ACCEPT is required");
        let remediation = f.remediation().unwrap().into_owned();
        let cli = &remediation.snippets[0].content;
        assert!(cli.contains("--traffic-type ACCEPT"), "{cli}");
    }

    #[test]
    fn all_traffic_flow_log_covers_accept_and_reject() {
        for required in ["ACCEPT", "REJECT", "ALL"] {
            let f = judge_one(
                vpc("vpc-1"),
                vec![flow_log("fl-1", "vpc-1")],
                json!({"traffic_type": required}),
            );
            assert_eq!(f.status, Status::Pass, "{required}: {}", f.message);
        }
    }

    #[test]
    fn accept_and_reject_flow_logs_together_cover_all() {
        let logs = vec![
            traffic(flow_log("fl-a", "vpc-1"), TrafficType::Accept),
            traffic(flow_log("fl-r", "vpc-1"), TrafficType::Reject),
        ];
        let f = judge_one(vpc("vpc-1"), logs, json!({"traffic_type": "ALL"}));
        assert_eq!(f.status, Status::Pass);
        assert_eq!(
            f.message,
            "flow logs fl-a (ACCEPT) and fl-r (REJECT) together record ALL traffic"
        );
        assert!(evidence(&f).flow_logs.iter().all(|l| l.counted));
    }

    #[test]
    fn accept_flow_log_and_failing_reject_flow_log_do_not_cover_all() {
        let logs = vec![
            traffic(flow_log("fl-a", "vpc-1"), TrafficType::Accept),
            failing_delivery(
                traffic(flow_log("fl-r", "vpc-1"), TrafficType::Reject),
                "Rate limited",
            ),
        ];
        let f = judge_one(vpc("vpc-1"), logs, json!({"traffic_type": "ALL"}));
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            f.message,
            "only ACCEPT traffic is logged but ALL is required; flow log fl-r is failing delivery: Rate limited"
        );
        let e = evidence(&f);
        assert!(e.flow_logs.iter().all(|l| !l.counted));
        assert_eq!(e.flow_logs[0].reasons, [NotCounted::TrafficNotCovered]);
        assert_eq!(e.flow_logs[1].reasons, [NotCounted::DeliveryFailing]);
    }

    #[test]
    fn flow_log_of_the_wrong_traffic_type_is_not_counted_when_another_passes() {
        let logs = vec![
            traffic(flow_log("fl-a", "vpc-1"), TrafficType::Accept),
            traffic(flow_log("fl-r", "vpc-1"), TrafficType::Reject),
        ];
        let f = judge_one(vpc("vpc-1"), logs, json!({"traffic_type": "REJECT"}));
        assert_eq!(f.status, Status::Pass);
        let e = evidence(&f);
        assert!(!e.flow_logs[0].counted);
        assert_eq!(e.flow_logs[0].reasons, [NotCounted::TrafficNotRequired]);
        assert!(e.flow_logs[1].counted);
    }

    #[test]
    fn flow_log_to_a_destination_not_allowed_fails() {
        let log = to_s3(flow_log("fl-1", "vpc-1"));
        let f = judge_one(
            vpc("vpc-1"),
            vec![log],
            json!({"destination_types": ["cloud-watch-logs"]}),
        );
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            f.message,
            "flow log fl-1 sends to s3, which is not an allowed destination (allowed: cloud-watch-logs)"
        );
        let e = evidence(&f);
        assert_eq!(e.flow_logs[0].destination_type, "s3");
        assert_eq!(e.flow_logs[0].destination, "arn:aws:s3:::flow-log-bucket");
    }

    #[test]
    fn flow_log_to_an_allowed_destination_passes() {
        let log = to_s3(flow_log("fl-1", "vpc-1"));
        let f = judge_one(vpc("vpc-1"), vec![log], json!({"destination_types": ["s3"]}));
        assert_eq!(f.status, Status::Pass);
        assert_eq!(
            f.message,
            "flow log fl-1 is active and records ALL traffic to s3 (arn:aws:s3:::flow-log-bucket)"
        );
    }

    #[test]
    fn good_flow_log_passes_despite_a_bad_one() {
        let logs = vec![
            failing_delivery(flow_log("fl-bad", "vpc-1"), "Access error"),
            flow_log("fl-good", "vpc-1"),
        ];
        let f = judge_one(vpc("vpc-1"), logs, json!({}));
        assert_eq!(f.status, Status::Pass);
        assert!(f.message.starts_with("flow log fl-good"), "{}", f.message);
        let e = evidence(&f);
        assert_eq!(
            e.flow_logs
                .iter()
                .map(|l| (l.id.as_str(), l.counted))
                .collect::<Vec<_>>(),
            [("fl-bad", false), ("fl-good", true)]
        );
    }

    #[test]
    fn flow_log_of_another_vpc_does_not_make_this_vpc_pass() {
        let inv = inventory(vec![region(
            vec![vpc("vpc-1"), vpc("vpc-2")],
            vec![flow_log("fl-1", "vpc-1")],
        )]);
        let findings = run(&inv);
        let status: Vec<(&str, Status)> = findings
            .iter()
            .map(|f| (f.resource.id.as_str(), f.status))
            .collect();
        assert_eq!(status, [("vpc-1", Status::Pass), ("vpc-2", Status::Fail)]);
        assert!(evidence(&findings[1]).flow_logs.is_empty());
    }

    #[test]
    fn subnet_and_interface_flow_logs_are_named_but_not_counted() {
        let mut r = region(
            vec![vpc("vpc-1")],
            vec![flow_log("fl-s", "subnet-1"), flow_log("fl-e", "eni-1")],
        );
        r.subnets = Collection::Collected(vec![Subnet {
            id: "subnet-1".to_string(),
            vpc_id: "vpc-1".to_string(),
            region: REGION.to_string(),
            owner_id: Some(ACCOUNT.to_string()),
            tags: Default::default(),
        }]);
        r.network_interfaces = Collection::Collected(vec![NetworkInterface {
            id: "eni-1".to_string(),
            vpc_id: "vpc-1".to_string(),
            region: REGION.to_string(),
            owner_id: Some(ACCOUNT.to_string()),
            tags: Default::default(),
        }]);
        let findings = run(&inventory(vec![r]));
        let f = &findings[0];
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            f.message,
            "no flow log is attached to the VPC; flow logs of its subnets or network interfaces do not count \
             for the VPC: fl-s on subnet-1, fl-e on eni-1"
        );
        let e = evidence(f);
        assert!(e.flow_logs.is_empty());
        let below: Vec<(&str, &str, bool)> = e
            .subnet_and_interface_flow_logs
            .iter()
            .map(|l| {
                (
                    l.id.as_str(),
                    l.attached_to.as_deref().unwrap_or_default(),
                    l.counted,
                )
            })
            .collect();
        assert_eq!(below, [("fl-s", "subnet-1", false), ("fl-e", "eni-1", false)]);
        assert_eq!(
            e.subnet_and_interface_flow_logs[0].reasons,
            [NotCounted::AttachedToSubnet]
        );
        assert_eq!(
            e.subnet_and_interface_flow_logs[1].reasons,
            [NotCounted::AttachedToNetworkInterface]
        );
    }

    #[test]
    fn subnet_flow_log_of_another_vpc_is_not_named() {
        let mut r = region(vec![vpc("vpc-1")], vec![flow_log("fl-s", "subnet-9")]);
        r.subnets = Collection::Collected(vec![Subnet {
            id: "subnet-9".to_string(),
            vpc_id: "vpc-9".to_string(),
            region: REGION.to_string(),
            owner_id: None,
            tags: Default::default(),
        }]);
        let findings = run(&inventory(vec![r]));
        assert_eq!(findings[0].message, "no flow log is attached to the VPC");
        assert!(evidence(&findings[0]).subnet_and_interface_flow_logs.is_empty());
    }

    #[test]
    fn failed_subnet_lookup_leaves_verdict_alone_and_says_so() {
        let mut r = region(
            vec![vpc("vpc-1")],
            vec![flow_log("fl-1", "vpc-1"), flow_log("fl-s", "subnet-1")],
        );
        r.subnets = Collection::Failed(access_denied("DescribeSubnets"));
        let findings = run(&inventory(vec![r]));
        let f = &findings[0];
        assert_eq!(f.status, Status::Pass);
        let notes = evidence(f).notes;
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].starts_with("1 subnet-level flow log in eu-west-1 could not be matched to a VPC"));
        assert!(notes[0].contains("DescribeSubnets access denied"), "{}", notes[0]);
    }

    #[test]
    fn failed_interface_lookup_on_a_failing_vpc_still_fails() {
        let mut r = region(vec![vpc("vpc-1")], vec![flow_log("fl-e", "eni-1")]);
        r.network_interfaces = Collection::Failed(access_denied("DescribeNetworkInterfaces"));
        let findings = run(&inventory(vec![r]));
        assert_eq!(findings[0].status, Status::Fail);
        assert!(evidence(&findings[0]).notes[0].contains("DescribeNetworkInterfaces access denied"));
    }

    #[test]
    fn shared_vpc_is_skipped() {
        let mut shared = vpc("vpc-shared");
        shared.owner_id = OTHER_ACCOUNT.to_string();
        let f = judge_one(shared, vec![], json!({}));
        assert_eq!(f.status, Status::Skipped);
        assert_eq!(
            f.message,
            "VPC is owned by account 210987654321 and shared with account 123456789012 through AWS RAM; only \
             its owner can create its flow logs"
        );
        assert_eq!(f.evidence.to_value()["owner_id"], OTHER_ACCOUNT);
        assert!(f.remediation.is_none());
    }

    #[test]
    fn shared_vpc_is_skipped_even_when_flow_logs_could_not_be_listed() {
        let mut shared = vpc("vpc-shared");
        shared.owner_id = OTHER_ACCOUNT.to_string();
        let mut r = region(vec![shared], vec![]);
        r.flow_logs = Collection::Failed(access_denied("DescribeFlowLogs"));
        assert_eq!(run(&inventory(vec![r]))[0].status, Status::Skipped);
    }

    #[test]
    fn vpcs_are_evaluated_when_the_account_is_unknown_and_evidence_says_so() {
        let mut shared = vpc("vpc-shared");
        shared.owner_id = OTHER_ACCOUNT.to_string();
        let mut inv = inventory(vec![region(vec![shared], vec![])]);
        inv.account = None;
        let findings = run(&inv);
        assert_eq!(findings[0].status, Status::Fail);
        let notes = evidence(&findings[0]).notes;
        assert!(
            notes[0].starts_with("the scanned account is unknown"),
            "{notes:?}"
        );
    }

    #[test]
    fn region_whose_vpcs_could_not_be_listed_gives_one_error() {
        let mut r = region(vec![], vec![flow_log("fl-1", "vpc-1")]);
        r.vpcs = Collection::Failed(access_denied("DescribeVpcs"));
        let findings = run(&inventory(vec![r]));
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(f.status, Status::Error);
        assert_eq!(
            f.message,
            "could not list VPCs in eu-west-1: DescribeVpcs access denied (UnauthorizedOperation: You are not \
             authorized to perform this operation.)"
        );
        assert_eq!(f.resource.kind, kinds::VPC);
        assert_eq!(f.resource.id, REGION_WIDE_ID);
        assert_eq!(f.resource.region.as_deref(), Some(REGION));
        assert_eq!(f.resource.account.as_deref(), Some(ACCOUNT));
        assert_eq!(f.evidence.to_value()["error"]["code"], "UnauthorizedOperation");
        assert!(f.remediation.is_none());
    }

    #[test]
    fn region_not_enabled_is_an_error_for_that_region_only() {
        let mut bad = RegionInventory::new("ap-east-1");
        bad.vpcs = Collection::Failed(CollectError::new(
            "DescribeVpcs",
            ErrorClass::RegionNotEnabled,
            Some("AuthFailure".to_string()),
            "AWS was not able to validate the provided access credentials",
        ));
        let inv = inventory(vec![
            bad,
            region(vec![vpc("vpc-1")], vec![flow_log("fl-1", "vpc-1")]),
        ]);
        let findings = run(&inv);
        let status: Vec<(&str, Status)> = findings
            .iter()
            .map(|f| (f.resource.id.as_str(), f.status))
            .collect();
        assert_eq!(status, [("*", Status::Error), ("vpc-1", Status::Pass)]);
        assert!(
            findings[0].message.contains("AuthFailure"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn throttled_flow_log_listing_is_an_error_per_vpc_never_a_pass() {
        let mut r = region(vec![vpc("vpc-1"), vpc("vpc-2")], vec![]);
        r.flow_logs = Collection::Failed(CollectError::new(
            "DescribeFlowLogs",
            ErrorClass::Throttled,
            Some("RequestLimitExceeded".to_string()),
            "Request limit exceeded.",
        ));
        let findings = run(&inventory(vec![r]));
        assert_eq!(findings.len(), 2);
        for f in &findings {
            assert_eq!(f.status, Status::Error);
            assert_eq!(
                f.message,
                "could not list flow logs in eu-west-1: DescribeFlowLogs throttled after retries \
                 (RequestLimitExceeded: Request limit exceeded.); the VPC cannot be judged"
            );
            assert!(f.remediation.is_none());
        }
    }

    #[test]
    fn uncollected_vpcs_or_flow_logs_are_errors_not_silence() {
        let no_vpcs = RegionInventory::new(REGION);
        let findings = run(&inventory(vec![no_vpcs]));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, Status::Error);
        assert!(
            findings[0]
                .message
                .starts_with("VPCs were not collected in eu-west-1")
        );

        let mut no_logs = region(vec![vpc("vpc-1")], vec![]);
        no_logs.flow_logs = Collection::NotCollected;
        let findings = run(&inventory(vec![no_logs]));
        assert_eq!(findings[0].status, Status::Error);
        assert!(
            findings[0]
                .message
                .starts_with("flow logs were not collected in eu-west-1")
        );
    }

    #[test]
    fn region_without_vpcs_gives_no_finding() {
        assert!(run(&inventory(vec![region(vec![], vec![])])).is_empty());
    }

    #[test]
    fn findings_follow_the_inventory_order_across_regions() {
        // The report reads region by region, in the order of the inventory, with an unlisted
        // region's finding in its place.
        let names = ["eu-west-1", "us-east-1", "ap-south-1", "sa-east-1"];
        let regions: Vec<RegionInventory> = names
            .iter()
            .enumerate()
            .map(|(r, name)| {
                let vpcs: Vec<Vpc> = (0..2_500)
                    .map(|i| in_region(vpc(&format!("vpc-{r}{i:04}")), name))
                    .collect();
                let logs = (0..2_500)
                    .step_by(2)
                    .map(|i| flow_log(&format!("fl-{r}{i:04}"), &format!("vpc-{r}{i:04}")))
                    .collect();
                let mut region = region(vpcs, logs);
                region.name = name.to_string();
                if r == 2 {
                    region.vpcs = Collection::Failed(access_denied("DescribeVpcs"));
                }
                region
            })
            .collect();
        let findings = run(&inventory(regions));
        let expected: Vec<String> = (0..4)
            .flat_map(|r| -> Vec<String> {
                if r == 2 {
                    vec![REGION_WIDE_ID.to_string()]
                } else {
                    (0..2_500).map(|i| format!("vpc-{r}{i:04}")).collect()
                }
            })
            .collect();
        let ids: Vec<&str> = findings.iter().map(|f| f.resource.id.as_str()).collect();
        assert_eq!(ids, expected);
        assert_eq!(findings[2 * 2_500].resource.region.as_deref(), Some("ap-south-1"));
        // Even VPCs of each region have a flow log.
        for f in findings.iter().filter(|f| f.resource.id != REGION_WIDE_ID) {
            let n: usize = f.resource.id[5..].parse().unwrap();
            assert_eq!(f.status == Status::Pass, n.is_multiple_of(2), "{}", f.resource.id);
        }
    }

    #[test]
    fn thousands_of_vpcs_and_flow_logs_are_all_judged_once() {
        const N: usize = 5_000;
        let vpcs: Vec<Vpc> = (0..N).map(|i| vpc(&format!("vpc-{i:05}"))).collect();
        // Every even VPC has a good flow log; every VPC divisible by 3 also has a failing one.
        let mut logs: Vec<FlowLog> = (0..N)
            .step_by(2)
            .map(|i| flow_log(&format!("fl-{i:05}"), &format!("vpc-{i:05}")))
            .collect();
        logs.extend((0..N).step_by(3).map(|i| {
            failing_delivery(
                flow_log(&format!("fl-x{i:05}"), &format!("vpc-{i:05}")),
                "Access error",
            )
        }));
        let findings = run(&inventory(vec![region(vpcs, logs)]));
        assert_eq!(findings.len(), N);
        let mut seen = std::collections::HashSet::new();
        for (i, f) in findings.iter().enumerate() {
            assert_eq!(f.resource.id, format!("vpc-{i:05}"));
            assert!(
                seen.insert(f.resource.id.clone()),
                "{} judged twice",
                f.resource.id
            );
            let expected = if i % 2 == 0 { Status::Pass } else { Status::Fail };
            assert_eq!(f.status, expected, "{}: {}", f.resource.id, f.message);
        }
        assert_eq!(
            findings.iter().filter(|f| f.status == Status::Pass).count(),
            N / 2
        );
    }

    #[test]
    fn exactly_one_finding_per_vpc_across_regions() {
        let mut west = region(vec![vpc("vpc-1"), vpc("vpc-2")], vec![flow_log("fl-1", "vpc-1")]);
        west.name = "eu-west-1".to_string();
        let mut east = region(vec![in_region(vpc("vpc-3"), "us-east-1")], vec![]);
        east.name = "us-east-1".to_string();
        let findings = run(&inventory(vec![west, east]));
        let ids: Vec<(&str, Option<&str>)> = findings
            .iter()
            .map(|f| (f.resource.id.as_str(), f.resource.region.as_deref()))
            .collect();
        assert_eq!(
            ids,
            [
                ("vpc-1", Some("eu-west-1")),
                ("vpc-2", Some("eu-west-1")),
                ("vpc-3", Some("us-east-1"))
            ]
        );
    }

    #[test]
    fn long_lists_in_messages_are_capped_and_evidence_keeps_all() {
        let logs: Vec<FlowLog> = (0..8)
            .map(|i| failing_delivery(flow_log(&format!("fl-{i}"), "vpc-1"), "Access error"))
            .collect();
        let f = judge_one(vpc("vpc-1"), logs, json!({}));
        assert!(
            f.message
                .ends_with("3 other flow logs do not count (see the evidence)"),
            "{}",
            f.message
        );
        assert_eq!(evidence(&f).flow_logs.len(), 8);
    }

    #[test]
    fn findings_carry_the_rule_metadata() {
        let f = judge_one(vpc("vpc-1"), vec![], json!({}));
        assert_eq!(f.rule.id, "VPC-001");
        assert_eq!(f.rule.title, "VPC Flow Logs Enabled");
        assert_eq!(f.risk, RiskLevel::Low);
        assert_eq!(f.rule.controls.len(), VPC_001.controls.len());
        assert_eq!(
            f.resource.arn().as_deref(),
            Some("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1")
        );
    }

    // ---- remediation ----

    fn remediation(raw: serde_json::Value) -> Remediation {
        remediation_for(&vpc("vpc-0abc"), &settings(raw).unwrap())
    }

    fn snippet(r: &Remediation, kind: SnippetKind) -> &str {
        &r.snippets.iter().find(|s| s.kind == kind).unwrap().content
    }

    #[test]
    fn remediation_snippets_carry_vpc_id_and_region() {
        let r = remediation(json!({}));
        assert_eq!(
            r.snippets.len(),
            5,
            "cli, cloudformation, terraform and two iam policies"
        );
        for s in &r.snippets[..3] {
            assert!(s.content.contains("vpc-0abc"), "{}: {}", s.title, s.content);
            assert!(s.content.contains(REGION), "{}: {}", s.title, s.content);
        }
    }

    #[test]
    fn failing_vpcs_get_the_role_policies_of_their_own_region_and_account() {
        let findings = run(&inventory(vec![
            region(vec![vpc("vpc-a1"), vpc("vpc-a2")], vec![]),
            region(
                vec![
                    in_region(vpc("vpc-b1"), "us-east-2"),
                    Vpc {
                        owner_id: "210987654321".into(),
                        ..in_region(vpc("vpc-b2"), "us-east-2")
                    },
                ],
                vec![],
            ),
        ]));
        let policies = |f: &Finding| -> Vec<String> {
            f.remediation()
                .unwrap()
                .snippets
                .iter()
                .filter(|s| s.kind == SnippetKind::IamPolicy)
                .map(|s| s.content.clone())
                .collect()
        };
        let by_id = |id: &str| findings.iter().find(|f| f.resource.id == id).unwrap();
        // Each built twice: made the first time, shared after, the same either way.
        for f in findings.iter().filter(|f| f.status == Status::Fail) {
            assert_eq!(policies(f), policies(f));
        }
        let (a1, a2) = (policies(by_id("vpc-a1")), policies(by_id("vpc-a2")));
        assert_eq!(a1, a2, "one region, one account: the same policies");
        assert!(
            a1[0].contains(REGION) && a1[0].contains("123456789012"),
            "{}",
            a1[0]
        );
        let b1 = policies(by_id("vpc-b1"));
        assert!(
            b1[0].contains("us-east-2") && !b1[0].contains(REGION),
            "{}",
            b1[0]
        );
        assert!(
            b1[1].contains("arn:aws:logs:us-east-2:123456789012:"),
            "{}",
            b1[1]
        );
        // A VPC shared from another account is skipped, so no remediation to compare;
        // judge its owner's remediation directly.
        let owner = Vpc {
            owner_id: "210987654321".into(),
            ..in_region(vpc("vpc-b2"), "us-east-2")
        };
        let r = remediation_for(&owner, &settings(json!({})).unwrap());
        let trust = snippet(&r, SnippetKind::IamPolicy);
        assert!(
            trust.contains("210987654321") && !trust.contains("123456789012"),
            "{trust}"
        );
    }

    #[test]
    fn remediation_uses_placeholders_without_settings() {
        let r = remediation(json!({}));
        let cli = snippet(&r, SnippetKind::Cli);
        assert!(cli.contains("--log-group-name '<LOG_GROUP_NAME>'"), "{cli}");
        assert!(
            cli.contains("--deliver-logs-permission-arn '<DELIVERY_ROLE_ARN>'"),
            "{cli}"
        );
        let tf = snippet(&r, SnippetKind::Terraform);
        assert!(tf.contains("log-group:<LOG_GROUP_NAME>"), "{tf}");
        assert!(tf.contains("\"<DELIVERY_ROLE_ARN>\""), "{tf}");
    }

    #[test]
    fn remediation_uses_configured_destination_and_role() {
        let r = remediation(json!({
            "remediation_destination": "cloud-watch-logs:/vpc/flow-logs",
            "remediation_role_arn": "arn:aws:iam::123456789012:role/VPCFlowLogsDelivery",
        }));
        let cli = snippet(&r, SnippetKind::Cli);
        assert!(cli.contains("--log-group-name /vpc/flow-logs"), "{cli}");
        assert!(
            cli.contains("--deliver-logs-permission-arn arn:aws:iam::123456789012:role/VPCFlowLogsDelivery"),
            "{cli}"
        );
        assert!(!cli.contains('<'), "no placeholder left: {cli}");
        let policy = snippet(&r, SnippetKind::IamPolicy);
        assert!(policy.contains("vpc-flow-logs.amazonaws.com"));
    }

    #[test]
    fn remediation_to_s3_needs_no_role_or_policy() {
        let r = remediation(json!({"remediation_destination": "s3:arn:aws:s3:::my-flow-logs/vpc"}));
        let cli = snippet(&r, SnippetKind::Cli);
        assert!(cli.contains("--log-destination-type s3"), "{cli}");
        assert!(
            cli.contains("--log-destination arn:aws:s3:::my-flow-logs/vpc"),
            "{cli}"
        );
        assert!(!cli.contains("--deliver-logs-permission-arn"), "{cli}");
        assert!(r.snippets.iter().all(|s| s.kind != SnippetKind::IamPolicy));
        // A bare bucket ARN works the same.
        let bare = remediation(json!({"remediation_destination": "arn:aws:s3:::my-flow-logs"}));
        assert!(snippet(&bare, SnippetKind::Cli).contains("--log-destination arn:aws:s3:::my-flow-logs"));
    }

    #[test]
    fn remediation_falls_back_to_an_allowed_destination_type() {
        let r = remediation(json!({"destination_types": ["s3"]}));
        let cli = snippet(&r, SnippetKind::Cli);
        assert!(
            cli.contains("--log-destination 'arn:aws:s3:::<BUCKET_NAME>'"),
            "{cli}"
        );
        let r = remediation(json!({"destination_types": ["kinesis-data-firehose"]}));
        let cli = snippet(&r, SnippetKind::Cli);
        assert!(
            cli.contains("--log-destination-type kinesis-data-firehose"),
            "{cli}"
        );
        assert!(cli.contains("deliverystream/<DELIVERY_STREAM_NAME>"), "{cli}");
    }

    #[test]
    fn remediation_traffic_type_is_the_required_one() {
        for (required, created) in [
            ("any", "ALL"),
            ("ALL", "ALL"),
            ("ACCEPT", "ACCEPT"),
            ("REJECT", "REJECT"),
        ] {
            let r = remediation(json!({"traffic_type": required}));
            assert!(snippet(&r, SnippetKind::Cli).contains(&format!("--traffic-type {created}")));
            assert!(
                snippet(&r, SnippetKind::Cloudformation).contains(&format!("TrafficType: \"{created}\""))
            );
        }
    }

    /// Every snippet and the summary, as people will paste them, for the three kinds of
    /// destination; a change to any character of them shows here.
    #[test]
    fn remediation_text_is_exactly_as_documented() {
        let cases = [
            ("defaults", json!({})),
            (
                "a log group that needs quoting, a role, REJECT",
                json!({
                    "traffic_type": "REJECT",
                    "remediation_destination": "cloud-watch-logs:/vpc/flow#logs",
                    "remediation_role_arn": "arn:aws:iam::123456789012:role/VPCFlowLogsDelivery",
                }),
            ),
            (
                "an S3 bucket and prefix",
                json!({"remediation_destination": "s3:arn:aws:s3:::my-flow-logs/vpc"}),
            ),
            (
                "a Firehose stream, a cross-account role, ACCEPT",
                json!({
                    "traffic_type": "ACCEPT",
                    "remediation_destination": "kinesis-data-firehose:arn:aws:firehose:eu-west-1:123456789012:deliverystream/flows",
                    "remediation_role_arn": "arn:aws:iam::210987654321:role/FirehoseDelivery",
                }),
            ),
            (
                "only Firehose allowed, nothing configured",
                json!({"destination_types": ["kinesis-data-firehose"]}),
            ),
        ];
        let mut written = String::new();
        for (case, raw) in cases {
            let r = remediation(raw);
            written.push_str(&format!("=== {case}\n{}\n", r.summary));
            for s in &r.snippets {
                written.push_str(&format!("--- {:?} {}\n{}\n", s.kind, s.title, s.content));
            }
        }
        let expected = include_str!("testdata/vpc_001_remediation.txt");
        if written != expected {
            // The whole text, to compare or to take as the new expectation.
            std::fs::write(std::env::temp_dir().join("vpc_001_remediation.txt"), &written).unwrap();
        }
        assert_eq!(written, expected);
    }

    fn written(push: fn(&mut String, &str), value: &str) -> String {
        let mut out = String::new();
        push(&mut out, value);
        out
    }

    #[test]
    fn quoting_survives_special_characters() {
        for value in [
            "plain-value/1",
            "<PLACEHOLDER>",
            "a \"b\" \\ ${c} %{d} 'e' <f>\n\tg",
        ] {
            assert_eq!(
                shell_words::split(&written(push_shell_word, value)).unwrap(),
                [value],
                "shell: {value}"
            );
            assert_eq!(
                serde_norway::from_str::<String>(&written(push_yaml_str, value)).unwrap(),
                value,
                "yaml: {value}"
            );
            let body = hcl::parse(&format!("x = {}", written(push_hcl_str, value))).unwrap();
            let expr = body.attributes().next().unwrap().expr().clone();
            let evaluated = hcl::eval::Evaluate::evaluate(&expr, &hcl::eval::Context::new()).unwrap();
            assert_eq!(evaluated, hcl::Value::from(value), "hcl: {value}");
        }
    }

    // ---- settings ----

    fn settings_error(raw: serde_json::Value) -> String {
        settings(raw).unwrap_err().to_string()
    }

    #[test]
    fn default_settings_are_valid() {
        let s = settings(json!({})).unwrap();
        assert_eq!(s.str(TRAFFIC_TYPE), Some("any"));
        assert!(!s.bool(COUNT_FAILED_DELIVERY));
        assert_eq!(s.list(DESTINATION_TYPES), ALL_DESTINATION_TYPES);
        assert_eq!(s.str(REMEDIATION_DESTINATION), None);
    }

    #[test]
    fn empty_destination_list_is_an_error() {
        assert_eq!(
            settings_error(json!({"destination_types": []})),
            "rule `VPC-001` setting `destination_types`: the list is empty, so no flow log could count; list \
             at least one of: cloud-watch-logs, s3, kinesis-data-firehose"
        );
    }

    #[test]
    fn bad_destination_format_is_an_error() {
        assert_eq!(
            settings_error(json!({"remediation_destination": "my-bucket"})),
            "rule `VPC-001` setting `remediation_destination`: `my-bucket` is not a flow-log destination; use \
             `cloud-watch-logs:LOG_GROUP_NAME`, `s3:arn:aws:s3:::BUCKET[/PREFIX]` (or the bare bucket ARN) or \
             `kinesis-data-firehose:arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME`"
        );
        for (raw, expected) in [
            ("s3:my-bucket", "is not an S3 bucket ARN"),
            (
                "s3:arn:aws:s3:::My_Bucket",
                "names bucket `My_Bucket`, which is not a valid S3 bucket name",
            ),
            ("arn:aws:s3:::b", "names bucket `b`"),
            ("s3:arn:aws:s3:::logs/AWSLogs", "uses the folder `AWSLogs`"),
            (
                "cloud-watch-logs:",
                "is not a valid CloudWatch Logs log group name",
            ),
            (
                "cloud-watch-logs:bad group",
                "is not a valid CloudWatch Logs log group name",
            ),
            (
                "cloud-watch-logs:arn:aws:logs:eu-west-1:123456789012:log-group:g",
                "give its name",
            ),
            (
                "kinesis-data-firehose:arn:aws:firehose:eu-west-1:1234:deliverystream/s",
                "is not a Firehose",
            ),
        ] {
            let err = settings_error(json!({"remediation_destination": raw}));
            assert!(err.contains(expected), "{raw}: {err}");
        }
    }

    #[test]
    fn good_destinations_are_accepted() {
        for raw in [
            "cloud-watch-logs:/aws/vpc/flow-logs#1",
            "s3:arn:aws:s3:::my.flow-logs",
            "s3:arn:aws-cn:s3:::my-flow-logs/prefix/",
            "arn:aws-us-gov:s3:::my-flow-logs",
            "kinesis-data-firehose:arn:aws:firehose:eu-west-1:123456789012:deliverystream/flow_logs-1",
        ] {
            assert!(settings(json!({"remediation_destination": raw})).is_ok(), "{raw}");
        }
    }

    #[test]
    fn destination_type_not_allowed_by_destination_types_is_an_error() {
        let err = settings_error(json!({
            "destination_types": ["cloud-watch-logs"],
            "remediation_destination": "s3:arn:aws:s3:::my-flow-logs",
        }));
        assert!(
            err.contains("sends to s3, which `destination_types` does not allow (allowed: cloud-watch-logs)"),
            "{err}"
        );
    }

    #[test]
    fn bad_role_arn_is_an_error() {
        for raw in [
            "VPCFlowLogsDelivery",
            "arn:aws:iam::123456789012:user/alice",
            "arn:aws:iam::12345:role/x",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:sts::123456789012:role/x",
            "arn:aws:iam::123456789012:role/bad name",
        ] {
            let err = settings_error(json!({"remediation_role_arn": raw}));
            assert_eq!(
                err,
                format!(
                    "rule `VPC-001` setting `remediation_role_arn`: `{raw}` is not an IAM role ARN; expected \
                     `arn:aws:iam::123456789012:role/NAME` (a path is allowed)"
                )
            );
        }
        for ok in [
            "arn:aws:iam::123456789012:role/VPCFlowLogsDelivery",
            "arn:aws-cn:iam::123456789012:role/service/flow-logs+delivery@x",
        ] {
            assert!(settings(json!({"remediation_role_arn": ok})).is_ok(), "{ok}");
        }
    }

    #[test]
    fn role_with_an_s3_destination_is_an_error() {
        let err = settings_error(json!({
            "remediation_destination": "s3:arn:aws:s3:::my-flow-logs",
            "remediation_role_arn": "arn:aws:iam::123456789012:role/x",
        }));
        assert!(err.contains("written without a delivery role"), "{err}");
    }

    #[test]
    fn wrong_traffic_type_is_rejected_by_core_with_allowed_values() {
        assert_eq!(
            settings_error(json!({"traffic_type": "all"})),
            "rule `VPC-001` setting `traffic_type`: `all` is not allowed; expected one of: any, ALL, ACCEPT, \
             REJECT"
        );
    }

    // ---- the decision table, one VPC of every kind in VPC-001.md ----

    /// Prints the table with `cargo test -p cloudposture-rules-aws decision_table -- --nocapture`.
    #[test]
    fn decision_table() {
        let mut shared = vpc("vpc-shared");
        shared.owner_id = OTHER_ACCOUNT.to_string();
        let mut inactive = flow_log("fl-inactive", "vpc-inactive");
        inactive.flow_log_status = "INACTIVE".to_string();
        let mut ok = region(
            [
                "vpc-none",
                "vpc-good",
                "vpc-inactive",
                "vpc-failing",
                "vpc-reject",
                "vpc-ar",
                "vpc-s3",
                "vpc-sub",
            ]
            .into_iter()
            .map(vpc)
            .chain([shared])
            .collect(),
            vec![
                flow_log("fl-good", "vpc-good"),
                inactive,
                failing_delivery(flow_log("fl-failing", "vpc-failing"), "Access error"),
                traffic(flow_log("fl-reject", "vpc-reject"), TrafficType::Reject),
                traffic(flow_log("fl-accept", "vpc-ar"), TrafficType::Accept),
                traffic(flow_log("fl-reject2", "vpc-ar"), TrafficType::Reject),
                to_s3(flow_log("fl-s3", "vpc-s3")),
                flow_log("fl-subnet", "subnet-1"),
            ],
        );
        ok.subnets = Collection::Collected(vec![Subnet {
            id: "subnet-1".to_string(),
            vpc_id: "vpc-sub".to_string(),
            region: REGION.to_string(),
            owner_id: None,
            tags: Default::default(),
        }]);
        let mut denied = RegionInventory::new("us-east-1");
        denied.vpcs = Collection::Failed(access_denied("DescribeVpcs"));
        let mut logs_denied = region(vec![in_region(vpc("vpc-nologs"), "us-west-2")], vec![]);
        logs_denied.name = "us-west-2".to_string();
        logs_denied.flow_logs = Collection::Failed(access_denied("DescribeFlowLogs"));
        let findings = run_with(
            &inventory(vec![ok, denied, logs_denied]),
            json!({"traffic_type": "ALL", "destination_types": ["cloud-watch-logs"]}),
        );
        let table: Vec<(String, Status)> = findings
            .iter()
            .map(|f| {
                (
                    format!(
                        "{}/{}",
                        f.resource.region.as_deref().unwrap_or("-"),
                        f.resource.id
                    ),
                    f.status,
                )
            })
            .collect();
        for f in &findings {
            println!("| {} | {} | {} |", f.resource.id, f.status, f.message);
        }
        let expected = [
            ("eu-west-1/vpc-none", Status::Fail),
            ("eu-west-1/vpc-good", Status::Pass),
            ("eu-west-1/vpc-inactive", Status::Fail),
            ("eu-west-1/vpc-failing", Status::Fail),
            ("eu-west-1/vpc-reject", Status::Fail),
            ("eu-west-1/vpc-ar", Status::Pass),
            ("eu-west-1/vpc-s3", Status::Fail),
            ("eu-west-1/vpc-sub", Status::Fail),
            ("eu-west-1/vpc-shared", Status::Skipped),
            ("us-east-1/*", Status::Error),
            ("us-west-2/vpc-nologs", Status::Error),
        ];
        let expected: Vec<(String, Status)> = expected.iter().map(|(id, s)| (id.to_string(), *s)).collect();
        assert_eq!(table, expected);
    }
}

// ---------------------------------------------------------------------------------------------
// Remediation that acts (`cloudposture fix`). Imported here to keep this part in one place.
// ---------------------------------------------------------------------------------------------

use cloudposture_aws::fix::{CREATE_FLOW_LOGS, CreateFlowLogParams, FlowLogSpec};
use cloudposture_core::{FixAction, FixError, Status};

fn fix_error(message: impl Into<String>) -> FixError {
    FixError {
        rule_id: VPC_001.id.to_string(),
        message: message.into(),
    }
}

/// The action that fixes one failing VPC-001 finding: a VPC-level flow log of the
/// `traffic_type` setting's traffic (ALL for `any`) to `remediation_destination`, with
/// `remediation_role_arn` as the delivery role (required for CloudWatch Logs, not allowed
/// for S3). The parameters are a [`CreateFlowLogParams`], with a client token derived from
/// the VPC and the destination so that a repeated run creates nothing twice.
///
/// `Ok(None)` for anything but a failing VPC: passing, muted, skipped (shared) and error
/// findings (a region that could not be read) are never touched. A missing or malformed
/// destination or role is an error, whatever the finding.
///
/// ```
/// use cloudposture_core::{RiskLevel, RuleContext, ResourceRef, SettingValue, Settings};
/// use cloudposture_rules_aws::VPC_001;
/// use cloudposture_rules_aws::vpc::vpc_001_flow_logs_enabled::plan_fix;
///
/// let settings = Settings::defaults(VPC_001.settings)
///     .with("remediation_destination", SettingValue::Str("s3:arn:aws:s3:::flow-logs".into()));
/// let ctx = RuleContext::new(&VPC_001, &settings, RiskLevel::Low);
/// let finding = ctx.fail(ResourceRef::new("aws.ec2.vpc", "vpc-0abc").in_region("eu-west-1"), "no flow log");
/// let action = plan_fix(&finding, &settings)?.expect("a failing VPC gets an action");
/// assert_eq!(action.operation, "ec2:CreateFlowLogs");
/// assert_eq!(action.summary, "create an ALL flow log on vpc-0abc (eu-west-1) to s3 arn:aws:s3:::flow-logs");
/// # Ok::<(), cloudposture_core::FixError>(())
/// ```
pub fn plan_fix(finding: &Finding, settings: &Settings) -> Result<Option<FixAction>, FixError> {
    let region = finding.resource.region.as_deref().unwrap_or_default();
    // Checked whatever the finding, so that bad options fail before any VPC is looked at.
    let spec = fix_spec(region, settings)?;
    let resource = &finding.resource;
    if finding.rule.id != VPC_001.id
        || finding.status != Status::Fail
        || resource.kind != kinds::VPC
        || resource.id == REGION_WIDE_ID
    {
        return Ok(None);
    }
    if region.is_empty() {
        return Err(fix_error(format!(
            "the finding for `{}` names no region",
            resource.id
        )));
    }
    let article = if spec.traffic_type == TrafficType::Reject {
        "a"
    } else {
        "an"
    };
    let summary = format!(
        "create {article} {} flow log on {} ({region}) to {}",
        spec.traffic_type,
        resource.id,
        spec.destination_label()
    );
    let params = CreateFlowLogParams::new(resource.id.clone(), spec);
    let parameters = serde_json::to_value(&params)
        .map_err(|e| fix_error(format!("cannot write the parameters of `{}`: {e}", resource.id)))?;
    Ok(Some(FixAction {
        rule_id: VPC_001.id,
        resource: resource.clone(),
        summary,
        operation: CREATE_FLOW_LOGS,
        parameters,
    }))
}

/// The flow log a fix creates in `region`, from the settings.
fn fix_spec(region: &str, settings: &Settings) -> Result<FlowLogSpec, FixError> {
    let raw = settings.str(REMEDIATION_DESTINATION).ok_or_else(|| {
        fix_error(
            "no destination: pass --destination s3:arn:aws:s3:::BUCKET[/prefix] or cloud-watch-logs:GROUP \
             (or set `remediation_destination`)",
        )
    })?;
    let destination =
        Destination::parse(raw).map_err(|detail| fix_error(format!("bad destination: {detail}")))?;
    let role = match settings.str(REMEDIATION_ROLE_ARN) {
        Some(role) => {
            check_role_arn(role).map_err(|detail| fix_error(format!("bad delivery role: {detail}")))?;
            Some(role.to_string())
        }
        None => None,
    };
    let (destination_type, log_destination, log_group_name) = match destination {
        Destination::CloudWatchLogs { log_group } => {
            if role.is_none() {
                return Err(fix_error(format!(
                    "the cloud-watch-logs destination `{log_group}` needs a delivery role: pass --role-arn \
                     arn:aws:iam::ACCOUNT:role/NAME (or set `remediation_role_arn`)"
                )));
            }
            (DestinationType::CloudWatchLogs, None, Some(log_group))
        }
        Destination::S3 { arn } => {
            if role.is_some() {
                return Err(fix_error(
                    "an s3 destination takes no delivery role: remove --role-arn (or `remediation_role_arn`)",
                ));
            }
            (DestinationType::S3, Some(arn), None)
        }
        Destination::Firehose { arn } => (DestinationType::KinesisDataFirehose, Some(arn), None),
    };
    Ok(FlowLogSpec {
        region: region.to_string(),
        traffic_type: TrafficType::from(RequiredTraffic::parse(settings.str(TRAFFIC_TYPE)).to_create()),
        destination_type,
        log_destination,
        log_group_name,
        deliver_logs_permission_arn: role,
    })
}

#[cfg(test)]
mod plan_fix_tests {
    use super::*;
    use cloudposture_core::{Config, Exception, Plan, Registry, ScanSource, SettingValue};

    const ACCOUNT: &str = "123456789012";
    const ROLE: &str = "arn:aws:iam::123456789012:role/flow-logs";

    fn vpc(id: &str, owner: &str) -> Vpc {
        Vpc {
            id: id.to_string(),
            region: "eu-west-1".to_string(),
            owner_id: owner.to_string(),
            cidr_blocks: vec!["10.0.0.0/16".to_string()],
            ipv6_cidr_blocks: Vec::new(),
            is_default: false,
            state: "available".to_string(),
            tags: Default::default(),
        }
    }

    fn flow_log_on(vpc_id: &str) -> FlowLog {
        FlowLog {
            id: format!("fl-{vpc_id}"),
            region: "eu-west-1".to_string(),
            account: Some(ACCOUNT.to_string()),
            resource_id: vpc_id.to_string(),
            resource_type: FlowLogResourceType::Vpc,
            traffic_type: TrafficType::All,
            flow_log_status: "ACTIVE".to_string(),
            deliver_logs_status: Some("SUCCESS".to_string()),
            deliver_logs_error_message: None,
            destination_type: DestinationType::S3,
            destination: Some("arn:aws:s3:::flows".to_string()),
            log_group_name: None,
            deliver_logs_permission_arn: None,
            log_format: None,
            max_aggregation_interval: Some(600),
            creation_time: None,
            tags: Default::default(),
        }
    }

    /// eu-west-1: one VPC failing, one passing, one muted by the config, one shared from
    /// another account; eu-west-2: its flow logs could not be listed.
    fn account() -> Inventory {
        let mut readable = RegionInventory::new("eu-west-1");
        readable.vpcs = Collection::Collected(vec![
            vpc("vpc-fail", ACCOUNT),
            vpc("vpc-pass", ACCOUNT),
            vpc("vpc-muted", ACCOUNT),
            vpc("vpc-shared", "210987654321"),
        ]);
        readable.flow_logs = Collection::Collected(vec![flow_log_on("vpc-pass")]);
        readable.subnets = Collection::Collected(Vec::new());
        readable.network_interfaces = Collection::Collected(Vec::new());
        let mut unreadable = RegionInventory::new("eu-west-2");
        let mut in_error = vpc("vpc-unknown", ACCOUNT);
        in_error.region = "eu-west-2".to_string();
        unreadable.vpcs = Collection::Collected(vec![in_error]);
        unreadable.flow_logs = Collection::Failed(CollectError::new(
            "DescribeFlowLogs",
            cloudposture_aws::ErrorClass::AccessDenied,
            Some("UnauthorizedOperation".to_string()),
            "You are not authorized to perform this operation.",
        ));
        Inventory {
            regions: vec![readable, unreadable],
            ..Inventory::new(Some(ACCOUNT.to_string()))
        }
    }

    fn settings(destination: Option<&str>, role: Option<&str>) -> Settings {
        let mut settings = Settings::defaults(VPC_001.settings);
        if let Some(d) = destination {
            settings = settings.with(REMEDIATION_DESTINATION, SettingValue::Str(d.to_string()));
        }
        if let Some(r) = role {
            settings = settings.with(REMEDIATION_ROLE_ARN, SettingValue::Str(r.to_string()));
        }
        settings
    }

    fn failing(vpc_id: &str) -> Finding {
        let settings = Settings::defaults(VPC_001.settings);
        let ctx = RuleContext::new(&VPC_001, &settings, RiskLevel::Low);
        ctx.fail(
            ResourceRef::new(kinds::VPC, vpc_id).in_region("eu-west-1"),
            "no flow log",
        )
    }

    fn params(action: &FixAction) -> CreateFlowLogParams {
        serde_json::from_value(action.parameters.clone()).unwrap()
    }

    #[test]
    fn only_failing_vpcs_get_an_action() {
        let mut registry: Registry<Inventory> = Registry::new();
        registry.register(VpcFlowLogsEnabled).unwrap();
        let config = Config {
            exceptions: vec![Exception {
                resources: Some(vec!["vpc-muted".to_string()]),
                reason: "sandbox".to_string(),
                ..Exception::default()
            }],
            ..Config::default()
        };
        let plan = Plan::new(&registry, &cloudposture_core::Selection::all(), &config).unwrap();
        let report = plan.evaluate(
            &account(),
            ScanSource::Snapshot,
            cloudposture_core::jiff::Timestamp::now(),
        );
        let statuses: Vec<(&str, Status)> = report
            .findings
            .iter()
            .map(|f| (f.resource.id.as_str(), f.status))
            .collect();
        assert_eq!(
            statuses,
            [
                ("vpc-fail", Status::Fail),
                ("vpc-pass", Status::Pass),
                ("vpc-muted", Status::Muted),
                ("vpc-shared", Status::Skipped),
                ("vpc-unknown", Status::Error),
            ]
        );
        let settings = settings(Some("s3:arn:aws:s3:::flows"), None);
        let planned: Vec<String> = report
            .findings
            .iter()
            .filter_map(|f| VpcFlowLogsEnabled.plan_fix(f, &settings).unwrap())
            .map(|a| a.resource.id.to_string())
            .collect();
        assert_eq!(planned, ["vpc-fail"]);
        // The core plan asks only about failing findings and lists none as unfixable.
        let fix = cloudposture_core::FixPlan::from_findings(&report.findings, |f| {
            VpcFlowLogsEnabled.plan_fix(f, &settings)
        })
        .unwrap();
        assert_eq!(fix.actions.len(), 1);
        assert!(fix.not_planned.is_empty());
    }

    #[test]
    fn a_region_wide_error_finding_gets_no_action() {
        let settings = settings(Some("s3:arn:aws:s3:::flows"), None);
        let ctx = RuleContext::new(&VPC_001, &settings, RiskLevel::Low);
        let mut finding = ctx.error(
            ResourceRef::new(kinds::VPC, REGION_WIDE_ID).in_region("eu-west-1"),
            "DescribeVpcs access denied",
        );
        assert_eq!(plan_fix(&finding, &settings).unwrap(), None);
        // Even marked failing by mistake, the `*` stands for no VPC that could be changed.
        finding.status = Status::Fail;
        assert_eq!(plan_fix(&finding, &settings).unwrap(), None);
    }

    #[test]
    fn s3_destination_becomes_the_parameters_and_summary() {
        let action = plan_fix(
            &failing("vpc-1"),
            &settings(Some("s3:arn:aws:s3:::flows/vpc"), None),
        )
        .unwrap()
        .unwrap();
        assert_eq!(action.rule_id, "VPC-001");
        assert_eq!(action.operation, "ec2:CreateFlowLogs");
        assert_eq!(
            action.summary,
            "create an ALL flow log on vpc-1 (eu-west-1) to s3 arn:aws:s3:::flows/vpc"
        );
        let p = params(&action);
        assert_eq!(p.vpc_id, "vpc-1");
        assert_eq!(p.spec.region, "eu-west-1");
        assert_eq!(p.spec.traffic_type, TrafficType::All);
        assert_eq!(p.spec.destination_type, DestinationType::S3);
        assert_eq!(p.spec.log_destination.as_deref(), Some("arn:aws:s3:::flows/vpc"));
        assert_eq!(p.spec.log_group_name, None);
        assert_eq!(p.spec.deliver_logs_permission_arn, None);
        // A bare bucket ARN is an S3 destination too.
        let bare = plan_fix(&failing("vpc-1"), &settings(Some("arn:aws:s3:::flows"), None))
            .unwrap()
            .unwrap();
        assert_eq!(params(&bare).spec.destination_type, DestinationType::S3);
    }

    #[test]
    fn cloud_watch_logs_destination_needs_and_carries_the_role() {
        let action = plan_fix(
            &failing("vpc-1"),
            &settings(Some("cloud-watch-logs:/vpc/flows"), Some(ROLE)),
        )
        .unwrap()
        .unwrap();
        let p = params(&action);
        assert_eq!(p.spec.destination_type, DestinationType::CloudWatchLogs);
        assert_eq!(p.spec.log_group_name.as_deref(), Some("/vpc/flows"));
        assert_eq!(p.spec.log_destination, None);
        assert_eq!(p.spec.deliver_logs_permission_arn.as_deref(), Some(ROLE));
        assert_eq!(
            action.summary,
            format!(
                "create an ALL flow log on vpc-1 (eu-west-1) to cloud-watch-logs log group /vpc/flows (role {ROLE})"
            )
        );

        let err = plan_fix(
            &failing("vpc-1"),
            &settings(Some("cloud-watch-logs:/vpc/flows"), None),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot plan a fix for rule `VPC-001`: the cloud-watch-logs destination `/vpc/flows` needs a delivery \
             role: pass --role-arn arn:aws:iam::ACCOUNT:role/NAME (or set `remediation_role_arn`)"
        );
    }

    #[test]
    fn firehose_destination_is_planned() {
        let arn = "arn:aws:firehose:eu-west-1:123456789012:deliverystream/flows";
        let action = plan_fix(
            &failing("vpc-1"),
            &settings(Some(&format!("kinesis-data-firehose:{arn}")), None),
        )
        .unwrap()
        .unwrap();
        let p = params(&action);
        assert_eq!(p.spec.destination_type, DestinationType::KinesisDataFirehose);
        assert_eq!(p.spec.log_destination.as_deref(), Some(arn));
    }

    #[test]
    fn missing_or_bad_options_are_errors_even_for_a_passing_vpc() {
        let err = plan_fix(&failing("vpc-1"), &settings(None, None)).unwrap_err();
        assert_eq!(
            err.message,
            "no destination: pass --destination s3:arn:aws:s3:::BUCKET[/prefix] or cloud-watch-logs:GROUP \
             (or set `remediation_destination`)"
        );
        let mut passing = failing("vpc-1");
        passing.status = Status::Pass;
        assert!(plan_fix(&passing, &settings(None, None)).is_err());

        let err = plan_fix(&failing("vpc-1"), &settings(Some("ftp://bucket"), None)).unwrap_err();
        assert!(
            err.message
                .starts_with("bad destination: `ftp://bucket` is not a flow-log destination"),
            "{err}"
        );
        let err = plan_fix(
            &failing("vpc-1"),
            &settings(Some("s3:arn:aws:s3:::Bad_Bucket"), None),
        )
        .unwrap_err();
        assert!(err.message.contains("not a valid S3 bucket name"), "{err}");
        let err = plan_fix(
            &failing("vpc-1"),
            &settings(Some("s3:arn:aws:s3:::flows"), Some(ROLE)),
        )
        .unwrap_err();
        assert!(
            err.message
                .starts_with("an s3 destination takes no delivery role"),
            "{err}"
        );
        let err = plan_fix(
            &failing("vpc-1"),
            &settings(Some("cloud-watch-logs:g"), Some("role/x")),
        )
        .unwrap_err();
        assert!(
            err.message
                .starts_with("bad delivery role: `role/x` is not an IAM role ARN"),
            "{err}"
        );
    }

    #[test]
    fn traffic_type_setting_decides_what_is_created() {
        let plan = |traffic: &str| {
            let settings = settings(Some("s3:arn:aws:s3:::flows"), None)
                .with(TRAFFIC_TYPE, SettingValue::Str(traffic.to_string()));
            plan_fix(&failing("vpc-1"), &settings).unwrap().unwrap()
        };
        assert_eq!(params(&plan("any")).spec.traffic_type, TrafficType::All);
        assert_eq!(params(&plan("ALL")).spec.traffic_type, TrafficType::All);
        assert_eq!(params(&plan("ACCEPT")).spec.traffic_type, TrafficType::Accept);
        let reject = plan("REJECT");
        assert_eq!(params(&reject).spec.traffic_type, TrafficType::Reject);
        assert!(
            reject.summary.starts_with("create a REJECT flow log"),
            "{}",
            reject.summary
        );
    }

    #[test]
    fn client_tokens_are_deterministic_per_vpc_and_destination() {
        let s3 = settings(Some("s3:arn:aws:s3:::flows"), None);
        let token = |finding: &Finding, settings: &Settings| {
            params(&plan_fix(finding, settings).unwrap().unwrap()).client_token
        };
        let first = token(&failing("vpc-1"), &s3);
        assert_eq!(
            first,
            token(&failing("vpc-1"), &s3),
            "a repeated run sends the same token"
        );
        assert_ne!(first, token(&failing("vpc-2"), &s3));
        assert_ne!(
            first,
            token(&failing("vpc-1"), &settings(Some("s3:arn:aws:s3:::other"), None))
        );
        let reject = s3.clone().with(TRAFFIC_TYPE, SettingValue::Str("REJECT".into()));
        assert_ne!(first, token(&failing("vpc-1"), &reject));
        assert!(first.len() <= 64 && first.is_ascii(), "{first}");
    }
}
