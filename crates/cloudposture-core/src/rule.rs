//! The `Rule` trait and what a rule sees while it evaluates.
//!
//! # How rules reach provider data
//!
//! A rule is generic over the inventory type it reads: `Rule<I>`. An AWS rule
//! implements `Rule<cloudposture_aws::Inventory>` and reads typed fields (VPCs,
//! flow logs, per-region errors) directly. We chose typed access over a generic,
//! string-keyed inventory because:
//!
//! - rule code is checked by the compiler: a renamed field breaks the build, not a scan;
//! - evaluation is a plain loop over slices, with no downcasting or lookups by name,
//!   which keeps a million-resource evaluation cheap;
//! - core stays provider-agnostic: it only needs the [`Inventory`] trait (account,
//!   regions and their state) to write the report's scan section.
//!
//! The price is that a registry holds rules of one provider at a time
//! (`Registry<I>`), which is how scans run anyway: one provider's inventory at a time.

use crate::finding::{Evidence, Finding, Status};
use crate::fix::{FixAction, FixError};
use crate::metadata::RuleMetadata;
use crate::resource::ResourceRef;
use crate::risk::RiskLevel;
use crate::settings::{Settings, SettingsError};

/// A best-practice check over collected data.
///
/// Contract: `evaluate` is pure (no I/O) and returns exactly one finding for every
/// resource of `metadata().resource_kind` in the inventory. Where part of the
/// inventory could not be collected, the rule returns `Error` findings for what it
/// could not judge — never `Pass`.
pub trait Rule<I: ?Sized>: Send + Sync {
    /// The rule's knowledge: id, risk, controls, audit, remediation, settings…
    fn metadata(&self) -> &'static RuleMetadata;

    /// Cross-setting checks beyond what the declared [`crate::SettingSpec`]s express
    /// (e.g. the format of an ARN). Called once before a scan; the default accepts all.
    fn validate_settings(&self, _settings: &Settings) -> Result<(), SettingsError> {
        Ok(())
    }

    /// Judges every resource of the rule's kind in `inventory`.
    fn evaluate(&self, inventory: &I, ctx: &RuleContext<'_>) -> Vec<Finding>;

    /// The action that would fix one of this rule's failing findings, given the
    /// rule's settings (with any fix options already applied). `Ok(None)`, the
    /// default, means the rule has no automatic fix.
    fn plan_fix(&self, _finding: &Finding, _settings: &Settings) -> Result<Option<FixAction>, FixError> {
        Ok(None)
    }
}

/// What a rule gets besides the inventory: its settings and effective risk, and
/// constructors for findings that fill in the rule's id, title, risk and controls.
#[derive(Debug, Clone)]
pub struct RuleContext<'a> {
    metadata: &'static RuleMetadata,
    settings: &'a Settings,
    risk: RiskLevel,
}

impl<'a> RuleContext<'a> {
    /// A context for `metadata` with `settings` and the effective `risk`.
    pub fn new(metadata: &'static RuleMetadata, settings: &'a Settings, risk: RiskLevel) -> Self {
        RuleContext {
            metadata,
            settings,
            risk,
        }
    }

    /// The rule's validated settings.
    pub fn settings(&self) -> &'a Settings {
        self.settings
    }

    /// The effective risk.
    pub fn risk(&self) -> RiskLevel {
        self.risk
    }

    /// The rule's metadata.
    pub fn metadata(&self) -> &'static RuleMetadata {
        self.metadata
    }

    /// A finding with `status` about `resource`.
    pub fn finding(&self, status: Status, resource: ResourceRef, message: impl Into<String>) -> Finding {
        Finding {
            rule: self.metadata,
            status,
            risk: self.risk,
            resource,
            message: message.into(),
            evidence: Evidence::none(),
            remediation: None,
            muted_reason: None,
            original_status: None,
        }
    }

    /// A passing finding.
    pub fn pass(&self, resource: ResourceRef, message: impl Into<String>) -> Finding {
        self.finding(Status::Pass, resource, message)
    }

    /// A failing finding.
    pub fn fail(&self, resource: ResourceRef, message: impl Into<String>) -> Finding {
        self.finding(Status::Fail, resource, message)
    }

    /// A finding for a resource that could not be judged.
    pub fn error(&self, resource: ResourceRef, message: impl Into<String>) -> Finding {
        self.finding(Status::Error, resource, message)
    }

    /// A finding for a resource the rule does not apply to.
    pub fn skipped(&self, resource: ResourceRef, message: impl Into<String>) -> Finding {
        self.finding(Status::Skipped, resource, message)
    }
}

/// What the engine needs to know about collected data, whatever the provider.
pub trait Inventory {
    /// The scanned account, if known.
    fn account(&self) -> Option<&str>;
    /// Each region (or other partition of the scan) with its state and API calls.
    fn regions(&self) -> Vec<crate::report::RegionStatus>;
    /// Regions deliberately not scanned, with why (e.g. opt-in regions not enabled).
    fn regions_not_scanned(&self) -> Vec<crate::report::RegionNotScanned> {
        Vec::new()
    }
    /// API calls made outside any region (region listing, caller identity).
    fn global_api_calls(&self) -> u64 {
        0
    }
}
