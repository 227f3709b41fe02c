//! What `fix` did, as printed: the plan (each action's summary, with what it will
//! break), then per resource what happened to it and, with `--apply`, its status when
//! scanned again; as text or as JSON.

use std::collections::BTreeMap;
use std::io::Write;

use cloudposture_aws::fix::{FixOutcome, FixResult};
use cloudposture_core::{FixPlan, Report, ResourceRef, Status};
use serde::Serialize;

use crate::exit::Exit;

/// What `fix` did.
#[derive(Debug, Serialize)]
pub(super) struct FixReport<'a> {
    /// `dry-run` or `apply`.
    mode: &'static str,
    /// The scanned account.
    account: Option<&'a str>,
    /// Findings not touched, by status.
    not_touched: BTreeMap<&'static str, usize>,
    /// Regions that could not be read, with why: their resources are not fixed.
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
    /// The resource for people: `security group sg-…`.
    #[serde(skip)]
    label: String,
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
    pub(super) fn new(
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
        let same = |f: &cloudposture_core::Finding, rule_id: &str, resource: &ResourceRef| {
            f.rule.id == rule_id && f.resource.id == resource.id && f.resource.kind == resource.kind
        };
        let results = plan
            .actions
            .iter()
            .zip(outcomes)
            .map(|(action, outcome)| {
                let kind = report
                    .findings
                    .iter()
                    .find(|f| same(f, action.rule_id, &action.resource))
                    .map_or(action.resource.kind.as_str(), |f| f.kind.singular);
                ActionResult {
                    rule_id: action.rule_id,
                    resource: &action.resource,
                    label: format!("{kind} {}", action.resource.id),
                    summary: &action.summary,
                    outcome: &outcome.result,
                    after: after.map(|report| {
                        report
                            .findings
                            .iter()
                            .find(|f| same(f, action.rule_id, &action.resource))
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
                }
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
    pub(super) fn exit(&self) -> Exit {
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

    pub(super) fn write_text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mode = if self.apply() {
            "apply"
        } else {
            "dry run: nothing is changed"
        };
        writeln!(
            out,
            "cloudposture fix · account {} · {mode}",
            self.account.unwrap_or("(unknown account)")
        )?;
        writeln!(out)?;
        let n = self.plan.actions.len();
        let mut sorted: Vec<&ActionResult<'_>> = self.results.iter().collect();
        sorted.sort_by(|a, b| {
            (a.rule_id, a.resource.region.as_deref(), a.resource.id.as_str()).cmp(&(
                b.rule_id,
                b.resource.region.as_deref(),
                b.resource.id.as_str(),
            ))
        });
        if n == 0 && self.plan.not_planned.is_empty() {
            writeln!(out, "Nothing to fix: no failing finding.")?;
        } else if n == 0 {
            writeln!(out, "Nothing planned:")?;
        } else {
            writeln!(out, "Plan: {n} {}", plural(n, "action", "actions"))?;
            for r in &sorted {
                writeln!(out, "  {}  {}", r.rule_id, r.summary)?;
            }
        }
        let mut not_planned: Vec<_> = self.plan.not_planned.iter().collect();
        not_planned.sort_by(|a, b| {
            (a.rule_id, a.resource.region.as_deref(), a.resource.id.as_str()).cmp(&(
                b.rule_id,
                b.resource.region.as_deref(),
                b.resource.id.as_str(),
            ))
        });
        for item in not_planned {
            writeln!(
                out,
                "  not planned: {} {}: {}",
                item.rule_id, item.resource.id, item.reason
            )?;
        }
        if n > 0 {
            writeln!(out)?;
            let title = if self.apply() {
                "Result:"
            } else {
                "Dry run (DryRun=true):"
            };
            writeln!(out, "{title}")?;
            let width = sorted.iter().map(|r| r.label.len()).max().unwrap_or(0);
            for r in &sorted {
                let region = r.resource.region.as_deref().unwrap_or("-");
                let mut line = format!("  {}  {:<width$}  {region}  {}", r.rule_id, r.label, r.outcome);
                if let Some(after) = &r.after {
                    line.push_str(&format!(" · now {}", after.status));
                    if after.status != Status::Pass {
                        line.push_str(&format!(": {}", after.message));
                    }
                }
                writeln!(out, "{line}")?;
            }
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
                "  region {region} could not be read, its resources are not fixed: {error}"
            )?;
        }
        if n > 0 {
            writeln!(out, "{}", self.tally())?;
        }
        Ok(())
    }

    /// The last line: how many actions did what.
    fn tally(&self) -> String {
        let count =
            |pred: &dyn Fn(&FixResult) -> bool| self.results.iter().filter(|r| pred(r.outcome)).count();
        let failed = count(&|o| !o.is_success());
        let already = count(&FixResult::was_already_done);
        let n = self.results.len();
        if !self.apply() {
            let already = if already > 0 {
                format!(" ({already} already done)")
            } else {
                String::new()
            };
            return format!(
                "{} would succeed{already}, {failed} would be refused; nothing was changed. Add --apply to \
                 carry them out.",
                n - failed
            );
        }
        let changes = [
            (count(&|o| matches!(o, FixResult::Created { .. })), "created"),
            (count(&|o| matches!(o, FixResult::Revoked { .. })), "revoked"),
            (count(&|o| *o == FixResult::ImdsV2Required), "now require IMDSv2"),
        ];
        let mut parts: Vec<String> = changes
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        if parts.is_empty() {
            parts.push("0 changed".into());
        }
        let passing = self
            .results
            .iter()
            .filter(|r| r.after.as_ref().is_some_and(|a| a.status == Status::Pass))
            .count();
        format!(
            "{}, {already} already done, {failed} failed; {passing} of {n} now pass",
            parts.join(", ")
        )
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}
