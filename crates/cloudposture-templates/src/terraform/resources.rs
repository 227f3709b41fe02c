//! The Terraform resource types the rules judge, as models.

mod dynamic;
mod launch_template;

use std::borrow::Cow;

use cloudposture_aws::{
    DestinationType, FlowLogResourceType, FlowLogs, GroupPair, Instances, NetworkAcls, Permission, PortRange,
    SecurityGroup, SecurityGroups, Subnets, TrafficType, Vpcs,
};
use cloudposture_core::{Location, Tags};
use hcl::{Body, Expression};
use serde_json::Value;

use super::eval::{Frame, Module, as_string};
use crate::declared::{AclRule, Declared, GroupRule, VpcDefaults};
use crate::models::{self, FlowLogSpec};

/// The attributes of one resource instance (or of one nested block), evaluated on demand.
struct Attrs<'a> {
    module: &'a Module,
    body: &'a Body,
    frame: Cow<'a, Frame>,
    /// `aws_flow_log.x (main.tf:12)`.
    place: &'a str,
    /// `ingress[0].`, before the keys, in messages.
    path: String,
}

/// An expression as written, on one line (HCL's formatter breaks lists over lines).
fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    joined.replace("[ ", "[").replace(" ]", "]")
}

impl<'a> Attrs<'a> {
    fn expr(&self, key: &str) -> Option<&'a Expression> {
        self.body
            .attributes()
            .find(|a| a.key.as_str() == key)
            .map(|a| &a.expr)
    }

    fn get(&self, key: &str) -> Result<Option<Value>, String> {
        let Some(expr) = self.expr(key) else {
            return Ok(None);
        };
        match self.module.eval(expr, &self.frame) {
            Ok(Value::Null) => Ok(None),
            Ok(v) => Ok(Some(v)),
            Err(e) => Err(format!(
                "{}: {}{key} = {} cannot be resolved ({})",
                self.place,
                self.path,
                one_line(&hcl::format::to_string(expr).unwrap_or_default()),
                e.reason()
            )),
        }
    }

    fn str(&self, key: &str) -> Result<Option<String>, String> {
        match self.get(key)? {
            None => Ok(None),
            Some(v) => as_string(&v)
                .map(Some)
                .map_err(|e| format!("{}: {}{key}: {}", self.place, self.path, e.reason())),
        }
    }

    fn int(&self, key: &str) -> Result<Option<i32>, String> {
        match self.str(key)? {
            None => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|_| format!("{}: {}{key} = `{s}` is not a number", self.place, self.path)),
        }
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, String> {
        Ok(self.str(key)?.map(|s| s == "true"))
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, String> {
        match self.get(key)? {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    as_string(v).map_err(|e| format!("{}: {}{key}: {}", self.place, self.path, e.reason()))
                })
                .collect(),
            Some(other) => Err(format!(
                "{}: {}{key} = `{other}` is not a list",
                self.place, self.path
            )),
        }
    }

    /// The nested blocks `name`, in order, each `dynamic "name"` block expanded into
    /// its instances (see [`dynamic`]).
    fn blocks(&self, name: &str) -> Result<Vec<Attrs<'a>>, String> {
        let mut found = Vec::new();
        for block in self.body.blocks() {
            if block.identifier.as_str() == name {
                found.push((&block.body, self.frame.clone()));
            } else if dynamic::is_dynamic(block, name) {
                found.extend(self.dynamic(block, name)?);
            }
        }
        Ok(found
            .into_iter()
            .enumerate()
            .map(|(i, (body, frame))| Attrs {
                module: self.module,
                body,
                frame,
                place: self.place,
                path: format!("{}{name}[{i}].", self.path),
            })
            .collect())
    }

    /// `tags = {…}`, what resolves of it (no rule judges tags).
    fn tags(&self) -> Tags {
        match self.get("tags") {
            Ok(Some(Value::Object(map))) => map
                .iter()
                .filter_map(|(k, v)| as_string(v).ok().map(|v| (k.clone(), v)))
                .collect(),
            _ => Tags::new(),
        }
    }
}

/// Records `message` against the kinds a resource of type `kind` is judged as.
pub(super) fn unresolved_kind(kind: &str, message: String, unit: &mut Declared) {
    match kind {
        "aws_vpc" | "aws_default_vpc" => {
            unit.unresolved::<Vpcs>(message.clone());
            unit.unresolved::<SecurityGroups>(format!("the default security group of {message}"));
            unit.unresolved::<NetworkAcls>(format!("the default network ACL of {message}"));
        }
        "aws_flow_log" => unit.unresolved::<FlowLogs>(message),
        "aws_security_group"
        | "aws_default_security_group"
        | "aws_security_group_rule"
        | "aws_vpc_security_group_ingress_rule"
        | "aws_vpc_security_group_egress_rule" => unit.unresolved::<SecurityGroups>(message),
        "aws_network_acl" | "aws_default_network_acl" | "aws_network_acl_rule" => {
            unit.unresolved::<NetworkAcls>(message)
        }
        "aws_instance" | "aws_launch_template" => unit.unresolved::<Instances>(message),
        _ => {}
    }
}

/// Declares the instance `address` of a resource of type `kind`.
pub(super) fn declare(
    kind: &str,
    address: &str,
    body: &Body,
    frame: &Frame,
    module: &Module,
    location: &Location,
    unit: &mut Declared,
) {
    let place = format!("{address} ({location})");
    let a = Attrs {
        module,
        body,
        frame: Cow::Borrowed(frame),
        place: &place,
        path: String::new(),
    };
    if let Err(message) = declare_one(kind, address, &a, location, unit) {
        unresolved_kind(kind, message, unit);
    }
}

fn declare_one(
    kind: &str,
    id: &str,
    a: &Attrs<'_>,
    location: &Location,
    unit: &mut Declared,
) -> Result<(), String> {
    match kind {
        "aws_vpc" | "aws_default_vpc" => {
            let ipv6 = a
                .bool("assign_generated_ipv6_cidr_block")
                .ok()
                .flatten()
                .unwrap_or(false);
            let mut vpc = models::vpc(
                id,
                a.str("cidr_block").ok().flatten(),
                kind == "aws_default_vpc",
                a.tags(),
            );
            vpc.ipv6_cidr_blocks
                .extend(a.str("ipv6_cidr_block").ok().flatten());
            unit.vpcs.push(vpc);
            unit.vpc_defaults.push(VpcDefaults {
                vpc_id: id.to_string(),
                group_id: format!("{id}.default_security_group_id"),
                acl_id: format!("{id}.default_network_acl_id"),
                ipv6,
            });
            unit.locate::<Vpcs>(id, location);
        }
        "aws_flow_log" => {
            let targets = [
                ("vpc_id", FlowLogResourceType::Vpc),
                ("subnet_id", FlowLogResourceType::Subnet),
                ("eni_id", FlowLogResourceType::NetworkInterface),
                ("transit_gateway_id", FlowLogResourceType::TransitGateway),
                (
                    "transit_gateway_attachment_id",
                    FlowLogResourceType::TransitGatewayAttachment,
                ),
            ];
            let mut target = None;
            for (key, resource_type) in targets {
                if let Some(resource_id) = a.str(key)? {
                    target = Some((resource_id, resource_type));
                    break;
                }
            }
            let (resource_id, resource_type) = target.ok_or_else(|| {
                format!(
                    "{}: what it is attached to (vpc_id, subnet_id…) is missing",
                    a.place
                )
            })?;
            let spec = FlowLogSpec {
                resource_id,
                resource_type,
                traffic_type: TrafficType::from(a.str("traffic_type")?.unwrap_or_default()),
                destination_type: DestinationType::from(
                    a.str("log_destination_type")?
                        .unwrap_or_else(|| "cloud-watch-logs".to_string()),
                ),
                // For people only: a destination known after apply is written as the
                // template says it.
                destination: a.str("log_destination").unwrap_or_else(|_| {
                    a.expr("log_destination")
                        .and_then(|e| hcl::format::to_string(e).ok())
                }),
                log_group_name: a.str("log_group_name").unwrap_or_default(),
                role_arn: a.str("iam_role_arn").unwrap_or_default(),
                log_format: a.str("log_format").unwrap_or_default(),
                max_aggregation_interval: a
                    .int("max_aggregation_interval")
                    .unwrap_or_default()
                    .or(Some(600)),
                tags: a.tags(),
            };
            unit.flow_logs.push(models::flow_log(id, spec));
            unit.locate::<FlowLogs>(id, location);
        }
        "aws_subnet" => {
            if let Ok(Some(vpc_id)) = a.str("vpc_id") {
                unit.subnets.push(models::subnet(id, vpc_id));
                unit.locate::<Subnets>(id, location);
            }
        }
        "aws_security_group" | "aws_default_security_group" => {
            let default = kind == "aws_default_security_group";
            let name = if default {
                SecurityGroup::DEFAULT_NAME.to_string()
            } else {
                a.str("name").ok().flatten().unwrap_or_else(|| id.to_string())
            };
            let mut group = models::security_group(
                id,
                name,
                a.str("description").ok().flatten().unwrap_or_default(),
                // Which VPC a group is in matters only for a default group: which
                // VPC's default it takes over.
                if default {
                    a.str("vpc_id")?
                } else {
                    a.str("vpc_id").ok().flatten()
                },
                a.tags(),
            );
            for rule in a.blocks("ingress")? {
                group.ingress.push(inline_rule(&rule, id)?);
            }
            for rule in a.blocks("egress")? {
                group.egress.push(inline_rule(&rule, id)?);
            }
            unit.groups.push(group);
            unit.locate::<SecurityGroups>(id, location);
        }
        "aws_security_group_rule" => {
            let group_id = a.str("security_group_id")?.unwrap_or_default();
            let mut permission = inline_rule(a, &group_id)?;
            if let Some(source) = a.str("source_security_group_id")? {
                permission.groups.push(GroupPair {
                    group_id: source,
                    user_id: None,
                });
            }
            unit.group_rules.push(GroupRule {
                source: a.place.to_string(),
                group_id,
                egress: a.str("type")?.as_deref() == Some("egress"),
                permission,
            });
        }
        "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
            let cidrs: Vec<String> = [a.str("cidr_ipv4")?, a.str("cidr_ipv6")?]
                .into_iter()
                .flatten()
                .collect();
            let protocol = a.str("ip_protocol")?.unwrap_or_default();
            let mut permission =
                models::permission(&protocol, a.int("from_port")?, a.int("to_port")?, &cidrs);
            permission.prefix_list_ids.extend(a.str("prefix_list_id")?);
            if let Some(group) = a.str("referenced_security_group_id")? {
                permission.groups.push(GroupPair {
                    group_id: group,
                    user_id: None,
                });
            }
            unit.group_rules.push(GroupRule {
                source: a.place.to_string(),
                group_id: a.str("security_group_id")?.unwrap_or_default(),
                egress: kind.ends_with("egress_rule"),
                permission,
            });
        }
        "aws_network_acl" | "aws_default_network_acl" => {
            let vpc_id = if kind == "aws_default_network_acl" {
                let taken = a.str("default_network_acl_id")?.unwrap_or_default();
                unit.acl_takeovers.insert(taken.clone(), id.to_string());
                taken
                    .strip_suffix(".default_network_acl_id")
                    .unwrap_or(&taken)
                    .to_string()
            } else {
                a.str("vpc_id")?.unwrap_or_default()
            };
            let mut acl = models::network_acl(id, vpc_id, kind == "aws_default_network_acl", a.tags());
            for (egress, name) in [(false, "ingress"), (true, "egress")] {
                for rule in a.blocks(name)? {
                    acl.entries.push(acl_rule(&rule, egress, "rule_no", "action")?);
                }
            }
            acl.subnet_ids = a.strings("subnet_ids").unwrap_or_default();
            unit.acls.push(acl);
            unit.locate::<NetworkAcls>(id, location);
        }
        "aws_network_acl_rule" => {
            let entry = acl_rule(
                a,
                a.bool("egress")?.unwrap_or(false),
                "rule_number",
                "rule_action",
            )?;
            unit.acl_rules.push(AclRule {
                source: a.place.to_string(),
                acl_id: a.str("network_acl_id")?.unwrap_or_default(),
                entry,
            });
        }
        "aws_instance" => {
            let options = a.blocks("metadata_options")?;
            if options.is_empty() {
                launch_template::from_template(a, id, unit)?;
            }
            let instance = models::instance(
                id,
                a.str("subnet_id").ok().flatten(),
                a.str("instance_type").ok().flatten(),
                launch_template::metadata_options(options.first())?,
                a.tags(),
            );
            unit.instances.push(instance);
            unit.locate::<Instances>(id, location);
        }
        "aws_launch_template" => launch_template::declare(a, id, location, unit)?,
        _ => {}
    }
    Ok(())
}

/// An `ingress`/`egress` block of a group, or an `aws_security_group_rule`.
fn inline_rule(a: &Attrs<'_>, group_id: &str) -> Result<Permission, String> {
    let cidrs: Vec<String> = a
        .strings("cidr_blocks")?
        .into_iter()
        .chain(a.strings("ipv6_cidr_blocks")?)
        .collect();
    let protocol = a.str("protocol")?.unwrap_or_default();
    let mut permission = models::permission(&protocol, a.int("from_port")?, a.int("to_port")?, &cidrs);
    permission.prefix_list_ids = a.strings("prefix_list_ids")?;
    for group in a.strings("security_groups")? {
        permission.groups.push(GroupPair {
            group_id: group,
            user_id: None,
        });
    }
    if a.bool("self")?.unwrap_or(false) {
        permission.groups.push(GroupPair {
            group_id: group_id.to_string(),
            user_id: None,
        });
    }
    Ok(permission)
}

/// An `ingress`/`egress` block of an ACL, or an `aws_network_acl_rule`.
fn acl_rule(
    a: &Attrs<'_>,
    egress: bool,
    number: &str,
    action: &str,
) -> Result<cloudposture_aws::AclEntry, String> {
    let cidr = a
        .str("cidr_block")?
        .or(a.str("ipv6_cidr_block")?)
        .unwrap_or_default();
    let ports = match (a.int("from_port")?, a.int("to_port")?) {
        (Some(from), Some(to)) => Some(PortRange { from, to }),
        _ => None,
    };
    Ok(models::acl_entry(
        a.int(number)?.unwrap_or_default(),
        egress,
        &a.str("protocol")?.unwrap_or_default(),
        &a.str(action)?.unwrap_or_default(),
        &cidr,
        ports,
    ))
}
