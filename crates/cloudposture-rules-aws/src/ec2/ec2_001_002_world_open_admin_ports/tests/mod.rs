//! Unit tests of EC2-001 and EC2-002: hand-built security groups run through the rules
//! as the engine runs them (with its bookkeeping for what could not be read). Each test
//! states only its case.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod fix;
mod judging;
mod remediation;
mod settings;
mod template;

use cloudposture_aws::{
    CollectError, ErrorClass, GroupPair, IpRange, Permission, SecurityGroup, SecurityGroups,
};
use cloudposture_core::{Finding, Inventory, Kind, RiskLevel, Scope, ScopeId, erase};
use serde_json::json;

use super::{OpenPortsEvidence, SecurityGroupAdminPorts};

const ACCOUNT: &str = "123456789012";
const REGION: &str = "eu-west-1";

const EC2_001: SecurityGroupAdminPorts = SecurityGroupAdminPorts::IPV4;
const EC2_002: SecurityGroupAdminPorts = SecurityGroupAdminPorts::IPV6;

/// A security group of the scanned account with these inbound permissions.
fn group(id: &str, ingress: Vec<Permission>) -> SecurityGroup {
    SecurityGroup {
        id: id.to_string(),
        name: format!("{id}-name"),
        description: String::new(),
        vpc_id: Some("vpc-1".to_string()),
        region: REGION.to_string(),
        owner_id: ACCOUNT.to_string(),
        ingress,
        egress: Vec::new(),
        tags: Default::default(),
    }
}

/// A permission of `protocol` and ports from `cidrs` (IPv6 ones are those with a `:`).
fn permission(protocol: &str, ports: Option<(i32, i32)>, cidrs: &[&str]) -> Permission {
    let range = |c: &&str| IpRange {
        cidr: c.to_string(),
        description: None,
    };
    Permission {
        protocol: protocol.to_string(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        ipv4_ranges: cidrs.iter().filter(|c| !c.contains(':')).map(range).collect(),
        ipv6_ranges: cidrs.iter().filter(|c| c.contains(':')).map(range).collect(),
        prefix_list_ids: Vec::new(),
        groups: Vec::new(),
    }
}

fn tcp(port: i32, cidrs: &[&str]) -> Permission {
    permission("tcp", Some((port, port)), cidrs)
}

fn all_traffic(cidrs: &[&str]) -> Permission {
    permission("-1", None, cidrs)
}

/// A region of the scanned account whose security groups were listed.
fn region(groups: Vec<SecurityGroup>) -> Scope {
    let mut scope = Scope::new(ScopeId::region(Some(ACCOUNT), REGION));
    scope.insert::<SecurityGroups>(groups);
    scope
}

fn run_with(rule: SecurityGroupAdminPorts, scopes: Vec<Scope>, raw: serde_json::Value) -> Vec<Finding> {
    let rule = erase(rule);
    let configured = rule.configure(raw.as_object().unwrap()).unwrap();
    let mut inventory = Inventory::new(Some(ACCOUNT.to_string()));
    inventory.scopes = scopes;
    rule.evaluate(&inventory, &configured, RiskLevel::High)
}

/// The single finding of a one-group region, with default settings.
fn judge(rule: SecurityGroupAdminPorts, ingress: Vec<Permission>) -> Finding {
    judge_with(rule, ingress, json!({}))
}

fn judge_with(rule: SecurityGroupAdminPorts, ingress: Vec<Permission>, raw: serde_json::Value) -> Finding {
    let findings = run_with(rule, vec![region(vec![group("sg-0abc", ingress)])], raw);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    findings.into_iter().next().unwrap()
}

/// The evidence as its documented type; it must say nothing the type does not.
fn evidence(f: &Finding) -> OpenPortsEvidence {
    let typed: OpenPortsEvidence = f.evidence.parse().unwrap();
    assert_eq!(
        serde_json::to_value(&typed).unwrap(),
        f.evidence.to_value(),
        "the evidence is exactly an OpenPortsEvidence"
    );
    typed
}
