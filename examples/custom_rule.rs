//! A second, realistic rule written outside the rules crate with only public API:
//! "every VPC carries an owner tag" (TAG-001), registered beside VPC-001 and run in
//! one scan of the demo snapshot.
//!
//! Run: `cargo run --example custom_rule [SNAPSHOT]`

use std::path::PathBuf;

use cloudposture::prelude::*;
use cloudposture::rule_prelude::*;
use serde::{Deserialize, Serialize};

/// The rule's knowledge, as a `'static` value next to its code.
static TAG_001: RuleMetadata = RuleMetadata {
    id: "TAG-001",
    title: "VPCs Carry an Owner Tag",
    provider: "aws",
    service: "VPC",
    risk: RiskLevel::Low,
    pillars: &[Pillar::OperationalExcellence, Pillar::CostOptimization],
    controls: &[Control::new(Standard::Nist, "Rev. 5", "CM-8")],
    description: "Every VPC has a tag that names the team that owns it.",
    rationale: "When an alarm fires on a VPC, someone must be reachable; untagged networks \
                become orphans nobody patches, pays for knowingly, or dares to delete.",
    audit: &[AuditStep {
        via: "cli",
        text: "List VPCs without the owner tag in each region",
        code: Some("aws ec2 describe-vpcs --query 'Vpcs[?!(Tags[?Key==`Owner`])].VpcId'"),
    }],
    remediation: &[AuditStep {
        via: "cli",
        text: "Tag the VPC with its owning team",
        code: Some("aws ec2 create-tags --resources vpc-... --tags Key=Owner,Value=team-name"),
    }],
    references: &[Reference {
        title: "Tagging best practices",
        url: "https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/tagging-best-practices.html",
    }],
    published: "2026-11-27",
    // ec2:DescribeVpcs comes from the kind the rule reads.
    iam_audit_extra: &[],
    iam_remediate: &["ec2:CreateTags"],
};

/// TAG-001's settings: a serde struct, its default in `Default`, checked once.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
struct OwnerTag {
    /// The tag key that names the owner.
    tag_key: String,
}

impl Default for OwnerTag {
    fn default() -> Self {
        OwnerTag {
            tag_key: "Owner".into(),
        }
    }
}

impl RuleSettings for OwnerTag {
    fn validate(&self) -> Result<(), SettingError> {
        if self.tag_key.trim().is_empty() {
            return Err(SettingError::new("tag_key", "the tag key must not be empty"));
        }
        Ok(())
    }
}

/// What a finding shows: the key looked at and its value.
#[derive(Serialize)]
struct TagEvidence<'a> {
    tag_key: &'a str,
    value: Option<&'a str>,
}

/// TAG-001: a rule over VPCs that reads nothing else. The engine calls it once per
/// region whose VPCs were listed, and writes the `error` finding itself for a region
/// whose VPCs could not be.
struct VpcOwnerTag;

impl Rule for VpcOwnerTag {
    type Kind = Vpcs;
    type Reads<'a> = ();
    type Settings = OwnerTag;

    fn metadata(&self) -> &'static RuleMetadata {
        &TAG_001
    }

    fn evaluate<'a>(&self, vpcs: &'a [Vpc], _: (), ctx: &RuleContext<'a, OwnerTag>) -> Vec<Finding> {
        let key = ctx.settings().tag_key.as_str();
        vpcs.iter()
            .map(|vpc| {
                let value = vpc.tags.get(key).map(str::trim).filter(|v| !v.is_empty());
                let finding = match value {
                    Some(owner) => ctx.pass(vpc, format!("owned by `{owner}`")),
                    None => ctx.fail(vpc, format!("no `{key}` tag")),
                };
                finding.with_evidence(TagEvidence { tag_key: key, value })
            })
            .collect()
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/demo-account.json"));

    // Our rule beside the built-in ones, in one registry.
    let mut registry = cloudposture::rules::registry()?;
    registry.register(VpcOwnerTag)?;

    let config: Config = toml::from_str("[rules.TAG-001]\ntag_key = \"Owner\"\n")?;
    let plan = Plan::new(&registry, &Selection::rules(["VPC-001", "TAG"]), &config)?;
    let started = cloudposture::core::jiff::Timestamp::now();
    let inventory = cloudposture::aws::snapshot::load(&path)?;
    let report = plan.evaluate(&inventory, ScanSource::Snapshot, started);

    for rule in ["VPC-001", "TAG-001"] {
        let of_rule = report.findings.iter().filter(|f| f.rule.id == rule);
        let failing: Vec<&Finding> = of_rule.clone().filter(|f| f.status == Status::Fail).collect();
        println!("{rule}: {} findings, {} failing", of_rule.count(), failing.len());
        for f in failing {
            println!(
                "  {:<14} {:<24} {}",
                f.resource.region.as_deref().unwrap_or("-"),
                f.resource.id,
                f.message
            );
        }
    }
    Ok(())
}
