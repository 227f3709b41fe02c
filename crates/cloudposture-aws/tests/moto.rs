//! `SdkCollector` and `collect()` against moto's EC2 emulator, over the wire.
//!
//! One moto server serves the whole binary ([`MotoServer::shared`]); each test works in
//! regions (and S3 bucket names) of its own, so tests run in parallel without resets.

#![cfg(feature = "sdk")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use cloudposture_aws::sdk::SdkCollector;
use cloudposture_aws::{
    AccountApi, CollectError, CollectOptions, DestinationType, Fetched, FlowLogResourceType, FlowLogs,
    ListContext, Lister, NetworkInterfaces, NoProgress, RegionList, Scope, ScopeId, Subnets, TrafficType,
    Vpcs, collect, kinds, snapshot,
};
use cloudposture_core::{Kind, KindState};
use cloudposture_moto::{ACCOUNT_ID, MotoServer};

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/flow-logs";

async fn collector(moto: &MotoServer) -> SdkCollector {
    SdkCollector::from_sdk_config(&moto.sdk_config("us-east-1").await)
}

/// Lists kind `K` in `region` with the SDK lister, `scope` read before.
async fn list<K: Kind>(
    aws: &SdkCollector,
    region: &str,
    scope: &Scope,
) -> Result<Fetched<K::Item>, CollectError>
where
    SdkCollector: Lister<K>,
{
    let ctx = ListContext {
        account: Some(ACCOUNT_ID),
        region,
        scope,
    };
    <SdkCollector as Lister<K>>::list(aws, &ctx).await
}

/// Nothing read yet in `region`.
fn empty(region: &str) -> Scope {
    Scope::new(ScopeId::region(Some(ACCOUNT_ID), region))
}

/// The items of `K` that `scope` holds (panics if they were not listed).
fn items<K: Kind>(scope: &Scope) -> &[K::Item] {
    match scope.get::<K>() {
        KindState::Listed(items) => items,
        other => panic!("{} of {}: {other:?}", K::INFO.plural, scope.id),
    }
}

#[tokio::test]
async fn regions_list_enabled_and_not_opted_in() {
    let moto = MotoServer::shared();
    let regions = collector(moto).await.regions().await.unwrap();
    for enabled in ["us-east-1", "eu-west-1", "ap-northeast-1"] {
        assert!(
            regions.enabled.iter().any(|r| r == enabled),
            "{enabled}: {regions:?}"
        );
    }
    for not_enabled in ["ap-east-1", "me-south-1", "il-central-1"] {
        assert!(
            regions.not_enabled.iter().any(|r| r == not_enabled),
            "{not_enabled}: {regions:?}"
        );
    }
    assert!(regions.enabled.iter().all(|r| !regions.not_enabled.contains(r)));
}

#[tokio::test]
async fn caller_account_is_moto_account() {
    let moto = MotoServer::shared();
    assert_eq!(collector(moto).await.caller_account().await.unwrap(), ACCOUNT_ID);
}

#[tokio::test]
async fn vpcs_include_the_default_vpc_and_keep_tags() {
    let moto = MotoServer::shared();
    let region = "eu-north-1";
    let id = moto
        .create_vpc(region, "10.20.0.0/16", &[("Name", "prod"), ("team", "network")])
        .await;

    let listed = list::<Vpcs>(&collector(moto).await, region, &empty(region))
        .await
        .unwrap();

    assert_eq!(listed.api_calls, 1);
    let default = listed
        .items
        .iter()
        .find(|v| v.is_default)
        .expect("moto's default VPC");
    assert_eq!(default.cidr_blocks, ["172.31.0.0/16"]);
    assert_eq!(default.id, moto.default_vpc_id(region).await);
    let vpc = listed.items.iter().find(|v| v.id == id).unwrap();
    assert!(!vpc.is_default);
    assert_eq!(vpc.region, region);
    assert_eq!(vpc.owner_id, ACCOUNT_ID);
    assert_eq!(vpc.cidr_blocks, ["10.20.0.0/16"]);
    assert_eq!(vpc.state, "available");
    assert_eq!(vpc.name(), Some("prod"));
    assert_eq!(vpc.tags.get("team"), Some("network"));
}

#[tokio::test]
async fn flow_logs_of_every_level_and_destination() {
    let moto = MotoServer::shared();
    let region = "eu-west-2";
    let vpc = moto.create_vpc(region, "10.30.0.0/16", &[]).await;
    let subnet = moto.create_subnet(region, &vpc, "10.30.1.0/24").await;
    let eni = moto.create_network_interface(region, &subnet).await;
    moto.create_bucket("cloudposture-test-levels").await;
    moto.create_log_group(region, "flows-levels").await;

    let vpc_s3 = moto
        .create_flow_log_s3(region, &vpc, "VPC", "cloudposture-test-levels", "ALL")
        .await;
    let subnet_cwl = moto
        .create_flow_log_cwl(region, &subnet, "Subnet", "flows-levels", ROLE_ARN, "REJECT")
        .await;
    let eni_s3 = moto
        .create_flow_log_s3(
            region,
            &eni,
            "NetworkInterface",
            "cloudposture-test-levels",
            "ACCEPT",
        )
        .await;
    let vpc_missing_group = moto
        .create_flow_log_cwl(region, &vpc, "VPC", "no-such-group", ROLE_ARN, "ALL")
        .await;

    let aws = collector(moto).await;
    let listed = list::<FlowLogs>(&aws, region, &empty(region)).await.unwrap();
    assert_eq!(listed.api_calls, 1);
    assert_eq!(listed.items.len(), 4);
    let by_id = |id: &str| listed.items.iter().find(|f| f.id == id).unwrap().clone();

    let f = by_id(&vpc_s3);
    assert_eq!(f.resource_id, vpc);
    assert_eq!(f.resource_type, FlowLogResourceType::Vpc);
    assert_eq!(f.traffic_type, TrafficType::All);
    assert_eq!(f.destination_type, DestinationType::S3);
    assert_eq!(
        f.destination.as_deref(),
        Some("arn:aws:s3:::cloudposture-test-levels")
    );
    assert!(f.is_active());
    assert!(!f.delivery_failed());
    assert_eq!(f.account.as_deref(), Some(ACCOUNT_ID));
    assert_eq!(f.region, region);
    assert!(f.creation_time.is_some());

    let f = by_id(&subnet_cwl);
    assert_eq!(f.resource_type, FlowLogResourceType::Subnet);
    assert_eq!(f.traffic_type, TrafficType::Reject);
    assert_eq!(f.destination_type, DestinationType::CloudWatchLogs);
    assert_eq!(f.log_group_name.as_deref(), Some("flows-levels"));
    assert_eq!(f.deliver_logs_permission_arn.as_deref(), Some(ROLE_ARN));
    assert!(!f.delivery_failed());

    let f = by_id(&eni_s3);
    assert_eq!(f.resource_type, FlowLogResourceType::NetworkInterface);
    assert_eq!(f.traffic_type, TrafficType::Accept);

    // A CloudWatch Logs destination that does not exist: created, but failing delivery.
    let f = by_id(&vpc_missing_group);
    assert!(f.is_active());
    assert!(f.delivery_failed());
    assert_eq!(f.deliver_logs_error_message.as_deref(), Some("Access error"));

    // The lookups read the ids that the listed flow logs name.
    let mut scope = empty(region);
    scope.insert::<FlowLogs>(listed.items.clone());
    let subnets = list::<Subnets>(&aws, region, &scope).await.unwrap();
    assert_eq!(subnets.api_calls, 1);
    assert_eq!(subnets.items.len(), 1);
    assert_eq!(
        (subnets.items[0].id.as_str(), subnets.items[0].vpc_id.as_str()),
        (subnet.as_str(), vpc.as_str())
    );
    assert_eq!(subnets.items[0].owner_id.as_deref(), Some(ACCOUNT_ID));

    let enis = list::<NetworkInterfaces>(&aws, region, &scope).await.unwrap();
    assert_eq!(enis.api_calls, 1);
    assert_eq!(enis.items.len(), 1);
    assert_eq!(
        (enis.items[0].id.as_str(), enis.items[0].vpc_id.as_str()),
        (eni.as_str(), vpc.as_str())
    );

    // An id that no longer exists is simply absent, not an error for the lookup.
    let mut dead = listed.items[0].clone();
    dead.resource_id = "subnet-0000000000000dead".into();
    dead.resource_type = FlowLogResourceType::Subnet;
    let mut with_dead = empty(region);
    with_dead.insert::<FlowLogs>(listed.items.iter().cloned().chain([dead]).collect());
    let gone = list::<Subnets>(&aws, region, &with_dead).await.unwrap();
    assert_eq!(gone.api_calls, 1);
    assert_eq!(gone.items.len(), 1);
}

/// Counts the HTTP requests the SDK sends (retries included), to check the adapter's own count.
#[derive(Debug)]
struct CountingClient {
    inner: SharedHttpClient,
    requests: Arc<AtomicU64>,
}

#[derive(Debug)]
struct CountingConnector {
    inner: SharedHttpConnector,
    requests: Arc<AtomicU64>,
}

impl HttpClient for CountingClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(CountingConnector {
            inner: self.inner.http_connector(settings, components),
            requests: Arc::clone(&self.requests),
        })
    }
}

impl HttpConnector for CountingConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        self.requests.fetch_add(1, Ordering::SeqCst);
        self.inner.call(request)
    }
}

/// The account as moto has it, with the region list cut down to a few regions (the
/// DescribeRegions call is still made).
struct OnlyRegions<'a> {
    aws: &'a SdkCollector,
    keep: &'a [&'a str],
}

#[async_trait]
impl AccountApi for OnlyRegions<'_> {
    async fn caller_account(&self) -> Result<String, CollectError> {
        self.aws.caller_account().await
    }
    async fn regions(&self) -> Result<RegionList, CollectError> {
        let mut list = self.aws.regions().await?;
        list.enabled.retain(|r| self.keep.contains(&r.as_str()));
        Ok(list)
    }
}

fn pages(items: usize) -> u64 {
    items.div_ceil(1000).max(1) as u64
}

#[tokio::test]
async fn collect_three_regions_with_the_minimum_of_api_calls() {
    let moto = MotoServer::shared();
    let regions = ["ap-northeast-1", "ap-southeast-1", "ca-central-1"];
    // ap-northeast-1: two tagged VPCs, one with a VPC-level flow log to S3.
    let [a, b, c] = regions;
    moto.create_bucket("cloudposture-test-collect").await;
    let prod = moto.create_vpc(a, "10.40.0.0/16", &[("Name", "prod")]).await;
    moto.create_vpc(a, "10.41.0.0/16", &[("Name", "dev")]).await;
    moto.create_flow_log_s3(a, &prod, "VPC", "cloudposture-test-collect", "ALL")
        .await;
    // ap-southeast-1: subnet- and ENI-level flow logs only (lookups needed), one failing.
    let vpc = moto.create_vpc(b, "10.50.0.0/16", &[]).await;
    let subnet = moto.create_subnet(b, &vpc, "10.50.1.0/24").await;
    let eni = moto.create_network_interface(b, &subnet).await;
    moto.create_flow_log_cwl(b, &subnet, "Subnet", "missing-group", ROLE_ARN, "ALL")
        .await;
    moto.create_flow_log_s3(b, &eni, "NetworkInterface", "cloudposture-test-collect", "REJECT")
        .await;
    // ca-central-1: nothing but the default VPC.

    let requests = Arc::new(AtomicU64::new(0));
    let aws = collector(moto).await;
    let counting = CountingClient {
        inner: aws.sdk_config().http_client().unwrap(),
        requests: Arc::clone(&requests),
    };
    let aws = SdkCollector::from_sdk_config(&aws.sdk_config().to_builder().http_client(counting).build());
    let account = OnlyRegions {
        aws: &aws,
        keep: &regions,
    };

    let all = [
        kinds::VPC,
        kinds::FLOW_LOG,
        kinds::SUBNET,
        kinds::NETWORK_INTERFACE,
    ];
    let inventory = collect(&account, &aws.listers(), &CollectOptions::new(all), &NoProgress)
        .await
        .unwrap();

    let names: Vec<&str> = inventory.scopes.iter().map(|s| s.id.label()).collect();
    assert_eq!(names, regions);
    assert_eq!(inventory.account.as_deref(), Some(ACCOUNT_ID));
    assert!(inventory.global_errors.is_empty());
    assert!(
        inventory
            .regions_not_scanned
            .iter()
            .any(|r| r.name == "ap-east-1")
    );
    for scope in &inventory.scopes {
        assert_eq!(scope.errors().count(), 0, "{}", scope.id);
        assert_eq!(scope.id.account.as_deref(), Some(ACCOUNT_ID));
    }
    let region_a = inventory.region(a).unwrap();
    assert_eq!(items::<Vpcs>(region_a).len(), 3, "default + 2");
    assert_eq!(items::<FlowLogs>(region_a).len(), 1);
    assert!(
        items::<Subnets>(region_a).is_empty(),
        "no subnet-level flow log, no subnet"
    );
    let region_b = inventory.region(b).unwrap();
    assert_eq!(items::<Subnets>(region_b)[0].vpc_id, vpc);
    assert_eq!(items::<NetworkInterfaces>(region_b)[0].vpc_id, vpc);
    assert!(items::<FlowLogs>(region_b).iter().any(|f| f.delivery_failed()));
    let region_c = inventory.region(c).unwrap();
    assert_eq!(items::<Vpcs>(region_c).len(), 1);
    assert!(items::<FlowLogs>(region_c).is_empty());

    // The minimum: per region ⌈VPCs/1000⌉ + ⌈flow logs/1000⌉, one lookup per kind of
    // subnet/ENI flow log present, plus DescribeRegions and GetCallerIdentity.
    let minimum: u64 = inventory
        .scopes
        .iter()
        .map(|r| {
            let flow_logs = items::<FlowLogs>(r);
            let has = |t: FlowLogResourceType| u64::from(flow_logs.iter().any(|f| f.resource_type == t));
            pages(items::<Vpcs>(r).len())
                + pages(flow_logs.len())
                + has(FlowLogResourceType::Subnet)
                + has(FlowLogResourceType::NetworkInterface)
        })
        .sum::<u64>()
        + 2;
    let counted: u64 = inventory.api_calls();
    let sent = requests.load(Ordering::SeqCst);
    eprintln!(
        "3-region collect: {counted} API calls counted, {sent} HTTP requests sent, minimum {minimum} \
         (per region: {:?}, global: {})",
        inventory
            .scopes
            .iter()
            .map(|s| (s.id.label(), s.api_calls))
            .collect::<Vec<_>>(),
        inventory.global_api_calls
    );
    assert_eq!(minimum, 10);
    assert_eq!(counted, minimum);
    assert_eq!(sent, minimum, "every request sent is counted, none repeated");

    // The snapshot of a real collection loads back identically.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("moto.json");
    snapshot::save(&inventory, &path).unwrap();
    assert_eq!(snapshot::load(&path).unwrap(), inventory);
}

#[test]
fn a_server_of_its_own_resets_and_stops_on_drop() {
    let moto = MotoServer::start();
    let port = moto.port();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let id = moto.create_vpc("us-west-1", "10.60.0.0/16", &[]).await;
        let aws = collector(&moto).await;
        let region = "us-west-1";
        let before = list::<Vpcs>(&aws, region, &empty(region)).await.unwrap();
        assert!(before.items.iter().any(|v| v.id == id));
        moto.reset();
        let after = list::<Vpcs>(&aws, region, &empty(region)).await.unwrap();
        assert!(
            after.items.iter().all(|v| v.id != id),
            "reset removes created VPCs"
        );
    });
    drop(moto);
    let refused = std::net::TcpStream::connect(("127.0.0.1", port));
    assert!(refused.is_err(), "moto still listens on {port} after drop");
}

// ---- the fix executor (`sdk::fix`) over the wire ----

mod fix {
    use super::*;
    use cloudposture_aws::fix::{CREATE_FLOW_LOGS, CreateFlowLogParams, FixResult, FlowLogSpec};
    use cloudposture_aws::sdk::fix::execute;
    use cloudposture_core::{FixAction, ResourceRef};

    fn s3(region: &str, bucket: &str) -> FlowLogSpec {
        FlowLogSpec {
            region: region.to_string(),
            traffic_type: TrafficType::All,
            destination_type: DestinationType::S3,
            log_destination: Some(format!("arn:aws:s3:::{bucket}")),
            log_group_name: None,
            deliver_logs_permission_arn: None,
        }
    }

    fn action(vpc: &str, spec: FlowLogSpec) -> FixAction {
        let params = CreateFlowLogParams::new(vpc, spec);
        FixAction {
            rule_id: "VPC-001",
            resource: ResourceRef::new(kinds::VPC, vpc).in_region(params.spec.region.clone()),
            summary: format!("create a flow log on {vpc}"),
            operation: CREATE_FLOW_LOGS,
            parameters: cloudposture_core::FixParameters::new(params.clone()),
        }
    }

    /// (flow log id, VPC, destination or log group) of every flow log of `region`.
    async fn flow_logs(moto: &MotoServer, region: &str) -> Vec<(String, String, String)> {
        let out = moto.ec2_client(region).describe_flow_logs().send().await.unwrap();
        let mut logs: Vec<_> = out
            .flow_logs()
            .iter()
            .map(|f| {
                let destination = f
                    .log_destination()
                    .filter(|d| !d.is_empty())
                    .or(f.log_group_name())
                    .unwrap_or_default();
                (
                    f.flow_log_id().unwrap_or_default().to_string(),
                    f.resource_id().unwrap_or_default().to_string(),
                    destination.to_string(),
                )
            })
            .collect();
        logs.sort();
        logs
    }

    /// A collector whose HTTP requests are counted.
    async fn counted(moto: &MotoServer) -> (SdkCollector, Arc<AtomicU64>) {
        let requests = Arc::new(AtomicU64::new(0));
        let aws = collector(moto).await;
        let counting = CountingClient {
            inner: aws.sdk_config().http_client().unwrap(),
            requests: Arc::clone(&requests),
        };
        let aws = SdkCollector::from_sdk_config(&aws.sdk_config().to_builder().http_client(counting).build());
        (aws, requests)
    }

    #[tokio::test]
    async fn dry_run_would_succeed_and_creates_nothing() {
        let moto = MotoServer::shared();
        let region = "sa-east-1";
        moto.create_bucket("cloudposture-test-fix-dry").await;
        let a = moto.create_vpc(region, "10.70.0.0/16", &[]).await;
        let b = moto.create_vpc(region, "10.71.0.0/16", &[]).await;
        let spec = s3(region, "cloudposture-test-fix-dry");
        let actions = [action(&a, spec.clone()), action(&b, spec)];

        let outcomes = execute(&collector(moto).await, &actions, true).await;

        assert_eq!(outcomes.len(), 2);
        assert_eq!(
            (outcomes[0].resource_id.as_str(), outcomes[0].region.as_str()),
            (a.as_str(), region)
        );
        assert!(
            outcomes.iter().all(|o| o.result == FixResult::WouldSucceed),
            "{outcomes:?}"
        );
        assert!(
            flow_logs(moto, region).await.is_empty(),
            "a dry run creates nothing"
        );
    }

    #[tokio::test]
    async fn one_call_per_destination_and_a_missing_bucket_fails_only_its_vpcs() {
        let moto = MotoServer::shared();
        let region = "eu-west-3";
        moto.create_bucket("cloudposture-test-fix-ok").await;
        let vpcs = moto.create_vpcs(region, 3).await;
        let ok = s3(region, "cloudposture-test-fix-ok");
        let missing = s3(region, "cloudposture-test-fix-missing");
        let actions = [
            action(&vpcs[0], ok.clone()),
            action(&vpcs[1], missing),
            action(&vpcs[2], ok),
        ];
        let (aws, requests) = counted(moto).await;

        let outcomes = execute(&aws, &actions, false).await;

        // DescribeFlowLogs of the 3 VPCs, CreateFlowLogs per destination, and one
        // DescribeFlowLogs to learn which new flow log belongs to which of the 2 VPCs.
        assert_eq!(requests.load(Ordering::SeqCst), 4);
        let logs = flow_logs(moto, region).await;
        assert_eq!(logs.len(), 2, "{logs:?}");
        for i in [0, 2] {
            let FixResult::Created { flow_log_id } = &outcomes[i].result else {
                panic!("{:?}", outcomes[i]);
            };
            let log = logs.iter().find(|l| &l.0 == flow_log_id).unwrap();
            assert_eq!(log.1, vpcs[i], "each VPC gets the id of its own flow log");
            assert_eq!(log.2, "arn:aws:s3:::cloudposture-test-fix-ok");
        }
        assert_eq!(
            outcomes[1].result,
            FixResult::failed(
                "400",
                "LogDestination: cloudposture-test-fix-missing does not exist."
            )
        );
    }

    #[tokio::test]
    async fn a_second_run_creates_nothing() {
        let moto = MotoServer::shared();
        let region = "eu-central-1";
        moto.create_log_group(region, "/vpc/fix-twice").await;
        let vpcs = moto.create_vpcs(region, 2).await;
        let spec = FlowLogSpec {
            region: region.to_string(),
            traffic_type: TrafficType::Reject,
            destination_type: DestinationType::CloudWatchLogs,
            log_destination: None,
            log_group_name: Some("/vpc/fix-twice".to_string()),
            deliver_logs_permission_arn: Some(ROLE_ARN.to_string()),
        };
        let actions: Vec<FixAction> = vpcs.iter().map(|v| action(v, spec.clone())).collect();
        let aws = collector(moto).await;

        let first = execute(&aws, &actions, false).await;
        let created: Vec<String> = first
            .iter()
            .map(|o| match &o.result {
                FixResult::Created { flow_log_id } => flow_log_id.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        let logs = flow_logs(moto, region).await;
        assert_eq!(logs.len(), 2);
        assert!(logs.iter().all(|l| l.2 == "/vpc/fix-twice"));

        let second = execute(&aws, &actions, false).await;
        let existing: Vec<FixResult> = second.into_iter().map(|o| o.result).collect();
        assert_eq!(
            existing,
            created
                .into_iter()
                .map(|id| FixResult::AlreadyExists {
                    flow_log_id: Some(id)
                })
                .collect::<Vec<_>>()
        );
        assert_eq!(flow_logs(moto, region).await, logs, "nothing more was created");

        // A REJECT flow log to the group does not meet an ALL plan, but moto refuses a
        // second flow log to the same group: the VPC is not fixed, and says why.
        let mut all = spec;
        all.traffic_type = TrafficType::All;
        let third = execute(&aws, &[action(&vpcs[0], all)], false).await;
        assert!(
            matches!(&third[0].result, FixResult::Failed { code, .. } if code == "FlowLogAlreadyExists"),
            "{third:?}"
        );
        assert_eq!(flow_logs(moto, region).await, logs);
    }

    #[tokio::test]
    async fn actions_that_cannot_be_read_fail_without_a_call() {
        let moto = MotoServer::shared();
        let (aws, requests) = counted(moto).await;
        let mut other = action("vpc-1", s3("us-west-1", "b"));
        other.operation = "s3:PutBucketPolicy";
        let mut garbled = action("vpc-2", s3("us-west-1", "b"));
        // Parameters of another type than the operation's.
        garbled.parameters = cloudposture_core::FixParameters::new(serde_json::json!({"vpc_id": "vpc-2"}));

        let outcomes = execute(&aws, &[other, garbled], false).await;

        assert!(
            matches!(&outcomes[0].result, FixResult::Failed { code, .. } if code == "UnsupportedOperation"),
            "{outcomes:?}"
        );
        assert!(
            matches!(&outcomes[1].result, FixResult::Failed { code, .. } if code == "InvalidParameters"),
            "{outcomes:?}"
        );
        assert_eq!(outcomes[1].resource_id, "vpc-2");
        assert_eq!(requests.load(Ordering::SeqCst), 0);
    }
}
