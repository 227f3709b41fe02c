//! The knowledge VPC-001 carries: what `rules show`, the docs, the IAM policy and the
//! compliance summary are made from.

use cloudposture_core::{AuditStep, Control, Pillar, Reference, RiskLevel, RuleMetadata, Standard};

/// The metadata of VPC-001. The IAM actions to audit come from the kinds it reads
/// (`ec2:DescribeVpcs`, `ec2:DescribeFlowLogs`, `ec2:DescribeSubnets`,
/// `ec2:DescribeNetworkInterfaces`), plus those of the scan itself listed here.
pub static VPC_001: RuleMetadata = RuleMetadata {
    id: "VPC-001",
    title: "VPC Flow Logs Enabled",
    provider: "aws",
    service: "VPC",
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
    iam_audit_extra: &["ec2:DescribeRegions", "sts:GetCallerIdentity"],
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
};
