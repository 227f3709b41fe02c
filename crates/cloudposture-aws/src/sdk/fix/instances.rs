//! `ec2:ModifyInstanceMetadataOptions` actions ([`crate::fix::RequireImdsV2Params`]):
//! IMDSv2 required (`HttpTokens=required`, the endpoint and hop limit left as they are).
//!
//! Per region: one DescribeInstances per 200 planned instances finds those that require
//! IMDSv2 already (reported [`FixResult::ImdsV2AlreadyRequired`] and left alone; if the
//! listing fails the calls still go out, and requiring it again simply succeeds), then one
//! ModifyInstanceMetadataOptions call per instance.

use std::collections::{BTreeMap, HashSet};

use aws_sdk_ec2::types as ec2;
use cloudposture_core::{CollectError, ErrorClass};

use super::{DRY_RUN_OK, failure, refused};
use crate::fix::FixResult;
use crate::sdk::{IDS_PER_CALL, MAX_PAGE_SIZE, classify, id_filter};

const OPERATION: &str = "ModifyInstanceMetadataOptions";

/// Requires IMDSv2 on the instances of one region: instance → indexes of the actions
/// asking for it. The result of each action, by index.
pub(super) async fn require_imds_v2(
    client: &aws_sdk_ec2::Client,
    region: &str,
    instances: BTreeMap<String, Vec<usize>>,
    dry_run: bool,
) -> Vec<(usize, FixResult)> {
    let ids: Vec<String> = instances.keys().cloned().collect();
    let required = match requiring_tokens(client, &ids).await {
        Ok(required) => required,
        Err(e) => {
            tracing::warn!(region, error = %e, "cannot read the metadata options of the planned instances");
            HashSet::new()
        }
    };
    let mut results = Vec::new();
    for (id, indexes) in instances {
        let result = if required.contains(&id) {
            FixResult::ImdsV2AlreadyRequired
        } else {
            require(client, &id, dry_run).await
        };
        results.extend(indexes.into_iter().map(|i| (i, result.clone())));
    }
    results
}

/// Those of `ids` whose metadata options say `HttpTokens=required`.
async fn requiring_tokens(
    client: &aws_sdk_ec2::Client,
    ids: &[String],
) -> Result<HashSet<String>, CollectError> {
    let mut required = HashSet::new();
    let mut calls = 0;
    for chunk in ids.chunks(IDS_PER_CALL) {
        let mut pages = client
            .describe_instances()
            .filters(id_filter("instance-id", chunk))
            .max_results(MAX_PAGE_SIZE)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            calls += 1;
            let page = page.map_err(|e| classify("DescribeInstances", &e, calls))?;
            let instances = page
                .reservations
                .unwrap_or_default()
                .into_iter()
                .flat_map(|r| r.instances.unwrap_or_default());
            for instance in instances {
                let tokens = instance.metadata_options.and_then(|m| m.http_tokens);
                if let (Some(id), Some(ec2::HttpTokensState::Required)) = (instance.instance_id, tokens) {
                    required.insert(id);
                }
            }
        }
    }
    Ok(required)
}

/// One ModifyInstanceMetadataOptions call.
async fn require(client: &aws_sdk_ec2::Client, instance_id: &str, dry_run: bool) -> FixResult {
    let sent = client
        .modify_instance_metadata_options()
        .instance_id(instance_id)
        .http_tokens(ec2::HttpTokensState::Required)
        .dry_run(dry_run)
        .send()
        .await;
    match sent {
        Ok(_) => {
            if dry_run {
                tracing::warn!(
                    instance_id,
                    "the endpoint ignored DryRun=true and required IMDSv2"
                );
            }
            FixResult::ImdsV2Required
        }
        Err(e) => {
            let error = classify(OPERATION, &e, 1);
            match error.code.as_deref() {
                Some(DRY_RUN_OK) if dry_run => FixResult::WouldSucceed,
                _ if dry_run && error.class == ErrorClass::AccessDenied => {
                    refused(&error, "ec2:ModifyInstanceMetadataOptions")
                }
                _ => failure(&error),
            }
        }
    }
}
