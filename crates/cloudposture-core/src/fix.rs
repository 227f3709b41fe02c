//! Remediation that acts: a rule can turn its failing findings into a [`FixPlan`] of
//! one [`FixAction`] per resource, which a provider's executor carries out.
//!
//! Plans are data (serializable, human-readable) so that they can be shown, reviewed
//! and validated (e.g. with AWS `DryRun`) before anything changes.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use thiserror::Error;

use crate::finding::{Finding, Status};
use crate::resource::ResourceRef;

/// One change to one resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixAction {
    /// The rule whose failing finding this fixes.
    pub rule_id: &'static str,
    /// The resource to change.
    pub resource: ResourceRef,
    /// What will be done, for people: "create an ALL flow log to s3 arn:aws:s3:::logs".
    pub summary: String,
    /// Provider operation, e.g. `ec2:CreateFlowLogs`; executors dispatch on it.
    pub operation: &'static str,
    /// Operation parameters: the provider's own type, read back by its executor with
    /// [`FixParameters::get`].
    pub parameters: FixParameters,
}

/// The typed parameters of a [`FixAction`]: any serializable type of the provider's
/// (e.g. `cloudposture_aws::fix::CreateFlowLogParams`), shown in plans as JSON and read
/// back by the executor as that type.
#[derive(Clone)]
pub struct FixParameters(Arc<dyn AnyParameters>);

trait AnyParameters: erased_serde::Serialize + fmt::Debug + Send + Sync {
    fn as_any(&self) -> &dyn Any;
}

impl<T: Serialize + fmt::Debug + Send + Sync + 'static> AnyParameters for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl FixParameters {
    /// Wraps `parameters`.
    pub fn new<T: Serialize + fmt::Debug + Send + Sync + 'static>(parameters: T) -> Self {
        FixParameters(Arc::new(parameters))
    }

    /// No parameters.
    pub fn none() -> Self {
        FixParameters::new(())
    }

    /// The parameters, when they are a `T`.
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.0.as_any().downcast_ref()
    }
}

impl fmt::Debug for FixParameters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for FixParameters {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        erased_serde::serialize(self.0.as_ref(), serializer)
    }
}

impl PartialEq for FixParameters {
    /// Equal when they serialize the same.
    fn eq(&self, other: &Self) -> bool {
        serde_json::to_value(self).ok() == serde_json::to_value(other).ok()
    }
}

/// A finding for which no action is planned, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotPlanned {
    /// The rule.
    pub rule_id: &'static str,
    /// The resource.
    pub resource: ResourceRef,
    /// Why nothing is planned.
    pub reason: String,
}

/// The actions that would fix the failing findings of a report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FixPlan {
    /// One action per failing resource the rules can fix.
    pub actions: Vec<FixAction>,
    /// Failing findings that get no action, with why.
    pub not_planned: Vec<NotPlanned>,
}

impl FixPlan {
    /// Builds a plan from `findings`: only `fail` findings are considered (passing,
    /// muted, skipped and error findings are never touched); `plan_one` returns the
    /// action for one finding, `Ok(None)` when its rule cannot fix it. A finding about a
    /// resource declared in a template ([`ResourceRef::is_declared`]) is never given to
    /// `plan_one`: nothing of it is deployed, so it is listed as not planned, pointing at
    /// the template and its remediation.
    pub fn from_findings<'f>(
        findings: impl IntoIterator<Item = &'f Finding>,
        mut plan_one: impl FnMut(&Finding) -> Result<Option<FixAction>, FixError>,
    ) -> Result<FixPlan, FixError> {
        let mut plan = FixPlan::default();
        for finding in findings.into_iter().filter(|f| f.status == Status::Fail) {
            if let Some(location) = &finding.resource.location {
                plan.not_planned.push(NotPlanned {
                    rule_id: finding.rule.id,
                    resource: finding.resource.clone(),
                    reason: format!(
                        "declared in a template ({location}), not deployed: change the template as the \
                         finding's remediation shows"
                    ),
                });
                continue;
            }
            match plan_one(finding)? {
                Some(action) => plan.actions.push(action),
                None => plan.not_planned.push(NotPlanned {
                    rule_id: finding.rule.id,
                    resource: finding.resource.clone(),
                    reason: format!("rule `{}` has no automatic fix", finding.rule.id),
                }),
            }
        }
        Ok(plan)
    }
}

/// A plan could not be made (e.g. a destination is missing or malformed).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot plan a fix for rule `{rule_id}`: {message}")]
pub struct FixError {
    /// The rule.
    pub rule_id: String,
    /// What is missing or wrong.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RiskLevel;

    fn finding(id: &str, status: Status) -> Finding {
        Finding {
            rule: &crate::render::fixtures::RULE,
            kind: &crate::render::fixtures::VPC,
            status,
            risk: RiskLevel::Low,
            resource: ResourceRef::new("aws.ec2.vpc", id),
            message: String::new(),
            evidence: crate::Evidence::none(),
            remediation: None,
            muted_reason: None,
            original_status: None,
            scanned_account: None,
        }
    }

    #[test]
    fn only_failing_findings_are_planned() {
        let findings: Vec<Finding> = [
            Status::Pass,
            Status::Fail,
            Status::Error,
            Status::Skipped,
            Status::Muted,
        ]
        .into_iter()
        .enumerate()
        .map(|(i, s)| finding(&format!("vpc-{i}"), s))
        .collect();
        let plan = FixPlan::from_findings(&findings, |f| {
            Ok(Some(FixAction {
                rule_id: f.rule.id,
                resource: f.resource.clone(),
                summary: "create".into(),
                operation: "ec2:CreateFlowLogs",
                parameters: FixParameters::none(),
            }))
        })
        .unwrap();
        let ids: Vec<&str> = plan.actions.iter().map(|a| a.resource.id.as_str()).collect();
        assert_eq!(ids, ["vpc-1"]);
    }

    #[test]
    fn a_resource_declared_in_a_template_gets_no_action_and_says_where_to_change_it() {
        let mut declared = finding("aws_vpc.main", Status::Fail);
        declared.resource.location = Some(crate::Location {
            file: "infra/main.tf".into(),
            line: 6,
        });
        let mut asked = 0;
        let plan = FixPlan::from_findings([&declared], |_| {
            asked += 1;
            Ok(None)
        })
        .unwrap();
        assert_eq!(asked, 0, "the rule is never asked to plan for a template");
        assert!(plan.actions.is_empty());
        assert_eq!(
            plan.not_planned[0].reason,
            "declared in a template (infra/main.tf:6), not deployed: change the template as the finding's \
             remediation shows"
        );
    }

    #[test]
    fn findings_without_a_fix_are_listed_with_why() {
        let findings = [finding("vpc-1", Status::Fail)];
        let plan = FixPlan::from_findings(&findings, |_| Ok(None)).unwrap();
        assert!(plan.actions.is_empty());
        assert_eq!(plan.not_planned[0].reason, "rule `VPC-001` has no automatic fix");
    }

    #[test]
    fn a_planning_error_stops_the_plan() {
        let findings = [finding("vpc-1", Status::Fail)];
        let err = FixPlan::from_findings(&findings, |_| {
            Err(FixError {
                rule_id: "VPC-001".into(),
                message: "no destination given".into(),
            })
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot plan a fix for rule `VPC-001`: no destination given"
        );
    }
}
