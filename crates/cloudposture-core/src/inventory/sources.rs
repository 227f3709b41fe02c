//! What a scope of templates knows about its sources: where each resource is declared,
//! and the suppressions written there (`# cloudposture:ignore VPC-001 why`, or a
//! CloudFormation `Metadata` entry). The engine points each finding judged in the scope
//! at its declaration and mutes it when a suppression at that declaration names its rule.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::Scope;
use crate::finding::Finding;
use crate::resource::Location;

/// A suppression written in a template: findings of `rule` about a resource declared at
/// the suppression's location are muted with `reason`, as a config exception mutes them.
///
/// It is tied to a declaration, not to a resource id: every resource declared there is
/// covered — each `count`/`for_each` instance of a Terraform block, and the implicit
/// default security group and network ACL of a VPC (they are declared by the VPC's
/// block, so a suppression above `aws_vpc.main` naming EC2-003 mutes the finding on its
/// default group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The rule id, e.g. `VPC-001` (compared ignoring ASCII case).
    pub rule: String,
    /// Why, as written; kept on every finding it mutes.
    pub reason: Arc<str>,
}

/// Locations and suppressions of a scope of templates (empty for other scopes).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Sources {
    /// By kind name, then resource id.
    locations: BTreeMap<String, BTreeMap<String, Location>>,
    /// By the declaration they are written at.
    suppressions: BTreeMap<Location, Vec<Suppression>>,
}

impl Scope {
    /// Records where the resource `id` of the kind called `kind` is declared (for
    /// templates); its findings will point there.
    pub fn set_location(&mut self, kind: &str, id: &str, location: Location) {
        self.sources
            .locations
            .entry(kind.to_string())
            .or_default()
            .insert(id.to_string(), location);
    }

    /// Where the resource `id` of the kind called `kind` is declared, if recorded.
    pub fn location(&self, kind: &str, id: &str) -> Option<&Location> {
        self.sources.locations.get(kind)?.get(id)
    }

    /// Records a suppression written at the declaration `at`: findings of `rule` about
    /// any resource declared there are muted with `reason` (see [`Suppression`]).
    pub fn suppress(&mut self, at: Location, rule: impl Into<String>, reason: Arc<str>) {
        self.sources
            .suppressions
            .entry(at)
            .or_default()
            .push(Suppression {
                rule: rule.into(),
                reason,
            });
    }

    /// The suppressions written at the declaration `at`.
    pub fn suppressions(&self, at: &Location) -> &[Suppression] {
        self.sources
            .suppressions
            .get(at)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Points the findings judged in this scope at their sources. For a scope of
    /// templates: each finding gets the location recorded for its resource, no ARN (a
    /// declared resource has none yet), and no empty account or region; and a finding
    /// whose rule a suppression at that location names is muted. Other scopes' findings
    /// are left as they are.
    pub(crate) fn point_at_sources(&self, findings: &mut [Finding]) {
        if self.id.templates.is_none() {
            return;
        }
        for finding in findings {
            let resource = &mut finding.resource;
            resource.location = self.location(&resource.kind, &resource.id).cloned();
            resource.forget_arn();
            if resource.account.as_deref() == Some("") {
                resource.account = None;
            }
            if resource.region.as_deref() == Some("") {
                resource.region = None;
            }
            let suppressed = resource.location.as_ref().and_then(|at| {
                self.suppressions(at)
                    .iter()
                    .find(|s| s.rule.eq_ignore_ascii_case(finding.rule.id))
            });
            if let Some(suppression) = suppressed {
                finding.mute(Arc::clone(&suppression.reason));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::inventory::ScopeId;
    use crate::metadata::RuleMetadata;
    use crate::render::fixtures;

    #[test]
    fn a_suppression_mutes_findings_of_its_rule_declared_where_it_is_written() {
        static OTHER: RuleMetadata = RuleMetadata {
            id: "EC2-003",
            ..fixtures::RULE
        };
        let at = |line| Location {
            file: "main.tf".into(),
            line,
        };
        let mut scope = Scope::new(ScopeId::templates("."));
        scope.set_location("aws.ec2.vpc", "vpc-0fail", at(6));
        scope.set_location("aws.ec2.vpc", "vpc-0pass", at(20));
        scope.suppress(at(6), "vpc-001", Arc::from("a lab"));
        let report = fixtures::report();
        let (pass, fail) = (&report.findings[0], &report.findings[1]);
        let mut other = fail.clone();
        other.rule = &OTHER;
        let mut findings = vec![fail.clone(), other, pass.clone()];
        scope.point_at_sources(&mut findings);
        assert_eq!(
            (findings[0].status, findings[0].original_status),
            (Status::Muted, Some(Status::Fail))
        );
        assert_eq!(findings[0].muted_reason.as_deref(), Some("a lab"));
        assert_eq!(findings[0].resource.location, Some(at(6)));
        assert_eq!(findings[1].status, Status::Fail, "another rule");
        assert_eq!(findings[2].status, Status::Pass, "declared elsewhere");
        assert_eq!(findings[2].resource.location, Some(at(20)));
        // A scope that is not templates is left as it is.
        let mut live = Scope::new(ScopeId::region(None, "eu-west-1"));
        live.set_location("aws.ec2.vpc", "vpc-0fail", at(6));
        live.suppress(at(6), "VPC-001", Arc::from("a lab"));
        let mut findings = vec![fail.clone()];
        live.point_at_sources(&mut findings);
        assert_eq!(findings[0], *fail);
    }
}
