//! The executor of planned fixes over the AWS SDK: carries out the actions of
//! [`crate::fix`] with the regional EC2 clients of an [`SdkCollector`], dispatching on
//! [`FixAction::operation`]:
//!
//! - [`CREATE_FLOW_LOGS`]: flow logs, one CreateFlowLogs call per destination and up to
//!   300 VPCs, with idempotency tokens (`flow_logs.rs`).
//! - [`REVOKE_SECURITY_GROUP_RULES`]: RevokeSecurityGroupIngress and
//!   RevokeSecurityGroupEgress of exactly the planned rules, per group
//!   (`security_groups.rs`).
//! - [`MODIFY_INSTANCE_METADATA_OPTIONS`]: ModifyInstanceMetadataOptions with
//!   `HttpTokens=required`, per instance (`instances.rs`).
//!
//! Regions run at once, up to [`DEFAULT_CONCURRENCY`]; the actions of one region run one
//! after the other. A dry run sends every call with `DryRun=true`: AWS answers
//! `DryRunOperation` when it would succeed ([`FixResult::WouldSucceed`]) and
//! `UnauthorizedOperation` when a permission is missing ([`FixResult::Failed`], "would be
//! refused"); nothing changes. What is done already (a flow log that exists, rules
//! revoked since the scan, IMDSv2 already required) is reported as such, never as a
//! failure, so a repeated run is harmless.
//!
//! ```no_run
//! # async fn fix(actions: &[cloudposture_core::FixAction]) {
//! use cloudposture_aws::sdk::{SdkCollector, SdkOptions, fix};
//!
//! let aws = SdkCollector::new(SdkOptions::default()).await;
//! for outcome in fix::execute(&aws, actions, true).await {
//!     println!("{} {} ({}): {}", outcome.rule_id, outcome.resource_id, outcome.region, outcome.result);
//! }
//! # }
//! ```

mod flow_logs;
mod instances;
mod security_groups;

use std::collections::BTreeMap;

use cloudposture_core::{CollectError, FixAction};
use futures::StreamExt;

use super::SdkCollector;
use crate::collect::DEFAULT_CONCURRENCY;
use crate::fix::{
    CREATE_FLOW_LOGS, CreateFlowLogParams, FixOutcome, FixResult, FlowLogSpec,
    MODIFY_INSTANCE_METADATA_OPTIONS, REVOKE_SECURITY_GROUP_RULES, RequireImdsV2Params,
    RevokePermissionsParams,
};

/// AWS's answer to a dry run that would succeed.
const DRY_RUN_OK: &str = "DryRunOperation";

/// What one region has to do.
#[derive(Default)]
struct RegionWork {
    /// Flow log spec → VPC → indexes of the actions asking for it (twice is allowed).
    flow_logs: BTreeMap<FlowLogSpec, BTreeMap<String, Vec<usize>>>,
    /// Each revoke, with the index of its action.
    revokes: Vec<(usize, RevokePermissionsParams)>,
    /// Instance → indexes of the actions asking for IMDSv2 on it.
    instances: BTreeMap<String, Vec<usize>>,
}

/// Carries out `actions` and says what came of each, in the order of `actions`.
///
/// With `dry_run`, every call is sent with `DryRun=true` and nothing changes. A call that
/// fails fails the actions it was made for, with AWS's code and message. Actions of an
/// operation this executor does not know, or whose parameters are not that operation's,
/// fail without any call.
pub async fn execute(aws: &SdkCollector, actions: &[FixAction], dry_run: bool) -> Vec<FixOutcome> {
    let mut outcomes: Vec<FixOutcome> = Vec::with_capacity(actions.len());
    let mut work: BTreeMap<String, RegionWork> = BTreeMap::new();
    for (index, action) in actions.iter().enumerate() {
        let mut outcome = FixOutcome {
            rule_id: action.rule_id.to_string(),
            kind: action.resource.kind.to_string(),
            resource_id: action.resource.id.to_string(),
            region: action.resource.region_str().to_string(),
            result: FixResult::failed("NotRun", "the action was not carried out"),
        };
        if let Err(result) = plan(action, index, &mut outcome, &mut work) {
            outcome.result = result;
        }
        outcomes.push(outcome);
    }

    let done: Vec<Vec<(usize, FixResult)>> = futures::stream::iter(work)
        .map(|(region, work)| async move { execute_region(aws, &region, work, dry_run).await })
        .buffer_unordered(DEFAULT_CONCURRENCY)
        .collect()
        .await;
    for (index, result) in done.into_iter().flatten() {
        if let Some(outcome) = outcomes.get_mut(index) {
            outcome.result = result;
        }
    }
    outcomes
}

/// Files `action` under its region's work, naming its resource and region in `outcome`
/// as its parameters do; or why it cannot be carried out.
fn plan(
    action: &FixAction,
    index: usize,
    outcome: &mut FixOutcome,
    work: &mut BTreeMap<String, RegionWork>,
) -> Result<(), FixResult> {
    match action.operation {
        CREATE_FLOW_LOGS => {
            let params: &CreateFlowLogParams = parameters(action, "a flow log's")?;
            outcome.resource_id.clone_from(&params.vpc_id);
            outcome.region.clone_from(&params.spec.region);
            work.entry(params.spec.region.clone())
                .or_default()
                .flow_logs
                .entry(params.spec.clone())
                .or_default()
                .entry(params.vpc_id.clone())
                .or_default()
                .push(index);
        }
        REVOKE_SECURITY_GROUP_RULES => {
            let params: &RevokePermissionsParams = parameters(action, "a security group's rules")?;
            outcome.resource_id.clone_from(&params.group_id);
            outcome.region.clone_from(&params.region);
            work.entry(params.region.clone())
                .or_default()
                .revokes
                .push((index, params.clone()));
        }
        MODIFY_INSTANCE_METADATA_OPTIONS => {
            let params: &RequireImdsV2Params = parameters(action, "an instance's")?;
            outcome.resource_id.clone_from(&params.instance_id);
            outcome.region.clone_from(&params.region);
            work.entry(params.region.clone())
                .or_default()
                .instances
                .entry(params.instance_id.clone())
                .or_default()
                .push(index);
        }
        other => {
            return Err(FixResult::failed(
                "UnsupportedOperation",
                format!("cloudposture cannot carry out `{other}`"),
            ));
        }
    }
    Ok(())
}

/// The parameters of `action`, when they are the `T` of its operation.
fn parameters<'a, T: 'static>(action: &'a FixAction, what: &str) -> Result<&'a T, FixResult> {
    action.parameters.get::<T>().ok_or_else(|| {
        FixResult::failed(
            "InvalidParameters",
            format!("the parameters of `{}` are not {what}", action.operation),
        )
    })
}

async fn execute_region(
    aws: &SdkCollector,
    region: &str,
    work: RegionWork,
    dry_run: bool,
) -> Vec<(usize, FixResult)> {
    let client = aws.ec2_client(region);
    let mut results = Vec::new();
    if !work.flow_logs.is_empty() {
        results.extend(flow_logs::create_all(&client, region, work.flow_logs, dry_run).await);
    }
    for (index, params) in &work.revokes {
        results.push((*index, security_groups::revoke(&client, params, dry_run).await));
    }
    if !work.instances.is_empty() {
        results.extend(instances::require_imds_v2(&client, region, work.instances, dry_run).await);
    }
    results
}

/// A failed call as the result of the actions it was made for.
fn failure(error: &CollectError) -> FixResult {
    let code = error
        .code
        .clone()
        .unwrap_or_else(|| error.class.describe().to_string());
    FixResult::failed(code, error.message.clone())
}

/// A dry run that AWS refused for a missing permission (`permissions` names those the
/// call needs).
fn refused(error: &CollectError, permissions: &str) -> FixResult {
    FixResult::failed(
        error.code.clone().unwrap_or_default(),
        format!(
            "would be refused: missing permission ({permissions}): {}",
            error.message
        ),
    )
}
