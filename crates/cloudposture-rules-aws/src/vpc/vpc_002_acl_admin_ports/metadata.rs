//! The knowledge VPC-002 carries: what `rules show`, the docs, the IAM policy and the
//! compliance summary are made from.
//!
//! Controls: AWS Security Hub EC2.21 lists CIS v1.4.0 5.1, v3.0.0 5.1 and v5.0.0 5.2,
//! its NIST SP 800-53 Rev. 5 and SP 800-171 Rev. 2 controls and PCI DSS v4.0.1 1.3.1.
//! The other CIS versions come from the benchmarks themselves. EC2.21 judges TCP only
//! and leaves default ACLs out; CIS, which this rule follows, counts UDP and default
//! ACLs too (see `include_default_acls`).

use cloudposture_core::{AuditStep, Control, Pillar, Reference, RiskLevel, RuleMetadata, Standard};

use crate::ec2::admin_ports::{CIS_BENCHMARK, CLI_ENABLED_REGIONS};

/// The metadata of VPC-002. The IAM action to audit comes from the kind it reads
/// (`ec2:DescribeNetworkAcls`), plus those of the scan itself listed here.
pub static VPC_002: RuleMetadata = RuleMetadata {
    id: "VPC-002",
    title: "Network ACLs Allow No Ingress From 0.0.0.0/0 or ::/0 to Remote Administration Ports",
    provider: "aws",
    service: "VPC",
    risk: RiskLevel::Medium,
    pillars: &[Pillar::Security],
    controls: &[
        Control::new(Standard::CisAwsFoundations, "v1.4.0", "5.1"),
        Control::new(Standard::CisAwsFoundations, "v1.5.0", "5.1"),
        Control::new(Standard::CisAwsFoundations, "v2.0.0", "5.1"),
        Control::new(Standard::CisAwsFoundations, "v3.0.0", "5.1"),
        Control::new(Standard::CisAwsFoundations, "v4.0.0", "5.2"),
        Control::new(Standard::CisAwsFoundations, "v5.0.0", "5.2"),
        Control::new(Standard::PciDss, "v4.0.1", "1.3.1"),
        Control::standard_only(Standard::Gdpr, "2016/679"),
        Control::standard_only(Standard::Apra, "CPS 234 (2019)"),
        Control::standard_only(Standard::Mas, "TRM 2021"),
        Control::new(Standard::Nist, "Rev. 5", "AC-4(21)"),
        Control::new(Standard::Nist, "Rev. 5", "CA-9(1)"),
        Control::new(Standard::Nist, "Rev. 5", "CM-2"),
        Control::new(Standard::Nist, "Rev. 5", "CM-2(2)"),
        Control::new(Standard::Nist, "Rev. 5", "CM-7"),
        Control::new(Standard::Nist, "Rev. 5", "SC-7"),
        Control::new(Standard::Nist, "Rev. 5", "SC-7(21)"),
        Control::new(Standard::Nist, "Rev. 5", "SC-7(5)"),
        Control::new(Standard::Nist800171, "Rev. 2", "3.1.3"),
        Control::new(Standard::Nist800171, "Rev. 2", "3.1.20"),
        Control::new(Standard::Nist800171, "Rev. 2", "3.13.1"),
    ],
    description: "Checks that no network ACL in any enabled region lets inbound traffic from 0.0.0.0/0 or ::/0 \
        reach a remote administration port (setting `ports`: SSH 22 and RDP 3389 by default). For each port, \
        world range and protocol (TCP and UDP), the inbound entries are read in rule number order and the first \
        one whose CIDR is exactly that range and that matches the traffic (protocol -1, or 6 or 17 with a port \
        range that contains the port) decides: allow fails the ACL, deny closes the port, and with no such \
        entry the traffic is denied. An entry with an action other than allow or deny is counted as allowing. \
        Default network ACLs are judged as CIS does (AWS creates them allowing all inbound traffic, so they \
        fail until tightened); `include_default_acls = false` skips them, as AWS Security Hub does.",
    rationale: "A network ACL is the stateless firewall of the subnets it is associated with. One that lets \
        SSH or RDP in from the internet leaves only the security groups between the internet and every \
        instance of those subnets: a single permissive security group then exposes the server to scanners, \
        brute force and exploits of the service. Denying administration ports at the subnet edge is a second, \
        independent layer.",
    audit: &[
        AuditStep {
            via: "console",
            text: "Open the Amazon VPC console at https://console.aws.amazon.com/vpc/ and, with the region \
                selector, choose a region enabled for the account; repeat the following steps for every \
                enabled region.",
            code: None,
        },
        AuditStep {
            via: "console",
            text: "In the navigation pane, choose Network ACLs. For each network ACL, open its Inbound rules \
                tab; the rules are listed in the order AWS applies them (lowest Rule number first).",
            code: None,
        },
        AuditStep {
            via: "console",
            text: "For port 22, port 3389 and any other administration port of your environment, find the first \
                rule with Source 0.0.0.0/0 whose Type is All traffic, or whose Protocol is TCP or UDP with a Port \
                range that includes the port; do the same for Source ::/0. The ACL fails when such a first rule \
                shows Allow. A default ACL (Default: Yes) as AWS creates it allows all traffic in rule 100.",
            code: None,
        },
        CLI_ENABLED_REGIONS,
        AuditStep {
            via: "cli",
            text: "For each region, list the network ACLs with their inbound entries from 0.0.0.0/0 or ::/0, in \
                rule number order.",
            code: Some(
                "aws ec2 describe-network-acls --region REGION --query 'NetworkAcls[*].[NetworkAclId,IsDefault,\
                sort_by(Entries[?Egress==`false` && (CidrBlock==`0.0.0.0/0` || Ipv6CidrBlock==`::/0`)], &RuleNumber)\
                [].[RuleNumber,Protocol,PortRange.From,PortRange.To,RuleAction,CidrBlock,Ipv6CidrBlock]]' --output json",
            ),
        },
        AuditStep {
            via: "cli",
            text: "The ACL fails when, for an administration port and one of the two ranges, the first entry with \
                Protocol -1, or 6 or 17 with From at most and To at least the port, has RuleAction allow.",
            code: None,
        },
    ],
    remediation: &[
        AuditStep {
            via: "console",
            text: "First make sure administrators reach the subnets another way (a known network, a VPN or \
                Session Manager). Open the Amazon VPC console, choose Network ACLs, select the ACL and choose \
                Actions, Edit inbound rules. Add a Deny rule for the port (TCP, and UDP if it is open too) from \
                0.0.0.0/0 (and one from ::/0) with a Rule number just below the Allow rule that lets it in, or \
                narrow or delete that Allow rule. Choose Save changes.",
            code: None,
        },
        AuditStep {
            via: "cli",
            text: "Add a deny entry with a free rule number below the allowing entry; each failing finding carries \
                the commands with the numbers filled in. For ::/0 use --ipv6-cidr-block ::/0.",
            code: Some(
                "aws ec2 create-network-acl-entry --region REGION --network-acl-id ACL_ID --ingress --rule-number 99 \
                --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny",
            ),
        },
        AuditStep {
            via: "cloudformation",
            text: "Declare the deny entry as an AWS::EC2::NetworkAclEntry; each failing finding carries a \
                ready-to-deploy template.",
            code: Some(
                "Resources:\n  DenySsh:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      \
                NetworkAclId: ACL_ID\n      RuleNumber: 99\n      Protocol: 6\n      RuleAction: deny\n      \
                Egress: false\n      CidrBlock: 0.0.0.0/0\n      PortRange:\n        From: 22\n        To: 22",
            ),
        },
        AuditStep {
            via: "terraform",
            text: "Declare the deny entry as an aws_network_acl_rule (or an ingress block, if the aws_network_acl \
                declares its entries inline); each failing finding carries the resources.",
            code: Some(
                "resource \"aws_network_acl_rule\" \"deny_ssh\" {\n  network_acl_id = \"ACL_ID\"\n  \
                rule_number    = 99\n  egress         = false\n  protocol       = \"tcp\"\n  \
                rule_action    = \"deny\"\n  cidr_block     = \"0.0.0.0/0\"\n  from_port      = 22\n  \
                to_port        = 22\n}",
            ),
        },
    ],
    references: &[
        Reference {
            title: "Control subnet traffic with network access control lists",
            url: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
        },
        Reference {
            title: "Network ACL rules",
            url: "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html",
        },
        Reference {
            title: "AWS CLI: create-network-acl-entry",
            url: "https://docs.aws.amazon.com/cli/latest/reference/ec2/create-network-acl-entry.html",
        },
        Reference {
            title: "AWS CloudFormation: AWS::EC2::NetworkAclEntry",
            url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-networkaclentry.html",
        },
        Reference {
            title: "Terraform: aws_network_acl_rule",
            url: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/network_acl_rule",
        },
        Reference {
            title: "AWS Security Hub: [EC2.21] Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 \
                or port 3389",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-21",
        },
        CIS_BENCHMARK,
    ],
    published: "2026-12-01",
    iam_audit_extra: &["ec2:DescribeRegions", "sts:GetCallerIdentity"],
    iam_remediate: &["ec2:CreateNetworkAclEntry"],
};
