//! What AWS creates with every VPC: its default security group and default network
//! ACL, with AWS's default rules, unless the template takes them over
//! (`aws_default_security_group`, `aws_default_network_acl`). And the rules a template
//! declares on their own (`aws_security_group_rule`, `AWS::EC2::NetworkAclEntry`…),
//! added to the group or ACL they name.

use std::collections::BTreeMap;

use cloudposture_aws::{GroupPair, NetworkAcls, Permission, PortRange, SecurityGroup, SecurityGroups};
use cloudposture_core::Tags;

use crate::declared::Declared;
use crate::models::{WORLD_IPV4, WORLD_IPV6, acl_entry, network_acl, permission, security_group};

/// Adds the implicit default group and ACL of each VPC, then the lone rules.
pub(crate) fn complete(unit: &mut Declared) {
    // Implicit group id → the group that stands for it (itself, or a takeover).
    let mut group_alias: BTreeMap<String, String> = BTreeMap::new();
    let mut acl_alias: BTreeMap<String, String> = unit.acl_takeovers.clone();
    for defaults in unit.vpc_defaults.clone() {
        let location = unit
            .locations
            .get(&(
                <cloudposture_aws::Vpcs as cloudposture_core::Kind>::INFO.name,
                defaults.vpc_id.clone(),
            ))
            .cloned();
        let taken_over = unit
            .groups
            .iter()
            .find(|g| g.is_default() && g.vpc_id.as_deref() == Some(defaults.vpc_id.as_str()))
            .map(|g| g.id.clone());
        match taken_over {
            Some(id) => {
                group_alias.insert(defaults.group_id.clone(), id);
            }
            None => {
                unit.groups
                    .push(default_group(&defaults.group_id, &defaults.vpc_id, defaults.ipv6));
                if let Some(location) = &location {
                    unit.locate::<SecurityGroups>(&defaults.group_id, location);
                }
            }
        }
        if !acl_alias.contains_key(&defaults.acl_id) {
            unit.acls
                .push(default_acl(&defaults.acl_id, &defaults.vpc_id, defaults.ipv6));
            if let Some(location) = &location {
                unit.locate::<NetworkAcls>(&defaults.acl_id, location);
            }
            acl_alias.insert(defaults.acl_id.clone(), defaults.acl_id.clone());
        }
    }
    for rule in std::mem::take(&mut unit.group_rules) {
        let target = group_alias.get(&rule.group_id).unwrap_or(&rule.group_id).clone();
        match unit.groups.iter_mut().find(|g| g.id == target) {
            Some(group) if rule.egress => group.egress.push(rule.permission),
            Some(group) => group.ingress.push(rule.permission),
            None => unit.notes.push(format!(
                "{}: security group `{}` is not declared in the templates; the rule is not examined",
                rule.source, rule.group_id
            )),
        }
    }
    for rule in std::mem::take(&mut unit.acl_rules) {
        let target = acl_alias.get(&rule.acl_id).unwrap_or(&rule.acl_id).clone();
        match unit.acls.iter_mut().find(|a| a.id == target) {
            Some(acl) => acl.entries.push(rule.entry),
            None => unit.notes.push(format!(
                "{}: network ACL `{}` is not declared in the templates; the entry is not examined",
                rule.source, rule.acl_id
            )),
        }
    }
}

/// AWS's default group: all inbound from its own members, all outbound to anywhere.
fn default_group(id: &str, vpc_id: &str, ipv6: bool) -> SecurityGroup {
    let mut group = security_group(
        id,
        SecurityGroup::DEFAULT_NAME.to_string(),
        "default VPC security group".to_string(),
        Some(vpc_id.to_string()),
        Tags::new(),
    );
    group.ingress.push(Permission {
        groups: vec![GroupPair {
            group_id: id.to_string(),
            user_id: None,
        }],
        ..permission("-1", None, None, &[])
    });
    let mut world = vec![WORLD_IPV4.to_string()];
    if ipv6 {
        world.push(WORLD_IPV6.to_string());
    }
    group.egress.push(permission("-1", None, None, &world));
    group
}

/// AWS's default network ACL: rule 100 allows everything both ways (101 for IPv6).
fn default_acl(id: &str, vpc_id: &str, ipv6: bool) -> cloudposture_aws::NetworkAcl {
    let mut acl = network_acl(id, vpc_id.to_string(), true, Tags::new());
    acl.entries = crate::models::deny_everything_else(ipv6);
    for egress in [false, true] {
        acl.entries.push(acl_entry(
            100,
            egress,
            "-1",
            "allow",
            WORLD_IPV4,
            None::<PortRange>,
        ));
        if ipv6 {
            acl.entries
                .push(acl_entry(101, egress, "-1", "allow", WORLD_IPV6, None));
        }
    }
    acl
}
