//! VPC-002 "Network ACLs Allow No Ingress From 0.0.0.0/0 or ::/0 to Remote
//! Administration Ports": the rule and how it judges a network ACL. Its metadata,
//! settings, evidence and messages, and remediation live beside it. It has no
//! automatic fix: where a deny entry goes among the others is the owner's call.

mod evidence;
mod metadata;
mod remediation;
mod settings;
#[cfg(test)]
mod tests;

use cloudposture_aws::{AclEntry, NetworkAcl, NetworkAcls};
use cloudposture_core::{Finding, Rule, RuleContext, RuleMetadata};
use serde::Serialize;

use crate::ec2::admin_ports::{IpProtocol, Transport, WORLD_IPV4, WORLD_IPV6};

pub use evidence::{AclEvidence, DecidingEntry, PortVerdict};
pub use metadata::VPC_002;
pub use remediation::remediation_for;
use remediation::remediation_in;
pub use settings::AclAdminPortSettings;

use evidence::Action;

/// ## What it does
/// Checks that no network ACL lets inbound traffic from `0.0.0.0/0` or `::/0` reach a
/// remote administration port (SSH 22 and RDP 3389 by default). For each port, each of
/// the two world ranges and each of TCP and UDP, the inbound entries are walked in rule
/// number order as AWS does: the first entry whose CIDR is exactly that world range and
/// that matches the traffic (protocol `-1`, or `6`/`17` with a port range that contains
/// the port) decides. `allow` opens the port and fails the ACL, `deny` closes it; with no
/// such entry the traffic is denied. An entry with another action is counted as
/// allowing, and the message says so: it never closes a port unseen.
///
/// ## Why is this bad?
/// A network ACL is the subnet's stateless firewall: one that lets SSH or RDP in from
/// the internet leaves only the security groups between the internet and every instance
/// of its subnets.
///
/// CIS counts each VPC's default network ACL, which AWS creates with entry 100 allowing
/// all inbound traffic: it fails until it is tightened. AWS Security Hub's EC2.21 leaves
/// default ACLs out; `include_default_acls = false` does the same (they are skipped).
///
/// ## Example
/// An ACL whose entry 100 allows `tcp 22` from `0.0.0.0/0` fails; a deny entry with a
/// free number below 100 closes the port (the failing finding carries the commands with
/// its ACL, numbers and region):
///
/// ```sh
/// aws ec2 create-network-acl-entry --ingress --region eu-west-1 --network-acl-id acl-0abc \
///   --rule-number 99 --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny
/// ```
///
/// ## Settings
/// See [`AclAdminPortSettings`]: `ports`, `include_default_acls`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetworkAclAdminPorts;

impl Rule for NetworkAclAdminPorts {
    type Kind = NetworkAcls;
    type Reads<'a> = ();
    type Settings = AclAdminPortSettings;

    fn metadata(&self) -> &'static RuleMetadata {
        &VPC_002
    }

    fn evaluate<'a>(
        &self,
        acls: &'a [NetworkAcl],
        _: (),
        ctx: &RuleContext<'a, AclAdminPortSettings>,
    ) -> Vec<Finding> {
        acls.iter().map(|acl| judge_acl(acl, ctx)).collect()
    }
}

/// The evidence of a default ACL that the settings leave out.
#[derive(Debug, Serialize)]
struct SkippedDefaultAcl<'a> {
    is_default: bool,
    vpc_id: &'a str,
}

fn judge_acl(acl: &NetworkAcl, ctx: &RuleContext<'_, AclAdminPortSettings>) -> Finding {
    let settings = ctx.settings();
    if acl.is_default && !settings.include_default_acls {
        return ctx
            .skipped(
                acl,
                format!(
                    "this is the default network ACL of {}, which is not judged because \
                     `include_default_acls` is false (AWS Security Hub EC2.21 leaves default network ACLs \
                     out; CIS counts them)",
                    acl.vpc_id
                ),
            )
            .with_evidence(SkippedDefaultAcl {
                is_default: true,
                vpc_id: &acl.vpc_id,
            });
    }
    let ports = settings.ports.as_slice();
    let inbound = acl.inbound();
    let mut verdicts = Vec::with_capacity(ports.len() * 4);
    for &port in ports {
        for cidr in [WORLD_IPV4, WORLD_IPV6] {
            for transport in Transport::BOTH {
                verdicts.push(verdict(&inbound, port, cidr, transport));
            }
        }
    }
    let evidence = AclEvidence {
        is_default: acl.is_default,
        verdicts,
    };
    if evidence.verdicts.iter().any(|v| v.open) {
        let message = evidence::fail_message(&evidence, ports);
        let remediation = remediation_in(ctx.scope(), acl, &evidence.verdicts, ports);
        ctx.fail(acl, message)
            .with_evidence(evidence)
            .with_remediation(remediation)
    } else {
        let message = evidence::pass_message(&evidence, ports);
        ctx.pass(acl, message).with_evidence(evidence)
    }
}

/// Whether `transport` traffic from `cidr` to `port` gets through `inbound` (in rule
/// number order): the first entry for exactly `cidr` that matches it decides.
fn verdict(inbound: &[&AclEntry], port: u16, cidr: &str, transport: Transport) -> PortVerdict {
    let deciding = inbound.iter().find(|e| {
        let (from, to) = (e.port_range.map(|r| r.from), e.port_range.map(|r| r.to));
        e.cidr() == Some(cidr) && IpProtocol::parse(&e.protocol).reaches(from, to, transport, port)
    });
    PortVerdict {
        port,
        protocol: transport,
        cidr: cidr.to_string(),
        open: deciding.is_some_and(|e| Action::of(&e.action) != Action::Deny),
        decided_by: deciding.map(|e| DecidingEntry::of(e)),
    }
}
