//! What VPC-001 writes on its findings: the evidence, as serde structs, and the messages.

use cloudposture_aws::{FlowLog, FlowLogResourceType};
use serde::{Deserialize, Serialize};

use super::settings::FlowLogSettings;

/// Messages list at most this many flow logs; the evidence lists all of them.
const MESSAGE_LIST_LIMIT: usize = 5;

pub(super) const NO_FLOW_LOG: &str = "no flow log is attached to the VPC";

/// The evidence of a `pass` or `fail` finding of VPC-001: the flow logs looked at, each
/// with whether it counted and, if not, why. The settings they were judged by are
/// written once, in the report's `rules` section. Read it back with
/// `finding.evidence.parse::<FlowLogEvidence>()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowLogEvidence {
    /// Flow logs attached to the VPC itself.
    pub flow_logs: Vec<ConsideredFlowLog>,
    /// Flow logs attached to the VPC's subnets or network interfaces: named, never counted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnet_and_interface_flow_logs: Vec<ConsideredFlowLog>,
    /// What else the reader should know (a failed subnet lookup, an unknown account…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One flow log as VPC-001 judged it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsideredFlowLog {
    /// `fl-…`.
    pub id: String,
    /// The subnet or network interface it is attached to (`subnet-…`, `eni-…`); absent
    /// for a flow log of the VPC itself, which is the finding's resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attached_to: Option<String>,
    /// `ALL`, `ACCEPT` or `REJECT`.
    pub traffic_type: String,
    /// `FlowLogStatus`, e.g. `ACTIVE`.
    pub status: String,
    /// `DeliverLogsStatus`: `SUCCESS` or `FAILED`; absent when AWS reports none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_status: Option<String>,
    /// `DeliverLogsErrorMessage`, e.g. `Access error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_error: Option<String>,
    /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
    pub destination_type: String,
    /// The destination ARN, or the log group.
    pub destination: String,
    /// Whether it made the VPC pass.
    pub counted: bool,
    /// Why it does not count (empty when it counts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<NotCounted>,
}

impl ConsideredFlowLog {
    /// `log` as judged: counted, or not for `reasons`.
    pub(super) fn of(log: &FlowLog, counted: bool, reasons: Vec<NotCounted>) -> Self {
        ConsideredFlowLog {
            id: log.id.clone(),
            attached_to: (log.resource_type != FlowLogResourceType::Vpc).then(|| log.resource_id.clone()),
            traffic_type: log.traffic_type.to_string(),
            status: log.flow_log_status.clone(),
            delivery_status: log.deliver_logs_status.clone(),
            delivery_error: log.deliver_logs_error_message.clone(),
            destination_type: log.destination_type.to_string(),
            destination: log.destination_label(),
            counted,
            reasons,
        }
    }
}

/// Why a flow log does not count for its VPC, as written in the evidence (`snake_case`).
/// The finding's message says the same in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotCounted {
    /// Its `FlowLogStatus` is not `ACTIVE`.
    NotActive,
    /// Its `DeliverLogsStatus` is `FAILED` and `count_failed_delivery` is false.
    DeliveryFailing,
    /// It sends to a destination type that `destination_types` does not list.
    DestinationNotAllowed,
    /// The VPC passes on other flow logs; this one records traffic that `traffic_type`
    /// does not ask for (e.g. `REJECT` when `ACCEPT` is required).
    TrafficNotRequired,
    /// It is usable, but the usable flow logs of the VPC together do not record the
    /// traffic `traffic_type` requires (e.g. only `REJECT` when `ALL` is required).
    TrafficNotCovered,
    /// It is attached to one of the VPC's subnets and records only that subnet.
    AttachedToSubnet,
    /// It is attached to a network interface in the VPC and records only that interface.
    AttachedToNetworkInterface,
}

impl NotCounted {
    /// Whether it makes a flow log unusable, whatever the other flow logs.
    pub fn disqualifies(self) -> bool {
        matches!(
            self,
            NotCounted::NotActive | NotCounted::DeliveryFailing | NotCounted::DestinationNotAllowed
        )
    }
}

/// The evidence of a VPC shared by another account.
#[derive(Debug, Serialize)]
pub(super) struct SharedVpcEvidence<'a> {
    pub(super) owner_id: &'a str,
    pub(super) scanned_account: &'a str,
}

/// A flow log of the VPC as judged, with the flow log itself for the messages.
pub(super) struct Judged<'a> {
    pub(super) log: &'a FlowLog,
    pub(super) considered: ConsideredFlowLog,
}

impl Judged<'_> {
    fn disqualified(&self) -> bool {
        self.considered.reasons.iter().any(|r| r.disqualifies())
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn delivery_error(log: &FlowLog) -> &str {
    log.deliver_logs_error_message
        .as_deref()
        .filter(|m| !m.is_empty())
        .unwrap_or("no error message reported")
}

/// The message of a passing VPC: the flow log that satisfies the requirement alone, or
/// the flow logs that do together.
pub(super) fn pass_message(
    flow_logs: &[Judged<'_>],
    alone: Option<&FlowLog>,
    settings: &FlowLogSettings,
) -> String {
    match alone {
        Some(log) => {
            let mut message = format!(
                "flow log {} is active and records {} traffic to {} ({})",
                log.id,
                log.traffic_type,
                log.destination_type,
                log.destination_label()
            );
            if log.delivery_failed() {
                message.push_str(&format!(
                    "; its delivery is failing ({}) but counts because `count_failed_delivery` is true",
                    delivery_error(log)
                ));
            }
            message
        }
        None => {
            let counted: Vec<String> = flow_logs
                .iter()
                .filter(|j| j.considered.counted)
                .map(|j| format!("{} ({})", j.log.id, j.log.traffic_type))
                .collect();
            format!(
                "flow logs {} together record {} traffic",
                and_list(&counted),
                settings.traffic_type.as_str()
            )
        }
    }
}

/// The message of a failing VPC: what is missing, and why each flow log does not count.
pub(super) fn fail_message(
    flow_logs: &[Judged<'_>],
    below: &[ConsideredFlowLog],
    settings: &FlowLogSettings,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if flow_logs.is_empty() {
        parts.push(NO_FLOW_LOG.to_string());
    } else if flow_logs.iter().any(|j| !j.disqualified()) {
        let mut recorded: Vec<String> = flow_logs
            .iter()
            .filter(|j| !j.disqualified())
            .map(|j| j.log.traffic_type.to_string())
            .collect();
        recorded.sort_unstable();
        recorded.dedup();
        parts.push(format!(
            "only {} traffic is logged but {} is required",
            and_list(&recorded),
            settings.traffic_type.as_str()
        ));
    }
    let rejected: Vec<&Judged<'_>> = flow_logs.iter().filter(|j| j.disqualified()).collect();
    for j in rejected.iter().take(MESSAGE_LIST_LIMIT) {
        let problems: Vec<String> = j
            .considered
            .reasons
            .iter()
            .filter_map(|reason| problem(*reason, j.log, settings))
            .collect();
        parts.push(format!("flow log {} {}", j.log.id, problems.join(", and ")));
    }
    if rejected.len() > MESSAGE_LIST_LIMIT {
        parts.push(format!(
            "{} other flow logs do not count (see the evidence)",
            rejected.len() - MESSAGE_LIST_LIMIT
        ));
    }
    if !below.is_empty() {
        let mut named: Vec<String> = below
            .iter()
            .take(MESSAGE_LIST_LIMIT)
            .map(|l| format!("{} on {}", l.id, l.attached_to.as_deref().unwrap_or_default()))
            .collect();
        if below.len() > MESSAGE_LIST_LIMIT {
            named.push(format!(
                "{} more (see the evidence)",
                below.len() - MESSAGE_LIST_LIMIT
            ));
        }
        parts.push(format!(
            "flow logs of its subnets or network interfaces do not count for the VPC: {}",
            named.join(", ")
        ));
    }
    parts.join("; ")
}

/// Words for a reason that disqualifies a flow log ("flow log fl-1 <words>"); the others
/// are said in the "only … traffic is logged" part.
fn problem(reason: NotCounted, log: &FlowLog, settings: &FlowLogSettings) -> Option<String> {
    match reason {
        NotCounted::NotActive => Some(format!("is not active (status {})", log.flow_log_status)),
        NotCounted::DeliveryFailing => Some(format!("is failing delivery: {}", delivery_error(log))),
        NotCounted::DestinationNotAllowed => Some(format!(
            "sends to {}, which is not an allowed destination (allowed: {})",
            log.destination_type,
            settings.allowed_list()
        )),
        _ => None,
    }
}
