//! Which groups are judged, when they pass, and what the messages and evidence say.

use cloudposture_aws::{GroupPair, SecurityGroups};
use cloudposture_core::{Kind, SCOPE_WIDE_ID, Status};

use super::*;
use crate::ec2::test_support::{denied, unknown_setting_error};

#[test]
fn a_new_vpcs_default_group_fails_and_says_what_it_allows() {
    let f = judge_one(as_created("sg-1", "vpc-1"));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.message,
        "the default security group of vpc-1 allows 1 inbound and 1 outbound rule: inbound all traffic from \
         sg-1 (the group itself); outbound all traffic to 0.0.0.0/0"
    );
    assert_eq!(f.resource.id, "sg-1");
    assert_eq!(f.resource.kind, SecurityGroups::INFO.name);
    let e = evidence(&f);
    assert_eq!(e.vpc_id.as_deref(), Some("vpc-1"));
    assert_eq!(e.ingress, as_created("sg-1", "vpc-1").ingress);
    assert_eq!(e.egress, [all_traffic(&["0.0.0.0/0"])]);
    assert!(f.remediation.is_some());
}

#[test]
fn an_empty_default_group_passes_with_empty_evidence() {
    let f = judge_one(group("sg-1", "default", "vpc-1"));
    assert_eq!(f.status, Status::Pass);
    assert_eq!(
        f.message,
        "the default security group of vpc-1 has no inbound and no outbound rules"
    );
    let e = evidence(&f);
    assert!(e.ingress.is_empty() && e.egress.is_empty());
    assert!(f.remediation.is_none());
}

#[test]
fn only_default_groups_get_findings_one_per_vpc() {
    let mut web = group("sg-web", "web", "vpc-1");
    web.ingress = vec![ports("tcp", 443, 443, &["0.0.0.0/0"])];
    let findings = judge_all(vec![
        as_created("sg-1", "vpc-1"),
        web,
        group("sg-named-like-default", "default-old", "vpc-1"),
        group("sg-2", "default", "vpc-2"),
    ]);
    let judged: Vec<(&str, Status)> = findings
        .iter()
        .map(|f| (f.resource.id.as_str(), f.status))
        .collect();
    assert_eq!(judged, [("sg-1", Status::Fail), ("sg-2", Status::Pass)]);
}

#[test]
fn one_rule_left_on_either_side_fails() {
    let mut inbound_only = group("sg-1", "default", "vpc-1");
    inbound_only.ingress = vec![from_group("-1", "sg-1")];
    assert_eq!(
        judge_one(inbound_only).message,
        "the default security group of vpc-1 allows 1 inbound and no outbound rules: inbound all traffic \
         from sg-1 (the group itself)"
    );
    // A VPC with IPv6 gets an outbound rule to ::/0 too: two rules in one permission.
    let mut outbound_only = group("sg-1", "default", "vpc-1");
    outbound_only.egress = vec![all_traffic(&["0.0.0.0/0", "::/0"])];
    let f = judge_one(outbound_only);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.message,
        "the default security group of vpc-1 allows no inbound and 2 outbound rules: outbound all traffic \
         to 0.0.0.0/0, ::/0"
    );
}

#[test]
fn ports_protocols_and_peers_are_said_in_words() {
    let mut g = group("sg-1", "default", "vpc-1");
    let mut peers = ports("tcp", 22, 22, &["10.0.0.0/8"]);
    peers.prefix_list_ids = vec!["pl-1".to_string()];
    peers.groups = vec![GroupPair {
        group_id: "sg-9".to_string(),
        user_id: Some("444455556666".to_string()),
    }];
    g.ingress = vec![
        peers,
        ports("udp", 1024, 65535, &["::/0"]),
        ports("tcp", 0, 65535, &["192.168.0.0/16"]),
        ports("icmp", 8, -1, &["0.0.0.0/0"]),
        ports("icmp", -1, -1, &["0.0.0.0/0"]),
    ];
    g.egress = vec![from_group("50", "sg-2")];
    let f = judge_one(g);
    assert_eq!(
        f.message,
        "the default security group of vpc-1 allows 7 inbound and 1 outbound rule: inbound TCP port 22 from \
         10.0.0.0/8, pl-1, sg-9 of account 444455556666; inbound UDP ports 1024-65535 from ::/0; inbound all \
         TCP ports from 192.168.0.0/16; inbound ICMP type 8 from 0.0.0.0/0; inbound all ICMP from 0.0.0.0/0; \
         1 more (see the evidence)"
    );
    // The evidence keeps what the message leaves out.
    assert_eq!(evidence(&f).egress, [from_group("50", "sg-2")]);
}

#[test]
fn a_protocol_by_number_is_named() {
    let mut g = group("sg-1", "default", "vpc-1");
    g.egress = vec![from_group("50", "sg-2")];
    assert!(
        judge_one(g)
            .message
            .ends_with("outbound all traffic of protocol 50 to sg-2"),
    );
}

#[test]
fn a_region_whose_groups_could_not_be_listed_gives_an_error_never_a_pass() {
    let findings = run(
        DefaultSecurityGroupRestrictsAll,
        vec![
            denied::<SecurityGroups>("eu-west-2", "DescribeSecurityGroups"),
            region_with::<SecurityGroups>(REGION, vec![group("sg-1", "default", "vpc-1")]),
        ],
    );
    let outcomes: Vec<(&str, &str, Status)> = findings
        .iter()
        .map(|f| (f.resource.region_str(), f.resource.id.as_str(), f.status))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("eu-west-2", SCOPE_WIDE_ID, Status::Error),
            (REGION, "sg-1", Status::Pass)
        ]
    );
    assert_eq!(
        findings[0].message,
        "could not list security groups in eu-west-2: DescribeSecurityGroups access denied \
         (UnauthorizedOperation: You are not authorized to perform this operation.)"
    );
}

#[test]
fn groups_not_collected_are_an_error() {
    let scope = cloudposture_core::Scope::new(cloudposture_core::ScopeId::region(Some(ACCOUNT), REGION));
    let findings = run(DefaultSecurityGroupRestrictsAll, vec![scope]);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].status, Status::Error);
    assert!(
        findings[0]
            .message
            .starts_with("security groups were not collected in eu-west-1"),
        "{}",
        findings[0].message
    );
}

#[test]
fn the_rule_has_no_settings() {
    assert_eq!(
        unknown_setting_error(DefaultSecurityGroupRestrictsAll),
        "rule `EC2-003` has no setting `ports`; its settings are: (none)"
    );
}
