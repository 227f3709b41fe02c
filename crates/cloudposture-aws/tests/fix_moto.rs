//! The fix executor (`sdk::fix`) against moto's EC2 emulator, over the wire: revoking
//! exactly the planned range of a security group, every rule of a default group, and
//! requiring IMDSv2 on an instance; each run twice, the second finding it done.
//!
//! The actions are built by hand, as the rules that plan them would. One moto server
//! serves the whole binary; each test works in a region of its own.

#![cfg(feature = "sdk")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use aws_sdk_ec2::types as ec2;
use cloudposture_aws::fix::{
    FixResult, MODIFY_INSTANCE_METADATA_OPTIONS, REVOKE_SECURITY_GROUP_RULES, RequireImdsV2Params,
    RevokePermissionsParams,
};
use cloudposture_aws::kinds::{IpRange, Permission, SecurityGroup};
use cloudposture_aws::sdk::SdkCollector;
use cloudposture_aws::sdk::fix::execute;
use cloudposture_aws::{ListContext, Lister, Scope, ScopeId, SecurityGroups};
use cloudposture_core::{FixAction, FixParameters, ResourceRef};
use cloudposture_moto::{ACCOUNT_ID, MotoServer};

async fn collector(moto: &MotoServer) -> SdkCollector {
    SdkCollector::from_sdk_config(&moto.sdk_config("us-east-1").await)
}

fn revoke(rule_id: &'static str, params: RevokePermissionsParams) -> FixAction {
    FixAction {
        rule_id,
        resource: ResourceRef::new("aws.ec2.security-group", params.group_id.clone())
            .in_region(params.region.clone()),
        summary: format!("revoke rules of {}", params.group_id),
        operation: REVOKE_SECURITY_GROUP_RULES,
        parameters: FixParameters::new(params),
    }
}

/// The security groups of `region`, as a scan reads them.
async fn groups(aws: &SdkCollector, region: &str) -> Vec<SecurityGroup> {
    let scope = Scope::new(ScopeId::region(Some(ACCOUNT_ID), region));
    let ctx = ListContext {
        account: Some(ACCOUNT_ID),
        region,
        scope: &scope,
    };
    <SdkCollector as Lister<SecurityGroups>>::list(aws, &ctx)
        .await
        .unwrap()
        .items
}

async fn group(aws: &SdkCollector, region: &str, id: &str) -> SecurityGroup {
    groups(aws, region)
        .await
        .into_iter()
        .find(|g| g.id == id)
        .unwrap()
}

/// The CIDRs of `permissions`, sorted.
fn cidrs(permissions: &[Permission]) -> Vec<String> {
    let mut cidrs: Vec<String> = permissions
        .iter()
        .flat_map(|p| p.ipv4_ranges.iter().chain(&p.ipv6_ranges).map(|r| r.cidr.clone()))
        .collect();
    cidrs.sort();
    cidrs
}

#[tokio::test]
async fn revoking_the_world_range_leaves_the_private_one() {
    let moto = MotoServer::shared();
    let region = "eu-west-2";
    let ec2 = moto.ec2_client(region);
    let vpc = moto.create_vpc(region, "10.80.0.0/16", &[]).await;
    let created = ec2
        .create_security_group()
        .group_name("ssh")
        .description("ssh from anywhere and the office")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap();
    let group_id = created.group_id.unwrap();
    let ssh = |cidr: &str| ec2::IpRange::builder().cidr_ip(cidr).build();
    ec2.authorize_security_group_ingress()
        .group_id(&group_id)
        .ip_permissions(
            ec2::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(ssh("0.0.0.0/0"))
                .ip_ranges(ssh("10.0.0.0/8"))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let aws = collector(moto).await;
    // As EC2-001 plans it: the offending permission, reduced to its world range.
    let action = revoke(
        "EC2-001",
        RevokePermissionsParams {
            region: region.into(),
            group_id: group_id.clone(),
            ingress: vec![Permission {
                protocol: "tcp".into(),
                from_port: Some(22),
                to_port: Some(22),
                ipv4_ranges: vec![IpRange {
                    cidr: "0.0.0.0/0".into(),
                    description: None,
                }],
                ipv6_ranges: vec![],
                prefix_list_ids: vec![],
                groups: vec![],
            }],
            egress: vec![],
        },
    );

    let dry = execute(&aws, std::slice::from_ref(&action), true).await;
    assert_eq!(dry[0].result, FixResult::WouldSucceed);
    assert_eq!(
        cidrs(&group(&aws, region, &group_id).await.ingress),
        ["0.0.0.0/0", "10.0.0.0/8"],
        "a dry run revokes nothing"
    );

    let applied = execute(&aws, std::slice::from_ref(&action), false).await;
    assert_eq!(
        applied[0].result,
        FixResult::Revoked {
            rules: 1,
            already_gone: 0
        }
    );
    let after = group(&aws, region, &group_id).await;
    assert_eq!(cidrs(&after.ingress), ["10.0.0.0/8"]);
    assert_eq!(
        (after.ingress[0].protocol.as_str(), after.ingress[0].from_port),
        ("tcp", Some(22))
    );

    // Again: moto answers InvalidPermission.NotFound; the group has nothing planned left.
    let again = execute(&aws, &[action], false).await;
    assert_eq!(again[0].result, FixResult::AlreadyRevoked);
    assert_eq!(
        cidrs(&group(&aws, region, &group_id).await.ingress),
        ["10.0.0.0/8"]
    );
}

#[tokio::test]
async fn every_rule_of_a_default_group_is_revoked() {
    let moto = MotoServer::shared();
    let region = "eu-south-1";
    let ec2 = moto.ec2_client(region);
    let vpc = moto.create_vpc(region, "10.81.0.0/16", &[]).await;
    let aws = collector(moto).await;
    let default = groups(&aws, region)
        .await
        .into_iter()
        .find(|g| g.vpc_id.as_deref() == Some(vpc.as_str()) && g.is_default())
        .unwrap();
    // moto creates default groups with their outbound rule only: add the inbound rule
    // from the group itself that AWS creates them with.
    ec2.authorize_security_group_ingress()
        .group_id(&default.id)
        .ip_permissions(
            ec2::IpPermission::builder()
                .ip_protocol("-1")
                .user_id_group_pairs(ec2::UserIdGroupPair::builder().group_id(&default.id).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let default = group(&aws, region, &default.id).await;
    assert_eq!(default.ingress[0].groups[0].group_id, default.id);
    assert_eq!(cidrs(&default.egress), ["0.0.0.0/0"]);
    // As EC2-003 plans it: every rule, as the scan listed them.
    let action = revoke(
        "EC2-003",
        RevokePermissionsParams {
            region: region.into(),
            group_id: default.id.clone(),
            ingress: default.ingress.clone(),
            egress: default.egress.clone(),
        },
    );

    let outcomes = execute(&aws, std::slice::from_ref(&action), false).await;

    assert_eq!(
        outcomes[0].result,
        FixResult::Revoked {
            rules: 2,
            already_gone: 0
        }
    );
    let after = group(&aws, region, &default.id).await;
    assert!(after.ingress.is_empty() && after.egress.is_empty(), "{after:?}");
    let again = execute(&aws, &[action], false).await;
    assert_eq!(again[0].result, FixResult::AlreadyRevoked);
}

#[tokio::test]
async fn imds_v2_becomes_required_once() {
    let moto = MotoServer::shared();
    let region = "ap-south-1";
    let ec2 = moto.ec2_client(region);
    let images = ec2.describe_images().send().await.unwrap();
    let image = images.images()[0].image_id().unwrap().to_string();
    let run = ec2
        .run_instances()
        .image_id(image)
        .min_count(1)
        .max_count(1)
        .metadata_options(
            ec2::InstanceMetadataOptionsRequest::builder()
                .http_tokens(ec2::HttpTokensState::Optional)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let instance_id = run.instances()[0].instance_id().unwrap().to_string();
    let tokens = || async {
        let out = ec2
            .describe_instances()
            .instance_ids(&instance_id)
            .send()
            .await
            .unwrap();
        out.reservations()[0].instances()[0]
            .metadata_options()
            .and_then(|m| m.http_tokens().cloned())
    };
    assert_eq!(tokens().await, Some(ec2::HttpTokensState::Optional));
    let action = FixAction {
        rule_id: "EC2-004",
        resource: ResourceRef::new("aws.ec2.instance", instance_id.clone()).in_region(region),
        summary: format!("require IMDSv2 on {instance_id}"),
        operation: MODIFY_INSTANCE_METADATA_OPTIONS,
        parameters: FixParameters::new(RequireImdsV2Params {
            region: region.into(),
            instance_id: instance_id.clone(),
        }),
    };
    let aws = collector(moto).await;

    let first = execute(&aws, std::slice::from_ref(&action), false).await;

    assert_eq!(
        (first[0].resource_id.as_str(), first[0].region.as_str()),
        (instance_id.as_str(), region)
    );
    assert_eq!(first[0].result, FixResult::ImdsV2Required);
    assert_eq!(tokens().await, Some(ec2::HttpTokensState::Required));
    let second = execute(&aws, &[action], false).await;
    assert_eq!(second[0].result, FixResult::ImdsV2AlreadyRequired);
}
