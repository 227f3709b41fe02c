//! The provider-agnostic rule engine of cloudposture.
//!
//! Providers declare resource [`Kind`]s and collect them into an [`Inventory`] of
//! scopes × kinds. Rules ([`Rule`]) carry their knowledge as `'static`
//! [`RuleMetadata`], declare the kinds they judge and read and their typed settings
//! ([`RuleSettings`]), and return one [`Finding`] per resource; the engine does the
//! bookkeeping where something could not be read. A [`Registry`] holds rules; a
//! [`Plan`] selects and configures them ([`Selection`], [`Config`]); [`Plan::evaluate`]
//! turns an inventory into a [`Report`] with a [`Summary`] by status, risk and
//! compliance control, and [`Report::from_json`] reads one back; a [`Baseline`] of an
//! earlier report mutes what was failing already. [`Coverage`] is the
//! compliance view of a report for one version of a standard, against a [`Catalog`] of
//! its controls.
//!
//! See the [`rule`] module for how a rule reads its kinds.

pub mod any_rule;
pub mod baseline;
pub mod catalog;
pub mod collect_error;
pub mod compliance;
pub mod config;
pub mod coverage;
pub mod engine;
pub mod error;
pub mod finding;
pub mod fix;
pub mod inventory;
pub mod kind;
pub mod merge;
pub mod metadata;
pub mod registry;
pub mod render;
pub mod report;
pub mod report_read;
pub mod resource;
pub mod risk;
pub mod rule;
pub mod settings;
pub mod shard;

pub use any_rule::{AnyRule, ConfiguredSettings, erase};
pub use baseline::{BASELINE_REASON, Baseline, BaselineError};
pub use catalog::{Catalog, CatalogControl, CatalogSection, natural_cmp};
pub use collect_error::{CollectError, ErrorClass};
/// Inline strings of [`ResourceRef`] (re-exported so that rule crates need no extra dependency).
pub use compact_str::{self, CompactString};
pub use compliance::{
    Control, Pillar, Standard, StandardSelector, StandardSelectorError, StandardVersion, same_version,
};
pub use config::{Config, ConfigError, Exception, RuleConfig};
pub use coverage::{ControlCoverage, Coverage, CoveringRule};
pub use engine::{EngineError, Plan, PlannedRule};
pub use error::ParseEnumError;
pub use finding::{Evidence, Finding, Remediation, Snippet, SnippetKind, Status};
pub use fix::{FixAction, FixError, FixParameters, FixPlan, NotPlanned};
pub use inventory::{
    AccountRecord, AccountState, Entry, Inventory, InventoryJsonError, KindState, SNAPSHOT_SCHEMA_VERSION,
    Scope, ScopeId, SkippedRegion, SnapshotWriter, Suppression,
};
pub use kind::{Items, Kind, KindInfo, KindRegistry, Listing};
pub use metadata::{AuditStep, Reference, RuleMetadata};
pub use registry::{Registry, RegistryError, Selection, SelectionError, selector_matches};
pub use report::{
    AccountScanState, AccountStatus, ControlSummary, REPORT_SCHEMA_VERSION, RegionNotScanned, RegionState,
    RegionStatus, Report, RuleRun, ScanMetadata, ScanSource, StatusCounts, Summary, ToolInfo,
};
pub use report_read::ReportReadError;
pub use resource::{Location, Resource, ResourceRef, Tags};
pub use risk::RiskLevel;
pub use rule::{Listed, Lookup, Need, Reads, Rule, RuleContext, SCOPE_WIDE_ID, Unread};
pub use settings::{NoSettings, RuleSettings, SettingDoc, SettingError, SettingsError};
pub use shard::{Shard, ShardError};

// Re-exported so rule crates and embedders use the same timestamp type as reports.
pub use jiff;
pub use schemars;
