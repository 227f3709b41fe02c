//! The knowledge EC2-004 carries: what `rules show`, the docs, the IAM policy and the
//! compliance summary are made from.

use cloudposture_core::{AuditStep, Control, Pillar, Reference, RiskLevel, RuleMetadata, Standard};

/// The metadata of EC2-004. The IAM action to audit comes from the kind it reads
/// (`ec2:DescribeInstances`), plus those of the scan itself listed here.
pub static EC2_004: RuleMetadata = RuleMetadata {
    id: "EC2-004",
    title: "EC2 Instances Require IMDSv2",
    provider: "aws",
    service: "EC2",
    risk: RiskLevel::High,
    pillars: &[Pillar::Security],
    // CIS ids per benchmark version; NIST as AWS Security Hub maps its control EC2.8 ("EC2
    // instances should use Instance Metadata Service Version 2 (IMDSv2)").
    controls: &[
        Control::new(Standard::CisAwsFoundations, "v2.0.0", "5.6"),
        Control::new(Standard::CisAwsFoundations, "v3.0.0", "5.6"),
        Control::new(Standard::CisAwsFoundations, "v4.0.0", "5.7"),
        Control::new(Standard::CisAwsFoundations, "v5.0.0", "5.7"),
        Control::new(Standard::Nist, "Rev. 5", "AC-3"),
        Control::new(Standard::Nist, "Rev. 5", "AC-3(15)"),
        Control::new(Standard::Nist, "Rev. 5", "AC-3(7)"),
        Control::new(Standard::Nist, "Rev. 5", "AC-6"),
    ],
    description: "Checks that every EC2 instance that is pending, running, stopping or stopped, in every \
        enabled region, requires IMDSv2 (its metadata option HttpTokens is `required`) or has its instance \
        metadata endpoint disabled. An instance whose HttpTokens is `optional` allows IMDSv1 and fails. An \
        instance whose metadata options were not reported is an error, never a pass. The hop limit is noted \
        in the evidence. In CloudFormation and Terraform templates (`scan --template`), an instance takes \
        the metadata options of the launch template it names unless it sets its own, and a launch template \
        that no declared instance is launched from (one of an auto scaling group) is judged for the \
        instances it will launch.",
    rationale: "The instance metadata service hands out the credentials of the instance's IAM role. IMDSv1 \
        answers any plain HTTP GET, so a server-side request forgery, an open reverse proxy or a \
        misconfigured firewall on the instance is enough to steal them. IMDSv2 requires a session token \
        obtained with a PUT request, which those paths cannot make. Requiring it stops software that still \
        uses IMDSv1 on the instance from getting metadata: check the instance's MetadataNoToken CloudWatch \
        metric first.",
    audit: &[
        AuditStep {
            via: "console",
            text: "Open the Amazon EC2 console at https://console.aws.amazon.com/ec2/ and choose a region \
                enabled for the account; repeat the following steps for every enabled region.",
            code: None,
        },
        AuditStep {
            via: "console",
            text: "In the navigation pane, choose Instances and select an instance. On its Details tab, the \
                instance passes when IMDSv2 is Required, or when Instance metadata service is Disabled; \
                IMDSv2 Optional fails.",
            code: None,
        },
        AuditStep {
            via: "cli",
            text: "List the regions enabled for the account.",
            code: Some("aws ec2 describe-regions --query 'Regions[].RegionName' --output text"),
        },
        AuditStep {
            via: "cli",
            text: "For each region, list the instances with their metadata options. An instance fails when \
                HttpTokens is optional and HttpEndpoint is enabled.",
            code: Some(
                "aws ec2 describe-instances --region REGION \
                --filters Name=instance-state-name,Values=pending,running,stopping,stopped \
                --query 'Reservations[].Instances[].[InstanceId,MetadataOptions.HttpTokens,\
                MetadataOptions.HttpEndpoint,MetadataOptions.HttpPutResponseHopLimit]' --output table",
            ),
        },
    ],
    remediation: &[
        AuditStep {
            via: "console",
            text: "First make sure the software on the instance uses IMDSv2 (current AWS SDKs and CLIs do; its \
                MetadataNoToken CloudWatch metric should stay at 0). Then in the Amazon EC2 console select the \
                instance, choose Actions, Instance settings, Modify instance metadata options, set IMDSv2 to \
                Required and choose Save.",
            code: None,
        },
        AuditStep {
            via: "cli",
            text: "Require IMDSv2 on the instance, in its region. IMDSv1 clients on the instance stop working.",
            code: Some(
                "aws ec2 modify-instance-metadata-options --region REGION --instance-id INSTANCE_ID \
                --http-tokens required --http-endpoint enabled",
            ),
        },
        AuditStep {
            via: "cloudformation",
            text: "Set MetadataOptions HttpTokens to required on the AWS::EC2::Instance (an update without \
                interruption), or in the LaunchTemplateData of the AWS::EC2::LaunchTemplate the instances are \
                launched from.",
            code: Some(
                "Resources:\n  LaunchTemplate:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      \
                LaunchTemplateData:\n        MetadataOptions:\n          HttpTokens: required\n          \
                HttpEndpoint: enabled",
            ),
        },
        AuditStep {
            via: "terraform",
            text: "Add a metadata_options block with http_tokens = \"required\" to the aws_instance (or to the \
                aws_launch_template it is launched from).",
            code: Some(
                "resource \"aws_instance\" \"example\" {\n  metadata_options {\n    \
                http_tokens   = \"required\"\n    http_endpoint = \"enabled\"\n  }\n}",
            ),
        },
        AuditStep {
            via: "cloudposture",
            text: "Or let cloudposture require it. `cloudposture fix` scans and prints the instances that would \
                change, changing nothing; with --apply it calls ModifyInstanceMetadataOptions with \
                HttpTokens=required on each failing instance and scans those regions again.",
            code: Some("cloudposture fix --rules EC2-004 --apply"),
        },
    ],
    references: &[
        Reference {
            title: "Use the Instance Metadata Service to access instance metadata",
            url: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html",
        },
        Reference {
            title: "Transition to using Instance Metadata Service Version 2",
            url: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-transition-to-version-2.html",
        },
        Reference {
            title: "AWS CLI: modify-instance-metadata-options",
            url: "https://docs.aws.amazon.com/cli/latest/reference/ec2/modify-instance-metadata-options.html",
        },
        Reference {
            title: "AWS CloudFormation: AWS::EC2::Instance MetadataOptions",
            url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ec2-instance-metadataoptions.html",
        },
        Reference {
            title: "AWS CloudFormation: AWS::EC2::LaunchTemplate MetadataOptions",
            url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ec2-launchtemplate-metadataoptions.html",
        },
        Reference {
            title: "Terraform: aws_instance metadata_options",
            url: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance#metadata-options",
        },
        Reference {
            title: "AWS Config: ec2-imdsv2-check",
            url: "https://docs.aws.amazon.com/config/latest/developerguide/ec2-imdsv2-check.html",
        },
        Reference {
            title: "AWS Security Hub: [EC2.8] EC2 instances should use Instance Metadata Service Version 2 \
                (IMDSv2)",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8",
        },
        Reference {
            title: "CIS Amazon Web Services Foundations Benchmark",
            url: "https://www.cisecurity.org/benchmark/amazon_web_services",
        },
    ],
    published: "2026-12-01",
    iam_audit_extra: &["ec2:DescribeRegions", "sts:GetCallerIdentity"],
    iam_remediate: &["ec2:ModifyInstanceMetadataOptions"],
};
