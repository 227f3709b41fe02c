//! VPC-001 "VPC Flow Logs Enabled": the rule and how it judges a VPC. Its metadata,
//! settings, evidence and messages, remediation and fix live beside it.

mod evidence;
mod fix;
mod metadata;
pub(super) mod remediation;
mod settings;
mod template_remediation;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use cloudposture_aws::{
    FlowLog, FlowLogResourceType, FlowLogs, NetworkInterfaces, Subnets, TrafficType, Vpc, Vpcs,
};
use cloudposture_core::{
    Finding, FixAction, FixError, Kind, KindInfo, KindState, Listed, Lookup, Rule, RuleContext, RuleMetadata,
};

pub use evidence::{ConsideredFlowLog, FlowLogEvidence, NotCounted};
pub use fix::plan_fix;
pub use metadata::VPC_001;
use remediation::RegionRemediation;
pub use remediation::remediation_for;
pub use settings::{AllowedDestination, Destination, FlowLogSettings, RequiredTraffic, RoleArn};

use evidence::{Judged, SharedVpcEvidence, fail_message, pass_message};
use template_remediation::template_remediation_for;

use crate::remediation::Origin;

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
/// See [`FlowLogSettings`]: `traffic_type`, `count_failed_delivery`,
/// `destination_types`, and `remediation_destination` and `remediation_role_arn`,
/// filled into the remediation snippets (placeholders such as `<LOG_GROUP_NAME>`
/// otherwise).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VpcFlowLogsEnabled;

impl Rule for VpcFlowLogsEnabled {
    type Kind = Vpcs;
    // Subnets and network interfaces are looked up only for the ids that subnet- and
    // ENI-level flow logs name, so that the evidence can say which VPC they belong to.
    type Reads<'a> = (
        Listed<'a, FlowLogs>,
        Lookup<'a, Subnets>,
        Lookup<'a, NetworkInterfaces>,
    );
    type Settings = FlowLogSettings;

    fn metadata(&self) -> &'static RuleMetadata {
        &VPC_001
    }

    fn evaluate<'a>(
        &self,
        vpcs: &'a [Vpc],
        (flow_logs, subnets, interfaces): Self::Reads<'a>,
        ctx: &RuleContext<'a, FlowLogSettings>,
    ) -> Vec<Finding> {
        let index = RegionIndex::build(flow_logs.items(), subnets, interfaces, ctx);
        let mut remediation = RegionRemediation::new(ctx.settings());
        vpcs.iter()
            .map(|vpc| {
                self.judge_alone(vpc, ctx)
                    .unwrap_or_else(|| judge_vpc(vpc, &index, &mut remediation, ctx))
            })
            .collect()
    }

    /// A VPC owned by another account (shared through AWS RAM) is skipped: only its
    /// owner can create its flow logs.
    fn judge_alone(&self, vpc: &Vpc, ctx: &RuleContext<'_, FlowLogSettings>) -> Option<Finding> {
        let account = ctx.account()?;
        (vpc.owner_id != account).then(|| {
            ctx.skipped(
                vpc,
                format!(
                    "VPC is owned by account {} and shared with account {account} through AWS RAM; only its \
                     owner can create its flow logs",
                    vpc.owner_id
                ),
            )
            .with_evidence(SharedVpcEvidence {
                owner_id: &vpc.owner_id,
                scanned_account: account,
            })
        })
    }

    /// One `ec2:CreateFlowLogs` action per failing VPC; see [`plan_fix`].
    fn plan_fix(&self, finding: &Finding, settings: &FlowLogSettings) -> Result<Option<FixAction>, FixError> {
        plan_fix(finding, settings)
    }
}

/// The flow logs of one region, by what they are attached to: each VPC is judged by
/// lookups, O(VPCs + flow logs) per region.
struct RegionIndex<'a> {
    /// Flow logs by the id of the resource they are attached to.
    by_resource: HashMap<&'a str, Vec<&'a FlowLog>>,
    /// Subnet- and ENI-level flow logs by the VPC of their subnet or interface.
    below_vpc: HashMap<&'a str, Vec<&'a FlowLog>>,
    /// Notes every VPC of the region carries (lookups that failed, an unknown account).
    notes: Vec<String>,
}

impl<'a> RegionIndex<'a> {
    fn build(
        flow_logs: &'a [FlowLog],
        subnets: Lookup<'a, Subnets>,
        interfaces: Lookup<'a, NetworkInterfaces>,
        ctx: &RuleContext<'_, FlowLogSettings>,
    ) -> Self {
        let mut by_resource: HashMap<&str, Vec<&FlowLog>> = HashMap::new();
        for log in flow_logs {
            by_resource.entry(log.resource_id.as_str()).or_default().push(log);
        }
        let subnet_vpc: HashMap<&str, &str> = subnets
            .looked_up()
            .iter()
            .map(|s| (s.id.as_str(), s.vpc_id.as_str()))
            .collect();
        let eni_vpc: HashMap<&str, &str> = interfaces
            .looked_up()
            .iter()
            .map(|n| (n.id.as_str(), n.vpc_id.as_str()))
            .collect();
        let mut below_vpc: HashMap<&str, Vec<&FlowLog>> = HashMap::new();
        let (mut unmatched_subnet, mut unmatched_eni) = (0, 0);
        for log in flow_logs {
            let (vpcs, unmatched) = match log.resource_type {
                FlowLogResourceType::Subnet => (&subnet_vpc, &mut unmatched_subnet),
                FlowLogResourceType::NetworkInterface => (&eni_vpc, &mut unmatched_eni),
                _ => continue,
            };
            match vpcs.get(log.resource_id.as_str()) {
                Some(vpc_id) => below_vpc.entry(vpc_id).or_default().push(log),
                None => *unmatched += 1,
            }
        }
        let region = ctx.scope().label();
        let mut notes = Vec::new();
        if unmatched_subnet > 0 {
            notes.push(lookup_note(
                subnets.state(),
                &Subnets::INFO,
                "subnet",
                unmatched_subnet,
                region,
            ));
        }
        if unmatched_eni > 0 {
            notes.push(lookup_note(
                interfaces.state(),
                &NetworkInterfaces::INFO,
                "network-interface",
                unmatched_eni,
                region,
            ));
        }
        // Templates have no account: a VPC they declare is theirs, never a shared one.
        if ctx.account().is_none() && ctx.scope().templates.is_none() {
            notes.push(
                "the scanned account is unknown (the caller identity could not be read), so VPCs shared \
                 by another account could not be told apart and were evaluated; only a VPC's owner can \
                 create its flow logs"
                    .to_string(),
            );
        }
        RegionIndex {
            by_resource,
            below_vpc,
            notes,
        }
    }

    fn of(map: &HashMap<&'a str, Vec<&'a FlowLog>>, vpc_id: &str) -> Vec<&'a FlowLog> {
        map.get(vpc_id).cloned().unwrap_or_default()
    }
}

/// Why some subnet- or ENI-level flow logs could not be matched to a VPC.
fn lookup_note<T>(
    state: KindState<'_, T>,
    kind: &KindInfo,
    level: &str,
    count: usize,
    region: &str,
) -> String {
    let logs = if count == 1 { "flow log" } else { "flow logs" };
    let what = kind.plural;
    let why = match state {
        KindState::Failed(e) => format!("the lookup of their {what} failed: {e}"),
        KindState::NotCollected => format!("{what} were not collected"),
        KindState::Listed(_) => format!("their {what} no longer exist"),
    };
    format!(
        "{count} {level}-level {logs} in {region} could not be matched to a VPC because {why}; \
         they would not count for a VPC in any case"
    )
}

/// Which of accepted and rejected traffic is recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Coverage {
    accept: bool,
    reject: bool,
}

impl Coverage {
    fn of(traffic: &TrafficType) -> Coverage {
        match traffic {
            TrafficType::All => Coverage {
                accept: true,
                reject: true,
            },
            TrafficType::Accept => Coverage {
                accept: true,
                reject: false,
            },
            TrafficType::Reject => Coverage {
                accept: false,
                reject: true,
            },
            TrafficType::Other(_) => Coverage::default(),
        }
    }

    fn required(traffic: RequiredTraffic) -> Coverage {
        match traffic {
            RequiredTraffic::Any => Coverage::default(),
            other => Coverage::of(&other.to_create()),
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

/// What disqualifies one flow log, apart from its traffic type.
fn problems(log: &FlowLog, settings: &FlowLogSettings) -> Vec<NotCounted> {
    let mut reasons = Vec::new();
    if !log.is_active() {
        reasons.push(NotCounted::NotActive);
    }
    if log.delivery_failed() && !settings.count_failed_delivery {
        reasons.push(NotCounted::DeliveryFailing);
    }
    if !settings.allows(&log.destination_type) {
        reasons.push(NotCounted::DestinationNotAllowed);
    }
    reasons
}

/// The finding for one VPC of the scope's own account.
fn judge_vpc(
    vpc: &Vpc,
    index: &RegionIndex<'_>,
    remediation: &mut RegionRemediation<'_>,
    ctx: &RuleContext<'_, FlowLogSettings>,
) -> Finding {
    let settings = ctx.settings();
    let required = Coverage::required(settings.traffic_type);
    let any = settings.traffic_type == RequiredTraffic::Any;
    let mut flow_logs: Vec<Judged<'_>> = RegionIndex::of(&index.by_resource, &vpc.id)
        .into_iter()
        .map(|log| Judged {
            log,
            considered: ConsideredFlowLog::of(log, false, problems(log, settings)),
        })
        .collect();
    let usable = |j: &&mut Judged<'_>| j.considered.reasons.is_empty();
    let covered = flow_logs
        .iter_mut()
        .filter(usable)
        .fold(Coverage::default(), |c, j| {
            c.union(Coverage::of(&j.log.traffic_type))
        });
    let pass = if any {
        flow_logs.iter().any(|j| j.considered.reasons.is_empty())
    } else {
        covered.contains(required)
    };
    // A usable flow log counts when the VPC passes and it records some of the required traffic.
    for j in flow_logs.iter_mut().filter(usable) {
        let records_required = any || Coverage::of(&j.log.traffic_type).intersects(required);
        match (pass, records_required) {
            (true, true) => j.considered.counted = true,
            (true, false) => j.considered.reasons.push(NotCounted::TrafficNotRequired),
            (false, _) => j.considered.reasons.push(NotCounted::TrafficNotCovered),
        }
    }
    let below: Vec<ConsideredFlowLog> = RegionIndex::of(&index.below_vpc, &vpc.id)
        .into_iter()
        .map(|log| {
            let reason = match log.resource_type {
                FlowLogResourceType::Subnet => NotCounted::AttachedToSubnet,
                _ => NotCounted::AttachedToNetworkInterface,
            };
            ConsideredFlowLog::of(log, false, vec![reason])
        })
        .collect();
    let message = if pass {
        // Prefer one flow log that satisfies the requirement alone.
        let alone = flow_logs
            .iter()
            .filter(|j| j.considered.counted)
            .map(|j| j.log)
            .find(|log| any || Coverage::of(&log.traffic_type).contains(required));
        pass_message(&flow_logs, alone, settings)
    } else {
        fail_message(&flow_logs, &below, settings)
    };
    let evidence = FlowLogEvidence {
        flow_logs: flow_logs.into_iter().map(|j| j.considered).collect(),
        subnet_and_interface_flow_logs: below,
        notes: index.notes.clone(),
    };
    if pass {
        ctx.pass(vpc, message).with_evidence(evidence)
    } else {
        let remediation = match Origin::of(ctx.scope(), &vpc.id) {
            Origin::Live => remediation.for_vpc(vpc),
            declared => template_remediation_for(&vpc.id, &declared, settings),
        };
        ctx.fail(vpc, message)
            .with_evidence(evidence)
            .with_remediation(remediation)
    }
}
