//! The kinds of the CIS networking rules (security groups, network ACLs, instances)
//! listed from moto's EC2 emulator, over the wire, and the API calls their collection takes.

#![cfg(feature = "sdk")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use aws_sdk_ec2::types::{
    HttpTokensState, InstanceMetadataOptionsRequest, IpPermission, IpRange, Ipv6Range, UserIdGroupPair,
};
use cloudposture_aws::sdk::SdkCollector;
use cloudposture_aws::{
    AccountApi, CollectOptions, Instances, NetworkAcls, NoProgress, RegionList, Scope, SecurityGroups, Vpcs,
    collect, kinds,
};
use cloudposture_core::{Kind, KindState};
use cloudposture_moto::{ACCOUNT_ID, MotoServer};

/// The items of `K` that `scope` holds (panics if they were not listed).
fn items<K: Kind>(scope: &Scope) -> &[K::Item] {
    match scope.get::<K>() {
        KindState::Listed(items) => items,
        other => panic!("{} of {}: {other:?}", K::INFO.plural, scope.id),
    }
}

/// The account, limited to one region.
struct OneRegion<'a> {
    aws: &'a SdkCollector,
    region: &'static str,
}

#[async_trait::async_trait]
impl AccountApi for OneRegion<'_> {
    async fn regions(&self) -> Result<RegionList, cloudposture_aws::CollectError> {
        Ok(RegionList {
            enabled: vec![self.region.to_string()],
            not_enabled: Vec::new(),
        })
    }
    async fn caller_account(&self) -> Result<String, cloudposture_aws::CollectError> {
        self.aws.caller_account().await
    }
}

fn tcp(port: i32) -> aws_sdk_ec2::types::builders::IpPermissionBuilder {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
}

#[tokio::test]
async fn groups_acls_and_live_instances_are_listed_in_one_call_each() {
    let moto = MotoServer::shared();
    let region = "eu-north-1";
    let ec2 = moto.ec2_client(region);
    let vpc = moto.create_vpc(region, "10.60.0.0/16", &[("Name", "cis")]).await;
    let subnet = moto.create_subnet(region, &vpc, "10.60.1.0/24").await;

    // A group open to the world on 22 (IPv4, beside a private range) and 3389 (IPv6),
    // and to another group on 5432.
    let admin = ec2
        .create_security_group()
        .group_name("admin")
        .description("remote administration")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .group_id
        .unwrap();
    let app = ec2
        .create_security_group()
        .group_name("app")
        .description("app servers")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .group_id
        .unwrap();
    ec2.authorize_security_group_ingress()
        .group_id(&admin)
        .ip_permissions(
            tcp(22)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .ip_ranges(
                    IpRange::builder()
                        .cidr_ip("10.0.0.0/8")
                        .description("office")
                        .build(),
                )
                .build(),
        )
        .ip_permissions(
            tcp(3389)
                .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                .build(),
        )
        .ip_permissions(
            tcp(5432)
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(&app).build())
                .build(),
        )
        .send()
        .await
        .unwrap();

    // A network ACL of its own with a deny before an allow.
    let acl = ec2
        .create_network_acl()
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .network_acl
        .unwrap()
        .network_acl_id
        .unwrap();
    for (number, action, port) in [(90, "deny", 22), (100, "allow", 0)] {
        let mut entry = ec2
            .create_network_acl_entry()
            .network_acl_id(&acl)
            .rule_number(number)
            .protocol(if port == 0 { "-1" } else { "6" })
            .rule_action(action.into())
            .egress(false)
            .cidr_block("0.0.0.0/0");
        if port != 0 {
            entry = entry.port_range(
                aws_sdk_ec2::types::PortRange::builder()
                    .from(port)
                    .to(port)
                    .build(),
            );
        }
        entry.send().await.unwrap();
    }

    // Instances: IMDSv2 required, IMDSv1 allowed, and one terminated (not listed).
    let image = ec2
        .describe_images()
        .owners("amazon")
        .send()
        .await
        .unwrap()
        .images
        .unwrap()[0]
        .image_id
        .clone()
        .unwrap();
    let mut ids = Vec::new();
    for tokens in [
        HttpTokensState::Required,
        HttpTokensState::Optional,
        HttpTokensState::Optional,
    ] {
        let run = ec2
            .run_instances()
            .image_id(&image)
            .min_count(1)
            .max_count(1)
            .subnet_id(&subnet)
            .metadata_options(
                InstanceMetadataOptionsRequest::builder()
                    .http_tokens(tokens)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        ids.push(run.instances.unwrap()[0].instance_id.clone().unwrap());
    }
    ec2.terminate_instances()
        .instance_ids(&ids[2])
        .send()
        .await
        .unwrap();

    let aws = SdkCollector::from_sdk_config(&moto.sdk_config("us-east-1").await);
    let account = OneRegion { aws: &aws, region };
    let wanted = [
        kinds::VPC,
        kinds::SECURITY_GROUP,
        kinds::NETWORK_ACL,
        kinds::INSTANCE,
    ];
    let inventory = collect(
        &account,
        &aws.listers(),
        &CollectOptions::new(wanted),
        &NoProgress,
    )
    .await
    .unwrap();
    let scope = inventory.region(region).unwrap();
    assert_eq!(scope.errors().count(), 0);

    // Security groups: every group of the region, each VPC's default among them.
    let groups = items::<SecurityGroups>(scope);
    let vpcs = items::<Vpcs>(scope);
    for v in vpcs {
        let defaults = groups
            .iter()
            .filter(|g| g.vpc_id.as_deref() == Some(&v.id) && g.is_default());
        assert_eq!(defaults.count(), 1, "one default group in {}", v.id);
    }
    let admin = groups.iter().find(|g| g.id == admin).unwrap();
    assert_eq!(admin.name, "admin");
    assert_eq!(admin.owner_id, ACCOUNT_ID);
    let ssh = admin.ingress.iter().find(|p| p.from_port == Some(22)).unwrap();
    let cidrs: Vec<&str> = ssh.ipv4_ranges.iter().map(|r| r.cidr.as_str()).collect();
    assert_eq!(cidrs, ["0.0.0.0/0", "10.0.0.0/8"]);
    assert_eq!(ssh.ipv4_ranges[1].description.as_deref(), Some("office"));
    let rdp = admin.ingress.iter().find(|p| p.from_port == Some(3389)).unwrap();
    assert_eq!(rdp.ipv6_ranges[0].cidr, "::/0");
    let db = admin.ingress.iter().find(|p| p.from_port == Some(5432)).unwrap();
    assert_eq!(db.groups[0].group_id, app);
    let default = groups
        .iter()
        .find(|g| g.vpc_id.as_deref() == Some(&vpc) && g.is_default())
        .unwrap();
    assert!(
        default.egress.iter().any(|p| p.protocol == "-1"),
        "a new default group allows all outbound traffic: {default:?}"
    );

    // Network ACLs: the VPC's default (rule 100 allows all) and ours, in rule order.
    let acls = items::<NetworkAcls>(scope);
    let default_acl = acls.iter().find(|a| a.vpc_id == vpc && a.is_default).unwrap();
    let first = default_acl.inbound()[0];
    assert_eq!(
        (first.rule_number, first.action.as_str(), first.protocol.as_str()),
        (100, "allow", "-1")
    );
    let ours = acls.iter().find(|a| a.id == acl).unwrap();
    let inbound: Vec<(i32, &str)> = ours
        .inbound()
        .iter()
        .map(|e| (e.rule_number, e.action.as_str()))
        .collect();
    assert_eq!(&inbound[..2], [(90, "deny"), (100, "allow")]);
    assert_eq!(
        ours.inbound()[0].port_range.map(|p| (p.from, p.to)),
        Some((22, 22))
    );

    // Instances: the terminated one is not listed; metadata options as launched.
    let instances = items::<Instances>(scope);
    let listed: Vec<&str> = instances.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        !listed.contains(&ids[2].as_str()),
        "terminated instances are not listed"
    );
    let tokens = |id: &str| {
        let i = instances.iter().find(|i| i.id == id).unwrap();
        assert_eq!(i.owner_id, ACCOUNT_ID);
        assert_eq!(i.vpc_id.as_deref(), Some(vpc.as_str()));
        i.metadata_options.as_ref().unwrap().http_tokens.clone().unwrap()
    };
    assert_eq!(tokens(&ids[0]), "required");
    assert_eq!(tokens(&ids[1]), "optional");

    // One call per kind (everything fits one page), plus DescribeRegions and
    // GetCallerIdentity for the account.
    eprintln!(
        "{region}: {} API calls for VPCs, security groups, network ACLs and instances",
        scope.api_calls
    );
    assert_eq!(scope.api_calls, 4);
    assert_eq!(inventory.api_calls(), 6);
}
