//! The knowledge EC2-001 and EC2-002 carry: what `rules show`, the docs, the IAM policy
//! and the compliance summary are made from.
//!
//! Controls: AWS Security Hub EC2.53 (IPv4) and EC2.54 (IPv6) list CIS v3.0.0 and v5.0.0
//! and PCI DSS v4.0.1 1.3.1, and no NIST SP 800-53 control; CIS v1.2.0 4.1 (port 22) and
//! 4.2 (port 3389) are Security Hub's EC2.13 and EC2.14, which CIS v1.2.0 wrote for
//! 0.0.0.0/0 only. The other CIS versions come from the benchmarks themselves.

use cloudposture_core::{AuditStep, Control, Pillar, Reference, RiskLevel, RuleMetadata, Standard};

use crate::ec2::admin_ports::{CIS_BENCHMARK, CLI_ENABLED_REGIONS};

// What the two rules' audits and references have in common.

const CONSOLE_REGION: AuditStep = AuditStep {
    via: "console",
    text: "Open the Amazon EC2 console at https://console.aws.amazon.com/ec2/ and, with the region selector, \
        choose a region enabled for the account; repeat the following steps for every enabled region.",
    code: None,
};

const CONSOLE_INBOUND_RULES: AuditStep = AuditStep {
    via: "console",
    text: "In the navigation pane, choose Security Groups. For each security group, open its Inbound rules tab.",
    code: None,
};

const SECURITY_GROUP_RULES: Reference = Reference {
    title: "Security group rules",
    url: "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
};

const REVOKE_CLI: Reference = Reference {
    title: "AWS CLI: revoke-security-group-ingress",
    url: "https://docs.aws.amazon.com/cli/latest/reference/ec2/revoke-security-group-ingress.html",
};

const INGRESS_CLOUDFORMATION: Reference = Reference {
    title: "AWS CloudFormation: AWS::EC2::SecurityGroupIngress",
    url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroupingress.html",
};

const INGRESS_TERRAFORM: Reference = Reference {
    title: "Terraform: aws_vpc_security_group_ingress_rule",
    url: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_security_group_ingress_rule",
};

/// The metadata of EC2-001. The IAM action to audit comes from the kind it reads
/// (`ec2:DescribeSecurityGroups`), plus those of the scan itself listed here.
pub static EC2_001: RuleMetadata = RuleMetadata {
    id: "EC2-001",
    title: "Security Groups Allow No Ingress From 0.0.0.0/0 to Remote Administration Ports",
    provider: "aws",
    service: "EC2",
    risk: RiskLevel::High,
    pillars: &[Pillar::Security],
    controls: &[
        Control::new(Standard::CisAwsFoundations, "v1.2.0", "4.1"),
        Control::new(Standard::CisAwsFoundations, "v1.2.0", "4.2"),
        Control::new(Standard::CisAwsFoundations, "v1.4.0", "5.2"),
        Control::new(Standard::CisAwsFoundations, "v1.5.0", "5.2"),
        Control::new(Standard::CisAwsFoundations, "v2.0.0", "5.2"),
        Control::new(Standard::CisAwsFoundations, "v3.0.0", "5.2"),
        Control::new(Standard::CisAwsFoundations, "v4.0.0", "5.3"),
        Control::new(Standard::CisAwsFoundations, "v5.0.0", "5.3"),
        Control::new(Standard::PciDss, "v4.0.1", "1.3.1"),
        Control::standard_only(Standard::Gdpr, "2016/679"),
        Control::standard_only(Standard::Apra, "CPS 234 (2019)"),
        Control::standard_only(Standard::Mas, "TRM 2021"),
    ],
    description: "Checks that no security group in any enabled region allows inbound traffic from 0.0.0.0/0 \
        to a remote administration port (setting `ports`: SSH 22 and RDP 3389 by default). An inbound \
        permission opens a port when its protocol is all (-1), or TCP or UDP with a port range that contains \
        the port, and one of its IPv4 ranges is exactly 0.0.0.0/0. Every security group is judged, attached \
        or not. Referenced security groups and managed prefix lists are not the world; prefix lists are not \
        expanded and are named in the evidence. EC2-002 checks the same for ::/0.",
    rationale: "Remote administration services such as SSH and RDP that accept connections from the whole \
        IPv4 internet are found by scanners within minutes and then brute-forced or attacked through their \
        vulnerabilities; a compromised server is a foothold in the VPC. Administrators should reach these \
        ports only from known networks, through a bastion or VPN, or not at all with AWS Systems Manager \
        Session Manager.",
    audit: &[
        CONSOLE_REGION,
        CONSOLE_INBOUND_RULES,
        AuditStep {
            via: "console",
            text: "The group fails when a rule with Source 0.0.0.0/0 has Type All traffic, or Protocol TCP or \
                UDP with a Port range that includes 22, 3389 or another administration port of your \
                environment (a range such as 0-1024 or All includes them).",
            code: None,
        },
        CLI_ENABLED_REGIONS,
        AuditStep {
            via: "cli",
            text: "For each region, list the security groups that have an inbound rule from 0.0.0.0/0.",
            code: Some(
                "aws ec2 describe-security-groups --region REGION --filters Name=ip-permission.cidr,Values=0.0.0.0/0 \
                --query 'SecurityGroups[*].[GroupId,GroupName]' --output text",
            ),
        },
        AuditStep {
            via: "cli",
            text: "For each of them, list the protocol and ports of its inbound rules from 0.0.0.0/0. The group \
                fails when a rule has IpProtocol -1, or tcp or udp with FromPort at most and ToPort at least \
                an administration port (22, 3389).",
            code: Some(
                "aws ec2 describe-security-groups --region REGION --group-ids GROUP_ID \
                --query 'SecurityGroups[].IpPermissions[?contains(IpRanges[].CidrIp, `0.0.0.0/0`)].[IpProtocol,FromPort,ToPort]' \
                --output table",
            ),
        },
    ],
    remediation: &[
        AuditStep {
            via: "console",
            text: "First make sure administrators can reach the instances another way (a known network, a VPN, \
                a bastion or Session Manager): removing the rule cuts off whoever connects from the internet. \
                Then open the Amazon EC2 console, choose Security Groups, select the group and choose Actions, \
                Edit inbound rules. For each rule with Source 0.0.0.0/0 that covers an administration port, \
                change the Source to your administrators' network or choose Delete. Choose Save rules.",
            code: None,
        },
        AuditStep {
            via: "cli",
            text: "Revoke the rule's 0.0.0.0/0 range alone (its other sources stay); each failing finding \
                carries the command for exactly its rules. Then authorize the same port from your \
                administrators' network if they need it.",
            code: Some(
                "aws ec2 revoke-security-group-ingress --region REGION --group-id GROUP_ID \
                --ip-permissions '[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]'",
            ),
        },
        AuditStep {
            via: "cloudformation",
            text: "In the template that manages the group, replace the 0.0.0.0/0 source of the rule with your \
                administrators' network, or declare the rule as an AWS::EC2::SecurityGroupIngress from that \
                network. Each failing finding carries the resources for its rules.",
            code: Some(
                "Resources:\n  AdminIngress:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      \
                GroupId: GROUP_ID\n      IpProtocol: tcp\n      FromPort: 22\n      ToPort: 22\n      \
                CidrIp: ADMIN_CIDR",
            ),
        },
        AuditStep {
            via: "terraform",
            text: "Replace the 0.0.0.0/0 source of the rule with your administrators' network, e.g. as an \
                aws_vpc_security_group_ingress_rule. Each failing finding carries the resources for its rules.",
            code: Some(
                "resource \"aws_vpc_security_group_ingress_rule\" \"admin\" {\n  security_group_id = \"GROUP_ID\"\n  \
                ip_protocol       = \"tcp\"\n  from_port         = 22\n  to_port           = 22\n  \
                cidr_ipv4         = \"ADMIN_CIDR\"\n}",
            ),
        },
        AuditStep {
            via: "cloudposture",
            text: "Or let cloudposture revoke them. `cloudposture fix` scans and prints, for each failing group, \
                the 0.0.0.0/0 ranges it would revoke, changing nothing; with --apply it revokes exactly those \
                ranges (the rules' other sources stay). Whoever reaches the administration ports from the \
                internet through those groups is cut off: give administrators another way in first.",
            code: Some("cloudposture fix --rules EC2-001 --apply"),
        },
    ],
    references: &[
        SECURITY_GROUP_RULES,
        REVOKE_CLI,
        INGRESS_CLOUDFORMATION,
        INGRESS_TERRAFORM,
        Reference {
            title: "AWS Systems Manager Session Manager",
            url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html",
        },
        Reference {
            title: "AWS Security Hub: [EC2.53] EC2 security groups should not allow ingress from 0.0.0.0/0 to \
                remote server administration ports",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-53",
        },
        CIS_BENCHMARK,
    ],
    published: "2026-12-01",
    iam_audit_extra: &["ec2:DescribeRegions", "sts:GetCallerIdentity"],
    iam_remediate: &["ec2:RevokeSecurityGroupIngress"],
};

/// The metadata of EC2-002. The IAM action to audit comes from the kind it reads
/// (`ec2:DescribeSecurityGroups`), plus those of the scan itself listed here.
pub static EC2_002: RuleMetadata = RuleMetadata {
    id: "EC2-002",
    title: "Security Groups Allow No Ingress From ::/0 to Remote Administration Ports",
    provider: "aws",
    service: "EC2",
    risk: RiskLevel::High,
    pillars: &[Pillar::Security],
    controls: &[
        Control::new(Standard::CisAwsFoundations, "v1.5.0", "5.3"),
        Control::new(Standard::CisAwsFoundations, "v2.0.0", "5.3"),
        Control::new(Standard::CisAwsFoundations, "v3.0.0", "5.3"),
        Control::new(Standard::CisAwsFoundations, "v4.0.0", "5.4"),
        Control::new(Standard::CisAwsFoundations, "v5.0.0", "5.4"),
        Control::new(Standard::PciDss, "v4.0.1", "1.3.1"),
        Control::standard_only(Standard::Gdpr, "2016/679"),
        Control::standard_only(Standard::Apra, "CPS 234 (2019)"),
        Control::standard_only(Standard::Mas, "TRM 2021"),
    ],
    description: "Checks that no security group in any enabled region allows inbound traffic from ::/0 to a \
        remote administration port (setting `ports`: SSH 22 and RDP 3389 by default). An inbound permission \
        opens a port when its protocol is all (-1), or TCP or UDP with a port range that contains the port, \
        and one of its IPv6 ranges is exactly ::/0. Every security group is judged, attached or not. \
        Referenced security groups and managed prefix lists are not the world; prefix lists are not expanded \
        and are named in the evidence. EC2-001 checks the same for 0.0.0.0/0.",
    rationale: "A rule that opens SSH or RDP to ::/0 exposes every instance of the group that has an IPv6 \
        address to the whole IPv6 internet, whatever its IPv4 rules say; such rules are easy to miss because \
        they are often added next to a 0.0.0.0/0 rule. Exposed administration services are brute-forced or \
        attacked through their vulnerabilities. Administrators should reach them only from known networks, \
        through a bastion or VPN, or with AWS Systems Manager Session Manager.",
    audit: &[
        CONSOLE_REGION,
        CONSOLE_INBOUND_RULES,
        AuditStep {
            via: "console",
            text: "The group fails when a rule with Source ::/0 has Type All traffic, or Protocol TCP or UDP \
                with a Port range that includes 22, 3389 or another administration port of your environment.",
            code: None,
        },
        CLI_ENABLED_REGIONS,
        AuditStep {
            via: "cli",
            text: "For each region, list the security groups that have an inbound rule from ::/0.",
            code: Some(
                "aws ec2 describe-security-groups --region REGION --filters Name=ip-permission.ipv6-cidr,Values=::/0 \
                --query 'SecurityGroups[*].[GroupId,GroupName]' --output text",
            ),
        },
        AuditStep {
            via: "cli",
            text: "For each of them, list the protocol and ports of its inbound rules from ::/0. The group fails \
                when a rule has IpProtocol -1, or tcp or udp with FromPort at most and ToPort at least an \
                administration port (22, 3389).",
            code: Some(
                "aws ec2 describe-security-groups --region REGION --group-ids GROUP_ID \
                --query 'SecurityGroups[].IpPermissions[?contains(Ipv6Ranges[].CidrIpv6, `::/0`)].[IpProtocol,FromPort,ToPort]' \
                --output table",
            ),
        },
    ],
    remediation: &[
        AuditStep {
            via: "console",
            text: "First make sure administrators can reach the instances another way: removing the rule cuts \
                off whoever connects over IPv6 from the internet. Then open the Amazon EC2 console, choose \
                Security Groups, select the group and choose Actions, Edit inbound rules. For each rule with \
                Source ::/0 that covers an administration port, change the Source to your administrators' IPv6 \
                network or choose Delete. Choose Save rules.",
            code: None,
        },
        AuditStep {
            via: "cli",
            text: "Revoke the rule's ::/0 range alone (its other sources stay); each failing finding carries the \
                command for exactly its rules.",
            code: Some(
                "aws ec2 revoke-security-group-ingress --region REGION --group-id GROUP_ID \
                --ip-permissions '[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"Ipv6Ranges\":[{\"CidrIpv6\":\"::/0\"}]}]'",
            ),
        },
        AuditStep {
            via: "cloudformation",
            text: "In the template that manages the group, replace the ::/0 source of the rule with your \
                administrators' IPv6 network (CidrIpv6). Each failing finding carries the resources for its \
                rules.",
            code: Some(
                "Resources:\n  AdminIngress:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      \
                GroupId: GROUP_ID\n      IpProtocol: tcp\n      FromPort: 22\n      ToPort: 22\n      \
                CidrIpv6: ADMIN_IPV6_CIDR",
            ),
        },
        AuditStep {
            via: "terraform",
            text: "Replace the ::/0 source of the rule with your administrators' IPv6 network (cidr_ipv6). Each \
                failing finding carries the resources for its rules.",
            code: Some(
                "resource \"aws_vpc_security_group_ingress_rule\" \"admin\" {\n  security_group_id = \"GROUP_ID\"\n  \
                ip_protocol       = \"tcp\"\n  from_port         = 22\n  to_port           = 22\n  \
                cidr_ipv6         = \"ADMIN_IPV6_CIDR\"\n}",
            ),
        },
        AuditStep {
            via: "cloudposture",
            text: "Or let cloudposture revoke them. `cloudposture fix` scans and prints, for each failing group, \
                the ::/0 ranges it would revoke, changing nothing; with --apply it revokes exactly those ranges. \
                Whoever reaches the administration ports over IPv6 from the internet through those groups is \
                cut off: give administrators another way in first.",
            code: Some("cloudposture fix --rules EC2-002 --apply"),
        },
    ],
    references: &[
        SECURITY_GROUP_RULES,
        REVOKE_CLI,
        INGRESS_CLOUDFORMATION,
        INGRESS_TERRAFORM,
        Reference {
            title: "AWS Security Hub: [EC2.54] EC2 security groups should not allow ingress from ::/0 to remote \
                server administration ports",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-54",
        },
        CIS_BENCHMARK,
    ],
    published: "2026-12-01",
    iam_audit_extra: &["ec2:DescribeRegions", "sts:GetCallerIdentity"],
    iam_remediate: &["ec2:RevokeSecurityGroupIngress"],
};
