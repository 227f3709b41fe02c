//! `ec2:CreateFlowLogs` actions ([`crate::fix::CreateFlowLogParams`]).
//!
//! Per region: one DescribeFlowLogs per 200 planned VPCs finds those that already have
//! the planned flow log (they are reported [`FixResult::AlreadyExists`] and left alone),
//! then one CreateFlowLogs call per [`FlowLogSpec`] and [`MAX_VPCS_PER_CALL`] VPCs creates
//! the rest, with a client token derived from the sorted VPC ids and the spec, so that a
//! repeated call creates nothing twice. A dry run sends the same calls with
//! `DryRun=true`: AWS checks the permissions and creates nothing.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_sdk_ec2::operation::create_flow_logs::CreateFlowLogsOutput;
use aws_sdk_ec2::operation::describe_flow_logs::builders::DescribeFlowLogsFluentBuilder;
use aws_sdk_ec2::types as ec2;
use cloudposture_core::{CollectError, ErrorClass};

use super::{DRY_RUN_OK, failure, refused};
use crate::fix::{FixResult, FlowLogSpec, MAX_VPCS_PER_CALL};
use crate::kinds::FlowLog;
use crate::sdk::{IDS_PER_CALL, MAX_PAGE_SIZE, classify, id_filter};

/// AWS's (and moto's) answer to creating a flow log that exists.
const ALREADY_EXISTS: &str = "FlowLogAlreadyExists";

/// Creates the flow logs of one region: spec → VPC → indexes of the actions asking for it
/// (twice is allowed). The result of each action, by index.
pub(super) async fn create_all(
    client: &aws_sdk_ec2::Client,
    region: &str,
    specs: BTreeMap<FlowLogSpec, BTreeMap<String, Vec<usize>>>,
    dry_run: bool,
) -> Vec<(usize, FixResult)> {
    let mut vpc_ids: Vec<String> = specs.values().flat_map(|v| v.keys().cloned()).collect();
    vpc_ids.sort();
    vpc_ids.dedup();
    // Without this listing the calls still go out: their client tokens, and AWS's own
    // duplicate check, keep a repeated run from creating anything twice.
    let existing = match flow_logs_of(client, region, &vpc_ids).await {
        Ok(logs) => logs,
        Err(e) => {
            tracing::warn!(region, error = %e, "cannot list the flow logs of the planned VPCs");
            Vec::new()
        }
    };

    let mut results = Vec::new();
    for (spec, vpcs) in specs {
        let mut to_create: Vec<(String, Vec<usize>)> = Vec::new();
        for (vpc, indexes) in vpcs {
            match existing.iter().find(|log| spec.is_met_by(&vpc, log)) {
                Some(log) => results.extend(indexes.into_iter().map(|i| {
                    let result = FixResult::AlreadyExists {
                        flow_log_id: Some(log.id.clone()),
                    };
                    (i, result)
                })),
                None => to_create.push((vpc, indexes)),
            }
        }
        for batch in to_create.chunks(MAX_VPCS_PER_CALL) {
            let ids: Vec<String> = batch.iter().map(|(vpc, _)| vpc.clone()).collect();
            let mut by_vpc = create(client, region, &spec, &ids, dry_run).await;
            for (vpc, indexes) in batch {
                let result = by_vpc.remove(vpc).unwrap_or_else(|| {
                    FixResult::failed(
                        "NoAnswer",
                        "CreateFlowLogs did not report on this VPC; check with `aws ec2 describe-flow-logs`",
                    )
                });
                results.extend(indexes.iter().map(|i| (*i, result.clone())));
            }
        }
    }
    results
}

/// The flow logs attached to `vpc_ids` (one DescribeFlowLogs per 200 ids, every page).
async fn flow_logs_of(
    client: &aws_sdk_ec2::Client,
    region: &str,
    vpc_ids: &[String],
) -> Result<Vec<FlowLog>, CollectError> {
    let requests = vpc_ids.chunks(IDS_PER_CALL).map(|chunk| {
        client
            .describe_flow_logs()
            .filter(id_filter("resource-id", chunk))
            .max_results(MAX_PAGE_SIZE)
    });
    read_flow_logs(region, requests).await
}

/// The flow logs with these ids (at most [`MAX_VPCS_PER_CALL`]: one call, which takes
/// up to 1,000 ids).
async fn flow_logs_by_id(
    client: &aws_sdk_ec2::Client,
    region: &str,
    flow_log_ids: &[String],
) -> Result<Vec<FlowLog>, CollectError> {
    let request = client
        .describe_flow_logs()
        .set_flow_log_ids(Some(flow_log_ids.to_vec()));
    read_flow_logs(region, [request]).await
}

/// Every page of each of `requests`.
async fn read_flow_logs(
    region: &str,
    requests: impl IntoIterator<Item = DescribeFlowLogsFluentBuilder>,
) -> Result<Vec<FlowLog>, CollectError> {
    let mut calls = 0;
    let mut logs = Vec::new();
    for request in requests {
        let mut pages = request.into_paginator().send();
        while let Some(page) = pages.next().await {
            calls += 1;
            let page = page.map_err(|e| classify("DescribeFlowLogs", &e, calls))?;
            logs.extend(
                page.flow_logs
                    .unwrap_or_default()
                    .into_iter()
                    .map(|f| crate::kinds::convert_flow_log(f, region, None)),
            );
        }
    }
    Ok(logs)
}

/// One CreateFlowLogs call for `ids` (at most [`MAX_VPCS_PER_CALL`]); the result of each VPC.
async fn create(
    client: &aws_sdk_ec2::Client,
    region: &str,
    spec: &FlowLogSpec,
    ids: &[String],
    dry_run: bool,
) -> HashMap<String, FixResult> {
    let sent = client
        .create_flow_logs()
        .resource_type(ec2::FlowLogsResourceType::Vpc)
        .set_resource_ids(Some(ids.to_vec()))
        .traffic_type(ec2::TrafficType::from(spec.traffic_type.as_str()))
        .log_destination_type(ec2::LogDestinationType::from(spec.destination_type.as_str()))
        .set_log_destination(spec.log_destination.clone())
        .set_log_group_name(spec.log_group_name.clone())
        .set_deliver_logs_permission_arn(spec.deliver_logs_permission_arn.clone())
        .client_token(spec.client_token(ids))
        .dry_run(dry_run)
        .send()
        .await;
    let all = |result: FixResult| ids.iter().map(|id| (id.clone(), result.clone())).collect();
    match sent {
        Ok(out) => {
            if dry_run {
                tracing::warn!(
                    region,
                    "the endpoint ignored DryRun=true and created the flow logs"
                );
            }
            created(client, region, ids, out).await
        }
        Err(e) if dry_run && e.code() == Some(DRY_RUN_OK) => all(FixResult::WouldSucceed),
        Err(e) => {
            let error = classify("CreateFlowLogs", &e, 1);
            match error.code.as_deref() {
                _ if dry_run && error.class == ErrorClass::AccessDenied => all(refused(
                    &error,
                    "ec2:CreateFlowLogs, or iam:PassRole on the delivery role",
                )),
                Some(ALREADY_EXISTS) => already_existing(client, region, spec, ids, &error).await,
                _ => all(failure(&error)),
            }
        }
    }
}

/// The call failed because a flow log exists (another run, or a flow log created since the
/// listing): the VPCs that have the planned flow log now are done, the others failed.
async fn already_existing(
    client: &aws_sdk_ec2::Client,
    region: &str,
    spec: &FlowLogSpec,
    ids: &[String],
    error: &CollectError,
) -> HashMap<String, FixResult> {
    let existing = flow_logs_of(client, region, ids).await.unwrap_or_default();
    ids.iter()
        .map(|id| {
            let result = match existing.iter().find(|log| spec.is_met_by(id, log)) {
                Some(log) => FixResult::AlreadyExists {
                    flow_log_id: Some(log.id.clone()),
                },
                None => failure(error),
            };
            (id.clone(), result)
        })
        .collect()
}

/// Maps a CreateFlowLogs answer to each VPC: its `Unsuccessful` item, or the flow log
/// created for it.
async fn created(
    client: &aws_sdk_ec2::Client,
    region: &str,
    ids: &[String],
    out: CreateFlowLogsOutput,
) -> HashMap<String, FixResult> {
    let mut results = HashMap::new();
    for item in out.unsuccessful.unwrap_or_default() {
        let Some(id) = item.resource_id.filter(|id| ids.contains(id)) else {
            continue;
        };
        let (code, message) = item
            .error
            .map(|e| (e.code.unwrap_or_default(), e.message.unwrap_or_default()))
            .unwrap_or_default();
        let result = if code == ALREADY_EXISTS {
            FixResult::AlreadyExists { flow_log_id: None }
        } else {
            let code = if code.is_empty() {
                "Unsuccessful".to_string()
            } else {
                code
            };
            FixResult::Failed { code, message }
        };
        results.insert(id, result);
    }
    let pending: Vec<&String> = ids.iter().filter(|id| !results.contains_key(*id)).collect();
    let flow_log_ids = out.flow_log_ids.unwrap_or_default();
    // The answer lists the new flow logs without their VPCs: ask which is whose, unless
    // there is only one of each.
    let mut owner: HashMap<String, String> = HashMap::new();
    if let ([vpc], [flow_log]) = (pending.as_slice(), flow_log_ids.as_slice()) {
        owner.insert(flow_log.clone(), (*vpc).clone());
    } else if !flow_log_ids.is_empty() {
        match flow_logs_by_id(client, region, &flow_log_ids).await {
            Ok(logs) => owner.extend(logs.into_iter().map(|l| (l.id, l.resource_id))),
            Err(e) => tracing::warn!(region, error = %e, "cannot look the created flow logs up"),
        }
    }
    let mut unmatched_logs = Vec::new();
    for flow_log in flow_log_ids {
        match owner.get(&flow_log) {
            Some(vpc) if pending.contains(&vpc) && !results.contains_key(vpc) => {
                results.insert(
                    vpc.clone(),
                    FixResult::Created {
                        flow_log_id: flow_log,
                    },
                );
            }
            _ => unmatched_logs.push(flow_log),
        }
    }
    // Not found by the look-up (eventual consistency): EC2 lists the new flow logs in the
    // order of `ResourceIds`, which is only trusted when the counts agree.
    let unmatched_vpcs: Vec<&String> = pending
        .into_iter()
        .filter(|id| !results.contains_key(*id))
        .collect();
    if unmatched_vpcs.len() == unmatched_logs.len() {
        for (vpc, flow_log) in unmatched_vpcs.into_iter().zip(unmatched_logs) {
            results.insert(
                vpc.clone(),
                FixResult::Created {
                    flow_log_id: flow_log,
                },
            );
        }
    }
    results
}
