//! The knowledge EC2-003 carries: what `rules show`, the docs, the IAM policy and the
//! compliance summary are made from.

use cloudposture_core::{AuditStep, Control, Pillar, Reference, RiskLevel, RuleMetadata, Standard};

/// The metadata of EC2-003. The IAM action to audit comes from the kind it reads
/// (`ec2:DescribeSecurityGroups`), plus those of the scan itself listed here.
pub static EC2_003: RuleMetadata = RuleMetadata {
    id: "EC2-003",
    title: "Default Security Groups Restrict All Traffic",
    provider: "aws",
    service: "EC2",
    risk: RiskLevel::High,
    pillars: &[Pillar::Security],
    // CIS ids per benchmark version; PCI DSS and NIST as AWS Security Hub maps its control
    // EC2.2 ("VPC default security groups should not allow inbound or outbound traffic").
    controls: &[
        Control::new(Standard::CisAwsFoundations, "v1.2.0", "4.3"),
        Control::new(Standard::CisAwsFoundations, "v1.4.0", "5.3"),
        Control::new(Standard::CisAwsFoundations, "v1.5.0", "5.4"),
        Control::new(Standard::CisAwsFoundations, "v2.0.0", "5.4"),
        Control::new(Standard::CisAwsFoundations, "v3.0.0", "5.4"),
        Control::new(Standard::CisAwsFoundations, "v4.0.0", "5.5"),
        Control::new(Standard::CisAwsFoundations, "v5.0.0", "5.5"),
        Control::new(Standard::PciDss, "v3.2.1", "1.2.1"),
        Control::new(Standard::PciDss, "v3.2.1", "1.3.4"),
        Control::new(Standard::PciDss, "v3.2.1", "2.1"),
        Control::standard_only(Standard::Gdpr, "2016/679"),
        Control::standard_only(Standard::Apra, "CPS 234 (2019)"),
        Control::standard_only(Standard::Mas, "TRM 2021"),
        Control::new(Standard::Nist, "Rev. 5", "AC-4"),
        Control::new(Standard::Nist, "Rev. 5", "AC-4(21)"),
        Control::new(Standard::Nist, "Rev. 5", "SC-7"),
        Control::new(Standard::Nist, "Rev. 5", "SC-7(11)"),
        Control::new(Standard::Nist, "Rev. 5", "SC-7(16)"),
        Control::new(Standard::Nist, "Rev. 5", "SC-7(21)"),
        Control::new(Standard::Nist, "Rev. 5", "SC-7(4)"),
        Control::new(Standard::Nist, "Rev. 5", "SC-7(5)"),
    ],
    description: "Checks that the default security group of every VPC in every enabled region has no inbound \
        and no outbound rules. Only the group named `default` that AWS creates with each VPC is judged; other \
        security groups get no finding. A new VPC fails: AWS creates its default group allowing all inbound \
        traffic from the group itself and all outbound traffic.",
    rationale: "An instance, database or other resource launched into a VPC without a security group gets \
        the VPC's default group. With the rules AWS gives it, everything placed there by mistake can reach \
        everything else placed there and the internet. Emptying the default group makes such a mistake fail \
        visibly, and pushes every workload into a least-privilege group of its own. Removing the rules \
        stops the traffic that resources still in the group rely on: move them to their own groups first.",
    audit: &[
        AuditStep {
            via: "console",
            text: "Open the Amazon VPC console at https://console.aws.amazon.com/vpc/ and choose a region \
                enabled for the account; repeat the following steps for every enabled region.",
            code: None,
        },
        AuditStep {
            via: "console",
            text: "In the navigation pane, choose Security groups, and filter on Security group name \
                `default`: there is one per VPC.",
            code: None,
        },
        AuditStep {
            via: "console",
            text: "Select each default group. It passes when both its Inbound rules and its Outbound rules \
                tabs list no rule.",
            code: None,
        },
        AuditStep {
            via: "cli",
            text: "List the regions enabled for the account.",
            code: Some("aws ec2 describe-regions --query 'Regions[].RegionName' --output text"),
        },
        AuditStep {
            via: "cli",
            text: "For each region, list the default groups with the number of their inbound and outbound \
                permissions. A group passes when both numbers are 0.",
            code: Some(
                "aws ec2 describe-security-groups --region REGION --filters Name=group-name,Values=default \
                --query 'SecurityGroups[*].[GroupId,VpcId,length(IpPermissions),length(IpPermissionsEgress)]' \
                --output table",
            ),
        },
    ],
    remediation: &[
        AuditStep {
            via: "console",
            text: "First move what uses the default group to least-privilege groups of its own: in the \
                Amazon EC2 console, Network & Security, Network Interfaces, filter on the default group's id \
                to see what is in it, and change the security groups of each.",
            code: None,
        },
        AuditStep {
            via: "console",
            text: "Then open the Amazon VPC console, choose Security groups and select the default group. On \
                the Inbound rules tab choose Edit inbound rules, delete every rule and choose Save rules; do the \
                same on the Outbound rules tab. Traffic between members of the group stops.",
            code: None,
        },
        AuditStep {
            via: "cli",
            text: "Revoke the inbound and the outbound permissions the group has, in its region. Each failing \
                finding carries both commands with every permission of the group filled in.",
            code: Some(
                "aws ec2 revoke-security-group-ingress --region REGION --group-id GROUP_ID \
                --ip-permissions '[{\"IpProtocol\":\"-1\",\"UserIdGroupPairs\":[{\"GroupId\":\"GROUP_ID\"}]}]' && \
                aws ec2 revoke-security-group-egress --region REGION --group-id GROUP_ID \
                --ip-permissions '[{\"IpProtocol\":\"-1\",\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]'",
            ),
        },
        AuditStep {
            via: "cloudformation",
            text: "CloudFormation cannot empty a default security group: it can add rules to it \
                (AWS::EC2::SecurityGroupIngress or SecurityGroupEgress with its GroupId), but no resource \
                removes the rules AWS created, and the group itself cannot be declared (a security group named \
                `default` cannot be created). Use the AWS CLI, the console or Terraform instead.",
            code: None,
        },
        AuditStep {
            via: "terraform",
            text: "Declare an aws_default_security_group for the VPC with no ingress or egress block. \
                Terraform adopts the existing default group (it never creates or deletes one) and removes \
                every rule it has; import it with `terraform import` if it is already managed elsewhere.",
            code: Some("resource \"aws_default_security_group\" \"default\" {\n  vpc_id = \"VPC_ID\"\n}"),
        },
        AuditStep {
            via: "cloudposture",
            text: "Or let cloudposture revoke them. `cloudposture fix` scans and prints the rules each failing \
                default group would lose, changing nothing; with --apply it revokes exactly those rules (one \
                RevokeSecurityGroupIngress and one RevokeSecurityGroupEgress call per group) and scans those \
                regions again.",
            code: Some("cloudposture fix --rules EC2-003 --apply"),
        },
    ],
    references: &[
        Reference {
            title: "Default security groups for your VPCs",
            url: "https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",
        },
        Reference {
            title: "AWS CLI: revoke-security-group-ingress",
            url: "https://docs.aws.amazon.com/cli/latest/reference/ec2/revoke-security-group-ingress.html",
        },
        Reference {
            title: "AWS CLI: revoke-security-group-egress",
            url: "https://docs.aws.amazon.com/cli/latest/reference/ec2/revoke-security-group-egress.html",
        },
        Reference {
            title: "Terraform: aws_default_security_group",
            url: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_security_group",
        },
        Reference {
            title: "AWS Config: vpc-default-security-group-closed",
            url: "https://docs.aws.amazon.com/config/latest/developerguide/vpc-default-security-group-closed.html",
        },
        Reference {
            title: "AWS Security Hub: [EC2.2] VPC default security groups should not allow inbound or outbound \
                traffic",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2",
        },
        Reference {
            title: "CIS Amazon Web Services Foundations Benchmark",
            url: "https://www.cisecurity.org/benchmark/amazon_web_services",
        },
    ],
    published: "2026-12-01",
    iam_audit_extra: &["ec2:DescribeRegions", "sts:GetCallerIdentity"],
    iam_remediate: &["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"],
};
