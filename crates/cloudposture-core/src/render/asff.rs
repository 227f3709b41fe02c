//! `--format asff`: AWS Security Finding Format, for AWS Security Hub.

use std::borrow::Cow;
use std::io;

use serde::Serialize;

use crate::compliance::{Control, Standard};
use crate::finding::{Finding, Status};
use crate::metadata::RuleMetadata;
use crate::report::Report;
use crate::resource::Tags;
use crate::risk::RiskLevel;

/// Security Hub caps `Compliance.RelatedRequirements` at 32 entries.
const MAX_RELATED_REQUIREMENTS: usize = 32;

/// The ASFF `Compliance.Status` of a finding status.
///
/// pass → `PASSED`, fail → `FAILED`, error → `WARNING` (ASFF: "some information is
/// missing"; the resource could not be judged), skipped → `NOT_AVAILABLE` (not
/// applicable). A muted finding is written with the status the rule gave it (see
/// [`Finding::judged_status`]) and `Workflow.Status` `SUPPRESSED`, as Security Hub
/// suppresses a finding without changing its compliance status.
pub fn asff_status(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASSED",
        Status::Fail => "FAILED",
        Status::Error => "WARNING",
        Status::Skipped | Status::Muted => "NOT_AVAILABLE",
    }
}

/// The ASFF `Severity.Label` of a finding.
///
/// Passing and skipped findings are `INFORMATIONAL`, as Security Hub labels passed
/// control checks; otherwise from the risk level: low → `LOW`, medium → `MEDIUM`,
/// high → `HIGH`, very-high and extreme → `CRITICAL` (ASFF has no level above it).
pub fn asff_severity_label(status: Status, risk: RiskLevel) -> &'static str {
    match (status, risk) {
        (Status::Pass | Status::Skipped, _) => "INFORMATIONAL",
        (_, RiskLevel::Low) => "LOW",
        (_, RiskLevel::Medium) => "MEDIUM",
        (_, RiskLevel::High) => "HIGH",
        (_, RiskLevel::VeryHigh | RiskLevel::Extreme) => "CRITICAL",
    }
}

/// Writes one ASFF finding per finding, as a pretty JSON array ready for
/// `aws securityhub batch-import-findings --findings file://…` (in batches of 100).
///
/// `AwsAccountId` is the scanned account (whose credentials read the resource: the
/// finding's scope account, each account's own in a multi-account scan), not the
/// resource's owner: Security Hub refuses a finding whose account is not the
/// importer's, and a VPC shared with the scanned account belongs to another.
/// `ProductArn` is that account's default custom-integration product in the
/// resource's region; `Id` is stable across scans (`cloudposture/RULE/ARN`) so that
/// re-importing updates findings instead of duplicating them. Severity and status
/// follow [`asff_severity_label`] and [`asff_status`]; severity and types are also in
/// `FindingProviderFields`, the fields a re-import of the same `Id` updates (Security
/// Hub keeps the top-level ones as the customer's once set). A muted finding is
/// imported with `Workflow.Status` `SUPPRESSED`; Security Hub applies the workflow of
/// an import to a new finding only, so a finding imported before it was muted is
/// suppressed with `aws securityhub batch-update-findings` (see the README).
/// `RelatedRequirements` are the rule's controls as Security Hub writes them
/// (`PCI DSS v3.2.1/10.3.3`, `NIST.800-53.r5 AU-12`,
/// `CIS AWS Foundations Benchmark v1.2.0/2.9`).
///
/// The one `error` finding of a region whose resources could not be listed is about
/// the scanned account in that region: its resource is `AwsAccount`
/// `AWS::::Account:ACCOUNT` (as Security Hub writes account-level findings) and its
/// title names the region (`VPC-001 VPC Flow Logs Enabled: all VPCs in eu-west-1`);
/// its `Id` keeps the resource id `*` (`cloudposture/VPC-001/ACCOUNT/eu-west-1/*`).
pub fn write_asff(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let time = report.scan.finished_at.to_string();
    let rules = super::PerRule::new(report, RuleParts::of);
    super::write_pretty_json_records(report, &rules, |f, rule| finding(report, &time, rule, f), out)
}

/// What every finding of a rule shares.
struct RuleParts {
    generator_id: String,
    title: String,
    types: Vec<String>,
    requirements: Vec<String>,
}

impl RuleParts {
    fn of(rule: &'static RuleMetadata) -> Self {
        let mut requirements: Vec<String> = rule.controls.iter().map(requirement).collect();
        requirements.dedup();
        requirements.truncate(MAX_RELATED_REQUIREMENTS);
        let mut types = vec!["Software and Configuration Checks/AWS Security Best Practices".to_string()];
        for c in rule.controls {
            let t = format!(
                "Software and Configuration Checks/Industry and Regulatory Standards/{}",
                c.standard.name()
            );
            if !types.contains(&t) {
                types.push(t);
            }
        }
        RuleParts {
            generator_id: format!("cloudposture/{}", rule.id),
            title: super::truncate_chars(&format!("{} {}", rule.id, rule.title), 256),
            types,
            requirements,
        }
    }
}

/// An ASFF finding; borrowed from the finding, written as it is made.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AsffFinding<'a> {
    schema_version: &'static str,
    id: String,
    product_arn: String,
    product_name: &'static str,
    company_name: &'static str,
    generator_id: &'a str,
    aws_account_id: &'a str,
    region: &'a str,
    types: &'a [String],
    created_at: &'a str,
    updated_at: &'a str,
    severity: Severity,
    finding_provider_fields: FindingProviderFields<'a>,
    title: Cow<'a, str>,
    description: String,
    resources: [Resource<'a>; 1],
    compliance: Compliance<'a>,
    workflow: Workflow,
    record_state: &'static str,
    product_fields: ProductFields,
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<AsffRemediation>,
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "PascalCase")]
struct Severity {
    label: &'static str,
    original: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct FindingProviderFields<'a> {
    severity: Severity,
    types: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Resource<'a> {
    #[serde(rename = "Type")]
    kind: &'static str,
    id: Cow<'a, str>,
    partition: &'static str,
    region: &'a str,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    tags: &'a Tags,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Compliance<'a> {
    status: &'static str,
    related_requirements: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Workflow {
    status: &'static str,
}

#[derive(Serialize)]
struct ProductFields {
    #[serde(rename = "cloudposture/RuleId")]
    rule_id: &'static str,
    #[serde(rename = "cloudposture/Status")]
    status: &'static str,
    #[serde(rename = "cloudposture/Risk")]
    risk: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AsffRemediation {
    recommendation: Recommendation,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Recommendation {
    text: String,
}

/// A control as Security Hub's `RelatedRequirements` spell them.
fn requirement(c: &Control) -> String {
    let id = c.id.unwrap_or("");
    let joined = |prefix: &str, sep: &str| {
        if id.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}{sep}{id}")
        }
    };
    match c.standard {
        Standard::Nist if c.version == "Rev. 5" => joined("NIST.800-53.r5", " "),
        Standard::Nist800171 if c.version == "Rev. 2" => joined("NIST.800-171.r2", " "),
        Standard::CisAwsFoundations => joined(&format!("CIS AWS Foundations Benchmark {}", c.version), "/"),
        Standard::PciDss => joined(&format!("PCI DSS {}", c.version), "/"),
        _ => joined(&format!("{} {}", c.standard.name(), c.version), "/"),
    }
}

fn finding<'a>(report: &'a Report, time: &'a str, rule: &'a RuleParts, f: &'a Finding) -> AsffFinding<'a> {
    let r = &f.resource;
    let account = super::scanned_account(report, f).unwrap_or_default();
    let region = r.region.as_deref().unwrap_or("us-east-1");
    let partition = super::partition_of(region);
    let description = match &f.muted_reason {
        Some(reason) => format!("{} (muted: {reason})", f.message),
        None => f.message.clone(),
    };
    let severity = Severity {
        label: asff_severity_label(f.judged_status(), f.risk),
        original: f.risk.as_str(),
    };
    let (title, resource_type, resource_id) = if super::is_scope_wide(f) {
        (
            Cow::Owned(super::truncate_chars(
                &format!("{}: {}", rule.title, super::resource_name(f)),
                256,
            )),
            "AwsAccount",
            Cow::Owned(format!("AWS::::Account:{account}")),
        )
    } else {
        (
            Cow::Borrowed(rule.title.as_str()),
            super::kind_of(f).and_then(|k| k.finding_type).unwrap_or("Other"),
            Cow::Borrowed(r.arn().unwrap_or(r.id.as_str())),
        )
    };
    AsffFinding {
        schema_version: "2018-10-08",
        id: super::finding_uid(f),
        product_arn: format!("arn:{partition}:securityhub:{region}:{account}:product/{account}/default"),
        product_name: "cloudposture",
        company_name: "cloudposture",
        generator_id: &rule.generator_id,
        aws_account_id: account,
        region,
        types: &rule.types,
        created_at: time,
        updated_at: time,
        severity,
        finding_provider_fields: FindingProviderFields {
            severity,
            types: &rule.types,
        },
        title,
        description: super::truncate_chars(&description, 1024),
        resources: [Resource {
            kind: resource_type,
            id: resource_id,
            partition,
            region,
            tags: &r.tags,
        }],
        compliance: Compliance {
            status: asff_status(f.judged_status()),
            related_requirements: &rule.requirements,
        },
        workflow: Workflow {
            status: if f.status == Status::Muted {
                "SUPPRESSED"
            } else {
                "NEW"
            },
        },
        record_state: "ACTIVE",
        product_fields: ProductFields {
            rule_id: f.rule.id,
            status: f.status.as_str(),
            risk: f.risk.as_str(),
        },
        remediation: f.remediation().map(|rem| AsffRemediation {
            recommendation: Recommendation {
                text: super::truncate_chars(&rem.summary, 512),
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::{Value, json};

    fn render() -> Vec<Value> {
        let mut out = Vec::new();
        write_asff(&super::super::fixtures::report(), &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn findings_carry_compliance_severity_and_resources() {
        let f = render();
        assert_eq!(f.len(), 6);
        let status: Vec<&str> = f
            .iter()
            .filter_map(|x| x["Compliance"]["Status"].as_str())
            .collect();
        assert_eq!(
            status,
            [
                "PASSED",
                "FAILED",
                "WARNING",
                "NOT_AVAILABLE",
                "FAILED",
                "WARNING"
            ],
            "a muted failure stays FAILED, suppressed"
        );
        let fail = &f[1];
        assert_eq!(fail["SchemaVersion"], "2018-10-08");
        assert_eq!(fail["AwsAccountId"], "123456789012");
        assert_eq!(
            fail["ProductArn"],
            "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"
        );
        assert_eq!(fail["Severity"]["Label"], "LOW");
        assert_eq!(fail["Resources"][0]["Type"], "AwsEc2Vpc");
        assert_eq!(
            fail["Resources"][0]["Id"],
            "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0fail"
        );
        assert_eq!(
            fail["Remediation"]["Recommendation"]["Text"],
            "Create a VPC flow log"
        );
        assert_eq!(
            fail["Compliance"]["RelatedRequirements"],
            json!([
                "CIS AWS Foundations Benchmark v1.2.0/2.9",
                "PCI DSS v3.2.1/10.3.3",
                "NIST.800-53.r5 AU-12",
                "GDPR 2016/679"
            ])
        );
        assert_eq!(f[0]["Severity"]["Label"], "INFORMATIONAL");
        assert_eq!(f[4]["Workflow"]["Status"], "SUPPRESSED");
        assert_eq!(f[4]["Severity"]["Label"], "LOW");
    }

    #[test]
    fn a_shared_resources_finding_belongs_to_the_scanned_account() {
        let shared = &render()[3];
        assert_eq!(
            shared["Resources"][0]["Id"],
            "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0shared"
        );
        assert_eq!(shared["AwsAccountId"], "123456789012");
        assert_eq!(
            shared["ProductArn"],
            "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
        );
    }

    #[test]
    fn severity_and_types_are_also_the_providers_so_that_a_reimport_updates_them() {
        for f in render() {
            assert_eq!(f["FindingProviderFields"]["Severity"], f["Severity"]);
            assert_eq!(f["FindingProviderFields"]["Types"], f["Types"]);
        }
    }

    #[test]
    fn a_region_wide_error_is_about_the_account_in_that_region() {
        let wide = &render()[5];
        assert_eq!(wide["Id"], "cloudposture/VPC-001/123456789012/sa-east-1/*");
        assert_eq!(
            wide["Title"],
            "VPC-001 VPC Flow Logs Enabled: all VPCs in sa-east-1"
        );
        assert_eq!(
            wide["Resources"][0],
            json!({"Type": "AwsAccount", "Id": "AWS::::Account:123456789012", "Partition": "aws", "Region": "sa-east-1"})
        );
        assert_eq!(wide["Compliance"]["Status"], "WARNING");
        assert!(!wide.to_string().contains("\"*\""), "{wide}");
    }

    #[test]
    fn severity_labels_follow_risk() {
        assert_eq!(asff_severity_label(Status::Fail, RiskLevel::VeryHigh), "CRITICAL");
        assert_eq!(asff_severity_label(Status::Fail, RiskLevel::Extreme), "CRITICAL");
        assert_eq!(asff_severity_label(Status::Error, RiskLevel::High), "HIGH");
        assert_eq!(
            asff_severity_label(Status::Pass, RiskLevel::High),
            "INFORMATIONAL"
        );
    }
}
