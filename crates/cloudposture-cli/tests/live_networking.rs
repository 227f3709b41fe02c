//! The CIS networking rules (EC2-001…004, VPC-002) over a live scan of moto: one
//! resource per case, each with the verdict the rule must give, and `cloudposture fix`
//! acting on them.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use assert_cmd::Command;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    HttpTokensState, InstanceMetadataEndpointState, InstanceMetadataOptionsRequest, IpPermission, IpRange,
    Ipv6Range, PortRange, RuleAction, UserIdGroupPair,
};
use cloudposture_aws::sdk::aws_sdk_ec2;
use cloudposture_moto::MotoServer;
use serde_json::Value;

const REGION: &str = "eu-west-3";

/// The binary with dummy credentials and nothing of the developer's AWS set-up.
fn cloudposture() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("cloudposture");
    for var in [
        "CLOUDPOSTURE_CONFIG",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_SESSION_TOKEN",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn tcp(from: i32, to: i32) -> aws_sdk_ec2::types::builders::IpPermissionBuilder {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(from)
        .to_port(to)
}

fn v4(cidr: &str) -> IpRange {
    IpRange::builder().cidr_ip(cidr).build()
}

async fn group(ec2: &Client, vpc: &str, name: &str, ingress: Vec<IpPermission>) -> String {
    let id = ec2
        .create_security_group()
        .group_name(name)
        .description(name)
        .vpc_id(vpc)
        .send()
        .await
        .unwrap()
        .group_id
        .unwrap();
    if !ingress.is_empty() {
        ec2.authorize_security_group_ingress()
            .group_id(&id)
            .set_ip_permissions(Some(ingress))
            .send()
            .await
            .unwrap();
    }
    id
}

/// An inbound ACL entry: rule number, protocol, ports, CIDR, whether it allows.
type Entry<'a> = (i32, &'a str, Option<(i32, i32)>, &'a str, bool);

/// A network ACL of `vpc` with these inbound entries.
async fn acl(ec2: &Client, vpc: &str, entries: &[Entry<'_>]) -> String {
    let id = ec2
        .create_network_acl()
        .vpc_id(vpc)
        .send()
        .await
        .unwrap()
        .network_acl
        .unwrap()
        .network_acl_id
        .unwrap();
    for &(number, protocol, ports, cidr, allow) in entries {
        let mut entry = ec2
            .create_network_acl_entry()
            .network_acl_id(&id)
            .rule_number(number)
            .protocol(protocol)
            .egress(false)
            .rule_action(if allow {
                RuleAction::Allow
            } else {
                RuleAction::Deny
            });
        entry = if cidr.contains(':') {
            entry.ipv6_cidr_block(cidr)
        } else {
            entry.cidr_block(cidr)
        };
        if let Some((from, to)) = ports {
            entry = entry.port_range(PortRange::builder().from(from).to(to).build());
        }
        entry.send().await.unwrap();
    }
    id
}

async fn instance(
    ec2: &Client,
    subnet: &str,
    tokens: HttpTokensState,
    endpoint: InstanceMetadataEndpointState,
) -> String {
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
    let options = InstanceMetadataOptionsRequest::builder()
        .http_tokens(tokens)
        .http_endpoint(endpoint)
        .build();
    ec2.run_instances()
        .image_id(image)
        .min_count(1)
        .max_count(1)
        .subnet_id(subnet)
        .metadata_options(options)
        .send()
        .await
        .unwrap()
        .instances
        .unwrap()[0]
        .instance_id
        .clone()
        .unwrap()
}

/// Every case, by a name for the test and the resource id.
struct Seeded(Vec<(&'static str, String)>);

impl Seeded {
    fn id(&self, name: &str) -> &str {
        &self.0.iter().find(|(n, _)| *n == name).unwrap().1
    }
}

fn seed(moto: &MotoServer) -> Seeded {
    runtime().block_on(async {
        let ec2 = moto.ec2_client(REGION);
        let vpc = moto.create_vpc(REGION, "10.70.0.0/16", &[("Name", "cis")]).await;
        let subnet = moto.create_subnet(REGION, &vpc, "10.70.1.0/24").await;
        let emptied_vpc = moto
            .create_vpc(REGION, "10.71.0.0/16", &[("Name", "emptied")])
            .await;
        let mut cases = Vec::new();
        let ssh = tcp(22, 22)
            .ip_ranges(v4("0.0.0.0/0"))
            .ip_ranges(v4("10.0.0.0/8"))
            .build();
        cases.push(("ssh-world", group(&ec2, &vpc, "ssh-world", vec![ssh]).await));
        let rdp6 = tcp(3389, 3389)
            .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
            .build();
        cases.push(("rdp-ipv6", group(&ec2, &vpc, "rdp-ipv6", vec![rdp6]).await));
        let all = IpPermission::builder()
            .ip_protocol("-1")
            .ip_ranges(v4("0.0.0.0/0"))
            .build();
        cases.push(("all-open", group(&ec2, &vpc, "all-open", vec![all]).await));
        let range = tcp(0, 1024).ip_ranges(v4("0.0.0.0/0")).build();
        cases.push(("low-ports", group(&ec2, &vpc, "low-ports", vec![range]).await));
        let udp = IpPermission::builder()
            .ip_protocol("udp")
            .from_port(3389)
            .to_port(3389)
            .ip_ranges(v4("0.0.0.0/0"))
            .build();
        cases.push(("rdp-udp", group(&ec2, &vpc, "rdp-udp", vec![udp]).await));
        let web = tcp(443, 443)
            .ip_ranges(v4("0.0.0.0/0"))
            .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
            .build();
        cases.push(("web", group(&ec2, &vpc, "web", vec![web]).await));
        let private = tcp(22, 22).ip_ranges(v4("10.0.0.0/8")).build();
        cases.push((
            "ssh-private",
            group(&ec2, &vpc, "ssh-private", vec![private]).await,
        ));
        let web_id = cases.iter().find(|(n, _)| *n == "web").unwrap().1.clone();
        let from_group = tcp(22, 22)
            .user_id_group_pairs(UserIdGroupPair::builder().group_id(&web_id).build())
            .build();
        cases.push((
            "ssh-from-group",
            group(&ec2, &vpc, "ssh-from-group", vec![from_group]).await,
        ));

        // Default groups: as moto makes them (all outbound), and emptied.
        let default_of = |vpc: String| {
            let ec2 = ec2.clone();
            async move {
                let groups = ec2
                    .describe_security_groups()
                    .filters(
                        aws_sdk_ec2::types::Filter::builder()
                            .name("vpc-id")
                            .values(vpc)
                            .build(),
                    )
                    .filters(
                        aws_sdk_ec2::types::Filter::builder()
                            .name("group-name")
                            .values("default")
                            .build(),
                    )
                    .send()
                    .await
                    .unwrap()
                    .security_groups
                    .unwrap();
                groups.into_iter().next().unwrap()
            }
        };
        cases.push(("default-group", default_of(vpc.clone()).await.group_id.unwrap()));
        let emptied = default_of(emptied_vpc.clone()).await;
        let emptied_id = emptied.group_id.clone().unwrap();
        if let Some(egress) = emptied.ip_permissions_egress.filter(|e| !e.is_empty()) {
            ec2.revoke_security_group_egress()
                .group_id(&emptied_id)
                .set_ip_permissions(Some(egress))
                .send()
                .await
                .unwrap();
        }
        if let Some(ingress) = emptied.ip_permissions.filter(|i| !i.is_empty()) {
            ec2.revoke_security_group_ingress()
                .group_id(&emptied_id)
                .set_ip_permissions(Some(ingress))
                .send()
                .await
                .unwrap();
        }
        cases.push(("default-group-emptied", emptied_id));

        // Network ACLs.
        let default_acl = ec2
            .describe_network_acls()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("vpc-id")
                    .values(&vpc)
                    .build(),
            )
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("default")
                    .values("true")
                    .build(),
            )
            .send()
            .await
            .unwrap()
            .network_acls
            .unwrap()[0]
            .network_acl_id
            .clone()
            .unwrap();
        cases.push(("default-acl", default_acl));
        let deny_first = [
            (50, "6", Some((22, 22)), "0.0.0.0/0", false),
            (51, "6", Some((3389, 3389)), "0.0.0.0/0", false),
            (52, "17", Some((3389, 3389)), "0.0.0.0/0", false),
            (53, "17", Some((22, 22)), "0.0.0.0/0", false),
            (54, "-1", None, "::/0", false),
            (100, "-1", None, "0.0.0.0/0", true),
        ];
        cases.push(("acl-deny-first", acl(&ec2, &vpc, &deny_first).await));
        let allow_first = [
            (100, "6", Some((0, 65535)), "0.0.0.0/0", true),
            (200, "6", Some((22, 22)), "0.0.0.0/0", false),
        ];
        cases.push(("acl-allow-first", acl(&ec2, &vpc, &allow_first).await));
        cases.push(("acl-empty", acl(&ec2, &vpc, &[]).await));

        // Instances.
        use HttpTokensState::{Optional, Required};
        use InstanceMetadataEndpointState::{Disabled, Enabled};
        cases.push(("imds-v2", instance(&ec2, &subnet, Required, Enabled).await));
        cases.push(("imds-v1", instance(&ec2, &subnet, Optional, Enabled).await));
        cases.push(("imds-off", instance(&ec2, &subnet, Optional, Disabled).await));
        let stopped = instance(&ec2, &subnet, Optional, Enabled).await;
        ec2.stop_instances().instance_ids(&stopped).send().await.unwrap();
        cases.push(("imds-v1-stopped", stopped));
        let gone = instance(&ec2, &subnet, Optional, Enabled).await;
        ec2.terminate_instances()
            .instance_ids(&gone)
            .send()
            .await
            .unwrap();
        cases.push(("terminated", gone));
        Seeded(cases)
    })
}

fn scan(moto: &MotoServer, rules: &str) -> Value {
    let output = cloudposture()
        .args(["scan", "--rules", rules, "--format", "json", "--regions", REGION])
        .args(["--endpoint-url", &moto.endpoint_url()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {stderr}"))
}

/// The status and message of `rule`'s finding about `id` (`None`: no finding).
fn verdict<'a>(report: &'a Value, rule: &str, id: &str) -> Option<(&'a str, &'a str)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == rule && f["resource"]["id"] == id)
        .map(|f| (f["status"].as_str().unwrap(), f["message"].as_str().unwrap()))
}

#[test]
fn each_case_gets_its_verdict_from_a_live_scan() {
    let moto = MotoServer::start();
    let seeded = seed(&moto);
    let report = scan(&moto, "EC2-001,EC2-002,EC2-003,EC2-004,VPC-002");
    assert_eq!(report["scan"]["regions"][0]["status"], "ok", "{}", report["scan"]);
    let expect = [
        ("EC2-001", "ssh-world", "fail"),
        ("EC2-001", "all-open", "fail"),
        ("EC2-001", "low-ports", "fail"),
        ("EC2-001", "rdp-udp", "fail"),
        ("EC2-001", "rdp-ipv6", "pass"),
        ("EC2-001", "web", "pass"),
        ("EC2-001", "ssh-private", "pass"),
        ("EC2-001", "ssh-from-group", "pass"),
        ("EC2-002", "rdp-ipv6", "fail"),
        ("EC2-002", "ssh-world", "pass"),
        ("EC2-002", "web", "pass"),
        ("EC2-003", "default-group", "fail"),
        ("EC2-003", "default-group-emptied", "pass"),
        ("VPC-002", "default-acl", "fail"),
        ("VPC-002", "acl-deny-first", "pass"),
        ("VPC-002", "acl-allow-first", "fail"),
        ("VPC-002", "acl-empty", "pass"),
        ("EC2-004", "imds-v2", "pass"),
        ("EC2-004", "imds-v1", "fail"),
        ("EC2-004", "imds-off", "pass"),
        ("EC2-004", "imds-v1-stopped", "fail"),
    ];
    let mut table = String::new();
    for (rule, case, status) in expect {
        let id = seeded.id(case);
        let (got, message) =
            verdict(&report, rule, id).unwrap_or_else(|| panic!("no {rule} finding for {case} ({id})"));
        table.push_str(&format!("{rule}  {case:<22} {got:<5} {message}\n"));
        assert_eq!(got, status, "{rule} {case} ({id}): {message}");
    }
    eprintln!("{table}");
    // Only default groups are judged by EC2-003; terminated instances are not listed.
    assert_eq!(verdict(&report, "EC2-003", seeded.id("web")), None);
    assert_eq!(verdict(&report, "EC2-004", seeded.id("terminated")), None);
    // Fail messages name the port and what opens it.
    let (_, ssh) = verdict(&report, "EC2-001", seeded.id("ssh-world")).unwrap();
    assert!(ssh.contains("22") && ssh.contains("0.0.0.0/0"), "{ssh}");
    let (_, acl) = verdict(&report, "VPC-002", seeded.id("default-acl")).unwrap();
    assert!(acl.contains("default"), "{acl}");
    // One call per kind per region, each at the maximum page size.
    let calls = report["scan"]["regions"][0]["api_calls"].as_u64().unwrap();
    eprintln!("{REGION}: {calls} API calls for the five rules");
    assert_eq!(
        calls, 3,
        "security groups, network ACLs, instances: {}",
        report["scan"]
    );

    // Every rule: VPCs and flow logs as well (no subnet or ENI flow log, so no lookup),
    // plus GetCallerIdentity for the account (regions named: no DescribeRegions).
    let all = scan(&moto, "EC2,VPC");
    let calls = all["scan"]["regions"][0]["api_calls"].as_u64().unwrap();
    eprintln!(
        "{REGION}: {calls} API calls for all six rules, {} in all",
        all["scan"]["api_calls"]
    );
    assert_eq!(calls, 5, "{}", all["scan"]);
    assert_eq!(all["scan"]["api_calls"], 6);
}
