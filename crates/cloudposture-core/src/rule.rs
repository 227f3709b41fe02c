//! The `Rule` trait, the kinds a rule reads, and what a rule sees while it evaluates.
//!
//! A rule declares, as types:
//! - `Kind`: the kind its findings are about (one finding per resource, as a rule);
//! - `Reads<'a>`: the other kinds it reads — [`Listed`] for a complete listing,
//!   [`Lookup`] for a partial one, a tuple of them, or `()`;
//! - `Settings`: its settings, a serde struct ([`crate::RuleSettings`]).
//!
//! The engine does the bookkeeping every rule would otherwise copy: it calls
//! [`Rule::evaluate`] once per scope (account × region, or a set of templates) with
//! the resources of its kind and what it reads, already typed. Where the rule's own
//! kind could not be read it writes one `error` finding for the scope; where a kind it
//! reads as [`Listed`] could not be read, one `error` finding per resource. A rule
//! cannot read a kind it did not declare: the only data it gets is its `Reads`.
//!
//! ```
//! use cloudposture_core::*;
//! # #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
//! # pub struct Volume { id: String, encrypted: bool }
//! # impl Resource for Volume {
//! #     fn kind(&self) -> &'static str { "aws.ec2.volume" }
//! #     fn id(&self) -> &str { &self.id }
//! #     fn arn(&self) -> Option<String> { None }
//! #     fn account(&self) -> Option<&str> { None }
//! #     fn region(&self) -> Option<&str> { None }
//! #     fn tags(&self) -> &Tags { Tags::empty() }
//! # }
//! # pub struct Volumes;
//! # impl Kind for Volumes {
//! #     type Item = Volume;
//! #     const INFO: KindInfo = KindInfo { name: "aws.ec2.volume", singular: "volume", plural: "volumes",
//! #         listing: Listing::Complete, audit_actions: &["ec2:DescribeVolumes"],
//! #         resource_type: "AWS::EC2::Volume", finding_type: Some("AwsEc2Volume") };
//! # }
//! # static EBS_001: RuleMetadata = RuleMetadata::EMPTY;
//! struct VolumesEncrypted;
//!
//! impl Rule for VolumesEncrypted {
//!     type Kind = Volumes;
//!     type Reads<'a> = ();
//!     type Settings = NoSettings;
//!
//!     fn metadata(&self) -> &'static RuleMetadata {
//!         &EBS_001
//!     }
//!
//!     fn evaluate(&self, volumes: &[Volume], _: (), ctx: &RuleContext<'_, NoSettings>) -> Vec<Finding> {
//!         volumes
//!             .iter()
//!             .map(|v| match v.encrypted {
//!                 true => ctx.pass(v, "the volume is encrypted"),
//!                 false => ctx.fail(v, "the volume is not encrypted"),
//!             })
//!             .collect()
//!     }
//! }
//! ```

use std::fmt;

use compact_str::CompactString;
use serde::Serialize;

use crate::collect_error::CollectError;
use crate::finding::{Evidence, Finding, Status};
use crate::fix::{FixAction, FixError};
use crate::inventory::ScopeId;
use crate::kind::{Kind, KindInfo};
use crate::metadata::RuleMetadata;
use crate::resource::{Resource, ResourceRef};
use crate::risk::RiskLevel;
use crate::settings::RuleSettings;

mod reads;

pub use reads::{Listed, Lookup, Need, Reads, Unread};

/// The resource id of the one `error` finding for a scope whose resources of the
/// rule's kind could not be listed: it stands for all of them (its region says where).
pub const SCOPE_WIDE_ID: &str = "*";

/// A best-practice check over collected data.
///
/// Contract: `evaluate` is pure (no I/O) and returns one finding for every resource it
/// judges (as a rule, every resource of `Kind` in `resources`).
pub trait Rule: Send + Sync + 'static {
    /// The kind of resource findings are about.
    type Kind: Kind;
    /// The other kinds the rule reads: [`Listed`], [`Lookup`], a tuple of them, or `()`.
    type Reads<'a>: Reads<'a>;
    /// The rule's settings; [`crate::NoSettings`] when it has none.
    type Settings: RuleSettings;

    /// The rule's knowledge: id, risk, controls, audit, remediation…
    fn metadata(&self) -> &'static RuleMetadata;

    /// Judges the resources of one scope.
    fn evaluate<'a>(
        &self,
        resources: &'a [<Self::Kind as Kind>::Item],
        reads: Self::Reads<'a>,
        ctx: &RuleContext<'a, Self::Settings>,
    ) -> Vec<Finding>;

    /// A verdict that needs none of the kinds the rule reads (e.g. a VPC shared by
    /// another account is skipped). The engine asks it for each resource where those
    /// kinds could not be read, before it writes an `error` finding; `None` (the
    /// default) means the resource cannot be judged without them.
    fn judge_alone(
        &self,
        _resource: &<Self::Kind as Kind>::Item,
        _ctx: &RuleContext<'_, Self::Settings>,
    ) -> Option<Finding> {
        None
    }

    /// The action that would fix one of this rule's failing findings, given the
    /// rule's settings (with any fix options applied). `Ok(None)`, the default, means
    /// the rule has no automatic fix.
    fn plan_fix(
        &self,
        _finding: &Finding,
        _settings: &Self::Settings,
    ) -> Result<Option<FixAction>, FixError> {
        Ok(None)
    }
}

/// What a rule gets besides its data: the scope, its settings and effective risk, and
/// constructors for findings that fill in the rule's id, title, risk and controls.
pub struct RuleContext<'a, S> {
    metadata: &'static RuleMetadata,
    kind: &'static KindInfo,
    settings: &'a S,
    risk: RiskLevel,
    scope: &'a ScopeId,
}

impl<S> Clone for RuleContext<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for RuleContext<'_, S> {}

impl<S: fmt::Debug> fmt::Debug for RuleContext<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleContext")
            .field("rule", &self.metadata.id)
            .field("kind", &self.kind.name)
            .field("settings", self.settings)
            .field("risk", &self.risk)
            .field("scope", self.scope)
            .finish()
    }
}

impl<'a, S> RuleContext<'a, S> {
    /// A context for `metadata`'s rule judging `kind` in `scope`.
    pub fn new(
        metadata: &'static RuleMetadata,
        kind: &'static KindInfo,
        settings: &'a S,
        risk: RiskLevel,
        scope: &'a ScopeId,
    ) -> Self {
        RuleContext {
            metadata,
            kind,
            settings,
            risk,
            scope,
        }
    }

    /// The rule's validated settings.
    pub fn settings(&self) -> &'a S {
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

    /// The kind findings are about.
    pub fn kind(&self) -> &'static KindInfo {
        self.kind
    }

    /// Where the resources being judged were read.
    pub fn scope(&self) -> &'a ScopeId {
        self.scope
    }

    /// The account of the scope (whose credentials read it), if known.
    pub fn account(&self) -> Option<&'a str> {
        self.scope.account.as_deref()
    }

    /// A finding with `status` about the resource `reference` points at.
    pub fn finding(&self, status: Status, resource: ResourceRef, message: impl Into<String>) -> Finding {
        Finding {
            rule: self.metadata,
            kind: self.kind,
            status,
            risk: self.risk,
            resource,
            message: message.into(),
            evidence: Evidence::none(),
            remediation: None,
            muted_reason: None,
            original_status: None,
            scanned_account: self.scope.account.as_deref().map(CompactString::from),
        }
    }

    /// A passing finding.
    pub fn pass(&self, resource: &impl Resource, message: impl Into<String>) -> Finding {
        self.finding(Status::Pass, resource.to_ref(), message)
    }

    /// A failing finding.
    pub fn fail(&self, resource: &impl Resource, message: impl Into<String>) -> Finding {
        self.finding(Status::Fail, resource.to_ref(), message)
    }

    /// A finding for a resource that could not be judged.
    pub fn error(&self, resource: &impl Resource, message: impl Into<String>) -> Finding {
        self.finding(Status::Error, resource.to_ref(), message)
    }

    /// A finding for a resource the rule does not apply to.
    pub fn skipped(&self, resource: &impl Resource, message: impl Into<String>) -> Finding {
        self.finding(Status::Skipped, resource.to_ref(), message)
    }

    /// The `error` finding for a resource whose `unread` kind could not be read.
    pub fn unreadable(&self, resource: &impl Resource, unread: &Unread<'_>) -> Finding {
        let scope = self.scope.label();
        let message = match unread.error {
            // Templates are read, not listed: the error says what could not be resolved.
            Some(error) if self.scope.templates.is_some() => format!(
                "{} in {scope} could not be read from the templates: {}; the {} cannot be judged",
                unread.kind.plural, error.message, self.kind.singular
            ),
            Some(error) => format!(
                "could not list {} in {scope}: {error}; the {} cannot be judged",
                unread.kind.plural, self.kind.singular
            ),
            None => format!(
                "{} were not collected in {scope} (the inventory was made without `{}`); the {} cannot be judged",
                unread.kind.plural, unread.kind.name, self.kind.singular
            ),
        };
        self.error(resource, message).with_evidence(UnreadableEvidence {
            region: scope,
            error: unread.error,
        })
    }

    /// The one `error` finding for a scope whose resources of the rule's kind could not
    /// be listed (`error`) or were not collected (`None`); its id is [`SCOPE_WIDE_ID`].
    pub fn unreadable_scope(&self, error: Option<&CollectError>) -> Finding {
        let scope = self.scope.label();
        let message = match error {
            Some(error) if self.scope.templates.is_some() => format!(
                "{} in {scope} could not be read from the templates: {}",
                self.kind.plural, error.message
            ),
            Some(error) => format!("could not list {} in {scope}: {error}", self.kind.plural),
            None => format!(
                "{} were not collected in {scope} (the inventory was made without `{}`), so none could be judged",
                self.kind.plural, self.kind.name
            ),
        };
        let mut resource = ResourceRef::new(self.kind.name, SCOPE_WIDE_ID).in_account(self.account());
        if let Some(region) = &self.scope.region {
            resource = resource.in_region(region.as_str());
        }
        self.finding(Status::Error, resource, message)
            .with_evidence(UnreadableEvidence { region: scope, error })
    }
}

/// The evidence of a finding that could not be judged.
#[derive(Debug, Serialize)]
struct UnreadableEvidence<'a> {
    region: &'a str,
    error: Option<&'a CollectError>,
}
