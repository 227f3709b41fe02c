//! What one template (a CloudFormation file or a Terraform module) declares, and how the
//! templates of one path become one scope.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use cloudposture_aws::{
    AclEntry, FlowLog, FlowLogs, Instance, Instances, MetadataOptions, NetworkAcl, NetworkAcls,
    NetworkInterfaces, Permission, SecurityGroup, SecurityGroups, Subnet, Subnets, Vpc, Vpcs,
};
use cloudposture_core::{CollectError, ErrorClass, Kind, Location, Scope, ScopeId};

use crate::FileError;
use crate::suppression::Ignore;

/// A VPC's implicit default security group and network ACL, by the ids the template
/// refers to them with (`aws_vpc.main.default_security_group_id`, `VPC.DefaultNetworkAcl`).
#[derive(Debug, Clone)]
pub(crate) struct VpcDefaults {
    pub vpc_id: String,
    pub group_id: String,
    pub acl_id: String,
    pub ipv6: bool,
}

/// A rule declared on its own, for a group declared elsewhere in the template.
#[derive(Debug, Clone)]
pub(crate) struct GroupRule {
    /// Who declares it, for notes: `aws_security_group_rule.ssh (main.tf:40)`.
    pub source: String,
    pub group_id: String,
    pub egress: bool,
    pub permission: Permission,
}

/// An ACL entry declared on its own.
#[derive(Debug, Clone)]
pub(crate) struct AclRule {
    pub source: String,
    pub acl_id: String,
    pub entry: AclEntry,
}

/// A launch template's metadata options, for the instances launched from it.
#[derive(Debug, Clone)]
pub(crate) struct LaunchTemplate {
    /// Its id in the template (Terraform address, CloudFormation logical id).
    pub id: String,
    /// Its `name` / `LaunchTemplateName`, when the template says it.
    pub name: Option<String>,
    /// AWS's defaults for what it leaves out.
    pub options: MetadataOptions,
    /// Its `instance_type` / `InstanceType`, when the template says it.
    pub instance_type: Option<String>,
    /// Where it is declared: an unused one is judged there (see
    /// [`crate::launch_templates`]).
    pub location: Location,
}

/// How an instance names its launch template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TemplateRef {
    /// `id = aws_launch_template.x.id`, `LaunchTemplateId: !Ref LT`.
    Id(String),
    /// `name = "web"`, `LaunchTemplateName: web`.
    Name(String),
}

/// An instance launched from a launch template without metadata options of its own:
/// it takes the template's (see [`crate::launch_templates`]).
#[derive(Debug, Clone)]
pub(crate) struct FromTemplate {
    pub instance_id: String,
    pub template: TemplateRef,
    /// Who declares it, for messages: `aws_instance.web (main.tf:40)`.
    pub source: String,
}

/// Everything one template declares that the rules judge.
#[derive(Debug, Default)]
pub(crate) struct Declared {
    /// The file or module directory, to tell its ids apart from another template's.
    pub label: String,
    pub vpcs: Vec<Vpc>,
    pub vpc_defaults: Vec<VpcDefaults>,
    pub flow_logs: Vec<FlowLog>,
    pub subnets: Vec<Subnet>,
    pub groups: Vec<SecurityGroup>,
    pub acls: Vec<NetworkAcl>,
    pub instances: Vec<Instance>,
    pub group_rules: Vec<GroupRule>,
    pub acl_rules: Vec<AclRule>,
    /// Launch templates, and the instances that take their metadata options.
    pub launch_templates: Vec<LaunchTemplate>,
    pub from_templates: Vec<FromTemplate>,
    /// Default ACLs the template takes over: implicit id → the declaring resource's id.
    pub acl_takeovers: BTreeMap<String, String>,
    /// Where each resource is declared: (kind name, id) → location.
    pub locations: BTreeMap<(&'static str, String), Location>,
    /// What could not be resolved, by the kind it leaves unknown.
    pub unresolved: Vec<(&'static str, String)>,
    /// What was not examined, for people.
    pub notes: Vec<String>,
    /// Suppressions written in the template (checked by [`crate::suppression::settle`]).
    pub suppressions: Vec<Ignore>,
    /// What is wrong in the template but did not stop reading it (a suppression without
    /// a reason…).
    pub errors: Vec<FileError>,
}

impl Declared {
    /// An empty declaration of the template `label`.
    pub fn new(label: String) -> Self {
        Declared {
            label,
            ..Declared::default()
        }
    }

    /// Records where `id` of `K` is declared.
    pub fn locate<K: Kind>(&mut self, id: &str, location: &Location) {
        self.locations
            .insert((K::INFO.name, id.to_string()), location.clone());
    }

    /// Records that `K` cannot be judged in this scope because of `message`.
    pub fn unresolved<K: Kind>(&mut self, message: String) {
        self.unresolved.push((K::INFO.name, message));
    }

    /// Every id the template gives a resource.
    fn ids(&self) -> BTreeSet<String> {
        let mut ids: BTreeSet<String> = BTreeSet::new();
        ids.extend(self.vpcs.iter().map(|v| v.id.clone()));
        ids.extend(self.flow_logs.iter().map(|f| f.id.clone()));
        ids.extend(self.subnets.iter().map(|s| s.id.clone()));
        ids.extend(self.groups.iter().map(|g| g.id.clone()));
        ids.extend(self.acls.iter().map(|a| a.id.clone()));
        ids.extend(self.instances.iter().map(|i| i.id.clone()));
        ids
    }

    /// Prefixes every id of the template (and every reference to one) with its label.
    fn qualify(&mut self) {
        let ids = self.ids();
        let prefix = format!("{}:", self.label);
        let q = |s: &mut String| {
            if ids.contains(s.as_str()) {
                *s = format!("{prefix}{s}");
            }
        };
        for v in &mut self.vpcs {
            q(&mut v.id);
        }
        for f in &mut self.flow_logs {
            q(&mut f.id);
            q(&mut f.resource_id);
        }
        for s in &mut self.subnets {
            q(&mut s.id);
            q(&mut s.vpc_id);
        }
        for g in &mut self.groups {
            q(&mut g.id);
            g.vpc_id.iter_mut().for_each(q);
            for p in g.ingress.iter_mut().chain(g.egress.iter_mut()) {
                p.groups.iter_mut().for_each(|pair| q(&mut pair.group_id));
            }
        }
        for a in &mut self.acls {
            q(&mut a.id);
            q(&mut a.vpc_id);
            a.subnet_ids.iter_mut().for_each(q);
        }
        for i in &mut self.instances {
            q(&mut i.id);
            i.vpc_id.iter_mut().for_each(q);
            i.subnet_id.iter_mut().for_each(q);
        }
        self.locations = std::mem::take(&mut self.locations)
            .into_iter()
            .map(|((kind, mut id), location)| {
                q(&mut id);
                ((kind, id), location)
            })
            .collect();
    }
}

/// The templates of one path, gathered into one scope.
#[derive(Debug, Default)]
pub(crate) struct ScopeBuilder {
    units: Vec<Declared>,
}

impl ScopeBuilder {
    /// Adds what one template declares, its implicit defaults and lone rules applied
    /// (its launch templates are already: see [`crate::launch_templates::inherit`]).
    pub fn add(&mut self, mut unit: Declared) {
        crate::defaults::complete(&mut unit);
        self.units.push(unit);
    }

    /// The scopes of the path `id`: one of every template whose values all resolved, and
    /// one of each template that leaves something unknown, with a failed kind wherever one
    /// could not be resolved — a template can only refer to what it declares (or, in
    /// Terraform, its modules declare), so what it leaves unknown cannot make another
    /// template's resources unknown. Ids that two templates of the path share are prefixed
    /// with the template (`network.yaml:VPC`), in both, so that no finding is ambiguous.
    pub fn finish(mut self, id: ScopeId) -> Vec<Scope> {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for unit in &self.units {
            for id in unit.ids() {
                *seen.entry(id).or_default() += 1;
            }
        }
        for unit in &mut self.units {
            if unit.ids().iter().any(|id| seen.get(id).is_some_and(|n| *n > 1)) {
                unit.qualify();
            }
        }
        let (clean, unknown): (Vec<Declared>, Vec<Declared>) =
            self.units.into_iter().partition(|u| u.unresolved.is_empty());
        let mut scopes = Vec::new();
        if !clean.is_empty() || unknown.is_empty() {
            scopes.push(scope_of(clean, id));
        }
        for unit in unknown {
            let own = ScopeId::templates(unit.label.clone());
            scopes.push(scope_of(vec![unit], own));
        }
        scopes
    }
}

/// One scope of `units`' resources, locations and suppressions.
fn scope_of(units: Vec<Declared>, id: ScopeId) -> Scope {
    let mut scope = Scope::new(id);
    let mut all = Declared::default();
    for unit in units {
        all.vpcs.extend(unit.vpcs);
        all.flow_logs.extend(unit.flow_logs);
        all.subnets.extend(unit.subnets);
        all.groups.extend(unit.groups);
        all.acls.extend(unit.acls);
        all.instances.extend(unit.instances);
        all.locations.extend(unit.locations);
        all.unresolved.extend(unit.unresolved);
        all.suppressions.extend(unit.suppressions);
    }
    for ((kind, id), location) in &all.locations {
        scope.set_location(kind, id, location.clone());
    }
    for ignore in all.suppressions {
        let at = Location {
            file: ignore.file,
            line: ignore.target,
        };
        let reason: Arc<str> = Arc::from(ignore.reason);
        for rule in ignore.rules {
            scope.suppress(at.clone(), rule, Arc::clone(&reason));
        }
    }
    put::<Vpcs>(&mut scope, all.vpcs, &all.unresolved);
    put::<FlowLogs>(&mut scope, all.flow_logs, &all.unresolved);
    put::<Subnets>(&mut scope, all.subnets, &all.unresolved);
    put::<SecurityGroups>(&mut scope, all.groups, &all.unresolved);
    put::<NetworkAcls>(&mut scope, all.acls, &all.unresolved);
    put::<Instances>(&mut scope, all.instances, &all.unresolved);
    // Templates declare no network interfaces: there are none to look up.
    scope.insert::<NetworkInterfaces>(Vec::new());
    scope
}

/// Lists `items` as `K`, or fails `K` with every reason it could not be resolved.
fn put<K: Kind>(scope: &mut Scope, items: Vec<K::Item>, unresolved: &[(&'static str, String)]) {
    let reasons: Vec<&str> = unresolved
        .iter()
        .filter(|(kind, _)| *kind == K::INFO.name)
        .map(|(_, m)| m.as_str())
        .collect();
    if reasons.is_empty() {
        scope.insert::<K>(items);
    } else {
        scope.fail(
            K::INFO.name,
            CollectError::new("template", ErrorClass::Other, None, reasons.join("; ")),
        );
    }
}
