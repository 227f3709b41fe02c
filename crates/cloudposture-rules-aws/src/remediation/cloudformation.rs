//! CloudFormation resources as data.

use cloudposture_core::{Snippet, SnippetKind};
use serde::Serialize;
use serde::ser::SerializeMap;

/// A CloudFormation template: a description and resources, each with its properties in
/// the order given, written as YAML or JSON by their serializers.
///
/// Property values are JSON values (strings, numbers, lists); an object's keys come out
/// in `serde_json::Map`'s order, so give nested objects as structs where order matters.
#[derive(Debug, Clone, PartialEq)]
pub struct CfnTemplate {
    comments: Vec<String>,
    description: String,
    resources: Vec<CfnResource>,
}

#[derive(Debug, Clone, PartialEq)]
struct CfnResource {
    logical_id: String,
    resource_type: String,
    properties: Vec<(String, serde_json::Value)>,
}

impl CfnTemplate {
    /// An empty template with this `Description`.
    pub fn new(description: impl Into<String>) -> Self {
        CfnTemplate {
            comments: Vec::new(),
            description: description.into(),
            resources: Vec::new(),
        }
    }

    /// A comment written above the YAML (each line with `# `); JSON has none.
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comments.push(text.into());
        self
    }

    /// Adds a resource of `resource_type` (`AWS::EC2::FlowLog`) under `logical_id`.
    pub fn resource<K: Into<String>>(
        mut self,
        logical_id: impl Into<String>,
        resource_type: impl Into<String>,
        properties: impl IntoIterator<Item = (K, serde_json::Value)>,
    ) -> Self {
        self.resources.push(CfnResource {
            logical_id: logical_id.into(),
            resource_type: resource_type.into(),
            properties: properties.into_iter().map(|(k, v)| (k.into(), v)).collect(),
        });
        self
    }

    /// The template as YAML, after its comments.
    pub fn to_yaml(&self) -> String {
        // Plain strings, lists and maps always serialize; an empty text would show if not.
        super::with_comments(&self.comments, serde_norway::to_string(self).unwrap_or_default())
    }

    /// The template as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The template as a [`SnippetKind::Cloudformation`] snippet (YAML).
    pub fn snippet(&self, title: impl Into<String>) -> Snippet {
        Snippet {
            kind: SnippetKind::Cloudformation,
            title: title.into(),
            content: self.to_yaml(),
        }
    }
}

impl Serialize for CfnTemplate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("AWSTemplateFormatVersion", "2010-09-09")?;
        map.serialize_entry("Description", &self.description)?;
        map.serialize_entry("Resources", &Resources(&self.resources))?;
        map.end()
    }
}

struct Resources<'a>(&'a [CfnResource]);

impl Serialize for Resources<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|r| (&r.logical_id, r)))
    }
}

impl Serialize for CfnResource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("Type", &self.resource_type)?;
        map.serialize_entry("Properties", &Properties(&self.properties))?;
        map.end()
    }
}

struct Properties<'a>(&'a [(String, serde_json::Value)]);

impl Serialize for Properties<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// A logical id (letters and digits only) for the resource of `id`: `prefix` and the
/// id's dash-separated parts capitalized (`FlowLog`, `vpc-0abc` → `FlowLogVpc0abc`).
pub fn cfn_logical_id(prefix: &str, id: &str) -> String {
    let mut out: String = prefix.chars().filter(char::is_ascii_alphanumeric).collect();
    for part in id.split('-') {
        let mut chars = part.chars().filter(char::is_ascii_alphanumeric);
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}
