//! Unit tests of EC2-003: hand-built regions run through the rule as the engine runs it.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod fix;
mod judging;
mod remediation;
mod template;

use cloudposture_aws::{GroupPair, IpRange, Permission, SecurityGroup, SecurityGroups};
use cloudposture_core::Finding;

use super::{DefaultGroupEvidence, DefaultSecurityGroupRestrictsAll};
use crate::ec2::test_support::{ACCOUNT, REGION, region_with, run};

/// A group of `vpc` with no rules.
fn group(id: &str, name: &str, vpc: &str) -> SecurityGroup {
    SecurityGroup {
        id: id.to_string(),
        name: name.to_string(),
        description: format!("{name} group"),
        vpc_id: Some(vpc.to_string()),
        region: REGION.to_string(),
        owner_id: ACCOUNT.to_string(),
        ingress: Vec::new(),
        egress: Vec::new(),
        tags: Default::default(),
    }
}

/// All traffic, to or from these CIDR ranges (IPv6 when they contain `:`).
fn all_traffic(cidrs: &[&str]) -> Permission {
    let range = |c: &&str| IpRange {
        cidr: c.to_string(),
        description: None,
    };
    Permission {
        protocol: "-1".to_string(),
        from_port: None,
        to_port: None,
        ipv4_ranges: cidrs.iter().filter(|c| !c.contains(':')).map(range).collect(),
        ipv6_ranges: cidrs.iter().filter(|c| c.contains(':')).map(range).collect(),
        prefix_list_ids: Vec::new(),
        groups: Vec::new(),
    }
}

fn from_group(protocol: &str, group_id: &str) -> Permission {
    Permission {
        groups: vec![GroupPair {
            group_id: group_id.to_string(),
            user_id: None,
        }],
        ipv4_ranges: Vec::new(),
        protocol: protocol.to_string(),
        ..all_traffic(&[])
    }
}

fn ports(protocol: &str, from: i32, to: i32, cidrs: &[&str]) -> Permission {
    Permission {
        protocol: protocol.to_string(),
        from_port: Some(from),
        to_port: Some(to),
        ..all_traffic(cidrs)
    }
}

/// The default group as AWS (and moto) create it with a VPC: all inbound traffic from
/// itself, all outbound traffic to 0.0.0.0/0.
fn as_created(id: &str, vpc: &str) -> SecurityGroup {
    SecurityGroup {
        ingress: vec![from_group("-1", id)],
        egress: vec![all_traffic(&["0.0.0.0/0"])],
        ..group(id, "default", vpc)
    }
}

fn judge_all(groups: Vec<SecurityGroup>) -> Vec<Finding> {
    run(
        DefaultSecurityGroupRestrictsAll,
        vec![region_with::<SecurityGroups>(REGION, groups)],
    )
}

fn judge_one(group: SecurityGroup) -> Finding {
    let findings = judge_all(vec![group]);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    findings.into_iter().next().unwrap()
}

/// The evidence as its documented type; it must say nothing the type does not.
fn evidence(f: &Finding) -> DefaultGroupEvidence {
    let typed: DefaultGroupEvidence = f.evidence.parse().unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), f.evidence.to_value());
    typed
}
