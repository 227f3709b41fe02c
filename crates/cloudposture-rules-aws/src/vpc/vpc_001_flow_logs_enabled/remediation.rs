//! The ready-to-run remediation a failing VPC-001 finding carries, built with the
//! toolkit from the VPC itself and the settings.

use std::collections::HashMap;

use cloudposture_aws::{Vpc, partition_of};
use cloudposture_core::{Remediation, Snippet};
use hcl::Expression;

use super::settings::{AllowedDestination, Destination, FlowLogSettings};
use crate::remediation::{
    CfnTemplate, CliCommand, PolicyDocument, Statement, TerraformConfig, cfn_logical_id, terraform_name,
};

const LOG_GROUP_PLACEHOLDER: &str = "<LOG_GROUP_NAME>";
const ROLE_PLACEHOLDER: &str = "<DELIVERY_ROLE_ARN>";
const BUCKET_PLACEHOLDER: &str = "<BUCKET_NAME>";
const STREAM_PLACEHOLDER: &str = "<DELIVERY_STREAM_NAME>";

/// Where a flow log is created: the region and account its ARNs name.
#[derive(Clone, Copy)]
pub(super) struct Place<'a> {
    pub(super) region: &'a str,
    pub(super) account: &'a str,
}

impl<'a> Place<'a> {
    /// The VPC's own region and owner.
    pub(super) fn of(vpc: &'a Vpc) -> Self {
        Place {
            region: &vpc.region,
            account: &vpc.owner_id,
        }
    }

    /// `arn:PARTITION:logs:REGION:ACCOUNT:log-group:`.
    pub(super) fn log_group_arn_prefix(self) -> String {
        format!(
            "arn:{}:logs:{}:{}:log-group:",
            partition_of(self.region),
            self.region,
            self.account
        )
    }
}

/// A destination with every value filled in (real or placeholder).
pub(super) enum Target {
    CloudWatchLogs { log_group: String, role: String },
    S3 { arn: String },
    Firehose { arn: String, role: Option<String> },
}

impl Target {
    /// From the settings: the configured destination, or placeholders of the first
    /// allowed type (CloudWatch Logs unless not allowed).
    pub(super) fn of(place: Place<'_>, settings: &FlowLogSettings) -> Target {
        let role = settings
            .remediation_role_arn
            .as_ref()
            .map(|r| r.as_str().to_string());
        let partition = partition_of(place.region);
        match &settings.remediation_destination {
            Some(Destination::CloudWatchLogs(group)) => Target::CloudWatchLogs {
                log_group: group.clone(),
                role: role.unwrap_or_else(|| ROLE_PLACEHOLDER.to_string()),
            },
            Some(Destination::S3(arn)) => Target::S3 { arn: arn.clone() },
            Some(Destination::Firehose(arn)) => Target::Firehose {
                arn: arn.clone(),
                role,
            },
            None => match AllowedDestination::ALL
                .into_iter()
                .find(|t| settings.destination_types.contains(t))
            {
                Some(AllowedDestination::S3) => Target::S3 {
                    arn: format!("arn:{partition}:s3:::{BUCKET_PLACEHOLDER}"),
                },
                Some(AllowedDestination::KinesisDataFirehose) => Target::Firehose {
                    arn: format!(
                        "arn:{partition}:firehose:{}:{}:deliverystream/{STREAM_PLACEHOLDER}",
                        place.region, place.account
                    ),
                    role,
                },
                _ => Target::CloudWatchLogs {
                    log_group: LOG_GROUP_PLACEHOLDER.to_string(),
                    role: role.unwrap_or_else(|| ROLE_PLACEHOLDER.to_string()),
                },
            },
        }
    }

    fn destination_type(&self) -> AllowedDestination {
        match self {
            Target::CloudWatchLogs { .. } => AllowedDestination::CloudWatchLogs,
            Target::S3 { .. } => AllowedDestination::S3,
            Target::Firehose { .. } => AllowedDestination::KinesisDataFirehose,
        }
    }

    /// "records ALL traffic to S3 bucket arn:…", for summaries.
    pub(super) fn records(&self, traffic: &str) -> String {
        let (what, destination) = match self {
            Target::CloudWatchLogs { log_group, .. } => ("CloudWatch Logs log group", log_group),
            Target::S3 { arn } => ("S3 bucket", arn),
            Target::Firehose { arn, .. } => ("Firehose delivery stream", arn),
        };
        format!("records {traffic} traffic to {what} {destination}")
    }

    /// The `AWS::EC2::FlowLog` properties of a flow log of `resource_id`.
    pub(super) fn cfn_properties(
        &self,
        resource_id: serde_json::Value,
        traffic: &str,
    ) -> Vec<(&'static str, serde_json::Value)> {
        let mut properties: Vec<(&str, serde_json::Value)> = vec![
            ("ResourceType", "VPC".into()),
            ("ResourceId", resource_id),
            ("TrafficType", traffic.into()),
            ("LogDestinationType", self.destination_type().as_str().into()),
        ];
        match self {
            Target::CloudWatchLogs { log_group, role } => properties.extend([
                ("LogGroupName", log_group.as_str().into()),
                ("DeliverLogsPermissionArn", role.as_str().into()),
            ]),
            Target::S3 { arn } => properties.push(("LogDestination", arn.as_str().into())),
            Target::Firehose { arn, role } => {
                properties.push(("LogDestination", arn.as_str().into()));
                properties.extend(
                    role.as_deref()
                        .map(|role| ("DeliverCrossAccountRole", role.into())),
                );
            }
        }
        properties
    }

    /// The `aws_flow_log` attributes of a flow log of `vpc_id` in `place`.
    pub(super) fn terraform_attributes(
        &self,
        vpc_id: Expression,
        traffic: &str,
        place: Place<'_>,
    ) -> Vec<(&'static str, Expression)> {
        let mut attributes: Vec<(&str, Expression)> = vec![
            ("vpc_id", vpc_id),
            ("traffic_type", traffic.into()),
            ("log_destination_type", self.destination_type().as_str().into()),
        ];
        match self {
            Target::CloudWatchLogs { log_group, role } => attributes.extend([
                (
                    "log_destination",
                    format!("{}{log_group}", place.log_group_arn_prefix()).into(),
                ),
                ("iam_role_arn", role.as_str().into()),
            ]),
            Target::S3 { arn } => attributes.push(("log_destination", arn.as_str().into())),
            Target::Firehose { arn, role } => {
                attributes.push(("log_destination", arn.as_str().into()));
                attributes.extend(
                    role.as_deref()
                        .map(|role| ("deliver_cross_account_role", role.into())),
                );
            }
        }
        attributes
    }
}

/// The ready-to-run remediation for `vpc` under `settings`: an AWS CLI command, a
/// CloudFormation template, a Terraform resource and, for a CloudWatch Logs destination,
/// the delivery role's trust and permissions policies.
///
/// The VPC id, region and owner are filled in; the destination and role come from the
/// `remediation_destination` and `remediation_role_arn` settings, and are placeholders
/// such as `<LOG_GROUP_NAME>` and `<DELIVERY_ROLE_ARN>` when not set. The flow log
/// records the required `traffic_type` (`ALL` when it is `any`).
///
/// ```
/// use cloudposture_aws::Vpc;
/// use cloudposture_core::SnippetKind;
/// use cloudposture_rules_aws::vpc::vpc_001_flow_logs_enabled::{FlowLogSettings, remediation_for};
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
/// let remediation = remediation_for(&vpc, &FlowLogSettings::default());
/// let cli = &remediation.snippets[0];
/// assert_eq!(cli.kind, SnippetKind::Cli);
/// assert!(cli.content.contains("--resource-ids vpc-0abc"));
/// assert!(cli.content.contains("--log-group-name '<LOG_GROUP_NAME>'"));
/// ```
pub fn remediation_for(vpc: &Vpc, settings: &FlowLogSettings) -> Remediation {
    let target = Target::of(Place::of(vpc), settings);
    let traffic = settings.traffic_type.to_create();
    let traffic = traffic.as_str();
    let summary = format!(
        "create a flow log on {} in {} that {}",
        vpc.id,
        vpc.region,
        target.records(traffic)
    );
    let mut snippets = vec![
        cli(vpc, traffic, &target).snippet("AWS CLI"),
        cloudformation(vpc, traffic, &target).snippet("CloudFormation (YAML)"),
        terraform(vpc, traffic, &target).snippet("Terraform"),
    ];
    if let Target::CloudWatchLogs { log_group, .. } = &target {
        snippets.extend(role_policies(vpc, log_group));
    }
    Remediation { summary, snippets }
}

/// The remediation of the failing VPCs of one region, built once per owner for a
/// stand-in VPC and then given each VPC's id.
///
/// Why: building the snippets takes about 30 µs (two thirds of it the YAML writer), and
/// a region can have thousands of failing VPCs; giving a built remediation another id
/// takes about 1 µs. The VPC id is the only part of the snippets that differs between
/// VPCs of one owner and region, and a VPC id (`vpc-` and lowercase letters and
/// digits) needs no quoting in any of the snippets' languages, so putting it in place
/// of the stand-in's gives the same text as building anew. An id of another shape is
/// built anew.
pub(super) struct RegionRemediation<'s> {
    settings: &'s FlowLogSettings,
    built: HashMap<(String, String), Template>,
}

/// The stand-in VPC id: one that no snippet contains otherwise.
const STAND_IN: &str = "vpc-cloudposturestandin";

/// The forms a VPC id takes in the snippets: itself, in CloudFormation's logical id, in
/// Terraform's resource name. None contains another.
fn id_forms(id: &str) -> [String; 3] {
    [id.to_string(), cfn_logical_id("", id), terraform_name(id)]
}

/// A remediation built for the stand-in, cut where the stand-in's id appears.
struct Template {
    summary: Vec<Piece>,
    snippets: Vec<(Snippet, Vec<Piece>)>,
}

/// Text, or the id in one of its forms (an index into [`id_forms`]).
enum Piece {
    Text(String),
    Id(usize),
}

impl Template {
    fn of(remediation: Remediation) -> Template {
        let forms = id_forms(STAND_IN);
        Template {
            summary: cut(&remediation.summary, &forms),
            snippets: remediation
                .snippets
                .into_iter()
                .map(|s| {
                    let pieces = cut(&s.content, &forms);
                    (s, pieces)
                })
                .collect(),
        }
    }

    fn fill(&self, id: &str) -> Remediation {
        let forms = id_forms(id);
        Remediation {
            summary: paste(&self.summary, &forms),
            snippets: self
                .snippets
                .iter()
                .map(|(s, pieces)| Snippet {
                    kind: s.kind,
                    title: s.title.clone(),
                    content: paste(pieces, &forms),
                })
                .collect(),
        }
    }
}

fn cut(text: &str, forms: &[String; 3]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = text;
    // The earliest form found next, until none is left.
    while let Some((at, form)) = forms
        .iter()
        .enumerate()
        .filter_map(|(i, f)| rest.find(f.as_str()).map(|at| (at, i)))
        .min()
    {
        pieces.push(Piece::Text(rest[..at].to_string()));
        pieces.push(Piece::Id(form));
        rest = &rest[at + forms[form].len()..];
    }
    pieces.push(Piece::Text(rest.to_string()));
    pieces
}

fn paste(pieces: &[Piece], forms: &[String; 3]) -> String {
    let mut out = String::new();
    for piece in pieces {
        out.push_str(match piece {
            Piece::Text(text) => text,
            Piece::Id(form) => &forms[*form],
        });
    }
    out
}

impl<'s> RegionRemediation<'s> {
    pub(super) fn new(settings: &'s FlowLogSettings) -> Self {
        RegionRemediation {
            settings,
            built: HashMap::new(),
        }
    }

    /// The remediation of `vpc`, the same as [`remediation_for`] gives.
    pub(super) fn for_vpc(&mut self, vpc: &Vpc) -> Remediation {
        let plain = vpc.id.strip_prefix("vpc-").is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if !plain {
            return remediation_for(vpc, self.settings);
        }
        let settings = self.settings;
        self.built
            .entry((vpc.region.clone(), vpc.owner_id.clone()))
            .or_insert_with(|| {
                let stand_in = Vpc {
                    id: STAND_IN.to_string(),
                    ..vpc.clone()
                };
                Template::of(remediation_for(&stand_in, settings))
            })
            .fill(&vpc.id)
    }
}

fn cli(vpc: &Vpc, traffic: &str, target: &Target) -> CliCommand {
    let command = CliCommand::aws("ec2", "create-flow-logs")
        .arg("--region", &vpc.region)
        .arg("--resource-type", "VPC")
        .arg("--resource-ids", &vpc.id)
        .arg("--traffic-type", traffic)
        .arg("--log-destination-type", target.destination_type().as_str());
    match target {
        Target::CloudWatchLogs { log_group, role } => command
            .arg("--log-group-name", log_group)
            .arg("--deliver-logs-permission-arn", role),
        Target::S3 { arn } => command.arg("--log-destination", arn),
        Target::Firehose { arn, role } => command
            .arg("--log-destination", arn)
            .opt_arg("--deliver-cross-account-role", role.as_deref()),
    }
}

fn cloudformation(vpc: &Vpc, traffic: &str, target: &Target) -> CfnTemplate {
    let deploy = CliCommand::aws("cloudformation", "deploy")
        .arg("--region", &vpc.region)
        .arg("--stack-name", format!("{}-flow-log", vpc.id))
        .arg("--template-file", "flow-log.yaml");
    CfnTemplate::new(format!("Flow log of {} (cloudposture VPC-001)", vpc.id))
        .comment(format!("Deploy in {}, e.g.:\n  {}", vpc.region, deploy.to_line()))
        .resource(
            cfn_logical_id("FlowLog", &vpc.id),
            "AWS::EC2::FlowLog",
            target.cfn_properties(vpc.id.as_str().into(), traffic),
        )
}

fn terraform(vpc: &Vpc, traffic: &str, target: &Target) -> TerraformConfig {
    TerraformConfig::new()
        .comment(format!(
            "Apply with the AWS provider configured for region {}.",
            vpc.region
        ))
        .resource(
            "aws_flow_log",
            &terraform_name(&vpc.id),
            target.terraform_attributes(vpc.id.as_str().into(), traffic, Place::of(vpc)),
        )
}

/// The CloudWatch Logs delivery role: a trust policy that lets the flow-logs service
/// assume it only for flow logs of the VPC's account and region (the confused-deputy
/// conditions AWS recommends), and permissions to write to the one log group and to
/// describe the account's log groups of the region.
fn role_policies(vpc: &Vpc, log_group: &str) -> [Snippet; 2] {
    let source_arn = format!(
        "arn:{}:ec2:{}:{}:vpc-flow-log/*",
        partition_of(&vpc.region),
        vpc.region,
        vpc.owner_id
    );
    let trust = PolicyDocument::new(vec![
        Statement::allow(["sts:AssumeRole"])
            .for_service("vpc-flow-logs.amazonaws.com")
            .when("ArnLike", "aws:SourceArn", source_arn)
            .when("StringEquals", "aws:SourceAccount", &vpc.owner_id),
    ]);
    let prefix = Place::of(vpc).log_group_arn_prefix();
    let permissions = PolicyDocument::new(vec![
        Statement::allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])
            .sid("WriteFlowLogs")
            .on([format!("{prefix}{log_group}"), format!("{prefix}{log_group}:*")]),
        Statement::allow(["logs:DescribeLogGroups", "logs:DescribeLogStreams"])
            .sid("DescribeLogGroupsAndStreams")
            .on([format!("{prefix}*")]),
    ]);
    [
        trust.snippet("IAM trust policy of the delivery role (vpc-flow-logs.amazonaws.com)"),
        permissions.snippet("IAM permissions policy of the delivery role"),
    ]
}
