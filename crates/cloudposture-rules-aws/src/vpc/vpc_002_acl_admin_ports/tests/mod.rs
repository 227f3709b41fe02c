//! Unit tests of VPC-002: hand-built network ACLs run through the rule as the engine
//! runs it (with its bookkeeping for what could not be read). Each test states only its
//! case.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod judging;
mod remediation;
mod template;

use cloudposture_aws::{AclEntry, NetworkAcl, NetworkAcls, PortRange};
use cloudposture_core::{Finding, Inventory, RiskLevel, Scope, ScopeId, erase};
use serde_json::json;

use super::{AclEvidence, NetworkAclAdminPorts};

const ACCOUNT: &str = "123456789012";
const REGION: &str = "eu-west-1";

/// An inbound entry; `ports` is its port range (none: all ports).
fn entry(rule_number: i32, protocol: &str, action: &str, cidr: &str, ports: Option<(i32, i32)>) -> AclEntry {
    let ipv6 = cidr.contains(':');
    AclEntry {
        rule_number,
        egress: false,
        protocol: protocol.to_string(),
        action: action.to_string(),
        cidr_block: (!ipv6).then(|| cidr.to_string()),
        ipv6_cidr_block: ipv6.then(|| cidr.to_string()),
        port_range: ports.map(|(from, to)| PortRange { from, to }),
    }
}

/// The final `*` entries AWS puts in every ACL.
fn final_denies() -> Vec<AclEntry> {
    vec![
        entry(32767, "-1", "deny", "0.0.0.0/0", None),
        entry(32767, "-1", "deny", "::/0", None),
    ]
}

fn acl(id: &str, is_default: bool, entries: Vec<AclEntry>) -> NetworkAcl {
    NetworkAcl {
        id: id.to_string(),
        vpc_id: "vpc-1".to_string(),
        region: REGION.to_string(),
        owner_id: ACCOUNT.to_string(),
        is_default,
        entries,
        subnet_ids: vec!["subnet-1".to_string()],
        tags: Default::default(),
    }
}

/// A custom ACL with these inbound entries before the final denies.
fn custom(entries: Vec<AclEntry>) -> NetworkAcl {
    acl("acl-0abc", false, [entries, final_denies()].concat())
}

/// A VPC's default ACL as AWS creates it for a VPC with an IPv6 block (or, with
/// `ipv6` false, without one): all inbound traffic allowed.
fn default_acl(ipv6: bool) -> NetworkAcl {
    let mut entries = vec![entry(100, "-1", "allow", "0.0.0.0/0", None)];
    if ipv6 {
        entries.push(entry(101, "-1", "allow", "::/0", None));
    }
    acl("acl-0def", true, [entries, final_denies()].concat())
}

fn region(acls: Vec<NetworkAcl>) -> Scope {
    let mut scope = Scope::new(ScopeId::region(Some(ACCOUNT), REGION));
    scope.insert::<NetworkAcls>(acls);
    scope
}

fn run_with(scopes: Vec<Scope>, raw: serde_json::Value) -> Vec<Finding> {
    let rule = erase(NetworkAclAdminPorts);
    let configured = rule.configure(raw.as_object().unwrap()).unwrap();
    let mut inventory = Inventory::new(Some(ACCOUNT.to_string()));
    inventory.scopes = scopes;
    rule.evaluate(&inventory, &configured, RiskLevel::Medium)
}

fn judge_with(acl: NetworkAcl, raw: serde_json::Value) -> Finding {
    let findings = run_with(vec![region(vec![acl])], raw);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    findings.into_iter().next().unwrap()
}

fn judge(acl: NetworkAcl) -> Finding {
    judge_with(acl, json!({}))
}

/// The evidence as its documented type; it must say nothing the type does not.
fn evidence(f: &Finding) -> AclEvidence {
    let typed: AclEvidence = f.evidence.parse().unwrap();
    assert_eq!(
        serde_json::to_value(&typed).unwrap(),
        f.evidence.to_value(),
        "the evidence is exactly an AclEvidence"
    );
    typed
}

/// The verdict for `port`, `protocol` and `cidr`: (open, deciding rule number).
fn verdict(e: &AclEvidence, port: u16, protocol: &str, cidr: &str) -> (bool, Option<i32>) {
    let v = e
        .verdicts
        .iter()
        .find(|v| v.port == port && v.protocol.name() == protocol && v.cidr == cidr)
        .unwrap();
    (v.open, v.decided_by.as_ref().map(|d| d.rule_number))
}
