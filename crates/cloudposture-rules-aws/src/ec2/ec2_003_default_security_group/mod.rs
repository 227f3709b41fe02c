//! EC2-003 "Default Security Groups Restrict All Traffic": the rule and how it judges a
//! VPC's default security group. Its metadata, evidence and messages, remediation and
//! fix live beside it.

mod evidence;
mod fix;
mod metadata;
mod remediation;
#[cfg(test)]
mod tests;

use cloudposture_aws::{SecurityGroup, SecurityGroups};
use cloudposture_core::{Finding, FixAction, FixError, NoSettings, Rule, RuleContext, RuleMetadata};

pub use evidence::DefaultGroupEvidence;
pub use fix::plan_fix;
pub use metadata::EC2_003;
pub use remediation::remediation_for;
use remediation::remediation_in;

/// ## What it does
/// Checks that the default security group of every VPC has no inbound and no outbound
/// rules. Other security groups are not looked at.
///
/// ## Why is this bad?
/// A resource launched without a security group gets its VPC's default group. AWS
/// creates that group allowing all traffic between its members and all outbound
/// traffic, so anything placed in it by mistake can talk to everything else placed
/// there and to the internet. An empty default group makes such a mistake fail loudly
/// instead, and pushes every workload into a least-privilege group of its own.
///
/// ## Example
/// A new VPC fails: its default group allows all inbound traffic from itself and all
/// outbound traffic to `0.0.0.0/0`. This removes the inbound rule (the failing finding
/// carries the commands for every rule, with its group id and region filled in):
///
/// ```sh
/// aws ec2 revoke-security-group-ingress --region eu-west-1 --group-id sg-0abc \
///   --ip-permissions '[{"IpProtocol":"-1","UserIdGroupPairs":[{"GroupId":"sg-0abc"}]}]'
/// ```
///
/// Traffic between members of the group stops when its rules are revoked.
///
/// ## Settings
/// None.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DefaultSecurityGroupRestrictsAll;

impl Rule for DefaultSecurityGroupRestrictsAll {
    type Kind = SecurityGroups;
    type Reads<'a> = ();
    type Settings = NoSettings;

    fn metadata(&self) -> &'static RuleMetadata {
        &EC2_003
    }

    /// One finding per default group; every other group gets none.
    fn evaluate<'a>(
        &self,
        groups: &'a [SecurityGroup],
        (): (),
        ctx: &RuleContext<'a, NoSettings>,
    ) -> Vec<Finding> {
        groups
            .iter()
            .filter(|g| g.is_default())
            .map(|g| judge(g, ctx))
            .collect()
    }

    /// One RevokeSecurityGroupIngress/Egress action per failing group; see [`plan_fix`].
    fn plan_fix(&self, finding: &Finding, _: &NoSettings) -> Result<Option<FixAction>, FixError> {
        plan_fix(finding)
    }
}

/// The finding for one default group: pass when it has no rule at all.
fn judge(group: &SecurityGroup, ctx: &RuleContext<'_, NoSettings>) -> Finding {
    let evidence = DefaultGroupEvidence::of(group);
    if group.ingress.is_empty() && group.egress.is_empty() {
        ctx.pass(group, evidence::pass_message(group))
            .with_evidence(evidence)
    } else {
        ctx.fail(group, evidence::fail_message(group))
            .with_evidence(evidence)
            .with_remediation(remediation_in(ctx.scope(), group))
    }
}
