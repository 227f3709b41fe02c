//! `cloudposture fix`: create what failing findings lack (for VPC-001, flow logs).
//!
//! flags checked (destination, role, traffic type: exit 2 before any API call) → live
//! scan → one action per failing finding of a rule that can fix it (passing, muted,
//! skipped and error findings are never touched) → plan printed → `DryRun=true` calls
//! (default) or the real ones (`--apply`) → with `--apply`, the regions fixed are scanned
//! again and the new status of each VPC is shown.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use anyhow::{Context, anyhow};
use cloudposture_aws::RegionScope;
use cloudposture_aws::fix::{FixOutcome, FixResult};
use cloudposture_aws::sdk::{SdkCollector, fix as executor};
use cloudposture_core::jiff::Timestamp;
use cloudposture_core::{
    ConfiguredSettings, Finding, FixError, FixPlan, Plan, PlannedRule, Report, ResourceRef, RuleContext,
    ScanSource, ScopeId, SettingsError, Status,
};
use serde::Serialize;

use crate::cli::{FixArgs, FixFormat, GlobalArgs, LiveArgs};
use crate::config_file;
use crate::exit::{CliError, Exit};
use crate::source;
use crate::terminal::Terminal;

/// Settings of the rules that `--destination`, `--role-arn` and `--traffic-type` set.
const DESTINATION_SETTING: &str = "remediation_destination";
const ROLE_SETTING: &str = "remediation_role_arn";
const TRAFFIC_SETTING: &str = "traffic_type";

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
    let config = config_file::load(global.config.as_deref())?;
    let registry = super::registry()?;
    let plan = config.plan(&registry, &args.selection.to_selection())?;
    let fix_settings = fix_settings(args, &plan)?;

    let show_progress = term.stderr_is_terminal && !global.quiet;
    let started_at = Timestamp::now();
    let inventory = source::collect_live(&args.live, &plan.required_kinds(), show_progress)?;
    let report = plan.evaluate(&inventory, ScanSource::Live, started_at);
    let fix_plan = FixPlan::from_findings(&report.findings, |finding| {
        match plan
            .rules()
            .iter()
            .position(|p| p.rule.metadata().id == finding.rule.id)
        {
            Some(i) => plan.rules()[i].rule.plan_fix(finding, &fix_settings[i]),
            None => Ok(None),
        }
    })
    .map_err(anyhow::Error::new)?;

    let outcomes = if fix_plan.actions.is_empty() {
        Vec::new()
    } else {
        execute(&args.live, &fix_plan, !args.apply)?
    };
    let after = if args.apply && !outcomes.is_empty() {
        Some(rescan(args, &plan, &outcomes, show_progress)?)
    } else {
        None
    };

    let result = FixReport::new(&report, &fix_plan, &outcomes, after.as_ref(), args.apply);
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

/// The settings each planned rule plans its fix with: its own, with the flags applied to
/// the settings it declares; checked as a scan checks settings, and by planning for a
/// passing finding (which gets no action, but bad options are an error whatever the
/// finding), so that bad flags stop the command before any API call.
fn fix_settings(args: &FixArgs, plan: &Plan<'_>) -> Result<Vec<ConfiguredSettings>, CliError> {
    let mut all = Vec::with_capacity(plan.rules().len());
    for planned in plan.rules() {
        let m = planned.rule.metadata();
        let mut raw: serde_json::Map<String, serde_json::Value> = match planned.settings.json() {
            serde_json::Value::Object(map) => map.clone(),
            _ => serde_json::Map::new(),
        };
        let declared = planned.rule.setting_docs();
        let declares = |name: &str| declared.iter().any(|d| d.name == name);
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
        probe(planned, &settings).map_err(anyhow::Error::new)?;
        all.push(settings);
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

/// Collects the regions of `outcomes` again and evaluates them.
fn rescan(
    args: &FixArgs,
    plan: &Plan<'_>,
    outcomes: &[FixOutcome],
    show_progress: bool,
) -> Result<Report, CliError> {
    let regions: BTreeSet<String> = outcomes.iter().map(|o| o.region.clone()).collect();
    let mut live = args.live.clone();
    live.regions = RegionScope::Only(regions.into_iter().collect());
    let started_at = Timestamp::now();
    let inventory = source::collect_live(&live, &plan.required_kinds(), show_progress)?;
    Ok(plan.evaluate(&inventory, ScanSource::Live, started_at))
}

/// What `fix` did, as printed.
#[derive(Debug, Serialize)]
struct FixReport<'a> {
    /// `dry-run` or `apply`.
    mode: &'static str,
    /// The scanned account.
    account: Option<&'a str>,
    /// Findings not touched, by status.
    not_touched: BTreeMap<&'static str, usize>,
    /// Regions that could not be read, with why: their VPCs are not fixed.
    regions_in_error: Vec<(&'a str, &'a str)>,
    /// The plan.
    plan: &'a FixPlan,
    /// One per action, with the status of its resource after the fix (`--apply`).
    results: Vec<ActionResult<'a>>,
}

#[derive(Debug, Serialize)]
struct ActionResult<'a> {
    rule_id: &'static str,
    resource: &'a ResourceRef,
    summary: &'a str,
    outcome: &'a FixResult,
    /// The rule's verdict after the fix (`--apply` only).
    after: Option<After<'a>>,
}

#[derive(Debug, Serialize)]
struct After<'a> {
    status: Status,
    message: &'a str,
}

impl<'a> FixReport<'a> {
    fn new(
        report: &'a Report,
        plan: &'a FixPlan,
        outcomes: &'a [FixOutcome],
        after: Option<&'a Report>,
        apply: bool,
    ) -> Self {
        let mut not_touched = BTreeMap::new();
        for status in [Status::Pass, Status::Muted, Status::Skipped, Status::Error] {
            let n = report.findings.iter().filter(|f| f.status == status).count();
            not_touched.insert(status.as_str(), n);
        }
        let regions_in_error = report
            .scan
            .regions
            .iter()
            .filter_map(|r| Some((r.name.as_str(), r.error.as_deref()?)))
            .collect();
        let results = plan
            .actions
            .iter()
            .zip(outcomes)
            .map(|(action, outcome)| ActionResult {
                rule_id: action.rule_id,
                resource: &action.resource,
                summary: &action.summary,
                outcome: &outcome.result,
                after: after.map(|report| {
                    report
                        .findings
                        .iter()
                        .find(|f| f.rule.id == action.rule_id && f.resource.id == action.resource.id)
                        .map_or(
                            After {
                                status: Status::Error,
                                message: "not found when scanned again",
                            },
                            |f| After {
                                status: f.status,
                                message: &f.message,
                            },
                        )
                }),
            })
            .collect();
        FixReport {
            mode: if apply { "apply" } else { "dry-run" },
            account: report.scan.account.as_deref(),
            not_touched,
            regions_in_error,
            plan,
            results,
        }
    }

    fn apply(&self) -> bool {
        self.mode == "apply"
    }

    /// 1 when an action failed (or would be refused) or a fixed resource does not pass;
    /// else 3 when some regions could not be read; else 0.
    fn exit(&self) -> Exit {
        let failed = self
            .results
            .iter()
            .any(|r| !r.outcome.is_success() || r.after.as_ref().is_some_and(|a| a.status != Status::Pass));
        if failed {
            Exit::Failing
        } else if !self.regions_in_error.is_empty() {
            Exit::Incomplete
        } else {
            Exit::Ok
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mode = if self.apply() {
            "apply"
        } else {
            "dry run: nothing is created"
        };
        writeln!(
            out,
            "cloudposture fix · account {} · {mode}",
            self.account.unwrap_or("(unknown account)")
        )?;
        writeln!(out)?;
        let n = self.plan.actions.len();
        if n == 0 {
            writeln!(out, "Nothing to fix: no failing finding.")?;
        } else {
            writeln!(out, "Plan: {n} {}", plural(n, "action", "actions"))?;
            let mut sorted: Vec<&ActionResult<'_>> = self.results.iter().collect();
            sorted.sort_by(|a, b| {
                (a.resource.region.as_deref(), a.resource.id.as_str())
                    .cmp(&(b.resource.region.as_deref(), b.resource.id.as_str()))
            });
            for r in &sorted {
                writeln!(out, "  {}  {}", r.rule_id, r.summary)?;
            }
            writeln!(out)?;
            writeln!(
                out,
                "{}",
                if self.apply() {
                    "Result:"
                } else {
                    "Dry run (DryRun=true):"
                }
            )?;
            let width = sorted.iter().map(|r| r.resource.id.len()).max().unwrap_or(0);
            for r in &sorted {
                let region = r.resource.region.as_deref().unwrap_or("-");
                let mut line = format!("  {:<width$}  {region}  {}", r.resource.id, r.outcome);
                if let Some(after) = &r.after {
                    line.push_str(&format!(" · now {}", after.status));
                    if after.status != Status::Pass {
                        line.push_str(&format!(": {}", after.message));
                    }
                }
                writeln!(out, "{line}")?;
            }
        }
        for item in &self.plan.not_planned {
            writeln!(
                out,
                "  not planned: {} {}: {}",
                item.rule_id, item.resource.id, item.reason
            )?;
        }
        writeln!(out)?;
        let touched: Vec<String> = self
            .not_touched
            .iter()
            .map(|(status, n)| format!("{n} {status}"))
            .collect();
        writeln!(out, "Not touched: {}", touched.join(", "))?;
        for (region, error) in &self.regions_in_error {
            writeln!(
                out,
                "  region {region} could not be read, its VPCs are not fixed: {error}"
            )?;
        }
        let count = |pred: fn(&FixResult) -> bool| self.results.iter().filter(|r| pred(r.outcome)).count();
        let failed = count(|o| !o.is_success());
        if n > 0 && self.apply() {
            let passing = self
                .results
                .iter()
                .filter(|r| r.after.as_ref().is_some_and(|a| a.status == Status::Pass))
                .count();
            writeln!(
                out,
                "{} created, {} already existed, {failed} failed; {passing} of {n} now pass",
                count(|o| matches!(o, FixResult::Created { .. })),
                count(|o| matches!(o, FixResult::AlreadyExists { .. })),
            )?;
        } else if n > 0 {
            writeln!(
                out,
                "{} would succeed, {failed} would be refused; nothing was created. Add --apply to create them.",
                n - failed
            )?;
        }
        Ok(())
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
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
