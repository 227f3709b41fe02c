//! Resources that findings point at.

use std::collections::BTreeMap;

use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
            kind: CompactString::const_new(self.kind()),
            id: self.id().into(),
            arn: self.arn().map(CompactString::from),
            region: self.region().map(CompactString::from),
            account: self.account().map(CompactString::from),
            tags: ResourceTags::from(self.tags()),
        }
    }
}

/// A serializable pointer to a resource, carried by every finding.
///
/// Strings are [`CompactString`]s: up to 24 bytes are kept inline, so the kind, the id
/// (`vpc-…`, `subnet-…`), the region and the account of a finding cost no allocation —
/// which counts at a million findings. They read as `&str` (`Deref`) and compare with
/// `&str` and `String`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRef {
    /// Kind, e.g. `aws.ec2.vpc`.
    pub kind: CompactString,
    /// Provider id.
    pub id: CompactString,
    /// ARN, if known.
    pub arn: Option<CompactString>,
    /// Region, if regional.
    pub region: Option<CompactString>,
    /// Account, if known.
    pub account: Option<CompactString>,
    /// Tags.
    pub tags: ResourceTags,
}

impl ResourceRef {
    /// A reference to something that is not a collected resource, such as a
    /// region whose resources could not be listed.
    pub fn new(kind: impl Into<CompactString>, id: impl Into<CompactString>) -> Self {
        ResourceRef {
            kind: kind.into(),
            id: id.into(),
            arn: None,
            region: None,
            account: None,
            tags: ResourceTags::default(),
        }
    }

    /// Sets the region.
    pub fn in_region(mut self, region: impl Into<CompactString>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets the account.
    pub fn in_account(mut self, account: Option<impl Into<CompactString>>) -> Self {
        self.account = account.map(Into::into);
        self
    }

    /// The region, or `""` for a global resource.
    pub fn region_str(&self) -> &str {
        self.region.as_deref().unwrap_or_default()
    }

    /// The account, or `""` when unknown.
    pub fn account_str(&self) -> &str {
        self.account.as_deref().unwrap_or_default()
    }
}

/// The tags a finding carries: key-sorted pairs, written as a JSON object.
///
/// A `BTreeMap` with one entry allocates a whole B-tree node (about half a kilobyte);
/// a report of a million findings should not pay that for a `Name` tag each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceTags(Vec<(CompactString, CompactString)>);

impl ResourceTags {
    /// No tags.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.position(key).ok().map(|i| self.0[i].1.as_str())
    }

    /// Whether `key` is set (with any value).
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Sets `key` to `value`.
    pub fn insert(&mut self, key: impl Into<CompactString>, value: impl Into<CompactString>) {
        let (key, value) = (key.into(), value.into());
        match self.position(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    /// Key-value pairs, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Number of tags.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }
}

impl From<&Tags> for ResourceTags {
    fn from(tags: &Tags) -> Self {
        // A BTreeMap iterates in key order: the pairs are sorted already.
        ResourceTags(
            tags.iter()
                .map(|(k, v)| (CompactString::from(k.as_str()), CompactString::from(v.as_str())))
                .collect(),
        )
    }
}

impl<K: Into<CompactString>, V: Into<CompactString>> FromIterator<(K, V)> for ResourceTags {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        let mut tags = ResourceTags::new();
        for (k, v) in iter {
            tags.insert(k, v);
        }
        tags
    }
}

impl Serialize for ResourceTags {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for ResourceTags {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(ResourceTags::from(&Tags::deserialize(deserializer)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_tags_behave_as_a_sorted_map() {
        let mut tags: ResourceTags = [
            ("Owner".to_string(), "data".to_string()),
            ("Env".to_string(), "prod".to_string()),
        ]
        .into_iter()
        .collect();
        assert_eq!(tags.get("Owner"), Some("data"));
        assert!(tags.contains_key("Env") && !tags.contains_key("env"));
        tags.insert("Env", "sandbox");
        assert_eq!(tags.len(), 2);
        let json = serde_json::to_string(&tags).unwrap();
        assert_eq!(json, r#"{"Env":"sandbox","Owner":"data"}"#);
        let back: ResourceTags = serde_json::from_str(&json).unwrap();
        assert_eq!(back, tags);
        let map: Tags = [
            ("b".to_string(), String::new()),
            ("a".to_string(), "1".to_string()),
        ]
        .into();
        let from_map = ResourceTags::from(&map);
        assert_eq!(from_map.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["a", "b"]);
    }
}
