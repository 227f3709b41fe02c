//! What a rule reads besides its own kind: [`Listed`] (a complete listing), [`Lookup`]
//! (a partial one), tuples of them, or `()`.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::Serialize;

use crate::collect_error::CollectError;
use crate::inventory::{KindState, Scope};
use crate::kind::{Kind, KindInfo, Listing};
use crate::resource::Resource;

/// How a rule reads one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Need {
    /// The kind.
    pub kind: &'static KindInfo,
    /// `Complete` when read as [`Listed`] (or the rule's own kind): a failure makes its
    /// resources unjudgeable. `Lookup` when read as [`Lookup`]: the rule copes.
    pub read_as: Listing,
}

/// A kind a rule reads that could not be read in a scope.
#[derive(Debug, Clone, Copy)]
pub struct Unread<'a> {
    /// The kind.
    pub kind: &'static KindInfo,
    /// The failure, or `None` when it was not collected at all.
    pub error: Option<&'a CollectError>,
}

/// What a rule reads besides its own kind, made from a scope by the engine.
pub trait Reads<'a>: Sized {
    /// The kinds, and how they are read.
    fn needs() -> Vec<Need>;
    /// The typed data, or the first kind that could not be read.
    fn read(scope: &'a Scope) -> Result<Self, Unread<'a>>;
}

impl<'a> Reads<'a> for () {
    fn needs() -> Vec<Need> {
        Vec::new()
    }
    fn read(_: &'a Scope) -> Result<Self, Unread<'a>> {
        Ok(())
    }
}

/// Every resource of kind `K` in the scope: a complete listing.
pub struct Listed<'a, K: Kind>(&'a [K::Item]);

impl<'a, K: Kind> Listed<'a, K> {
    /// A listing of `items` (for tests and embedders that call a rule directly).
    pub fn new(items: &'a [K::Item]) -> Self {
        Listed(items)
    }

    /// The items.
    pub fn items(&self) -> &'a [K::Item] {
        self.0
    }
}

impl<K: Kind> Deref for Listed<'_, K> {
    type Target = [K::Item];
    fn deref(&self) -> &Self::Target {
        self.0
    }
}

impl<K: Kind> Clone for Listed<'_, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Kind> Copy for Listed<'_, K> {}

impl<K: Kind> fmt::Debug for Listed<'_, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Listed").field(&self.0).finish()
    }
}

impl<'a, K: Kind> Reads<'a> for Listed<'a, K> {
    fn needs() -> Vec<Need> {
        vec![Need {
            kind: &K::INFO,
            read_as: Listing::Complete,
        }]
    }
    fn read(scope: &'a Scope) -> Result<Self, Unread<'a>> {
        match scope.get::<K>() {
            KindState::Listed(items) => Ok(Listed(items)),
            KindState::Failed(e) => Err(Unread {
                kind: &K::INFO,
                error: Some(e),
            }),
            KindState::NotCollected => Err(Unread {
                kind: &K::INFO,
                error: None,
            }),
        }
    }
}

/// The resources of kind `K` that were looked up — partial by design (e.g. the
/// subnets that flow logs name), so it offers no "all items" view: a rule asks for
/// what it needs and is told when the lookup failed.
pub struct Lookup<'a, K: Kind> {
    state: KindState<'a, K::Item>,
    kind: PhantomData<K>,
}

impl<'a, K: Kind> Lookup<'a, K> {
    /// A lookup that found `items` (for tests and embedders).
    pub fn found(items: &'a [K::Item]) -> Self {
        Lookup {
            state: KindState::Listed(items),
            kind: PhantomData,
        }
    }

    /// A lookup that failed.
    pub fn failed(error: &'a CollectError) -> Self {
        Lookup {
            state: KindState::Failed(error),
            kind: PhantomData,
        }
    }

    /// The resource with this id, if it was looked up.
    pub fn get(&self, id: &str) -> Option<&'a K::Item> {
        self.looked_up().iter().find(|item| item.id() == id)
    }

    /// The resources that were looked up (not every resource of the kind).
    pub fn looked_up(&self) -> &'a [K::Item] {
        match self.state {
            KindState::Listed(items) => items,
            _ => &[],
        }
    }

    /// Why nothing was looked up: the failure, if the lookup failed.
    pub fn error(&self) -> Option<&'a CollectError> {
        match self.state {
            KindState::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// The lookup's state.
    pub fn state(&self) -> KindState<'a, K::Item> {
        self.state
    }
}

impl<K: Kind> Clone for Lookup<'_, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Kind> Copy for Lookup<'_, K> {}

impl<K: Kind> fmt::Debug for Lookup<'_, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Lookup").field(&self.state).finish()
    }
}

impl<'a, K: Kind> Reads<'a> for Lookup<'a, K> {
    fn needs() -> Vec<Need> {
        vec![Need {
            kind: &K::INFO,
            read_as: Listing::Lookup,
        }]
    }
    fn read(scope: &'a Scope) -> Result<Self, Unread<'a>> {
        Ok(Lookup {
            state: scope.get::<K>(),
            kind: PhantomData,
        })
    }
}

macro_rules! tuple_reads {
    ($($t:ident),+) => {
        impl<'a, $($t: Reads<'a>),+> Reads<'a> for ($($t,)+) {
            fn needs() -> Vec<Need> {
                let mut needs = Vec::new();
                $(needs.extend($t::needs());)+
                needs
            }
            fn read(scope: &'a Scope) -> Result<Self, Unread<'a>> {
                Ok(($($t::read(scope)?,)+))
            }
        }
    };
}

tuple_reads!(A);
tuple_reads!(A, B);
tuple_reads!(A, B, C);
tuple_reads!(A, B, C, D);
tuple_reads!(A, B, C, D, E);
tuple_reads!(A, B, C, D, E, F);
