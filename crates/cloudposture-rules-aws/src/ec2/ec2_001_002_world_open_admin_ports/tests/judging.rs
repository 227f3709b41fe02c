//! The decision: which permissions open which administration ports to which world
//! range, and what the findings say; and the engine's bookkeeping around the rules.

use cloudposture_core::{SCOPE_WIDE_ID, Status};

use super::*;

#[test]
fn ssh_from_the_ipv4_world_fails_ec2_001_and_not_ec2_002() {
    let ingress = vec![tcp(22, &["0.0.0.0/0"])];
    let f = judge(EC2_001, ingress.clone());
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.rule.id, "EC2-001");
    assert_eq!(f.resource.id, "sg-0abc");
    assert_eq!(f.resource.kind, SecurityGroups::INFO.name);
    assert_eq!(
        f.message,
        "port 22 is open to 0.0.0.0/0: the inbound rule tcp 22 opens port 22"
    );
    let e = evidence(&f);
    assert_eq!(e.world, "0.0.0.0/0");
    assert_eq!(e.open.len(), 1);
    let open = &e.open[0];
    assert_eq!(
        (
            open.protocol.as_str(),
            open.from_port,
            open.to_port,
            open.cidr.as_str()
        ),
        ("tcp", Some(22), Some(22), "0.0.0.0/0")
    );
    assert_eq!(open.ports, [22]);
    assert!(f.remediation().is_some());

    let f = judge(EC2_002, ingress);
    assert_eq!(f.status, Status::Pass);
    assert_eq!(f.message, "no inbound rule allows ::/0 to ports 22 or 3389");
    assert!(evidence(&f).open.is_empty());
    assert!(f.remediation.is_none());
}

#[test]
fn rdp_from_the_ipv6_world_fails_ec2_002_and_not_ec2_001() {
    let ingress = vec![tcp(3389, &["::/0"])];
    let f = judge(EC2_002, ingress.clone());
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.rule.id, "EC2-002");
    assert_eq!(
        f.message,
        "port 3389 is open to ::/0: the inbound rule tcp 3389 opens port 3389"
    );
    assert_eq!(evidence(&f).open[0].cidr, "::/0");
    let f = judge(EC2_001, ingress);
    assert_eq!(f.status, Status::Pass);
    assert_eq!(f.message, "no inbound rule allows 0.0.0.0/0 to ports 22 or 3389");
}

#[test]
fn all_traffic_from_the_world_opens_every_port() {
    for protocol in ["-1", "all", "ALL"] {
        let f = judge(EC2_001, vec![permission(protocol, None, &["0.0.0.0/0"])]);
        assert_eq!(f.status, Status::Fail, "{protocol}");
        assert_eq!(
            f.message,
            "ports 22 and 3389 are open to 0.0.0.0/0: the inbound rule all traffic opens ports 22 and 3389"
        );
        assert_eq!(evidence(&f).open[0].ports, [22, 3389]);
    }
}

#[test]
fn a_port_range_opens_the_ports_inside_it() {
    let f = judge(EC2_001, vec![permission("tcp", Some((0, 1024)), &["0.0.0.0/0"])]);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(evidence(&f).open[0].ports, [22]);
    assert_eq!(
        f.message,
        "port 22 is open to 0.0.0.0/0: the inbound rule tcp 0-1024 opens port 22"
    );
    let f = judge(
        EC2_001,
        vec![permission("tcp", Some((1025, 65535)), &["0.0.0.0/0"])],
    );
    assert_eq!(evidence(&f).open[0].ports, [3389]);
    // Between the two ports, and just beside them: nothing is open.
    for (from, to) in [(23, 3388), (3390, 65535), (0, 21)] {
        let f = judge(EC2_001, vec![permission("tcp", Some((from, to)), &["0.0.0.0/0"])]);
        assert_eq!(f.status, Status::Pass, "{from}-{to}");
    }
}

#[test]
fn udp_and_protocol_numbers_and_names_in_any_case_count_as_cis_counts_them() {
    for protocol in ["udp", "UDP", "17", "tcp", "TCP", "6"] {
        let f = judge(
            EC2_001,
            vec![permission(protocol, Some((3389, 3389)), &["0.0.0.0/0"])],
        );
        assert_eq!(f.status, Status::Fail, "{protocol}");
    }
    let f = judge(
        EC2_001,
        vec![permission("udp", Some((3389, 3389)), &["0.0.0.0/0"])],
    );
    assert_eq!(
        f.message,
        "port 3389 is open to 0.0.0.0/0: the inbound rule udp 3389 opens port 3389"
    );
}

#[test]
fn protocols_without_ports_do_not_open_administration_ports() {
    // ICMP's "ports" are its type and code: type 22 is not SSH.
    for protocol in ["icmp", "1", "icmpv6", "58", "50"] {
        let f = judge(
            EC2_001,
            vec![permission(protocol, Some((22, 22)), &["0.0.0.0/0"])],
        );
        assert_eq!(f.status, Status::Pass, "{protocol}");
    }
}

#[test]
fn only_exactly_the_world_range_is_the_world() {
    for cidr in ["10.0.0.0/8", "0.0.0.0/1", "128.0.0.0/1", "203.0.113.7/32"] {
        let f = judge(EC2_001, vec![tcp(22, &[cidr])]);
        assert_eq!(f.status, Status::Pass, "{cidr}");
    }
    for cidr in ["2001:db8::/32", "::/1"] {
        let f = judge(EC2_002, vec![tcp(22, &[cidr])]);
        assert_eq!(f.status, Status::Pass, "{cidr}");
    }
}

#[test]
fn a_world_range_beside_other_sources_is_found_and_only_it_is_named() {
    let mut p = tcp(22, &["10.0.0.0/8", "0.0.0.0/0", "::/0"]);
    p.ipv4_ranges[1].description = Some("temporary".to_string());
    let e = evidence(&judge(EC2_001, vec![p]));
    assert_eq!(e.open.len(), 1);
    assert_eq!(e.open[0].cidr, "0.0.0.0/0");
    assert_eq!(e.open[0].description.as_deref(), Some("temporary"));
}

#[test]
fn referenced_groups_are_not_the_world_and_prefix_lists_are_named_unexpanded() {
    let mut p = tcp(22, &[]);
    p.groups.push(GroupPair {
        group_id: "sg-bastion".to_string(),
        user_id: None,
    });
    p.prefix_list_ids = vec!["pl-0123".to_string(), "pl-4567".to_string()];
    // A prefix list on a port that is not an administration port is not worth a note.
    let mut web = tcp(443, &[]);
    web.prefix_list_ids = vec!["pl-web".to_string()];
    let f = judge(EC2_001, vec![p, web]);
    assert_eq!(f.status, Status::Pass);
    assert_eq!(
        f.message,
        "no inbound rule allows 0.0.0.0/0 to ports 22 or 3389; inbound rules to these ports from prefix \
         lists pl-0123 and pl-4567 were not expanded and not judged"
    );
    assert_eq!(evidence(&f).prefix_lists_not_expanded, ["pl-0123", "pl-4567"]);
    // Nothing empty is written when there is no prefix list.
    let f = judge(EC2_001, vec![]);
    assert!(f.evidence.to_value().get("prefix_lists_not_expanded").is_none());
}

#[test]
fn the_ports_setting_decides_which_ports_are_administration_ports() {
    let raw = json!({"ports": [5985, 5986]});
    let f = judge_with(EC2_001, vec![tcp(22, &["0.0.0.0/0"])], raw.clone());
    assert_eq!(f.status, Status::Pass);
    assert_eq!(
        f.message,
        "no inbound rule allows 0.0.0.0/0 to ports 5985 or 5986"
    );
    let f = judge_with(
        EC2_001,
        vec![permission("tcp", Some((5985, 5986)), &["0.0.0.0/0"])],
        raw,
    );
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.message,
        "ports 5985 and 5986 are open to 0.0.0.0/0: the inbound rule tcp 5985-5986 opens ports 5985 and 5986"
    );
    let f = judge_with(EC2_001, vec![], json!({"ports": [22]}));
    assert_eq!(f.message, "no inbound rule allows 0.0.0.0/0 to port 22");
}

#[test]
fn each_opening_permission_is_named_and_long_lists_are_cut() {
    let f = judge(
        EC2_001,
        vec![
            tcp(22, &["0.0.0.0/0"]),
            tcp(3389, &["0.0.0.0/0"]),
            tcp(80, &["0.0.0.0/0"]),
        ],
    );
    assert_eq!(
        f.message,
        "ports 22 and 3389 are open to 0.0.0.0/0: the inbound rule tcp 22 opens port 22 and the inbound rule \
         tcp 3389 opens port 3389"
    );
    let many: Vec<Permission> = (0..7)
        .map(|n| permission("tcp", Some((20 - n, 22)), &["0.0.0.0/0"]))
        .collect();
    let f = judge(EC2_001, many);
    assert_eq!(evidence(&f).open.len(), 7);
    assert!(
        f.message.ends_with("and 2 more inbound rules (see the evidence)"),
        "{}",
        f.message
    );
}

#[test]
fn every_group_gets_one_finding_attached_or_not_and_shared_ones_too() {
    let mut shared = group("sg-shared", vec![tcp(22, &["0.0.0.0/0"])]);
    shared.owner_id = "210987654321".to_string();
    let mut no_vpc = group("sg-classic", vec![]);
    no_vpc.vpc_id = None;
    let findings = run_with(
        EC2_001,
        vec![region(vec![
            group("sg-open", vec![all_traffic(&["0.0.0.0/0"])]),
            group("sg-closed", vec![tcp(22, &["10.0.0.0/8"])]),
            shared,
            no_vpc,
        ])],
        json!({}),
    );
    let statuses: Vec<(&str, Status)> = findings
        .iter()
        .map(|f| (f.resource.id.as_str(), f.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("sg-open", Status::Fail),
            ("sg-closed", Status::Pass),
            ("sg-shared", Status::Fail),
            ("sg-classic", Status::Pass),
        ]
    );
    assert_eq!(findings[2].resource.account.as_deref(), Some("210987654321"));
}

#[test]
fn a_region_whose_security_groups_could_not_be_listed_gives_one_error_never_a_pass() {
    let mut scope = Scope::new(ScopeId::region(Some(ACCOUNT), "eu-west-2"));
    scope.fail(
        SecurityGroups::INFO.name,
        CollectError::new(
            "DescribeSecurityGroups",
            ErrorClass::AccessDenied,
            Some("UnauthorizedOperation".to_string()),
            "You are not authorized to perform this operation.",
        ),
    );
    for rule in [EC2_001, EC2_002] {
        let findings = run_with(
            rule,
            vec![scope.clone(), region(vec![group("sg-1", vec![])])],
            json!({}),
        );
        assert_eq!(findings.len(), 2);
        let f = &findings[0];
        assert_eq!(f.status, Status::Error);
        assert_eq!(f.resource.id, SCOPE_WIDE_ID);
        assert_eq!(f.resource.kind, SecurityGroups::INFO.name);
        assert_eq!(f.resource.region.as_deref(), Some("eu-west-2"));
        assert_eq!(
            f.message,
            "could not list security groups in eu-west-2: DescribeSecurityGroups access denied \
             (UnauthorizedOperation: You are not authorized to perform this operation.)"
        );
        assert!(f.remediation.is_none());
        assert_eq!(findings[1].status, Status::Pass);
    }
}

#[test]
fn security_groups_not_collected_are_an_error_not_silence() {
    let findings = run_with(
        EC2_001,
        vec![Scope::new(ScopeId::region(Some(ACCOUNT), REGION))],
        json!({}),
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].status, Status::Error);
    assert_eq!(
        findings[0].message,
        "security groups were not collected in eu-west-1 (the inventory was made without \
         `aws.ec2.security-group`), so none could be judged"
    );
}
