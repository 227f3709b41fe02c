//! EC2-001 "Security Groups Allow No Ingress From 0.0.0.0/0 to Remote Administration
//! Ports" and EC2-002, the same for `::/0`: one rule type, [`SecurityGroupAdminPorts`],
//! with one value per world range and one judging code. Their metadata, settings,
//! evidence and messages, remediation and fix live beside it.

mod evidence;
mod fix;
mod metadata;
mod remediation;
mod settings;
#[cfg(test)]
mod tests;

use cloudposture_aws::{IpRange, Permission, SecurityGroup, SecurityGroups};
use cloudposture_core::{Finding, FixAction, FixError, Rule, RuleContext, RuleMetadata};

use crate::ec2::admin_ports::{IpProtocol, Transport, WORLD_IPV4, WORLD_IPV6};

pub use evidence::{OpenPermission, OpenPortsEvidence};
pub use fix::plan_fix;
pub use metadata::{EC2_001, EC2_002};
pub use remediation::remediation_for;
use remediation::remediation_in;
pub use settings::AdminPortSettings;

/// The world range a rule judges: IPv4 (EC2-001) or IPv6 (EC2-002).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorldFamily {
    /// `0.0.0.0/0`, from a permission's IPv4 ranges.
    Ipv4,
    /// `::/0`, from a permission's IPv6 ranges.
    Ipv6,
}

impl WorldFamily {
    /// `0.0.0.0/0` or `::/0`.
    pub fn cidr(self) -> &'static str {
        match self {
            WorldFamily::Ipv4 => WORLD_IPV4,
            WorldFamily::Ipv6 => WORLD_IPV6,
        }
    }

    /// The metadata of the rule that judges this range.
    pub fn metadata(self) -> &'static RuleMetadata {
        match self {
            WorldFamily::Ipv4 => &EC2_001,
            WorldFamily::Ipv6 => &EC2_002,
        }
    }

    fn ranges(self, permission: &Permission) -> &[IpRange] {
        match self {
            WorldFamily::Ipv4 => &permission.ipv4_ranges,
            WorldFamily::Ipv6 => &permission.ipv6_ranges,
        }
    }
}

/// ## What it does
/// Checks that no security group allows inbound traffic from the whole internet —
/// `0.0.0.0/0` for EC2-001 ([`SecurityGroupAdminPorts::IPV4`]), `::/0` for EC2-002
/// ([`SecurityGroupAdminPorts::IPV6`]) — to a remote administration port (SSH 22 and
/// RDP 3389 by default). A permission opens port p when its protocol is all (`-1`), or
/// TCP or UDP with `FromPort ≤ p ≤ ToPort`, and one of its ranges is exactly the world
/// range. Every security group of the region is judged, attached or not.
///
/// ## Why is this bad?
/// SSH and RDP open to the internet are found by scanners within minutes and then
/// brute-forced or attacked through their vulnerabilities. Administrators should reach
/// them from known networks, a bastion, a VPN or AWS Systems Manager Session Manager.
///
/// Security groups and managed prefix lists that a permission names are not the world;
/// prefix lists are not expanded, and the evidence names them.
///
/// ## Example
/// A group that allows `tcp 22` from `0.0.0.0/0` fails; this revokes that range alone
/// (the failing finding carries the command with its group, ports and region):
///
/// ```sh
/// aws ec2 revoke-security-group-ingress --region eu-west-1 --group-id sg-0abc \
///   --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'
/// ```
///
/// `cloudposture fix` revokes the same; whoever reaches those ports from the internet
/// through the group is cut off, so give administrators another way in first.
///
/// ## Settings
/// See [`AdminPortSettings`]: `ports`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityGroupAdminPorts {
    family: WorldFamily,
}

impl SecurityGroupAdminPorts {
    /// EC2-001: no ingress from `0.0.0.0/0` to the administration ports.
    pub const IPV4: SecurityGroupAdminPorts = SecurityGroupAdminPorts {
        family: WorldFamily::Ipv4,
    };
    /// EC2-002: no ingress from `::/0` to the administration ports.
    pub const IPV6: SecurityGroupAdminPorts = SecurityGroupAdminPorts {
        family: WorldFamily::Ipv6,
    };

    /// The world range it judges.
    pub fn family(self) -> WorldFamily {
        self.family
    }
}

impl Rule for SecurityGroupAdminPorts {
    type Kind = SecurityGroups;
    type Reads<'a> = ();
    type Settings = AdminPortSettings;

    fn metadata(&self) -> &'static RuleMetadata {
        self.family.metadata()
    }

    fn evaluate<'a>(
        &self,
        groups: &'a [SecurityGroup],
        _: (),
        ctx: &RuleContext<'a, AdminPortSettings>,
    ) -> Vec<Finding> {
        groups.iter().map(|g| judge_group(g, self.family, ctx)).collect()
    }

    /// One revoke of the world range of each offending permission; see [`plan_fix`].
    fn plan_fix(&self, finding: &Finding, _: &AdminPortSettings) -> Result<Option<FixAction>, FixError> {
        plan_fix(finding, self.family)
    }
}

/// The administration ports among `ports` that `permission` reaches, by any of TCP and
/// UDP, in the order of `ports`.
fn reached_ports(permission: &Permission, ports: &[u16]) -> Vec<u16> {
    let protocol = IpProtocol::parse(&permission.protocol);
    ports
        .iter()
        .copied()
        .filter(|&port| {
            Transport::BOTH
                .into_iter()
                .any(|t| protocol.reaches(permission.from_port, permission.to_port, t, port))
        })
        .collect()
}

fn judge_group(
    group: &SecurityGroup,
    family: WorldFamily,
    ctx: &RuleContext<'_, AdminPortSettings>,
) -> Finding {
    let ports = ctx.settings().ports.as_slice();
    let mut evidence = OpenPortsEvidence {
        world: family.cidr().to_string(),
        open: Vec::new(),
        prefix_lists_not_expanded: Vec::new(),
    };
    for permission in &group.ingress {
        let reached = reached_ports(permission, ports);
        if reached.is_empty() {
            continue;
        }
        for range in family
            .ranges(permission)
            .iter()
            .filter(|r| r.cidr == family.cidr())
        {
            evidence
                .open
                .push(OpenPermission::of(permission, range, reached.clone()));
        }
        for list in &permission.prefix_list_ids {
            if !evidence.prefix_lists_not_expanded.contains(list) {
                evidence.prefix_lists_not_expanded.push(list.clone());
            }
        }
    }
    if evidence.open.is_empty() {
        let message = evidence::pass_message(&evidence, ports);
        ctx.pass(group, message).with_evidence(evidence)
    } else {
        let message = evidence::fail_message(&evidence, ports);
        let remediation = remediation_in(ctx.scope(), group, family, &evidence.open);
        ctx.fail(group, message)
            .with_evidence(evidence)
            .with_remediation(remediation)
    }
}
