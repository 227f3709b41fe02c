//! `cloudposture fix`: fix what failing findings of the selected rules lack (flow logs,
//! world-open or default security group rules, IMDSv1).
//!
//! flags checked (destination, role, traffic type: exit 2 before any API call) → live
//! scan → one action per failing finding of a rule that can fix it (passing, muted,
//! skipped and error findings are never touched) → plan printed → `DryRun=true` calls
//! (default) or the real ones (`--apply`) → with `--apply`, the affected regions are
//! scanned again for the rules that acted and the new status of each resource is shown.

mod report;

use std::collections::BTreeSet;

use anyhow::{Context, anyhow};
use cloudposture_aws::RegionScope;
use cloudposture_aws::fix::FixOutcome;
use cloudposture_aws::sdk::{SdkCollector, fix as executor};
use cloudposture_core::jiff::Timestamp;
use cloudposture_core::{
    ConfiguredSettings, Finding, FixError, FixPlan, Plan, PlannedRule, Registry, Report, ResourceRef,
    RuleContext, ScanSource, ScopeId, Selection, SettingsError, Status, selector_matches,
};

use crate::cli::{FixArgs, FixFormat, GlobalArgs, LiveArgs};
use crate::config_file::{self, LoadedConfig};
use crate::exit::{CliError, Exit};
use crate::source;
use crate::terminal::Terminal;

/// Settings of the rules that `--destination`, `--role-arn` and `--traffic-type` set.
const DESTINATION_SETTING: &str = "remediation_destination";
const ROLE_SETTING: &str = "remediation_role_arn";
const TRAFFIC_SETTING: &str = "traffic_type";

/// How one planned rule plans its fixes.
struct RuleFix {
    /// Its settings, with the flags applied.
    settings: ConfiguredSettings,
    /// Why it cannot plan any fix with these options (e.g. VPC-001 without a
    /// destination), when the rule was selected without being asked for by name and
    /// none of its fix flags was given: its failing findings are then not planned, with
    /// this reason, instead of stopping the command.
    cannot_plan: Option<String>,
}

/// Runs `fix`.
pub fn run(args: &FixArgs, global: &GlobalArgs, term: &mut Terminal<'_>) -> Result<Exit, CliError> {
    if let Some(path) = &args.snapshot {
        return Err(anyhow!(
            "fix needs a live account; --snapshot `{}` can be scanned but not changed: drop --snapshot and \
             name the account with --profile (and --regions)",
            path.display()
        )
        .into());
    }
    if let Some(path) = args.templates.first() {
        return Err(anyhow!(
            "fix changes a live account; a template (`{}`) is fixed by editing it: `scan --template` gives, \
             in each failing finding's remediation, the block to add or change there",
            path.display()
        )
        .into());
    }
    if args.live.accounts.is_multi() {
        return Err(anyhow!(
            "fix changes one account at a time; --accounts and --accounts-file are for scan and collect: \
             run fix with each account's credentials (--profile)"
        )
        .into());
    }
    let config = config_file::load(global.config.as_deref())?;
    let registry = super::registry()?;
    let plan = config.plan(&registry, &args.selection.to_selection())?;
    let rule_fixes = rule_fixes(args, &plan)?;

    let show_progress = term.stderr_is_terminal && !global.quiet;
    let started_at = Timestamp::now();
    let inventory = source::collect_live(&args.live, &plan.required_kinds(), show_progress)?;
    let report = plan.evaluate(&inventory, ScanSource::Live, started_at);
    let rule_fix = |id: &str| {
        let i = plan.rules().iter().position(|p| p.rule.metadata().id == id)?;
        Some((&plan.rules()[i], &rule_fixes[i]))
    };
    let mut fix_plan = FixPlan::from_findings(&report.findings, |finding| match rule_fix(finding.rule.id) {
        Some((
            _,
            RuleFix {
                cannot_plan: Some(_), ..
            },
        ))
        | None => Ok(None),
        Some((planned, fix)) => planned.rule.plan_fix(finding, &fix.settings),
    })
    .map_err(anyhow::Error::new)?;
    for item in &mut fix_plan.not_planned {
        if let Some((
            _,
            RuleFix {
                cannot_plan: Some(reason),
                ..
            },
        )) = rule_fix(item.rule_id)
        {
            item.reason.clone_from(reason);
        }
    }

    let outcomes = if fix_plan.actions.is_empty() {
        Vec::new()
    } else {
        execute(&args.live, &fix_plan, !args.apply)?
    };
    let after = if args.apply && !outcomes.is_empty() {
        Some(rescan(
            args,
            &config,
            &registry,
            &fix_plan,
            &outcomes,
            show_progress,
        )?)
    } else {
        None
    };

    let result = report::FixReport::new(&report, &fix_plan, &outcomes, after.as_ref(), args.apply);
    match args.format {
        FixFormat::Text => result.write_text(&mut *term.out),
        FixFormat::Json => serde_json::to_writer_pretty(&mut *term.out, &result)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(term.out)),
    }
    .context("cannot write to stdout")?;
    term.out.flush().context("cannot write to stdout")?;
    Ok(result.exit())
}

/// How each planned rule plans its fix: its own settings, with the flags applied to the
/// settings it declares; checked as a scan checks settings, and by planning for a passing
/// finding (which gets no action, but bad options are an error whatever the finding), so
/// that bad flags stop the command before any API call. Options that cannot make any
/// fix (no destination for VPC-001) stop it too when `--rules` names the rule or one of
/// its fix flags was given; otherwise that rule's findings are only not planned.
fn rule_fixes(args: &FixArgs, plan: &Plan<'_>) -> Result<Vec<RuleFix>, CliError> {
    let mut all = Vec::with_capacity(plan.rules().len());
    for planned in plan.rules() {
        let m = planned.rule.metadata();
        let mut raw: serde_json::Map<String, serde_json::Value> = match planned.settings.json() {
            serde_json::Value::Object(map) => map.clone(),
            _ => serde_json::Map::new(),
        };
        let declared = planned.rule.setting_docs();
        let declares = |name: &str| declared.iter().any(|d| d.name == name);
        let flag_given = (args.destination.is_some() && declares(DESTINATION_SETTING))
            || (args.role_arn.is_some() && declares(ROLE_SETTING))
            || (args.traffic_type.is_some() && declares(TRAFFIC_SETTING));
        if let Some(destination) = &args.destination
            && declares(DESTINATION_SETTING)
        {
            raw.insert(DESTINATION_SETTING.into(), destination.clone().into());
            // The configured role belongs to the configured destination.
            raw.remove(ROLE_SETTING);
        }
        if let Some(role) = &args.role_arn
            && declares(ROLE_SETTING)
        {
            raw.insert(ROLE_SETTING.into(), role.clone().into());
        }
        if declares(TRAFFIC_SETTING) {
            let required = raw
                .get(TRAFFIC_SETTING)
                .and_then(|v| v.as_str())
                .unwrap_or("any")
                .to_string();
            if let Some(traffic) = args.traffic_type {
                if !traffic.covers(&required) {
                    return Err(anyhow!(
                        "`--traffic-type {}` would not make the VPCs pass: rule `{}` requires {required} \
                         traffic (its `traffic_type` setting); use `--traffic-type ALL` or `{required}`",
                        traffic.as_str(),
                        m.id
                    )
                    .into());
                }
                raw.insert(TRAFFIC_SETTING.into(), traffic.as_str().into());
            }
        }
        let settings = planned.rule.configure(&raw).map_err(|e| flag_error(args, e))?;
        let named = args.selection.rules.iter().any(|s| selector_matches(s, m.id));
        let cannot_plan = match probe(planned, &settings) {
            Ok(()) => None,
            Err(e) if named || flag_given => return Err(anyhow::Error::new(e).into()),
            Err(e) => Some(e.message),
        };
        all.push(RuleFix {
            settings,
            cannot_plan,
        });
    }
    Ok(all)
}

/// A settings error, in the words of the flag that caused it.
fn flag_error(args: &FixArgs, error: SettingsError) -> CliError {
    if let SettingsError::InvalidValue { key, detail, .. } = &error {
        let flag = match key.as_str() {
            DESTINATION_SETTING if args.destination.is_some() => Some("--destination"),
            ROLE_SETTING if args.role_arn.is_some() => Some("--role-arn"),
            _ => None,
        };
        if let Some(flag) = flag {
            return anyhow!("invalid `{flag}`: {detail}").into();
        }
    }
    anyhow::Error::new(error).into()
}

/// Plans a fix for a passing finding: no action, but an error when the options cannot
/// make one (no destination, a CloudWatch Logs destination without a role).
fn probe(planned: &PlannedRule<'_>, settings: &ConfiguredSettings) -> Result<(), FixError> {
    let m = planned.rule.metadata();
    let kind = planned.rule.kind();
    let scope = ScopeId::region(None, "us-east-1");
    let ctx = RuleContext::new(m, kind, &(), planned.risk, &scope);
    let finding: Finding = ctx.finding(
        Status::Pass,
        ResourceRef::new(kind.name, "-").in_region("us-east-1"),
        "",
    );
    planned.rule.plan_fix(&finding, settings).map(|_| ())
}

/// Sends the plan's calls: with `DryRun=true` when `dry_run`.
fn execute(live: &LiveArgs, plan: &FixPlan, dry_run: bool) -> anyhow::Result<Vec<FixOutcome>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    tracing::info!(actions = plan.actions.len(), dry_run, "fixing");
    Ok(runtime.block_on(async {
        let aws = SdkCollector::new(source::sdk_options(live)).await;
        executor::execute(&aws, &plan.actions, dry_run).await
    }))
}

/// Collects the regions of `outcomes` again and evaluates the rules that acted there
/// (configured as for the first scan), reading only what those rules need.
fn rescan(
    args: &FixArgs,
    config: &LoadedConfig,
    registry: &Registry,
    fix_plan: &FixPlan,
    outcomes: &[FixOutcome],
    show_progress: bool,
) -> Result<Report, CliError> {
    let rules: BTreeSet<&str> = fix_plan.actions.iter().map(|a| a.rule_id).collect();
    let plan = config.plan(registry, &Selection::rules(rules))?;
    let regions: BTreeSet<String> = outcomes.iter().map(|o| o.region.clone()).collect();
    let mut live = args.live.clone();
    live.regions = RegionScope::Only(regions.into_iter().collect());
    let started_at = Timestamp::now();
    let inventory = source::collect_live(&live, &plan.required_kinds(), show_progress)?;
    Ok(plan.evaluate(&inventory, ScanSource::Live, started_at))
}

#[cfg(test)]
mod tests {
    use crate::cli::FixTraffic;

    #[test]
    fn traffic_types_cover_what_they_record() {
        assert!(
            FixTraffic::All.covers("ALL")
                && FixTraffic::All.covers("REJECT")
                && FixTraffic::All.covers("any")
        );
        assert!(FixTraffic::Reject.covers("any") && FixTraffic::Reject.covers("REJECT"));
        assert!(!FixTraffic::Reject.covers("ALL") && !FixTraffic::Accept.covers("REJECT"));
    }
}
