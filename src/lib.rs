//! **cloudposture** — cloud security-posture rules for AWS, as a library.
//!
//! Each rule knows its risk level, the compliance controls it serves (CIS AWS
//! Foundations, PCI DSS, GDPR, APRA, MAS, NIST), how to audit it by hand and how to
//! fix it. The engine collects only what the selected rules need, evaluates rules as
//! pure functions of the collected [`Inventory`], and reports every resource under
//! exactly one status per rule: a region that could not be read is an error, never a
//! pass.
//!
//! This crate is the one dependency an embedding tool needs. It re-exports:
//! - [`core`] (`cloudposture-core`): rules, metadata, settings, registry, engine, report, renderers;
//! - [`aws`] (`cloudposture-aws`): AWS models, collector traits, collection, snapshots, and
//!   with the `sdk` feature the `aws-sdk-ec2` adapter;
//! - [`rules`] (`cloudposture-rules-aws`): the AWS rules, starting with VPC-001.
//!
//! # Features
//! - `sdk` (default): the live AWS adapter ([`aws::sdk::SdkCollector`]). Turn it off
//!   (`default-features = false`) to evaluate snapshots or write rules without compiling
//!   the AWS SDK.
//! - `mocks`: mockall mocks of the collector traits ([`aws::MockEc2Api`],
//!   [`aws::MockAccountApi`]) for tests of rules and tools.
//!
//! # Example: evaluate a saved snapshot
//!
//! ```
//! use cloudposture::prelude::*;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let registry = cloudposture::rules::registry()?;
//! let plan = Plan::new(&registry, &Selection::rules(["VPC"]), &Config::default())?;
//!
//! let started = cloudposture::core::jiff::Timestamp::now();
//! let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-account.json");
//! let inventory = cloudposture::aws::snapshot::load(&path)?;
//! let report = plan.evaluate(&inventory, ScanSource::Snapshot, started);
//!
//! assert_eq!(report.summary.total as usize, report.findings.len());
//! for finding in report.findings.iter().filter(|f| f.status == Status::Fail) {
//!     println!("{} {}: {}", finding.rule.id, finding.resource.id, finding.message);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! A live scan collects first: `cloudposture::aws::collect(&collector, &collector,
//! &CollectOptions::new(plan.required_kinds()), &NoProgress)` with an
//! [`aws::sdk::SdkCollector`] (see `examples/scan_live.rs`).

pub use cloudposture_aws as aws;
pub use cloudposture_core as core;
pub use cloudposture_rules_aws as rules;

pub use cloudposture_aws::Inventory;
pub use cloudposture_core::{Plan, Registry, Report, Rule, Selection};

/// Everything a rule author or embedder usually needs, in one `use`.
pub mod prelude {
    pub use cloudposture_aws::{
        AccountApi, CollectError, CollectOptions, Collection, DestinationType, Ec2Api, ErrorClass, FlowLog,
        FlowLogResourceType, Inventory, NetworkInterface, NoProgress, RegionInventory, RegionScope, Subnet,
        TrafficType, Vpc, collect, kinds,
    };
    pub use cloudposture_core::{
        AuditStep, Config, Control, Evidence, Finding, Pillar, Plan, Reference, Registry, Remediation,
        Report, Resource, ResourceRef, RiskLevel, Rule, RuleContext, RuleMetadata, ScanSource, Selection,
        SettingDefault, SettingKind, SettingSpec, SettingValue, Settings, SettingsError, Snippet,
        SnippetKind, Standard, Status, Tags,
    };
}
