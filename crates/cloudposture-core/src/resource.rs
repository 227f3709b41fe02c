//! Resources that findings point at.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Tags of a resource: key → value (value may be empty).
pub type Tags = BTreeMap<String, String>;

/// A cloud resource as every finding needs to point at it.
///
/// Concrete resources (a VPC, a flow log) live in provider crates and implement this.
pub trait Resource {
    /// Kind, e.g. `aws.ec2.vpc`.
    fn kind(&self) -> &'static str;
    /// Provider id, e.g. `vpc-0abc`.
    fn id(&self) -> &str;
    /// Full ARN or other globally unique name, if known.
    fn arn(&self) -> Option<String>;
    /// Owning account.
    fn account(&self) -> Option<&str>;
    /// Region; `None` for global resources.
    fn region(&self) -> Option<&str>;
    /// Tags.
    fn tags(&self) -> &Tags;

    /// The serializable reference that a finding carries.
    fn to_ref(&self) -> ResourceRef {
        ResourceRef {
            kind: self.kind().to_string(),
            id: self.id().to_string(),
            arn: self.arn(),
            region: self.region().map(str::to_string),
            account: self.account().map(str::to_string),
            tags: self.tags().clone(),
        }
    }
}

/// A serializable pointer to a resource, carried by every finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRef {
    /// Kind, e.g. `aws.ec2.vpc`.
    pub kind: String,
    /// Provider id.
    pub id: String,
    /// ARN, if known.
    pub arn: Option<String>,
    /// Region, if regional.
    pub region: Option<String>,
    /// Account, if known.
    pub account: Option<String>,
    /// Tags.
    pub tags: Tags,
}

impl ResourceRef {
    /// A reference to something that is not a collected resource, such as a
    /// region whose resources could not be listed.
    pub fn new(kind: impl Into<String>, id: impl Into<String>) -> Self {
        ResourceRef {
            kind: kind.into(),
            id: id.into(),
            arn: None,
            region: None,
            account: None,
            tags: Tags::new(),
        }
    }

    /// Sets the region.
    pub fn in_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets the account.
    pub fn in_account(mut self, account: Option<impl Into<String>>) -> Self {
        self.account = account.map(Into::into);
        self
    }
}
