//! The remediation a failing group carries, read back by the parsers of each language:
//! the revoke names only the world ranges, the restricted rules keep protocol and ports.

use cloudposture_core::Remediation;

use super::*;
use crate::ec2::admin_ports::parsed;

/// tcp 22 from an office network and the world, and all traffic from the world.
fn failing(rule: SecurityGroupAdminPorts, world: &str) -> Remediation {
    let f = judge(
        rule,
        vec![tcp(22, &["198.51.100.0/24", world]), all_traffic(&[world])],
    );
    f.remediation().unwrap().clone()
}

#[test]
fn summary_names_the_rules_the_range_the_group_and_its_region() {
    assert_eq!(
        failing(EC2_001, "0.0.0.0/0").summary,
        "revoke inbound tcp 22 and all traffic from 0.0.0.0/0 on sg-0abc (eu-west-1) and allow ports 22 and \
         3389 only from your administrators' network"
    );
}

#[test]
fn cli_revokes_only_the_world_range_of_each_permission_and_says_who_is_cut_off() {
    let (commands, comments) = parsed::cli(&failing(EC2_001, "0.0.0.0/0"));
    assert_eq!(commands.len(), 1);
    let words = &commands[0];
    assert_eq!(
        words[..7],
        [
            "aws",
            "ec2",
            "revoke-security-group-ingress",
            "--region",
            "eu-west-1",
            "--group-id",
            "sg-0abc"
        ]
    );
    assert_eq!(words[7], "--ip-permissions");
    let permissions: serde_json::Value = serde_json::from_str(&words[8]).unwrap();
    assert_eq!(
        permissions,
        json!([
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        ])
    );
    assert!(
        comments[0]
            .starts_with("Revokes the inbound rules of sg-0abc that open ports 22 and 3389 to 0.0.0.0/0"),
        "{comments:?}"
    );
    assert!(comments.iter().any(|c| c.contains("is cut off")), "{comments:?}");
}

#[test]
fn ipv6_revoke_names_the_ipv6_range() {
    let (commands, _) = parsed::cli(&failing(EC2_002, "::/0"));
    let permissions: serde_json::Value = serde_json::from_str(&commands[0][8]).unwrap();
    assert_eq!(
        permissions[0],
        json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]})
    );
}

#[test]
fn cloudformation_allows_the_same_traffic_from_the_admin_network_only() {
    let r = failing(EC2_001, "0.0.0.0/0");
    let template = parsed::cloudformation(&r);
    let resources = template["Resources"].as_object().unwrap();
    let ids: Vec<&String> = resources.keys().collect();
    assert_eq!(ids, ["AdminIngress1Sg0abc", "AdminIngress2Sg0abc"]);
    let ssh = &resources["AdminIngress1Sg0abc"];
    assert_eq!(ssh["Type"], "AWS::EC2::SecurityGroupIngress");
    let description =
        "Remote administration from the admin network instead of 0.0.0.0/0 (cloudposture EC2-001)";
    assert_eq!(
        ssh["Properties"],
        json!({"GroupId": "sg-0abc", "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
               "CidrIp": "<ADMIN_CIDR>", "Description": description})
    );
    // All traffic has no ports.
    assert_eq!(
        resources["AdminIngress2Sg0abc"]["Properties"],
        json!({"GroupId": "sg-0abc", "IpProtocol": "-1", "CidrIp": "<ADMIN_CIDR>", "Description": description})
    );
    let yaml = parsed::snippet(&r, cloudposture_core::SnippetKind::Cloudformation);
    assert!(
        yaml.starts_with("# Allows the same traffic only from your administrators' network"),
        "{yaml}"
    );
    assert!(
        yaml.contains("aws cloudformation deploy --region eu-west-1"),
        "{yaml}"
    );
}

#[test]
fn terraform_allows_the_same_traffic_from_the_admin_network_only() {
    let r = failing(EC2_002, "::/0");
    let config = parsed::terraform(&r);
    let rules = &config["resource"]["aws_vpc_security_group_ingress_rule"];
    assert_eq!(
        rules["sg_0abc_admin_1"],
        json!({"security_group_id": "sg-0abc", "ip_protocol": "tcp", "from_port": 22, "to_port": 22,
               "cidr_ipv6": "<ADMIN_IPV6_CIDR>",
               "description": "Remote administration from the admin network instead of ::/0 (cloudposture EC2-002)"})
    );
    // Terraform refuses ports on a rule of all protocols.
    assert!(rules["sg_0abc_admin_2"].get("from_port").is_none());
    assert_eq!(rules["sg_0abc_admin_2"]["ip_protocol"], "-1");
    let hcl = parsed::snippet(&r, cloudposture_core::SnippetKind::Terraform);
    assert!(hcl.contains("configured for region eu-west-1"), "{hcl}");
}

#[test]
fn protocols_are_written_the_way_cloudformation_and_terraform_take_them() {
    let f = judge(EC2_001, vec![permission("6", Some((22, 22)), &["0.0.0.0/0"])]);
    let r = f.remediation().unwrap();
    assert_eq!(
        parsed::cloudformation(r)["Resources"]["AdminIngress1Sg0abc"]["Properties"]["IpProtocol"],
        "tcp"
    );
    // The revoke names the permission as AWS listed it.
    let (commands, _) = parsed::cli(r);
    let permissions: serde_json::Value = serde_json::from_str(&commands[0][8]).unwrap();
    assert_eq!(permissions[0]["IpProtocol"], "6");
}
