//! A second, realistic rule written outside the rules crate with only public API:
//! "every VPC carries an owner tag" (TAG-001), registered beside VPC-001 and run in
//! one scan of the demo snapshot.
//!
//! Run: `cargo run --example custom_rule [SNAPSHOT]`

use std::path::PathBuf;

use cloudposture::core::jiff::Timestamp;
use cloudposture::prelude::*;
use serde_json::json;

/// The rule's knowledge, as a `'static` value next to its code.
static TAG_001: RuleMetadata = RuleMetadata {
    id: "TAG-001",
    title: "VPCs Carry an Owner Tag",
    provider: "aws",
    service: "VPC",
    resource_type: "AWS::EC2::VPC",
    resource_kind: kinds::VPC,
    requires: &[kinds::VPC],
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
    iam_audit: &["ec2:DescribeVpcs"],
    iam_remediate: &["ec2:CreateTags"],
    settings: &[SettingSpec {
        name: "tag_key",
        kind: SettingKind::String,
        default: SettingDefault::Str("Owner"),
        description: "The tag key that names the owner.",
    }],
};

/// TAG-001: a rule is a type implementing `Rule<Inventory>`.
struct VpcOwnerTag;

impl Rule<Inventory> for VpcOwnerTag {
    fn metadata(&self) -> &'static RuleMetadata {
        &TAG_001
    }

    fn validate_settings(&self, settings: &Settings) -> Result<(), SettingsError> {
        match settings.str("tag_key") {
            Some(key) if !key.trim().is_empty() => Ok(()),
            _ => Err(SettingsError::InvalidValue {
                rule: TAG_001.id.into(),
                key: "tag_key".into(),
                detail: "the tag key must not be empty".into(),
            }),
        }
    }

    fn evaluate(&self, inventory: &Inventory, ctx: &RuleContext<'_>) -> Vec<Finding> {
        let key = ctx.settings().str("tag_key").unwrap_or("Owner");
        let mut findings = Vec::new();
        for region in &inventory.regions {
            // Unknown is never pass: a region whose VPCs could not be listed is an error.
            let vpcs = match &region.vpcs {
                Collection::Collected(vpcs) => vpcs,
                Collection::Failed(e) => {
                    let at =
                        ResourceRef::new(kinds::VPC, format!("{}/*", region.name)).in_region(&region.name);
                    findings.push(ctx.error(at, format!("could not list VPCs in {}: {e}", region.name)));
                    continue;
                }
                Collection::NotCollected => continue,
            };
            for vpc in vpcs {
                let value = vpc.tags.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
                let finding = match value {
                    Some(owner) => ctx.pass(vpc.to_ref(), format!("owned by `{owner}`")),
                    None => ctx.fail(vpc.to_ref(), format!("no `{key}` tag")),
                };
                findings.push(finding.with_evidence(json!({ "tag_key": key, "value": value })));
            }
        }
        findings
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

    let config: Config = toml_like_config();
    let plan = Plan::new(&registry, &Selection::rules(["VPC-001", "TAG"]), &config)?;
    let started = Timestamp::now();
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

/// The same settings a `[rules.TAG-001]` table in the config file would give.
fn toml_like_config() -> Config {
    let mut config = Config::default();
    let mut rule = cloudposture::core::RuleConfig::default();
    rule.settings.insert("tag_key".into(), json!("Owner"));
    config.rules.insert("TAG-001".into(), rule);
    config
}
