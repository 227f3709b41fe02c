//! Resources that findings point at.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
            arn: self.arn().map(Into::into),
            region: self.region().map(CompactString::from),
            account: self.account().map(CompactString::from),
            tags: self.tags().clone(),
            location: None,
        }
    }
}

/// Where a resource is declared in a template: the file as reached from the path the
/// scan was given, and the 1-based line of its declaration.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The file, e.g. `infra/network/main.tf`.
    pub file: String,
    /// The line of the declaration (the logical id's key, the `resource` block), from 1.
    pub line: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A serializable pointer to a resource, carried by every finding.
///
/// Strings are [`CompactString`]s: up to 24 bytes are kept inline, so the kind, the id
/// (`vpc-…`, `subnet-…`), the region and the account of a finding cost no allocation.
/// They read as `&str` (`Deref`) and compare with `&str` and `String`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRef {
    /// Kind, e.g. `aws.ec2.vpc`.
    pub kind: CompactString,
    /// Provider id.
    pub id: CompactString,
    /// ARN, if known: read it with [`ResourceRef::arn`], set it with
    /// [`ResourceRef::with_arn`].
    #[serde(default)]
    arn: Option<CompactString>,
    /// Region, if regional.
    pub region: Option<CompactString>,
    /// Account, if known.
    pub account: Option<CompactString>,
    /// Tags.
    pub tags: Tags,
    /// Where the resource is declared, for resources read from templates (none for
    /// live and snapshot scans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
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
            tags: Tags::default(),
            location: None,
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

    /// Sets the ARN.
    pub fn with_arn(mut self, arn: impl Into<CompactString>) -> Self {
        self.arn = Some(arn.into());
        self
    }

    /// Forgets the ARN (a resource declared in a template has none yet).
    pub(crate) fn forget_arn(&mut self) {
        self.arn = None;
    }

    /// Whether the resource is declared in a template (it has a [`Location`]) rather
    /// than read from an account: nothing of it is deployed yet, so a fix is a change to
    /// the template, never a call to AWS.
    pub fn is_declared(&self) -> bool {
        self.location.is_some()
    }

    /// The ARN, if known.
    pub fn arn(&self) -> Option<&str> {
        self.arn.as_deref()
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

/// Tags of a resource: key-sorted pairs, written as a JSON object.
///
/// Shared, not copied: a clone is a reference-count increment, so the million findings
/// of a large scan point at the tags the inventory already holds. A `BTreeMap` would
/// cost a half-kilobyte node per tagged resource, and a copy per finding. Keys and
/// values are [`CompactString`]s (inline up to 24 bytes).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Tags(Option<Arc<[(CompactString, CompactString)]>>);

impl Tags {
    /// No tags.
    pub fn new() -> Self {
        Self::default()
    }

    /// No tags, borrowed: for resources that have none.
    pub fn empty() -> &'static Tags {
        static EMPTY: Tags = Tags(None);
        &EMPTY
    }

    fn pairs(&self) -> &[(CompactString, CompactString)] {
        self.0.as_deref().unwrap_or_default()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        let pairs = self.pairs();
        self.position(key).ok().map(|i| pairs[i].1.as_str())
    }

    /// Whether `key` is set (with any value).
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Sets `key` to `value` (copies the pairs: tags are built once, then shared).
    pub fn insert(&mut self, key: impl Into<CompactString>, value: impl Into<CompactString>) {
        let (key, value) = (key.into(), value.into());
        let mut pairs = self.pairs().to_vec();
        match self.position(&key) {
            Ok(i) => pairs[i].1 = value,
            Err(i) => pairs.insert(i, (key, value)),
        }
        self.0 = Some(pairs.into());
    }

    /// Key-value pairs, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs().iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Number of tags.
    pub fn len(&self) -> usize {
        self.pairs().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs().is_empty()
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.pairs().binary_search_by(|(k, _)| k.as_str().cmp(key))
    }
}

impl fmt::Debug for Tags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl From<&BTreeMap<String, String>> for Tags {
    fn from(tags: &BTreeMap<String, String>) -> Self {
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }
}

impl<K: Into<CompactString>, V: Into<CompactString>> FromIterator<(K, V)> for Tags {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        let mut pairs: Vec<(CompactString, CompactString)> =
            iter.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        // Sorted by key; of repeated keys, the last value wins (as with a map).
        pairs.reverse();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.dedup_by(|later, earlier| later.0 == earlier.0);
        if pairs.is_empty() {
            Tags(None)
        } else {
            Tags(Some(pairs.into()))
        }
    }
}

impl Serialize for Tags {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Tags {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Tags::from(&BTreeMap::<String, String>::deserialize(
            deserializer,
        )?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_serializes_its_arn_and_reads_back() {
        let r = ResourceRef::new("vpc", "vpc-1")
            .in_region("eu-west-1")
            .with_arn("arn:test:eu-west-1:vpc/vpc-1");
        assert_eq!(r.arn(), Some("arn:test:eu-west-1:vpc/vpc-1"));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["arn"], "arn:test:eu-west-1:vpc/vpc-1");
        let back: ResourceRef = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
        let none = ResourceRef::new("vpc", "vpc-1");
        assert_eq!(none.arn(), None);
        assert_eq!(
            serde_json::to_value(&none).unwrap()["arn"],
            serde_json::Value::Null
        );
    }

    #[test]
    fn a_location_is_written_only_when_known() {
        let live = ResourceRef::new("aws.ec2.vpc", "vpc-1");
        assert!(serde_json::to_value(&live).unwrap().get("location").is_none());
        let mut declared = ResourceRef::new("aws.ec2.vpc", "aws_vpc.main");
        declared.location = Some(Location {
            file: "infra/main.tf".into(),
            line: 12,
        });
        let json = serde_json::to_value(&declared).unwrap();
        assert_eq!(
            json["location"],
            serde_json::json!({"file": "infra/main.tf", "line": 12})
        );
        assert_eq!(serde_json::from_value::<ResourceRef>(json).unwrap(), declared);
        assert_eq!(declared.location.unwrap().to_string(), "infra/main.tf:12");
    }

    #[test]
    fn tags_behave_as_a_sorted_map() {
        let mut tags: Tags = [("Owner", "data"), ("Env", "prod"), ("Owner", "platform")]
            .into_iter()
            .collect();
        assert_eq!(
            tags.get("Owner"),
            Some("platform"),
            "the last value of a key wins"
        );
        assert!(tags.contains_key("Env") && !tags.contains_key("env"));
        let shared = tags.clone();
        tags.insert("Env", "sandbox");
        assert_eq!(tags.len(), 2);
        assert_eq!(
            shared.get("Env"),
            Some("prod"),
            "a clone does not see later inserts"
        );
        let json = serde_json::to_string(&tags).unwrap();
        assert_eq!(json, r#"{"Env":"sandbox","Owner":"platform"}"#);
        let back: Tags = serde_json::from_str(&json).unwrap();
        assert_eq!(back, tags);
        let map: BTreeMap<String, String> = [
            ("b".to_string(), String::new()),
            ("a".to_string(), "1".to_string()),
        ]
        .into();
        let from_map = Tags::from(&map);
        assert_eq!(from_map.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["a", "b"]);
        assert!(Tags::new().is_empty() && Tags::from_iter(Vec::<(String, String)>::new()) == Tags::new());
        assert_eq!(format!("{:?}", from_map), r#"{"a": "1", "b": ""}"#);
    }
}
