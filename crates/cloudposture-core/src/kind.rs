//! Resource kinds: what a provider can collect, declared once per kind.
//!
//! A kind is a type that implements [`Kind`]: its item type (a plain serde model that
//! is also a [`Resource`]) and its [`KindInfo`] — name, words for messages, whether its
//! listing is complete or a lookup, the permissions that read it and the provider's
//! type names. The inventory, snapshots, the engine's bookkeeping and the least-privilege
//! policy handle every kind alike through this one declaration; a crate outside the
//! workspace adds a kind the same way the AWS provider declares its own.
//!
//! ```
//! use cloudposture_core::{Kind, KindInfo, Listing, Resource, Tags};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
//! pub struct Gateway { pub id: String, pub region: String }
//!
//! impl Resource for Gateway {
//!     fn kind(&self) -> &'static str { InternetGateways::INFO.name }
//!     fn id(&self) -> &str { &self.id }
//!     fn arn(&self) -> Option<String> { None }
//!     fn account(&self) -> Option<&str> { None }
//!     fn region(&self) -> Option<&str> { Some(&self.region) }
//!     fn tags(&self) -> &Tags { Tags::empty() }
//! }
//!
//! pub struct InternetGateways;
//! impl Kind for InternetGateways {
//!     type Item = Gateway;
//!     const INFO: KindInfo = KindInfo {
//!         name: "aws.ec2.internet-gateway",
//!         singular: "internet gateway",
//!         plural: "internet gateways",
//!         listing: Listing::Complete,
//!         audit_actions: &["ec2:DescribeInternetGateways"],
//!         resource_type: "AWS::EC2::InternetGateway",
//!         finding_type: None,
//!     };
//! }
//! ```

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::resource::Resource;

/// A kind of resource a provider collects.
pub trait Kind: Send + Sync + 'static {
    /// One resource of this kind, as collected.
    type Item: Resource
        + Serialize
        + DeserializeOwned
        + Clone
        + fmt::Debug
        + PartialEq
        + Send
        + Sync
        + 'static;
    /// What the kind is.
    const INFO: KindInfo;
}

/// Everything the framework needs to know about a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KindInfo {
    /// Unique name, e.g. `aws.ec2.vpc`; snapshots store items under it.
    pub name: &'static str,
    /// One of them in words, for messages: `VPC`, `flow log`.
    pub singular: &'static str,
    /// Several, for messages: `VPCs`, `flow logs`.
    pub plural: &'static str,
    /// Whether a listing holds every resource of the kind or only those looked up.
    pub listing: Listing,
    /// Permissions that read it (IAM actions for AWS), e.g. `ec2:DescribeVpcs`.
    pub audit_actions: &'static [&'static str],
    /// The provider's type name (for AWS the CloudFormation type), e.g. `AWS::EC2::VPC`.
    pub resource_type: &'static str,
    /// The type name of the provider's findings service (AWS Security Hub: `AwsEc2Vpc`),
    /// when it has one for this kind.
    pub finding_type: Option<&'static str>,
}

/// How complete a kind's listing is, by design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Listing {
    /// Every resource of the kind in the scope (e.g. DescribeVpcs, every page).
    Complete,
    /// Only the resources that other collected data names (e.g. the subnets that
    /// subnet-level flow logs point at). Rules read it as a [`crate::Lookup`], never as
    /// a complete list.
    Lookup,
}

/// The items of one kind in one scope, type-erased so that an inventory can hold any
/// kind. Implemented for `Vec<T>` of every kind's item type.
pub trait Items: Any + Send + Sync + fmt::Debug {
    /// Number of items.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The items, to be serialized (snapshots write them as a JSON list).
    fn as_serialize(&self) -> &dyn erased_serde::Serialize;
    /// An owned copy.
    fn clone_items(&self) -> Box<dyn Items>;
    /// Equal to `other` (same kind and items).
    fn eq_items(&self, other: &dyn Items) -> bool;
    /// For downcasting to `Vec<K::Item>`.
    fn as_any(&self) -> &dyn Any;
    /// Each item's id and region, in order (for consistency checks).
    fn ids_and_regions(&self) -> Vec<(&str, Option<&str>)>;
}

impl<T> Items for Vec<T>
where
    T: Resource + Serialize + Clone + fmt::Debug + PartialEq + Send + Sync + 'static,
{
    fn ids_and_regions(&self) -> Vec<(&str, Option<&str>)> {
        self.iter().map(|item| (item.id(), item.region())).collect()
    }

    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn as_serialize(&self) -> &dyn erased_serde::Serialize {
        self
    }
    fn clone_items(&self) -> Box<dyn Items> {
        Box::new(self.clone())
    }
    fn eq_items(&self, other: &dyn Items) -> bool {
        other.as_any().downcast_ref::<Vec<T>>() == Some(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Reads a kind's items back from JSON.
type ParseItems = fn(&str) -> serde_json::Result<Box<dyn Items>>;

fn parse_items<K: Kind>(json: &str) -> serde_json::Result<Box<dyn Items>> {
    Ok(Box::new(serde_json::from_str::<Vec<K::Item>>(json)?))
}

/// The kinds a build knows, by name: what reading a snapshot and planning a scan need.
///
/// A provider offers its own (`cloudposture_aws::kinds::registry()`); an embedder adds
/// kinds of its own with [`KindRegistry::register`].
#[derive(Clone, Default)]
pub struct KindRegistry {
    kinds: BTreeMap<&'static str, (&'static KindInfo, ParseItems)>,
}

impl fmt::Debug for KindRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.kinds.keys()).finish()
    }
}

impl KindRegistry {
    /// No kinds.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `K` (again is harmless). Kind names must be unique: a different kind of
    /// the same name replaces it, and items of the other type read as not collected.
    pub fn register<K: Kind>(&mut self) -> &mut Self {
        self.kinds.insert(K::INFO.name, (&K::INFO, parse_items::<K>));
        self
    }

    /// Adds `K`, by value.
    pub fn with<K: Kind>(mut self) -> Self {
        self.register::<K>();
        self
    }

    /// The kind called `name`.
    pub fn get(&self, name: &str) -> Option<&'static KindInfo> {
        self.kinds.get(name).map(|(info, _)| *info)
    }

    /// Every kind, by name.
    pub fn iter(&self) -> impl Iterator<Item = &'static KindInfo> + '_ {
        self.kinds.values().map(|(info, _)| *info)
    }

    /// Parses the JSON items of the kind called `name`; `None` for a kind this
    /// registry does not know.
    pub fn parse(&self, name: &str, json: &str) -> Option<serde_json::Result<Box<dyn Items>>> {
        self.kinds.get(name).map(|(_, parse)| parse(json))
    }
}
