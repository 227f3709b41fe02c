//! CloudFormation resources as data.

use cloudposture_core::{Snippet, SnippetKind};
use serde::Serialize;
use serde::ser::SerializeMap;

/// A CloudFormation template: a description and resources, each with its properties in
/// the order given, written as YAML or JSON by their serializers.
///
/// Property values are JSON values (strings, numbers, lists); an object's keys come out
/// in `serde_json::Map`'s order, so give nested objects as structs where order matters.
/// Intrinsic functions are given in their long form (`{"Ref": "MyVpc"}`,
/// `{"Fn::GetAtt": ["MyVpc", "DefaultSecurityGroup"]}`): JSON keeps it, YAML writes the
/// short tags (`!Ref MyVpc`, `!GetAtt MyVpc.DefaultSecurityGroup`).
///
/// ```
/// use cloudposture_rules_aws::remediation::CfnTemplate;
///
/// let addition = CfnTemplate::addition().resource(
///     "FlowLogMyVpc",
///     "AWS::EC2::FlowLog",
///     [("ResourceId", serde_json::json!({"Ref": "MyVpc"}))],
/// );
/// assert_eq!(
///     addition.to_yaml(),
///     "Resources:\n  FlowLogMyVpc:\n    Type: AWS::EC2::FlowLog\n    Properties:\n      ResourceId: !Ref MyVpc\n"
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CfnTemplate {
    comments: Vec<String>,
    /// `None` for an addition to an existing template (no header).
    description: Option<String>,
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
            description: Some(description.into()),
            resources: Vec::new(),
        }
    }

    /// Resources to add to (or change in) an existing template: written as its
    /// `Resources` alone, without `AWSTemplateFormatVersion` and `Description`.
    pub fn addition() -> Self {
        CfnTemplate {
            comments: Vec::new(),
            description: None,
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

    /// The template as YAML, after its comments, intrinsic functions in their short form.
    pub fn to_yaml(&self) -> String {
        // Plain strings, lists and maps always serialize; an empty text would show if not.
        let yaml = serde_norway::to_value(self)
            .map(short_forms)
            .and_then(|value| serde_norway::to_string(&value))
            .unwrap_or_default();
        super::with_comments(&self.comments, yaml)
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
        let mut map = serializer.serialize_map(None)?;
        if let Some(description) = &self.description {
            map.serialize_entry("AWSTemplateFormatVersion", "2010-09-09")?;
            map.serialize_entry("Description", description)?;
        }
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

/// `{"Ref": x}` as `!Ref x`, `{"Fn::GetAtt": [a, b]}` as `!GetAtt a.b`, any other
/// `{"Fn::NAME": x}` as `!NAME x`: the short forms people write in YAML templates.
fn short_forms(value: serde_norway::Value) -> serde_norway::Value {
    use serde_norway::Value;
    use serde_norway::value::{Tag, TaggedValue};
    match value {
        Value::Mapping(map) => {
            let intrinsic = match map.iter().next() {
                Some((Value::String(key), _)) if map.len() == 1 => (key == "Ref")
                    .then_some("Ref")
                    .or_else(|| key.strip_prefix("Fn::")),
                _ => None,
            }
            .map(str::to_string);
            let entries = map.into_iter().map(|(k, v)| (k, short_forms(v)));
            match intrinsic {
                Some(tag) => {
                    let value = entries.map(|(_, v)| v).next().unwrap_or(Value::Null);
                    let value = match (tag.as_str(), value) {
                        ("GetAtt", Value::Sequence(parts))
                            if parts.len() == 2 && parts.iter().all(Value::is_string) =>
                        {
                            let parts: Vec<&str> = parts.iter().filter_map(Value::as_str).collect();
                            Value::String(parts.join("."))
                        }
                        (_, value) => value,
                    };
                    Value::Tagged(Box::new(TaggedValue {
                        tag: Tag::new(tag),
                        value,
                    }))
                }
                None => Value::Mapping(entries.collect()),
            }
        }
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(short_forms).collect()),
        other => other,
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
