//! Where a judged resource comes from, told from its scope and id: a live account (or a
//! snapshot of one), a CloudFormation template or Terraform. A finding from a template
//! is fixed in that template, so its remediation is a block of the template's own
//! language that names the resource the way the template does (`!Ref MyVpc`,
//! `aws_vpc.main.id`), not a command against an account.

use std::fmt;

use cloudposture_core::{Remediation, ScopeId};
use hcl::{Expression, Identifier, Traversal, Variable};
use serde_json::json;

/// What AWS creates with every VPC, which a template names through the VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implicit {
    /// The VPC's default security group (`MyVpc.DefaultSecurityGroup`,
    /// `aws_vpc.main.default_security_group_id`).
    DefaultSecurityGroup,
    /// The VPC's default network ACL (`MyVpc.DefaultNetworkAcl`,
    /// `aws_vpc.main.default_network_acl_id`).
    DefaultNetworkAcl,
}

impl Implicit {
    const ALL: [Implicit; 2] = [Implicit::DefaultSecurityGroup, Implicit::DefaultNetworkAcl];

    /// The `Fn::GetAtt` attribute of an `AWS::EC2::VPC` that gives it.
    pub fn cfn_attribute(self) -> &'static str {
        match self {
            Implicit::DefaultSecurityGroup => "DefaultSecurityGroup",
            Implicit::DefaultNetworkAcl => "DefaultNetworkAcl",
        }
    }

    /// The attribute of an `aws_vpc` that gives it.
    pub fn terraform_attribute(self) -> &'static str {
        match self {
            Implicit::DefaultSecurityGroup => "default_security_group_id",
            Implicit::DefaultNetworkAcl => "default_network_acl_id",
        }
    }
}

/// Where a resource comes from.
///
/// ```
/// use cloudposture_core::{Remediation, ScopeId};
/// use cloudposture_rules_aws::remediation::{Declared, Origin};
///
/// let live = ScopeId::region(None, "eu-west-1");
/// assert_eq!(Origin::of(&live, "vpc-0abc"), Origin::Live);
///
/// let templates = ScopeId::templates("infra");
/// let Origin::Template(Declared::CloudFormation(vpc)) = Origin::of(&templates, "MyVpc") else { panic!() };
/// assert_eq!(vpc.reference(), serde_json::json!({"Ref": "MyVpc"}));
///
/// let Origin::Template(Declared::Terraform(vpc)) = Origin::of(&templates, "module.net.aws_vpc.this[1]")
/// else {
///     panic!()
/// };
/// assert_eq!(vpc.attribute("id").to_string(), "aws_vpc.this[1].id");
/// assert_eq!(vpc.module(), Some("module.net".to_string()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Read from an account (live or from a snapshot): AWS's own id.
    Live,
    /// Declared in a template.
    Template(Declared),
    /// Read from templates, but the id has the shape of neither (a reader of another
    /// format): the remediation can only say to change the template.
    OtherTemplate,
}

impl Origin {
    /// The origin of the resource `id` judged in `scope`.
    pub fn of(scope: &ScopeId, id: &str) -> Origin {
        if scope.templates.is_none() {
            return Origin::Live;
        }
        let (template, local) = split_qualifier(id);
        let template = template.map(str::to_string);
        if let Some(address) = TfAddress::parse(local) {
            return Origin::Template(Declared::Terraform(TfAddress { template, ..address }));
        }
        match CfnResource::parse(local) {
            Some(resource) => {
                Origin::Template(Declared::CloudFormation(CfnResource { template, ..resource }))
            }
            None => Origin::OtherTemplate,
        }
    }
}

/// A resource declared in a template, and the template's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declared {
    /// In a CloudFormation template.
    CloudFormation(CfnResource),
    /// In Terraform.
    Terraform(TfAddress),
}

impl Declared {
    /// Where to write a change to it: see [`CfnResource::where_to_write`] and
    /// [`TfAddress::where_to_write`].
    pub fn where_to_write(&self) -> String {
        match self {
            Declared::CloudFormation(r) => r.where_to_write(),
            Declared::Terraform(a) => a.where_to_write(),
        }
    }

    /// The implicit default group or ACL of a VPC, when it is one.
    pub fn implicit(&self) -> Option<Implicit> {
        match self {
            Declared::CloudFormation(r) => r.implicit,
            Declared::Terraform(a) => a.implicit,
        }
    }
}

impl fmt::Display for Declared {
    /// The logical id or address.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Declared::CloudFormation(r) => r.fmt(f),
            Declared::Terraform(a) => a.fmt(f),
        }
    }
}

/// The note of a Terraform snippet of rule resources (`aws_network_acl_rule`…) for a
/// `resource` that may declare the same `rules` as inline blocks instead.
pub fn inline_blocks_conflict(resource: &str, rules: &str) -> String {
    format!(
        "If the {resource} declares its {rules} as ingress blocks, write these as ingress blocks instead: the \
         two forms conflict."
    )
}

/// The remediation of a resource read from a template in a format no snippet is written
/// for: the change to make, in words, and no snippet.
pub fn template_change(id: &str, change: &str) -> Remediation {
    Remediation {
        summary: format!("in the template that declares {id}, {change}"),
        snippets: Vec::new(),
    }
}

/// `network.yaml:VPC` → (`network.yaml`, `VPC`): the prefix the template reader gives
/// an id that two templates of one path share. A `:` inside a Terraform index key
/// (`aws_vpc.x["a:b"]`) is not one.
fn split_qualifier(id: &str) -> (Option<&str>, &str) {
    let head = id.split('[').next().unwrap_or(id);
    match head.rfind(':') {
        Some(at) => (Some(&id[..at]), &id[at + 1..]),
        None => (None, id),
    }
}

/// A resource of a CloudFormation template: its logical id, or the implicit default
/// group or ACL of the VPC of that logical id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfnResource {
    /// The template that declares it, when the id was qualified with it.
    pub template: Option<String>,
    /// The logical id (of the VPC, for an implicit resource).
    pub logical_id: String,
    /// The VPC's default group or ACL, when it is one.
    pub implicit: Option<Implicit>,
}

impl CfnResource {
    fn parse(id: &str) -> Option<CfnResource> {
        let (logical_id, implicit) = match id.split_once('.') {
            Some((vpc, attribute)) => (
                vpc,
                Some(
                    Implicit::ALL
                        .into_iter()
                        .find(|i| i.cfn_attribute() == attribute)?,
                ),
            ),
            None => (id, None),
        };
        let alphanumeric = !logical_id.is_empty() && logical_id.bytes().all(|b| b.is_ascii_alphanumeric());
        alphanumeric.then(|| CfnResource {
            template: None,
            logical_id: logical_id.to_string(),
            implicit,
        })
    }

    /// What the template writes for the resource's id: `{"Ref": "MyVpc"}`, or
    /// `{"Fn::GetAtt": ["MyVpc", "DefaultSecurityGroup"]}` for an implicit resource
    /// (YAML snippets write them `!Ref MyVpc`, `!GetAtt MyVpc.DefaultSecurityGroup`).
    pub fn reference(&self) -> serde_json::Value {
        match self.implicit {
            Some(implicit) => json!({"Fn::GetAtt": [self.logical_id, implicit.cfn_attribute()]}),
            None => json!({"Ref": self.logical_id}),
        }
    }

    /// Where to write a change to it, for comments and summaries: "the template that
    /// declares MyVpc", "network.yaml, the template that declares MyVpc".
    pub fn where_to_write(&self) -> String {
        let file = self
            .template
            .as_ref()
            .map(|t| format!("{t}, "))
            .unwrap_or_default();
        format!("{file}the template that declares {}", self.logical_id)
    }

    /// `{"Fn::GetAtt": [logical id, attribute]}` (a security group's `GroupId`), or the
    /// implicit resource's reference.
    pub fn get_att(&self, attribute: &str) -> serde_json::Value {
        match self.implicit {
            Some(_) => self.reference(),
            None => json!({"Fn::GetAtt": [self.logical_id, attribute]}),
        }
    }
}

impl fmt::Display for CfnResource {
    /// `MyVpc`, `MyVpc.DefaultSecurityGroup`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.logical_id)?;
        match self.implicit {
            Some(implicit) => write!(f, ".{}", implicit.cfn_attribute()),
            None => Ok(()),
        }
    }
}

/// The index of one instance of a resource with `count` or `for_each`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TfIndex {
    /// `[1]`.
    Number(u64),
    /// `["a"]`.
    Key(String),
}

impl fmt::Display for TfIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TfIndex::Number(n) => write!(f, "[{n}]"),
            TfIndex::Key(key) => write!(f, "[{}]", serde_json::Value::from(key.as_str())),
        }
    }
}

/// A Terraform resource address: `aws_vpc.main`, `aws_vpc.multi[1]`,
/// `aws_vpc.by_key["a"]`, `data.aws_vpc.shared`, `module.net.aws_vpc.this`; or the
/// implicit default group or ACL of such a VPC (`aws_vpc.main.default_security_group_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TfAddress {
    /// The module directory that declares it, when the id was qualified with it.
    pub template: Option<String>,
    /// The module calls that lead to it, outermost first: `module.net`, `module.x[0]`.
    pub modules: Vec<String>,
    /// A data source (`data.`).
    pub data: bool,
    /// `aws_vpc`.
    pub resource_type: String,
    /// `main`.
    pub name: String,
    /// The instance, for a resource with `count` or `for_each`.
    pub index: Option<TfIndex>,
    /// The VPC's default group or ACL, when it is one.
    pub implicit: Option<Implicit>,
}

impl TfAddress {
    /// Reads an address; `None` when `id` is not one (it must start with `aws_`,
    /// `module.` or `data.`).
    pub fn parse(id: &str) -> Option<TfAddress> {
        if !["aws_", "module.", "data."].iter().any(|p| id.starts_with(p)) {
            return None;
        }
        let mut rest = id;
        let mut modules = Vec::new();
        while let Some(after) = rest.strip_prefix("module.") {
            let (name, index, after) = name_and_index(after)?;
            let index = index.map(|i| i.to_string()).unwrap_or_default();
            modules.push(format!("module.{name}{index}"));
            rest = after.strip_prefix('.')?;
        }
        let data = rest.starts_with("data.");
        rest = rest.strip_prefix("data.").unwrap_or(rest);
        let (resource_type, None, after) = name_and_index(rest)? else {
            return None;
        };
        let (name, index, after) = name_and_index(after.strip_prefix('.')?)?;
        let implicit = match after {
            "" => None,
            suffix => Some(
                Implicit::ALL
                    .into_iter()
                    .find(|i| suffix.strip_prefix('.') == Some(i.terraform_attribute()))?,
            ),
        };
        Some(TfAddress {
            template: None,
            modules,
            data,
            resource_type: resource_type.to_string(),
            name: name.to_string(),
            index,
            implicit,
        })
    }

    /// The address inside its module: `aws_vpc.this[1]` for `module.net.aws_vpc.this[1]`
    /// (without the implicit resource's attribute).
    pub fn local(&self) -> String {
        let data = if self.data { "data." } else { "" };
        let index = self.index.as_ref().map(TfIndex::to_string).unwrap_or_default();
        format!("{data}{}.{}{index}", self.resource_type, self.name)
    }

    /// The module that declares it (`module.net`, `module.a.module.b`), `None` for the
    /// root module.
    pub fn module(&self) -> Option<String> {
        (!self.modules.is_empty()).then(|| self.modules.join("."))
    }

    /// `aws_vpc.main.ATTRIBUTE` as an expression, inside the resource's module; for an
    /// implicit resource, the VPC's attribute that gives it
    /// (`aws_vpc.main.default_security_group_id`), whatever `attribute` is.
    pub fn attribute(&self, attribute: &str) -> Expression {
        let root = if self.data { "data" } else { &self.resource_type };
        let mut traversal = Traversal::builder(Variable::unchecked(root));
        if self.data {
            traversal = traversal.attr(Identifier::unchecked(self.resource_type.as_str()));
        }
        traversal = traversal.attr(Identifier::unchecked(self.name.as_str()));
        traversal = match &self.index {
            Some(TfIndex::Number(n)) => traversal.index(*n),
            Some(TfIndex::Key(key)) => traversal.index(key.as_str()),
            None => traversal,
        };
        let attribute = match self.implicit {
            Some(implicit) => implicit.terraform_attribute(),
            None => attribute,
        };
        Expression::from(traversal.attr(Identifier::unchecked(attribute)).build())
    }

    /// A name for a resource added beside it: `main`, `multi_1`, `by_key_a`.
    pub fn block_name(&self) -> String {
        let index = match &self.index {
            Some(TfIndex::Number(n)) => format!("_{n}"),
            Some(TfIndex::Key(key)) => format!("_{}", super::terraform_name(key)),
            None => String::new(),
        };
        format!("{}{index}", self.name)
    }

    /// Where to write a change to it, for comments: "the configuration that declares
    /// aws_vpc.main", "the module called as module.net (in its source, where aws_vpc.this
    /// is declared; every instance of the module gets it)".
    pub fn where_to_write(&self) -> String {
        let local = self.local();
        let dir = self
            .template
            .as_ref()
            .map(|t| format!(" in {t}"))
            .unwrap_or_default();
        match self.module() {
            None => format!("the configuration{dir} that declares {local}"),
            Some(module) => format!(
                "the module called as {module} (in its source, where {local} is declared; every instance of \
                 the module gets it)"
            ),
        }
    }
}

impl fmt::Display for TfAddress {
    /// The address as Terraform writes it: `module.net.aws_vpc.this`,
    /// `aws_vpc.main.default_security_group_id`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for module in &self.modules {
            write!(f, "{module}.")?;
        }
        f.write_str(&self.local())?;
        match self.implicit {
            Some(implicit) => write!(f, ".{}", implicit.terraform_attribute()),
            None => Ok(()),
        }
    }
}

/// `name`, then an optional `[0]` or `["key"]`, then the rest; `None` when `s` does not
/// start with an HCL identifier or the index is malformed.
fn name_and_index(s: &str) -> Option<(&str, Option<TfIndex>, &str)> {
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
        .map_or(s.len(), |(at, _)| at);
    let (name, rest) = s.split_at(end);
    if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let Some(inside) = rest.strip_prefix('[') else {
        return Some((name, None, rest));
    };
    if inside.starts_with('"') {
        // A JSON string reads Terraform's quoted key (`\"` and `\\` escaped alike).
        let mut stream = serde_json::Deserializer::from_str(inside).into_iter::<String>();
        let key = stream.next()?.ok()?;
        let rest = inside[stream.byte_offset()..].strip_prefix(']')?;
        return Some((name, Some(TfIndex::Key(key)), rest));
    }
    let (digits, rest) = inside.split_once(']')?;
    Some((name, Some(TfIndex::Number(digits.parse().ok()?)), rest))
}
