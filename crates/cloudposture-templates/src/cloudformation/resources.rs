//! The CloudFormation resource types the rules judge, as models.

mod launch_template;

use std::collections::BTreeMap;

use cloudposture_aws::{
    DestinationType, FlowLogResourceType, FlowLogs, Instances, NetworkAcls, PortRange, SecurityGroups,
    Subnets, TrafficType, Vpcs,
};
use cloudposture_core::{Location, Tags};
use serde_json::{Map, Value};

use super::intrinsics::Template;
use crate::declared::{AclRule, Declared, GroupRule, VpcDefaults};
use crate::models::{self, FlowLogSpec, WORLD_IPV4};

/// The properties of one resource (or of one item in them), resolved on demand.
struct Props<'t> {
    t: &'t Template<'t>,
    map: Map<String, Value>,
    /// `VPC (network.yaml:4)`.
    place: &'t str,
    /// `SecurityGroupIngress[0].`, before the keys, in messages.
    path: String,
}

impl<'t> Props<'t> {
    fn err(&self, key: &str, reason: &str) -> String {
        let written = self.map.get(key).map(Value::to_string).unwrap_or_default();
        format!(
            "{}: {}{key} = {written} cannot be resolved ({reason})",
            self.place, self.path
        )
    }

    fn get(&self, key: &str) -> Result<Option<Value>, String> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => match self.t.eval(v).map_err(|e| self.err(key, &e))? {
                Value::Null => Ok(None),
                v => Ok(Some(v)),
            },
        }
    }

    fn str(&self, key: &str) -> Result<Option<String>, String> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => match self.t.eval(v).map_err(|e| self.err(key, &e))? {
                Value::Null => Ok(None),
                _ => self.t.scalar(v).map(Some).map_err(|e| self.err(key, &e)),
            },
        }
    }

    fn int(&self, key: &str) -> Result<Option<i32>, String> {
        match self.str(key)? {
            None => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|_| self.err(key, &format!("`{s}` is not a number"))),
        }
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, String> {
        Ok(self.str(key)?.map(|s| s.eq_ignore_ascii_case("true")))
    }

    /// The items of the list `key`, each an object of properties.
    fn items(&self, key: &str) -> Result<Vec<Props<'t>>, String> {
        let Some(value) = self.map.get(key) else {
            return Ok(Vec::new());
        };
        let items = self.t.list(value).map_err(|e| self.err(key, &e))?;
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match self.t.eval(item).map_err(|e| self.err(key, &e))? {
                Value::Object(map) => out.push(Props {
                    t: self.t,
                    map,
                    place: self.place,
                    path: format!("{}{key}[{i}].", self.path),
                }),
                Value::Null => {}
                other => return Err(self.err(key, &format!("item `{other}` is not an object"))),
            }
        }
        Ok(out)
    }

    fn object(&self, key: &str) -> Result<Option<Props<'t>>, String> {
        match self.get(key)? {
            Some(Value::Object(map)) => Ok(Some(Props {
                t: self.t,
                map,
                place: self.place,
                path: format!("{}{key}.", self.path),
            })),
            Some(other) => Err(self.err(key, &format!("`{other}` is not an object"))),
            None => Ok(None),
        }
    }

    /// `Tags: [{Key, Value}]`; a tag whose key or value is unresolved is left out (no
    /// rule judges tags).
    fn tags(&self) -> Tags {
        let Ok(items) = self.items("Tags") else {
            return Tags::new();
        };
        items
            .iter()
            .filter_map(|tag| Some((tag.str("Key").ok()??, tag.str("Value").ok()??)))
            .collect()
    }
}

/// What the template declares.
pub(super) fn declare(template: &Map<String, Value>, file: &str, lines: &BTreeMap<String, u32>) -> Declared {
    let empty = Map::new();
    let section = |name: &str| template.get(name).and_then(Value::as_object);
    let resources = section("Resources").unwrap_or(&empty);
    let t = Template {
        resources,
        parameters: section("Parameters"),
        mappings: section("Mappings"),
        conditions: section("Conditions"),
    };
    let mut unit = Declared::new(file.to_string());
    for (id, resource) in resources {
        let kind = resource.get("Type").and_then(Value::as_str).unwrap_or_default();
        let location = Location {
            file: file.to_string(),
            line: lines.get(id).copied().unwrap_or(1),
        };
        crate::suppression::from_metadata(resource.get("Metadata"), id, file, location.line, &mut unit);
        let place = format!("{id} ({location})");
        let props = Props {
            t: &t,
            map: resource
                .get("Properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            place: &place,
            path: String::new(),
        };
        let created = match resource.get("Condition").and_then(Value::as_str) {
            None => Ok(true),
            Some(c) => t.condition(c, 0).map_err(|e| {
                format!("{place}: whether it is created (Condition {c}) cannot be resolved ({e})")
            }),
        };
        let result = match created {
            Ok(false) => Ok(()),
            Ok(true) => declare_one(kind, id, &props, &location, &mut unit),
            Err(e) => Err(e),
        };
        if let Err(message) = result {
            match kind {
                "AWS::EC2::VPC" => {
                    unit.unresolved::<Vpcs>(message.clone());
                    unit.unresolved::<SecurityGroups>(format!("the default security group of {message}"));
                    unit.unresolved::<NetworkAcls>(format!("the default network ACL of {message}"));
                }
                "AWS::EC2::FlowLog" => unit.unresolved::<FlowLogs>(message),
                "AWS::EC2::SecurityGroup"
                | "AWS::EC2::SecurityGroupIngress"
                | "AWS::EC2::SecurityGroupEgress" => unit.unresolved::<SecurityGroups>(message),
                "AWS::EC2::NetworkAcl" | "AWS::EC2::NetworkAclEntry" => {
                    unit.unresolved::<NetworkAcls>(message)
                }
                "AWS::EC2::Instance" | "AWS::EC2::LaunchTemplate" => unit.unresolved::<Instances>(message),
                _ => {}
            }
        }
    }
    unit
}

fn declare_one(
    kind: &str,
    id: &str,
    p: &Props<'_>,
    location: &Location,
    unit: &mut Declared,
) -> Result<(), String> {
    match kind {
        "AWS::EC2::VPC" => {
            unit.vpcs.push(models::vpc(
                id,
                p.str("CidrBlock").ok().flatten(),
                false,
                p.tags(),
            ));
            unit.vpc_defaults.push(VpcDefaults {
                vpc_id: id.to_string(),
                group_id: format!("{id}.DefaultSecurityGroup"),
                acl_id: format!("{id}.DefaultNetworkAcl"),
                ipv6: false,
            });
            unit.locate::<Vpcs>(id, location);
        }
        "AWS::EC2::FlowLog" => {
            let resource_id = p
                .str("ResourceId")?
                .ok_or_else(|| format!("{}: ResourceId is missing", p.place))?;
            let spec = FlowLogSpec {
                resource_id,
                resource_type: FlowLogResourceType::from(p.str("ResourceType")?.unwrap_or_default()),
                traffic_type: TrafficType::from(p.str("TrafficType")?.unwrap_or_default()),
                destination_type: DestinationType::from(
                    p.str("LogDestinationType")?
                        .unwrap_or_else(|| "cloud-watch-logs".to_string()),
                ),
                // Where the logs go is for people: an ARN known only once deployed is
                // written as the template says it.
                destination: p
                    .str("LogDestination")
                    .unwrap_or_else(|_| p.map.get("LogDestination").map(Value::to_string)),
                log_group_name: p.str("LogGroupName").unwrap_or_default(),
                role_arn: p.str("DeliverLogsPermissionArn").unwrap_or_default(),
                log_format: p.str("LogFormat").unwrap_or_default(),
                max_aggregation_interval: p.int("MaxAggregationInterval").unwrap_or_default().or(Some(600)),
                tags: p.tags(),
            };
            unit.flow_logs.push(models::flow_log(id, spec));
            unit.locate::<FlowLogs>(id, location);
        }
        "AWS::EC2::Subnet" => {
            if let Ok(Some(vpc_id)) = p.str("VpcId") {
                unit.subnets.push(models::subnet(id, vpc_id));
                unit.locate::<Subnets>(id, location);
            }
        }
        "AWS::EC2::SecurityGroup" => {
            let mut group = models::security_group(
                id,
                p.str("GroupName")
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| id.to_string()),
                p.str("GroupDescription").ok().flatten().unwrap_or_default(),
                p.str("VpcId").ok().flatten(),
                p.tags(),
            );
            for rule in p.items("SecurityGroupIngress")? {
                group.ingress.push(permission(
                    &rule,
                    "CidrIp",
                    "CidrIpv6",
                    "SourceSecurityGroupId",
                    "SourcePrefixListId",
                )?);
            }
            if p.map.contains_key("SecurityGroupEgress") {
                for rule in p.items("SecurityGroupEgress")? {
                    group.egress.push(permission(
                        &rule,
                        "CidrIp",
                        "CidrIpv6",
                        "DestinationSecurityGroupId",
                        "DestinationPrefixListId",
                    )?);
                }
            } else {
                // Without egress rules, AWS gives a new group one: all traffic out.
                group
                    .egress
                    .push(models::permission("-1", None, None, &[WORLD_IPV4.to_string()]));
            }
            unit.groups.push(group);
            unit.locate::<SecurityGroups>(id, location);
        }
        "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
            let egress = kind.ends_with("Egress");
            let group_id = match p.str("GroupId")? {
                Some(g) => g,
                None => {
                    unit.notes.push(format!(
                        "{}: a rule for a group named, not by id, is not examined",
                        p.place
                    ));
                    return Ok(());
                }
            };
            let permission = if egress {
                permission(
                    p,
                    "CidrIp",
                    "CidrIpv6",
                    "DestinationSecurityGroupId",
                    "DestinationPrefixListId",
                )?
            } else {
                permission(
                    p,
                    "CidrIp",
                    "CidrIpv6",
                    "SourceSecurityGroupId",
                    "SourcePrefixListId",
                )?
            };
            unit.group_rules.push(GroupRule {
                source: p.place.to_string(),
                group_id,
                egress,
                permission,
            });
        }
        "AWS::EC2::NetworkAcl" => {
            let vpc_id = p.str("VpcId").ok().flatten().unwrap_or_default();
            unit.acls.push(models::network_acl(id, vpc_id, false, p.tags()));
            unit.locate::<NetworkAcls>(id, location);
        }
        "AWS::EC2::NetworkAclEntry" => {
            let acl_id = p
                .str("NetworkAclId")?
                .ok_or_else(|| format!("{}: NetworkAclId is missing", p.place))?;
            let cidr = p
                .str("CidrBlock")?
                .or(p.str("Ipv6CidrBlock")?)
                .unwrap_or_default();
            let ports = match p.object("PortRange")? {
                Some(range) => match (range.int("From")?, range.int("To")?) {
                    (Some(from), Some(to)) => Some(PortRange { from, to }),
                    _ => None,
                },
                None => None,
            };
            let entry = models::acl_entry(
                p.int("RuleNumber")?.unwrap_or_default(),
                p.bool("Egress")?.unwrap_or(false),
                &p.str("Protocol")?.unwrap_or_default(),
                &p.str("RuleAction")?.unwrap_or_default(),
                &cidr,
                ports,
            );
            unit.acl_rules.push(AclRule {
                source: p.place.to_string(),
                acl_id,
                entry,
            });
        }
        "AWS::EC2::Instance" => {
            let own = p.object("MetadataOptions")?;
            if own.is_none() {
                launch_template::from_template(p, id, unit)?;
            }
            let options = launch_template::metadata_options(own.as_ref())?;
            let instance = models::instance(
                id,
                p.str("SubnetId").ok().flatten(),
                p.str("InstanceType").ok().flatten(),
                options,
                p.tags(),
            );
            unit.instances.push(instance);
            unit.locate::<Instances>(id, location);
        }
        "AWS::EC2::LaunchTemplate" => launch_template::declare(p, id, location, unit)?,
        _ => {}
    }
    Ok(())
}

/// A rule of a security group: protocol, ports and where from (or to).
fn permission(
    rule: &Props<'_>,
    v4: &str,
    v6: &str,
    group: &str,
    prefix_list: &str,
) -> Result<cloudposture_aws::Permission, String> {
    let protocol = rule.str("IpProtocol")?.unwrap_or_else(|| "-1".to_string());
    let cidrs: Vec<String> = [rule.str(v4)?, rule.str(v6)?].into_iter().flatten().collect();
    let mut permission = models::permission(&protocol, rule.int("FromPort")?, rule.int("ToPort")?, &cidrs);
    if let Some(g) = rule.str(group)? {
        permission.groups.push(cloudposture_aws::GroupPair {
            group_id: g,
            user_id: None,
        });
    }
    permission.prefix_list_ids.extend(rule.str(prefix_list)?);
    Ok(permission)
}
