//! The decision: the first matching inbound entry per port, world range and protocol;
//! default ACLs; what the findings say; and the engine's bookkeeping around the rule.

use cloudposture_aws::{CollectError, ErrorClass};
use cloudposture_core::{Kind, Rule, SCOPE_WIDE_ID, Status};

use super::*;
use crate::vpc::vpc_002_acl_admin_ports::AclAdminPortSettings;

#[test]
fn a_default_acl_as_aws_creates_it_fails_and_says_so_plainly() {
    let f = judge(default_acl(false));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.rule.id, "VPC-002");
    assert_eq!(f.resource.id, "acl-0def");
    assert_eq!(f.resource.kind, NetworkAcls::INFO.name);
    assert_eq!(
        f.message,
        "the VPC's default network ACL allows all inbound traffic from 0.0.0.0/0 (entry 100), which opens tcp \
         and udp ports 22 and 3389"
    );
    let e = evidence(&f);
    assert!(e.is_default);
    assert_eq!(e.verdicts.len(), 8, "2 ports x 2 world ranges x tcp and udp");
    assert_eq!(verdict(&e, 22, "tcp", "0.0.0.0/0"), (true, Some(100)));
    assert_eq!(verdict(&e, 3389, "udp", "0.0.0.0/0"), (true, Some(100)));
    // Without an IPv6 entry other than the final deny, ::/0 is denied by it.
    assert_eq!(verdict(&e, 22, "tcp", "::/0"), (false, Some(32767)));

    let f = judge(default_acl(true));
    assert_eq!(
        f.message,
        "the VPC's default network ACL allows all inbound traffic from 0.0.0.0/0 (entry 100), which opens tcp \
         and udp ports 22 and 3389; the VPC's default network ACL allows all inbound traffic from ::/0 (entry \
         101), which opens tcp and udp ports 22 and 3389"
    );
}

#[test]
fn default_acls_are_skipped_when_left_out_as_security_hub_does() {
    let findings = run_with(
        vec![region(vec![
            default_acl(true),
            custom(vec![entry(100, "6", "allow", "0.0.0.0/0", Some((22, 22)))]),
        ])],
        json!({"include_default_acls": false}),
    );
    assert_eq!(findings[0].status, Status::Skipped);
    assert_eq!(
        findings[0].message,
        "this is the default network ACL of vpc-1, which is not judged because `include_default_acls` is false \
         (AWS Security Hub EC2.21 leaves default network ACLs out; CIS counts them)"
    );
    assert_eq!(
        findings[0].evidence.to_value(),
        json!({"is_default": true, "vpc_id": "vpc-1"})
    );
    assert!(findings[0].remediation.is_none());
    assert_eq!(findings[1].status, Status::Fail, "other ACLs are still judged");
}

#[test]
fn a_custom_acl_that_lets_no_world_traffic_in_passes() {
    let f = judge(custom(vec![
        entry(100, "6", "allow", "0.0.0.0/0", Some((443, 443))),
        entry(110, "6", "allow", "10.0.0.0/8", Some((22, 22))),
    ]));
    assert_eq!(f.status, Status::Pass);
    assert_eq!(
        f.message,
        "no inbound entry allows traffic from 0.0.0.0/0 or ::/0 to ports 22 or 3389; entry 32767 denies it first"
    );
    assert!(f.remediation.is_none());
    let e = evidence(&f);
    assert!(e.verdicts.iter().all(|v| !v.open));
    assert_eq!(verdict(&e, 22, "tcp", "0.0.0.0/0"), (false, Some(32767)));
}

#[test]
fn with_no_matching_entry_the_traffic_is_denied() {
    let f = judge(acl("acl-empty", false, vec![]));
    assert_eq!(f.status, Status::Pass);
    assert_eq!(
        f.message,
        "no inbound entry allows traffic from 0.0.0.0/0 or ::/0 to ports 22 or 3389; no inbound entry matches \
         it, so it is denied"
    );
    let e = evidence(&f);
    assert_eq!(verdict(&e, 3389, "udp", "::/0"), (false, None));
    assert!(f.evidence.to_value()["verdicts"][0].get("decided_by").is_none());
}

#[test]
fn a_deny_before_the_allow_closes_the_port_and_only_for_its_protocol() {
    let f = judge(custom(vec![
        entry(90, "6", "deny", "0.0.0.0/0", Some((22, 22))),
        entry(100, "-1", "allow", "0.0.0.0/0", None),
    ]));
    assert_eq!(f.status, Status::Fail);
    let e = evidence(&f);
    assert_eq!(verdict(&e, 22, "tcp", "0.0.0.0/0"), (false, Some(90)));
    assert_eq!(verdict(&e, 22, "udp", "0.0.0.0/0"), (true, Some(100)));
    assert_eq!(
        f.message,
        "inbound entry 100 allows all traffic from 0.0.0.0/0, which opens tcp port 3389 and udp ports 22 and 3389"
    );
}

#[test]
fn an_allow_before_the_deny_opens_the_port() {
    let f = judge(acl(
        "acl-0abc",
        false,
        vec![
            entry(90, "6", "allow", "0.0.0.0/0", Some((22, 22))),
            entry(100, "-1", "deny", "0.0.0.0/0", None),
        ],
    ));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.message,
        "inbound entry 90 allows tcp 22 from 0.0.0.0/0, which opens tcp port 22"
    );
}

#[test]
fn entries_are_walked_by_rule_number_not_as_listed() {
    let f = judge(acl(
        "acl-0abc",
        false,
        vec![
            entry(100, "-1", "allow", "0.0.0.0/0", None),
            entry(50, "-1", "deny", "0.0.0.0/0", None),
        ],
    ));
    assert_eq!(f.status, Status::Pass);
    assert_eq!(verdict(&evidence(&f), 22, "tcp", "0.0.0.0/0"), (false, Some(50)));
}

#[test]
fn port_ranges_protocol_numbers_and_outbound_entries() {
    // A TCP range that contains the port opens it; one beside it does not.
    let f = judge(custom(vec![entry(
        100,
        "6",
        "allow",
        "0.0.0.0/0",
        Some((0, 1024)),
    )]));
    assert_eq!(
        f.message,
        "inbound entry 100 allows tcp 0-1024 from 0.0.0.0/0, which opens tcp port 22"
    );
    let f = judge(custom(vec![entry(
        100,
        "6",
        "allow",
        "0.0.0.0/0",
        Some((23, 3388)),
    )]));
    assert_eq!(f.status, Status::Pass);
    // TCP or UDP with no range is every port.
    let f = judge(custom(vec![entry(100, "17", "allow", "::/0", None)]));
    assert_eq!(
        f.message,
        "inbound entry 100 allows udp (all ports) from ::/0, which opens udp ports 22 and 3389"
    );
    // ICMP has no ports; outbound entries are not inbound traffic.
    let mut outbound = entry(100, "-1", "allow", "0.0.0.0/0", None);
    outbound.egress = true;
    let f = judge(custom(vec![entry(90, "1", "allow", "0.0.0.0/0", None), outbound]));
    assert_eq!(f.status, Status::Pass);
}

#[test]
fn only_exactly_the_world_ranges_decide() {
    let f = judge(acl(
        "acl-0abc",
        false,
        vec![
            // A narrower deny does not close the port to the rest of the world.
            entry(50, "-1", "deny", "192.0.2.0/24", None),
            entry(60, "-1", "allow", "0.0.0.0/1", None),
            entry(100, "6", "allow", "0.0.0.0/0", Some((3389, 3389))),
        ],
    ));
    assert_eq!(
        f.message,
        "inbound entry 100 allows tcp 3389 from 0.0.0.0/0, which opens tcp port 3389"
    );
}

#[test]
fn an_unknown_action_never_closes_a_port_and_the_message_says_why() {
    let f = judge(custom(vec![entry(
        100,
        "6",
        "allow-logged",
        "0.0.0.0/0",
        Some((22, 22)),
    )]));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.message,
        "inbound entry 100 has the action `allow-logged`, which is neither allow nor deny and is counted as \
         allowing tcp 22 from 0.0.0.0/0, which opens tcp port 22"
    );
    let f = judge(custom(vec![entry(100, "6", "", "0.0.0.0/0", Some((22, 22)))]));
    assert_eq!(f.status, Status::Fail);
    // Actions are read in any case.
    let f = judge(custom(vec![entry(100, "6", "DENY", "0.0.0.0/0", Some((22, 22)))]));
    assert_eq!(verdict(&evidence(&f), 22, "tcp", "0.0.0.0/0"), (false, Some(100)));
}

#[test]
fn the_ports_setting_decides_which_ports_are_judged() {
    let raw = json!({"ports": [5985]});
    let f = judge_with(
        custom(vec![entry(100, "6", "allow", "0.0.0.0/0", Some((22, 22)))]),
        raw.clone(),
    );
    assert_eq!(f.status, Status::Pass);
    assert_eq!(
        f.message,
        "no inbound entry allows traffic from 0.0.0.0/0 or ::/0 to port 5985; entry 32767 denies it first"
    );
    assert_eq!(evidence(&f).verdicts.len(), 4);
    let f = judge_with(default_acl(false), raw);
    assert_eq!(
        f.message,
        "the VPC's default network ACL allows all inbound traffic from 0.0.0.0/0 (entry 100), which opens tcp \
         and udp port 5985"
    );
}

#[test]
fn settings_are_checked_before_a_scan() {
    let rule = erase(NetworkAclAdminPorts);
    let configure = |raw: serde_json::Value| {
        rule.configure(raw.as_object().unwrap())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        configure(json!({"include_default_acls": "no"})).unwrap_err(),
        "rule `VPC-002` setting `include_default_acls`: expected a boolean, found the string `no`"
    );
    assert_eq!(
        configure(json!({"ports": [22, 22]})).unwrap_err(),
        "rule `VPC-002` setting `ports`: port 22 is listed twice"
    );
    assert_eq!(
        configure(json!({"default_acls": false})).unwrap_err(),
        "rule `VPC-002` has no setting `default_acls`; its settings are: ports, include_default_acls"
    );
    let defaults = AclAdminPortSettings::default();
    assert!(defaults.include_default_acls);
    assert_eq!(defaults.ports.as_slice(), [22, 3389]);
}

#[test]
fn a_region_whose_acls_could_not_be_listed_gives_one_error_never_a_pass() {
    let mut scope = Scope::new(ScopeId::region(Some(ACCOUNT), REGION));
    scope.fail(
        NetworkAcls::INFO.name,
        CollectError::new(
            "DescribeNetworkAcls",
            ErrorClass::Throttled,
            None,
            "Rate exceeded",
        ),
    );
    let findings = run_with(vec![scope], json!({}));
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.status, Status::Error);
    assert_eq!(f.resource.id, SCOPE_WIDE_ID);
    assert!(
        f.message
            .starts_with("could not list network ACLs in eu-west-1: DescribeNetworkAcls"),
        "{}",
        f.message
    );
    let findings = run_with(
        vec![Scope::new(ScopeId::region(Some(ACCOUNT), REGION))],
        json!({}),
    );
    assert_eq!(findings[0].status, Status::Error);
}

#[test]
fn there_is_no_automatic_fix() {
    let f = judge(default_acl(false));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        NetworkAclAdminPorts
            .plan_fix(&f, &AclAdminPortSettings::default())
            .unwrap(),
        None
    );
}
