//! The AWS API surface that collection depends on, as small mockable traits.
//!
//! - [`AccountApi`]: account-level calls (caller identity, the account's regions).
//! - [`Lister<K>`]: how one kind is read in one region. The SDK adapter implements it
//!   for every built-in kind; a crate outside this one implements it for a kind of its
//!   own, or a test mocks it (`MockLister<K>` with the `mocks` feature).
//!
//! [`Listers`] holds one lister per kind and is what [`crate::collect()`] runs.
//! They return model types, never SDK types.

use std::collections::BTreeMap;

use async_trait::async_trait;
use cloudposture_core::{CollectError, Items, Kind, KindInfo, Scope};

/// What a lister fetched: the items of a complete listing (every page) or lookup, and
/// the API calls it took. (A rule reads a kind as [`cloudposture_core::Listed`].)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched<T> {
    /// The items.
    pub items: Vec<T>,
    /// Calls made (one per page).
    pub api_calls: u64,
}

impl<T> Fetched<T> {
    /// A listing of `items` made in `api_calls` calls.
    pub fn new(items: Vec<T>, api_calls: u64) -> Self {
        Fetched { items, api_calls }
    }

    /// The same listing with each item converted.
    pub fn map<U>(self, convert: impl FnMut(T) -> U) -> Fetched<U> {
        Fetched {
            items: self.items.into_iter().map(convert).collect(),
            api_calls: self.api_calls,
        }
    }

    /// Adds another listing's items and calls (e.g. the next chunk of ids).
    pub fn extend(&mut self, other: Fetched<T>) {
        self.items.extend(other.items);
        self.api_calls += other.api_calls;
    }
}

/// The account's regions, as DescribeRegions reports them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegionList {
    /// Regions enabled for the account (opt-in not required, or opted in).
    pub enabled: Vec<String>,
    /// Opt-in regions the account has not enabled.
    pub not_enabled: Vec<String>,
}

/// Account-level calls: made at most once per scan.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait AccountApi: Send + Sync {
    /// The account of the credentials (STS GetCallerIdentity).
    async fn caller_account(&self) -> Result<String, CollectError>;
    /// The account's regions (EC2 DescribeRegions with all regions).
    async fn regions(&self) -> Result<RegionList, CollectError>;
}

/// Where a lister reads, and what has been read there before it.
#[derive(Debug, Clone, Copy)]
pub struct ListContext<'a> {
    /// The account whose credentials read, if known.
    pub account: Option<&'a str>,
    /// The region.
    pub region: &'a str,
    /// What the kinds this lister runs after have given in this region (a lookup reads
    /// the ids they name here).
    pub scope: &'a Scope,
}

/// How kind `K` is read in one region: every page at the maximum page size, or for a
/// lookup kind the items that `ctx.scope` names.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait Lister<K: Kind>: Send + Sync {
    /// The items of `K` in `ctx.region`.
    async fn list<'a>(&self, ctx: &ListContext<'a>) -> Result<Fetched<K::Item>, CollectError>;
}

/// A lister with its kind erased, as [`Listers`] holds it.
#[async_trait]
trait AnyLister: Send + Sync {
    async fn list(&self, ctx: &ListContext<'_>) -> Result<(Box<dyn Items>, u64), CollectError>;
}

struct Typed<K, L>(L, std::marker::PhantomData<fn() -> K>);

#[async_trait]
impl<K: Kind, L: Lister<K>> AnyLister for Typed<K, L> {
    async fn list(&self, ctx: &ListContext<'_>) -> Result<(Box<dyn Items>, u64), CollectError> {
        let listed = self.0.list(ctx).await?;
        Ok((Box::new(listed.items), listed.api_calls))
    }
}

/// One registered lister.
pub(crate) struct Registered {
    pub(crate) kind: &'static KindInfo,
    /// Kinds to read first in the same region.
    pub(crate) after: &'static [&'static str],
    lister: Box<dyn AnyLister>,
}

impl Registered {
    pub(crate) async fn list(&self, ctx: &ListContext<'_>) -> Result<(Box<dyn Items>, u64), CollectError> {
        self.lister.list(ctx).await
    }
}

/// One lister per kind: what a collector can read.
///
/// ```
/// # #[cfg(feature = "mocks")] {
/// use cloudposture_aws::kinds::Vpcs;
/// use cloudposture_aws::{Fetched, Listers, MockLister};
///
/// let mut vpcs = MockLister::<Vpcs>::new();
/// vpcs.expect_list().returning(|_| Ok(Fetched::new(vec![], 1)));
/// let listers = Listers::new().add::<Vpcs>(vpcs);
/// assert!(listers.lists("aws.ec2.vpc"));
/// # }
/// ```
#[derive(Default)]
pub struct Listers {
    by_kind: BTreeMap<&'static str, Registered>,
}

impl std::fmt::Debug for Listers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.by_kind.keys()).finish()
    }
}

impl Listers {
    /// No listers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `K` with `lister` (replacing any lister of `K`).
    #[expect(
        clippy::should_implement_trait,
        reason = "a builder step generic over the kind, not `+`: `Listers::new().add::<Vpcs>(lister)`"
    )]
    pub fn add<K: Kind>(self, lister: impl Lister<K> + 'static) -> Self {
        self.add_after::<K>(lister, &[])
    }

    /// Reads `K` with `lister` once the kinds named in `after` have been read in the
    /// same region (a lookup of the ids they name). Those kinds are collected too.
    pub fn add_after<K: Kind>(
        mut self,
        lister: impl Lister<K> + 'static,
        after: &'static [&'static str],
    ) -> Self {
        self.by_kind.insert(
            K::INFO.name,
            Registered {
                kind: &K::INFO,
                after,
                lister: Box::new(Typed::<K, _>(lister, std::marker::PhantomData)),
            },
        );
        self
    }

    /// Whether some lister reads the kind called `name`.
    pub fn lists(&self, name: &str) -> bool {
        self.by_kind.contains_key(name)
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Registered> {
        self.by_kind.get(name)
    }
}
