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
//! - [`core`] (`cloudposture-core`): rules, kinds, inventory, settings, registry, engine,
//!   report, renderers;
//! - [`aws`] (`cloudposture-aws`): AWS kinds, listers, collection, snapshots, and with
//!   the `sdk` feature the `aws-sdk-ec2` adapter;
//! - [`rules`] (`cloudposture-rules-aws`): the AWS rules, starting with VPC-001.
//!
//! Two preludes: [`prelude`] for tools that run scans, [`rule_prelude`] for people who
//! write rules and kinds.
//!
//! # Features
//! - `sdk` (default): live scans ([`aws::sdk::SdkCollector`], [`Source::Live`]). Turn it
//!   off (`default-features = false`) to evaluate snapshots or write rules without
//!   compiling the AWS SDK.
//! - `mocks`: mockall mocks of the collector traits ([`aws::MockAccountApi`],
//!   [`aws::MockLister`]) for tests of rules and tools.
//!
//! # Example: scan a saved snapshot
//!
//! ```
//! use cloudposture::prelude::*;
//!
//! # async fn run() -> Result<(), cloudposture::ScanError> {
//! let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-account.json");
//! let options = ScanOptions::new(Source::Snapshot(path)).select(Selection::rules(["VPC"]));
//! let report = cloudposture::scan(&options).await?;
//!
//! assert_eq!(report.summary.total as usize, report.findings.len());
//! for finding in report.findings.iter().filter(|f| f.status == Status::Fail) {
//!     println!("{} {}: {}", finding.rule.id, finding.resource.id, finding.message);
//! }
//! # Ok(()) }
//! # futures::executor::block_on(run()).unwrap();
//! ```
//!
//! A live scan is the same call with `Source::Live(LiveOptions::default())` (see
//! `examples/scan_live.rs`); the steps it takes — plan, collect, evaluate — are public
//! too ([`Plan`], [`aws::collect()`], [`Plan::evaluate`]) for tools that need them apart.

use std::path::PathBuf;

pub use cloudposture_aws as aws;
pub use cloudposture_core as core;
pub use cloudposture_rules_aws as rules;

pub use cloudposture_core::{Config, Inventory, Plan, Registry, Report, Rule, Selection};

use cloudposture_core::{EngineError, RegistryError, ScanSource};

/// Where a scan reads.
#[derive(Debug, Clone)]
pub enum Source {
    /// A live account, through the AWS SDK.
    #[cfg(feature = "sdk")]
    Live(LiveOptions),
    /// A snapshot saved by `cloudposture collect` or [`aws::snapshot::save`].
    Snapshot(PathBuf),
}

/// How a live scan reads the account.
#[cfg(feature = "sdk")]
#[derive(Debug, Clone, Default)]
pub struct LiveOptions {
    /// Credentials, endpoint, retries and timeouts.
    pub sdk: aws::sdk::SdkOptions,
    /// Which regions.
    pub regions: aws::RegionScope,
    /// Regions read at once; `0` means the default.
    pub concurrency: usize,
}

/// What [`scan`] does: the source, the rules selected and their configuration.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Where to read.
    pub source: Source,
    /// Which rules run.
    pub selection: Selection,
    /// Settings, risk overrides and exceptions.
    pub config: Config,
}

impl ScanOptions {
    /// Every rule, default configuration, over `source`.
    pub fn new(source: Source) -> Self {
        ScanOptions {
            source,
            selection: Selection::all(),
            config: Config::default(),
        }
    }

    /// Runs the rules of `selection` only.
    pub fn select(mut self, selection: Selection) -> Self {
        self.selection = selection;
        self
    }

    /// Uses `config`.
    pub fn configure(mut self, config: Config) -> Self {
        self.config = config;
        self
    }
}

/// Why a scan produced no report. A region that could not be read is not one of
/// these: it is in the report, as `error` findings.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The built-in rules could not be registered.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The selection or configuration is wrong (nothing was read).
    #[error(transparent)]
    Plan(#[from] EngineError),
    /// The snapshot could not be read.
    #[error(transparent)]
    Snapshot(#[from] aws::SnapshotError),
    /// A needed kind has no lister, or the account's regions could not be listed.
    #[error(transparent)]
    Collect(#[from] aws::CollectFailure),
}

/// Plans the selected rules, reads the source and evaluates: one call from options to
/// report, with the built-in rules.
pub async fn scan(options: &ScanOptions) -> Result<Report, ScanError> {
    let registry = rules::registry()?;
    let plan = Plan::new(&registry, &options.selection, &options.config)?;
    let started = core::jiff::Timestamp::now();
    let (inventory, source) = match &options.source {
        Source::Snapshot(path) => (aws::snapshot::load(path)?, ScanSource::Snapshot),
        #[cfg(feature = "sdk")]
        Source::Live(live) => {
            let sdk = aws::sdk::SdkCollector::new(live.sdk.clone()).await;
            let mut collect = aws::CollectOptions::new(plan.required_kinds());
            collect.regions = live.regions.clone();
            if live.concurrency > 0 {
                collect.concurrency = live.concurrency;
            }
            let inventory = aws::collect(&sdk, &sdk.listers(), &collect, &aws::NoProgress).await?;
            (inventory, ScanSource::Live)
        }
    };
    Ok(plan.evaluate(&inventory, source, started))
}

/// What a tool that runs scans usually needs, in one `use`.
pub mod prelude {
    #[cfg(feature = "sdk")]
    pub use crate::LiveOptions;
    pub use crate::{ScanError, ScanOptions, Source, scan};
    pub use cloudposture_aws::RegionScope;
    pub use cloudposture_core::{
        Config, Finding, Inventory, Plan, Report, ResourceRef, RiskLevel, ScanSource, Selection, Standard,
        Status,
    };
}

/// What a rule or kind author usually needs, in one `use`.
pub mod rule_prelude {
    pub use cloudposture_aws::kinds::*;
    pub use cloudposture_core::schemars::{self, JsonSchema};
    pub use cloudposture_core::{
        AuditStep, Control, Finding, Kind, KindInfo, Listed, Listing, Lookup, NoSettings, Pillar, Reference,
        Resource, ResourceRef, RiskLevel, Rule, RuleContext, RuleMetadata, RuleSettings, SettingError,
        Snippet, SnippetKind, Standard, Status, Tags,
    };
}
