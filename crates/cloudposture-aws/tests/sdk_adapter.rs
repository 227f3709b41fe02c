//! The SDK adapter over real `aws_sdk_ec2` / `aws_sdk_sts` clients whose responses come from
//! `aws-smithy-mocks` rules: paging and its guards, lookups, retries and error
//! classification, and `collect()` over the SDK listers.
//!
//! The mock clients are built by hand (an interceptor on each client's configuration)
//! rather than with `mock_client!`, which needs the SDK's `test-util` feature and would
//! compile `aws-sdk-ec2` a second time.

#![cfg(feature = "sdk")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::Client as Ec2;
use aws_sdk_ec2::config::{Credentials, SharedCredentialsProvider, SharedInterceptor};
use aws_sdk_ec2::error::ErrorMetadata;
use aws_sdk_ec2::operation::describe_flow_logs::DescribeFlowLogsOutput;
use aws_sdk_ec2::operation::describe_network_interfaces::DescribeNetworkInterfacesOutput;
use aws_sdk_ec2::operation::describe_regions::DescribeRegionsOutput;
use aws_sdk_ec2::operation::describe_subnets::DescribeSubnetsOutput;
use aws_sdk_ec2::operation::describe_vpcs::{DescribeVpcsError, DescribeVpcsOutput};
use aws_sdk_ec2::types as ec2;
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;
use aws_smithy_mocks::{
    MockResponse, MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock,
};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use cloudposture_aws::sdk::{MAX_PAGES, SdkCollector, SdkOptions};
use cloudposture_aws::{
    AccountApi, CollectError, CollectOptions, DestinationType, ErrorClass, Fetched, FlowLog,
    FlowLogResourceType, FlowLogs, ListContext, Lister, NetworkInterfaces, NoProgress, RegionScope, Scope,
    ScopeId, Subnets, TrafficType, Vpcs, collect, kinds,
};
use cloudposture_core::{Inventory, Kind, KindState};

const ACCOUNT: &str = "111122223333";

/// A configuration like a loaded one, over `http_client`, with fast retries.
fn config(http_client: SharedHttpClient, max_attempts: u32, operation_timeout: Duration) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDTEST", "SECRET", None, None, "test",
        )))
        .http_client(http_client)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(max_attempts)
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(5)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(operation_timeout)
                .build(),
        )
        .build()
}

/// A collector whose EC2 and STS clients answer from `rules`.
fn mocked(rules: &[&Rule]) -> SdkCollector {
    mocked_with_attempts(rules, 3)
}

fn mocked_with_attempts(rules: &[&Rule], max_attempts: u32) -> SdkCollector {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for rule in rules {
        interceptor = interceptor.with_rule(rule);
    }
    let interceptor = SharedInterceptor::new(interceptor);
    let for_sts = interceptor.clone();
    SdkCollector::from_sdk_config(&config(
        create_mock_http_client(),
        max_attempts,
        Duration::from_secs(10),
    ))
    .with_ec2_config(move |mut b| {
        b.push_interceptor(interceptor.clone());
        b
    })
    .with_sts_config(move |mut b| {
        b.push_interceptor(for_sts.clone());
        b
    })
}

/// Lists kind `K` in `region` with the SDK lister, as `collect()` would with `scope`
/// read before.
async fn list<K: Kind>(
    aws: &SdkCollector,
    account: Option<&str>,
    region: &str,
    scope: &Scope,
) -> Result<Fetched<K::Item>, CollectError>
where
    SdkCollector: Lister<K>,
{
    let ctx = ListContext {
        account,
        region,
        scope,
    };
    <SdkCollector as Lister<K>>::list(aws, &ctx).await
}

/// Lists kind `K` in `region`, with nothing read before.
async fn list_alone<K: Kind>(aws: &SdkCollector, region: &str) -> Result<Fetched<K::Item>, CollectError>
where
    SdkCollector: Lister<K>,
{
    list::<K>(aws, None, region, &Scope::new(ScopeId::region(None, region))).await
}

/// A scope where flow logs attached to `resource_ids` were listed.
fn scope_with_flow_logs_on(region: &str, resource_ids: &[String]) -> Scope {
    let mut scope = Scope::new(ScopeId::region(Some(ACCOUNT), region));
    let logs = resource_ids
        .iter()
        .enumerate()
        .map(|(i, id)| FlowLog {
            id: format!("fl-{i}"),
            region: region.into(),
            account: Some(ACCOUNT.into()),
            resource_id: id.clone(),
            resource_type: FlowLogResourceType::from_resource_id(id),
            traffic_type: TrafficType::All,
            flow_log_status: "ACTIVE".into(),
            deliver_logs_status: None,
            deliver_logs_error_message: None,
            destination_type: DestinationType::S3,
            destination: None,
            log_group_name: None,
            deliver_logs_permission_arn: None,
            log_format: None,
            max_aggregation_interval: None,
            creation_time: None,
            tags: Default::default(),
        })
        .collect();
    scope.insert::<FlowLogs>(logs);
    scope
}

fn vpc(i: usize) -> ec2::Vpc {
    ec2::Vpc::builder()
        .vpc_id(format!("vpc-{i:05}"))
        .owner_id(ACCOUNT)
        .cidr_block("10.0.0.0/16")
        .is_default(false)
        .state(ec2::VpcState::Available)
        .tags(ec2::Tag::builder().key("Name").value(format!("vpc {i}")).build())
        .build()
}

fn flow_log(i: usize) -> ec2::FlowLog {
    ec2::FlowLog::builder()
        .flow_log_id(format!("fl-{i:05}"))
        .resource_id(format!("vpc-{i:05}"))
        .traffic_type(ec2::TrafficType::All)
        .flow_log_status("ACTIVE")
        .deliver_logs_status("SUCCESS")
        .log_destination_type(ec2::LogDestinationType::S3)
        .log_destination("arn:aws:s3:::flows")
        .build()
}

/// `pages` pages of `per_page` items, chained by `token-N`.
fn page_of<T>(
    next_token: Option<&str>,
    pages: usize,
    per_page: usize,
    item: fn(usize) -> T,
) -> (Vec<T>, Option<String>) {
    let index = match next_token {
        None => 0,
        Some(t) => t.trim_start_matches("token-").parse::<usize>().unwrap(),
    };
    let items = (index * per_page..(index + 1) * per_page).map(item).collect();
    let next = (index + 1 < pages).then(|| format!("token-{}", index + 1));
    (items, next)
}

/// An EC2 error response as the API sends it (parsed by the SDK's real error parser).
fn ec2_error(status: u16, code: &str, message: &str) -> HttpResponse {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code>\
         <Message>{message}</Message></Error></Errors><RequestID>req-1</RequestID></Response>"
    );
    HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body))
}

fn throttled() -> DescribeVpcsError {
    DescribeVpcsError::generic(
        ErrorMetadata::builder()
            .code("RequestLimitExceeded")
            .message("Request limit exceeded.")
            .build(),
    )
}

fn identity() -> Rule {
    mock!(aws_sdk_sts::Client::get_caller_identity)
        .then_output(|| GetCallerIdentityOutput::builder().account(ACCOUNT).build())
}

/// `collect()` of `kinds` in `regions` over the SDK listers of `aws`.
async fn collect_with(aws: &SdkCollector, regions: &[&str], kinds: &[&str]) -> Inventory {
    let mut options = CollectOptions::new(kinds.iter().copied());
    options.regions = RegionScope::Only(regions.iter().map(|r| r.to_string()).collect());
    collect(aws, &aws.listers(), &options, &NoProgress).await.unwrap()
}

#[tokio::test]
async fn describe_vpcs_reads_every_page_at_the_maximum_size() {
    let max_results = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&max_results);
    let rule = mock!(Ec2::describe_vpcs).then_compute_output(move |req| {
        seen.lock().unwrap().push(req.max_results());
        let (vpcs, next) = page_of(req.next_token(), 3, 1000, vpc);
        DescribeVpcsOutput::builder()
            .set_vpcs(Some(vpcs))
            .set_next_token(next)
            .build()
    });
    let aws = mocked(&[&rule]);

    let listed = list_alone::<Vpcs>(&aws, "eu-west-1").await.unwrap();

    assert_eq!(listed.api_calls, 3);
    assert_eq!(rule.num_calls(), 3);
    assert_eq!(*max_results.lock().unwrap(), [Some(1000); 3]);
    assert_eq!(listed.items.len(), 3000);
    assert_eq!(listed.items[0].id, "vpc-00000");
    assert_eq!(listed.items[2999].id, "vpc-02999");
    let last = &listed.items[2999];
    assert_eq!(last.region, "eu-west-1");
    assert_eq!(last.owner_id, ACCOUNT);
    assert_eq!(last.state, "available");
    assert_eq!(last.name(), Some("vpc 2999"));
}

#[tokio::test]
async fn describe_flow_logs_reads_every_page_at_the_maximum_size() {
    let max_results = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&max_results);
    let rule = mock!(Ec2::describe_flow_logs).then_compute_output(move |req| {
        seen.lock().unwrap().push(req.max_results());
        let (flow_logs, next) = page_of(req.next_token(), 3, 1000, flow_log);
        DescribeFlowLogsOutput::builder()
            .set_flow_logs(Some(flow_logs))
            .set_next_token(next)
            .build()
    });
    let aws = mocked(&[&rule]);
    let scope = Scope::new(ScopeId::region(Some(ACCOUNT), "ap-south-1"));

    // The account of the listing context is the flow logs' account.
    let listed = list::<FlowLogs>(&aws, Some(ACCOUNT), "ap-south-1", &scope)
        .await
        .unwrap();

    assert_eq!(listed.api_calls, 3);
    assert_eq!(rule.num_calls(), 3);
    assert_eq!(*max_results.lock().unwrap(), [Some(1000); 3]);
    assert_eq!(listed.items.len(), 3000);
    let f = &listed.items[1234];
    assert_eq!(f.id, "fl-01234");
    assert_eq!(f.resource_type, FlowLogResourceType::Vpc);
    assert_eq!(f.destination_type, DestinationType::S3);
    assert_eq!(f.account.as_deref(), Some(ACCOUNT));
    assert_eq!(f.region, "ap-south-1");
}

#[tokio::test]
async fn flow_logs_have_no_account_while_it_is_unknown() {
    let rule = mock!(Ec2::describe_flow_logs)
        .then_output(|| DescribeFlowLogsOutput::builder().flow_logs(flow_log(1)).build());
    let listed = list_alone::<FlowLogs>(&mocked(&[&rule]), "us-east-1")
        .await
        .unwrap();
    assert_eq!(listed.items[0].account, None);
    assert_eq!(listed.api_calls, 1);
}

#[tokio::test]
async fn subnets_are_looked_up_by_id_in_chunks() {
    let filters = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&filters);
    let rule = mock!(Ec2::describe_subnets).then_compute_output(move |req| {
        let filter = &req.filters()[0];
        seen.lock().unwrap().push((
            filter.name().unwrap().to_string(),
            filter.values().len(),
            req.max_results(),
        ));
        let subnets = filter
            .values()
            .iter()
            .map(|id| {
                ec2::Subnet::builder()
                    .subnet_id(id)
                    .vpc_id("vpc-1")
                    .owner_id(ACCOUNT)
                    .build()
            })
            .collect();
        DescribeSubnetsOutput::builder()
            .set_subnets(Some(subnets))
            .build()
    });
    // Each subnet named by two flow logs, and VPC-level flow logs beside them: each
    // subnet is looked up once, and only subnets are.
    let mut ids: Vec<String> = (0..450).map(|i| format!("subnet-{i:04}")).collect();
    ids.extend(ids.clone());
    ids.push("vpc-1".into());
    let scope = scope_with_flow_logs_on("eu-west-1", &ids);

    let listed = list::<Subnets>(&mocked(&[&rule]), Some(ACCOUNT), "eu-west-1", &scope)
        .await
        .unwrap();

    assert_eq!(listed.api_calls, 3);
    assert_eq!(listed.items.len(), 450);
    assert_eq!(listed.items[449].vpc_id, "vpc-1");
    assert_eq!(listed.items[449].owner_id.as_deref(), Some(ACCOUNT));
    let filters = filters.lock().unwrap();
    let sizes: Vec<usize> = filters.iter().map(|f| f.1).collect();
    assert_eq!(sizes, [200, 200, 50]);
    assert!(filters.iter().all(|f| f.0 == "subnet-id" && f.2 == Some(1000)));
}

#[tokio::test]
async fn network_interfaces_are_looked_up_by_id() {
    let rule = mock!(Ec2::describe_network_interfaces).then_compute_response(|req| {
        let filter = &req.filters()[0];
        assert_eq!(filter.name(), Some("network-interface-id"));
        let enis = filter
            .values()
            .iter()
            .map(|id| {
                ec2::NetworkInterface::builder()
                    .network_interface_id(id)
                    .vpc_id("vpc-9")
                    .build()
            })
            .collect();
        MockResponse::Output(
            DescribeNetworkInterfacesOutput::builder()
                .set_network_interfaces(Some(enis))
                .build(),
        )
    });
    let scope = scope_with_flow_logs_on("eu-west-1", &["eni-2".into(), "eni-1".into(), "subnet-1".into()]);
    let listed = list::<NetworkInterfaces>(&mocked(&[&rule]), Some(ACCOUNT), "eu-west-1", &scope)
        .await
        .unwrap();
    assert_eq!(listed.api_calls, 1);
    let ids: Vec<&str> = listed.items.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["eni-1", "eni-2"]);
    assert_eq!(listed.items[0].vpc_id, "vpc-9");
}

#[tokio::test]
async fn no_lookup_call_without_flow_logs_that_name_subnets_or_interfaces() {
    let subnets = mock!(Ec2::describe_subnets).then_output(|| DescribeSubnetsOutput::builder().build());
    let enis = mock!(Ec2::describe_network_interfaces)
        .then_output(|| DescribeNetworkInterfacesOutput::builder().build());
    let vpcs = mock!(Ec2::describe_vpcs).then_output(|| DescribeVpcsOutput::builder().vpcs(vpc(1)).build());
    let flow_logs = mock!(Ec2::describe_flow_logs)
        .then_output(|| DescribeFlowLogsOutput::builder().flow_logs(flow_log(1)).build());
    let identity = identity();
    let aws = mocked(&[&subnets, &enis, &vpcs, &flow_logs, &identity]);

    let all = [
        kinds::VPC,
        kinds::FLOW_LOG,
        kinds::SUBNET,
        kinds::NETWORK_INTERFACE,
    ];
    let inventory = collect_with(&aws, &["us-east-1"], &all).await;

    assert_eq!((subnets.num_calls(), enis.num_calls()), (0, 0));
    let region = inventory.region("us-east-1").unwrap();
    assert!(
        matches!(region.get::<Subnets>(), KindState::Listed([])),
        "{region:?}"
    );
    assert!(matches!(region.get::<NetworkInterfaces>(), KindState::Listed([])));
    assert_eq!(region.api_calls, 2);
    assert_eq!(inventory.account.as_deref(), Some(ACCOUNT));
}

#[tokio::test]
async fn every_kind_reads_every_page_at_the_maximum_size() {
    type Calls = Arc<Mutex<Vec<(&'static str, Option<i32>, Option<String>)>>>;
    let calls: Calls = Arc::default();
    let seen = Arc::clone(&calls);
    let vpcs = mock!(Ec2::describe_vpcs).then_compute_output(move |req| {
        seen.lock()
            .unwrap()
            .push(("vpcs", req.max_results(), req.next_token().map(str::to_string)));
        let (vpcs, next) = page_of(req.next_token(), 2, 3, vpc);
        DescribeVpcsOutput::builder()
            .set_vpcs(Some(vpcs))
            .set_next_token(next)
            .build()
    });
    let seen = Arc::clone(&calls);
    let flow_logs = mock!(Ec2::describe_flow_logs).then_compute_output(move |req| {
        seen.lock().unwrap().push((
            "flow logs",
            req.max_results(),
            req.next_token().map(str::to_string),
        ));
        // Page 1: 250 subnet-level flow logs; page 2: two ENI-level ones.
        let logs: Vec<ec2::FlowLog> = match req.next_token() {
            None => (0..250)
                .map(|i| {
                    ec2::FlowLog::builder()
                        .flow_log_id(format!("fl-s{i}"))
                        .resource_id(format!("subnet-{i:03}"))
                        .build()
                })
                .collect(),
            Some(_) => (0..2)
                .map(|i| {
                    ec2::FlowLog::builder()
                        .flow_log_id(format!("fl-e{i}"))
                        .resource_id(format!("eni-{i}"))
                        .build()
                })
                .collect(),
        };
        let next = req.next_token().is_none().then_some("fl-page-2".to_string());
        DescribeFlowLogsOutput::builder()
            .set_flow_logs(Some(logs))
            .set_next_token(next)
            .build()
    });
    // Every lookup chunk answers in two pages: half of its ids, then the rest.
    let seen = Arc::clone(&calls);
    let subnets = mock!(Ec2::describe_subnets).then_compute_output(move |req| {
        seen.lock()
            .unwrap()
            .push(("subnets", req.max_results(), req.next_token().map(str::to_string)));
        let values = req.filters()[0].values();
        let half = values.len() / 2;
        let (part, next) = match req.next_token() {
            None => (&values[..half], Some(format!("subnets-after-{}", values[0]))),
            Some(t) => {
                assert_eq!(
                    t,
                    format!("subnets-after-{}", values[0]),
                    "page 2 asks for the same chunk"
                );
                (&values[half..], None)
            }
        };
        let subnets = part
            .iter()
            .map(|id| ec2::Subnet::builder().subnet_id(id).vpc_id("vpc-00000").build())
            .collect();
        DescribeSubnetsOutput::builder()
            .set_subnets(Some(subnets))
            .set_next_token(next)
            .build()
    });
    let seen = Arc::clone(&calls);
    let enis = mock!(Ec2::describe_network_interfaces).then_compute_output(move |req| {
        seen.lock()
            .unwrap()
            .push(("enis", req.max_results(), req.next_token().map(str::to_string)));
        let values = req.filters()[0].values();
        let (id, next) = match req.next_token() {
            None => (&values[0], Some("enis-2".to_string())),
            Some(_) => (&values[1], None),
        };
        DescribeNetworkInterfacesOutput::builder()
            .network_interfaces(
                ec2::NetworkInterface::builder()
                    .network_interface_id(id)
                    .vpc_id("vpc-00001")
                    .build(),
            )
            .set_next_token(next)
            .build()
    });
    let identity = identity();
    let aws = mocked(&[&vpcs, &flow_logs, &subnets, &enis, &identity]);

    let all = [
        kinds::VPC,
        kinds::FLOW_LOG,
        kinds::SUBNET,
        kinds::NETWORK_INTERFACE,
    ];
    let inventory = collect_with(&aws, &["eu-west-1"], &all).await;

    let region = inventory.region("eu-west-1").unwrap();
    assert_eq!(region.errors().count(), 0, "{region:?}");
    assert_eq!(region.count(kinds::VPC), 6);
    assert_eq!(region.count(kinds::FLOW_LOG), 252);
    assert_eq!(
        region.count(kinds::SUBNET),
        250,
        "every subnet of both chunks, both pages each"
    );
    assert_eq!(region.count(kinds::NETWORK_INTERFACE), 2);
    let calls = calls.lock().unwrap();
    assert!(calls.iter().all(|c| c.1 == Some(1000)), "{calls:?}");
    let per_kind = |kind: &str| calls.iter().filter(|c| c.0 == kind).count() as u64;
    assert_eq!(
        (
            per_kind("vpcs"),
            per_kind("flow logs"),
            per_kind("subnets"),
            per_kind("enis")
        ),
        (2, 2, 4, 2)
    );
    assert_eq!(region.api_calls, 2 + 2 + 4 + 2);
    // Flow logs come before the lookups that read what they name.
    let first_lookup = calls
        .iter()
        .position(|c| c.0 == "subnets" || c.0 == "enis")
        .unwrap();
    let last_flow_log_page = calls.iter().rposition(|c| c.0 == "flow logs").unwrap();
    assert!(last_flow_log_page < first_lookup, "{calls:?}");
    let KindState::Listed(flow_logs) = region.get::<FlowLogs>() else {
        unreachable!()
    };
    assert!(flow_logs.iter().all(|f| f.account.as_deref() == Some(ACCOUNT)));
}

/// DescribeVpcs pages that answer `next(token)` as the next token, a VPC each.
fn vpc_pages(next: fn(Option<&str>) -> Option<String>) -> Rule {
    mock!(Ec2::describe_vpcs).then_compute_output(move |req| {
        DescribeVpcsOutput::builder()
            .vpcs(vpc(0))
            .set_next_token(next(req.next_token()))
            .build()
    })
}

/// Collects VPCs and flow logs in eu-west-1 with `vpcs` answering DescribeVpcs, and
/// returns the inventory; a hang fails the test instead of stalling it.
async fn collect_vpcs_with(vpcs: &Rule) -> Inventory {
    let flow_logs = mock!(Ec2::describe_flow_logs).then_output(|| DescribeFlowLogsOutput::builder().build());
    let identity = identity();
    let aws = mocked(&[vpcs, &flow_logs, &identity]);
    let collecting = collect_with(&aws, &["eu-west-1"], &[kinds::VPC, kinds::FLOW_LOG]);
    tokio::time::timeout(Duration::from_secs(60), collecting)
        .await
        .expect("the listing ends")
}

/// The VPC listing of eu-west-1 failed with a bad answer: not a short list, the
/// other kind still read, the calls counted.
fn assert_vpcs_failed(inventory: &Inventory, calls: u64, says: &str) {
    let region = inventory.region("eu-west-1").unwrap();
    let KindState::Failed(error) = region.get::<Vpcs>() else {
        panic!("expected the VPC listing to fail: {region:?}");
    };
    assert_eq!(error.operation, "DescribeVpcs");
    assert_eq!(error.class, ErrorClass::Other);
    assert_eq!(error.api_calls, calls);
    assert!(error.message.contains(says), "{error}");
    assert!(matches!(region.get::<FlowLogs>(), KindState::Listed([])));
    assert_eq!(region.api_calls, calls + 1);
    let statuses = inventory.region_statuses();
    assert!(
        statuses
            .iter()
            .any(|s| s.name == "eu-west-1" && s.error.is_some())
    );
}

#[tokio::test]
async fn a_next_token_that_repeats_is_an_error_not_a_short_list() {
    // Page 2, asked with page 1's token, answers that token again.
    let vpcs = vpc_pages(|_| Some("token-1".into()));
    let inventory = collect_vpcs_with(&vpcs).await;
    assert_eq!(vpcs.num_calls(), 2);
    assert_vpcs_failed(
        &inventory,
        2,
        "page 2 answered a next token that an earlier page gave",
    );
}

#[tokio::test]
async fn a_next_token_that_cycles_over_two_pages_is_an_error_not_a_hang() {
    // None → a → b → a → …
    let vpcs = vpc_pages(|token| match token {
        None | Some("b") => Some("a".into()),
        Some(_) => Some("b".into()),
    });
    let inventory = collect_vpcs_with(&vpcs).await;
    assert_eq!(vpcs.num_calls(), 3);
    assert_vpcs_failed(
        &inventory,
        3,
        "page 3 answered a next token that an earlier page gave",
    );
}

#[tokio::test]
async fn a_listing_that_never_ends_stops_at_the_page_cap() {
    // A new token on every page, forever.
    let vpcs = vpc_pages(|token| {
        let n = token.map_or(0, |t| t.trim_start_matches("token-").parse::<u64>().unwrap());
        Some(format!("token-{}", n + 1))
    });
    let inventory = collect_vpcs_with(&vpcs).await;
    assert_eq!(vpcs.num_calls() as u64, MAX_PAGES);
    assert_vpcs_failed(&inventory, MAX_PAGES, "still a next token after 1000 pages");
}

#[tokio::test]
async fn an_empty_next_token_ends_the_listing() {
    let vpcs = vpc_pages(|token| token.is_none().then(String::new));
    let listed = list_alone::<Vpcs>(&mocked(&[&vpcs]), "eu-west-1").await.unwrap();
    assert_eq!(
        (listed.api_calls, listed.items.len(), vpcs.num_calls()),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn a_failed_lookup_chunk_counts_the_chunks_before_it() {
    let rule = mock!(Ec2::describe_subnets).then_compute_response(|req| {
        if req.filters()[0].values()[0] == "subnet-0200" {
            MockResponse::Http(ec2_error(403, "UnauthorizedOperation", "no"))
        } else {
            MockResponse::Output(DescribeSubnetsOutput::builder().build())
        }
    });
    let ids: Vec<String> = (0..450).map(|i| format!("subnet-{i:04}")).collect();
    let scope = scope_with_flow_logs_on("eu-west-1", &ids);
    let error = list::<Subnets>(&mocked(&[&rule]), Some(ACCOUNT), "eu-west-1", &scope)
        .await
        .unwrap_err();
    assert_eq!(error.class, ErrorClass::AccessDenied);
    assert_eq!(error.operation, "DescribeSubnets");
    assert_eq!(error.api_calls, 2, "the first chunk and the failed call");
    assert_eq!(rule.num_calls(), 2, "no chunk after the failed one");
}

#[tokio::test]
async fn regions_split_enabled_and_not_opted_in() {
    let rule = mock!(Ec2::describe_regions)
        .match_requests(|req| req.all_regions() == Some(true))
        .then_output(|| {
            let region = |name: &str, status: &str| {
                ec2::Region::builder()
                    .region_name(name)
                    .opt_in_status(status)
                    .build()
            };
            DescribeRegionsOutput::builder()
                .regions(region("us-east-1", "opt-in-not-required"))
                .regions(region("af-south-1", "not-opted-in"))
                .regions(region("ap-east-1", "opted-in"))
                .build()
        });
    let list = mocked(&[&rule]).regions().await.unwrap();
    assert_eq!(list.enabled, ["ap-east-1", "us-east-1"]);
    assert_eq!(list.not_enabled, ["af-south-1"]);
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn throttling_is_retried_and_then_succeeds() {
    let rule = mock!(Ec2::describe_vpcs)
        .sequence()
        .error(throttled)
        .times(2)
        .output(|| DescribeVpcsOutput::builder().vpcs(vpc(1)).build())
        .build();
    let listed = list_alone::<Vpcs>(&mocked(&[&rule]), "us-east-1").await.unwrap();
    assert_eq!(rule.num_calls(), 3, "two throttled attempts, then success");
    assert_eq!(listed.api_calls, 1, "retries are not counted as calls");
    assert_eq!(listed.items.len(), 1);
}

#[tokio::test]
async fn throttling_past_the_retries_is_throttled() {
    let rule = mock!(Ec2::describe_vpcs).then_error(throttled);
    let error = list_alone::<Vpcs>(&mocked_with_attempts(&[&rule], 4), "us-east-1")
        .await
        .unwrap_err();
    assert_eq!(rule.num_calls(), 4);
    assert_eq!(error.class, ErrorClass::Throttled);
    assert_eq!(error.operation, "DescribeVpcs");
    assert_eq!(error.code.as_deref(), Some("RequestLimitExceeded"));
    assert_eq!(error.message, "Request limit exceeded.");
    assert_eq!(error.api_calls, 1);
}

#[tokio::test]
async fn access_denied_keeps_the_aws_code_and_message() {
    let rule = mock!(Ec2::describe_flow_logs).then_http_response(|| {
        ec2_error(
            403,
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.",
        )
    });
    let error = list_alone::<FlowLogs>(&mocked(&[&rule]), "eu-west-1")
        .await
        .unwrap_err();
    assert_eq!(rule.num_calls(), 1, "not retried");
    assert_eq!(error.class, ErrorClass::AccessDenied);
    assert_eq!(error.operation, "DescribeFlowLogs");
    assert_eq!(error.code.as_deref(), Some("UnauthorizedOperation"));
    assert_eq!(error.message, "You are not authorized to perform this operation.");
    assert_eq!(
        error.to_string(),
        "DescribeFlowLogs access denied (UnauthorizedOperation: You are not authorized to perform this operation.)"
    );
}

#[tokio::test]
async fn a_failure_on_a_later_page_counts_the_pages_made() {
    let rule = mock!(Ec2::describe_vpcs).then_compute_response(|req| match req.next_token() {
        None => MockResponse::Output(
            DescribeVpcsOutput::builder()
                .vpcs(vpc(1))
                .next_token("token-1")
                .build(),
        ),
        Some(_) => MockResponse::Http(ec2_error(403, "UnauthorizedOperation", "no")),
    });
    let error = list_alone::<Vpcs>(&mocked(&[&rule]), "eu-west-1")
        .await
        .unwrap_err();
    assert_eq!(error.class, ErrorClass::AccessDenied);
    assert_eq!(error.api_calls, 2);
}

#[tokio::test]
async fn access_denied_exception_of_sts_is_access_denied() {
    let rule = mock!(aws_sdk_sts::Client::get_caller_identity).then_error(|| {
        aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError::generic(
            ErrorMetadata::builder()
                .code("AccessDenied")
                .message("not allowed")
                .build(),
        )
    });
    let error = mocked(&[&rule]).caller_account().await.unwrap_err();
    assert_eq!(error.class, ErrorClass::AccessDenied);
    assert_eq!(error.operation, "GetCallerIdentity");
    assert_eq!(error.code.as_deref(), Some("AccessDenied"));
}

#[tokio::test]
async fn auth_failure_and_opt_in_required_mean_region_not_enabled() {
    let auth_failure = mock!(Ec2::describe_vpcs).then_http_response(|| {
        ec2_error(
            401,
            "AuthFailure",
            "AWS was not able to validate the provided access credentials",
        )
    });
    let error = list_alone::<Vpcs>(&mocked(&[&auth_failure]), "me-south-1")
        .await
        .unwrap_err();
    assert_eq!(error.class, ErrorClass::RegionNotEnabled);
    assert_eq!(error.code.as_deref(), Some("AuthFailure"));
    assert_eq!(
        error.message,
        "AWS was not able to validate the provided access credentials"
    );

    let opt_in = mock!(Ec2::describe_vpcs).then_error(|| {
        DescribeVpcsError::generic(
            ErrorMetadata::builder()
                .code("OptInRequired")
                .message("You are not subscribed to this service.")
                .build(),
        )
    });
    let error = list_alone::<Vpcs>(&mocked(&[&opt_in]), "af-south-1")
        .await
        .unwrap_err();
    assert_eq!(error.class, ErrorClass::RegionNotEnabled);
    assert_eq!(error.code.as_deref(), Some("OptInRequired"));
}

#[tokio::test]
async fn other_service_errors_are_other() {
    let rule =
        mock!(Ec2::describe_vpcs).then_http_response(|| ec2_error(400, "InvalidParameterValue", "bad value"));
    let error = list_alone::<Vpcs>(&mocked(&[&rule]), "us-east-1")
        .await
        .unwrap_err();
    assert_eq!(error.class, ErrorClass::Other);
    assert_eq!(error.code.as_deref(), Some("InvalidParameterValue"));
}

/// An HTTP client whose requests never get an answer.
#[derive(Debug)]
struct NeverAnswers;

impl HttpConnector for NeverAnswers {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        HttpConnectorFuture::new(std::future::pending())
    }
}

impl HttpClient for NeverAnswers {
    fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(NeverAnswers)
    }
}

#[tokio::test]
async fn an_operation_that_never_answers_times_out() {
    let config = config(SharedHttpClient::new(NeverAnswers), 3, Duration::from_millis(200));
    let aws = SdkCollector::from_sdk_config(&config);
    let started = Instant::now();
    let error = list_alone::<Vpcs>(&aws, "us-east-1").await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(error.class, ErrorClass::Timeout);
    assert_eq!(error.operation, "DescribeVpcs");
    assert_eq!(error.code, None);
    assert!(error.message.contains("timeout"), "{}", error.message);
}

#[tokio::test]
async fn a_refused_connection_is_unreachable_in_words() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let aws = SdkCollector::new(SdkOptions {
        endpoint_url: Some(format!("http://127.0.0.1:{port}")),
        home_region: Some("us-east-1".into()),
        max_attempts: 2,
        connect_timeout: Duration::from_secs(2),
        operation_timeout: Duration::from_secs(20),
        ..SdkOptions::default()
    })
    .await;
    // Credentials are resolved before the request is sent: give static ones.
    let aws = SdkCollector::from_sdk_config(
        &aws.sdk_config()
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "a", "b", None, None, "t",
            )))
            .build(),
    );
    let error = aws.regions().await.unwrap_err();
    assert_eq!(error.class, ErrorClass::Unreachable, "{error}");
    assert_eq!(error.operation, "DescribeRegions");
    assert_eq!(
        error.to_string(),
        "DescribeRegions could not connect (connection refused)"
    );
}

#[tokio::test]
async fn options_default_as_documented() {
    let options = SdkOptions::default();
    assert_eq!(options.max_attempts, 5);
    assert_eq!(options.connect_timeout, Duration::from_secs(5));
    assert_eq!(options.operation_timeout, Duration::from_secs(60));
    assert_eq!(
        (options.profile, options.endpoint_url, options.home_region),
        (None, None, None)
    );
}

#[tokio::test]
async fn loaded_configuration_carries_the_options() {
    let aws = SdkCollector::new(SdkOptions {
        endpoint_url: Some("http://127.0.0.1:9".into()),
        home_region: Some("eu-central-1".into()),
        max_attempts: 7,
        connect_timeout: Duration::from_secs(3),
        operation_timeout: Duration::from_secs(30),
        ..SdkOptions::default()
    })
    .await;
    assert_eq!(aws.home_region(), "eu-central-1");
    let config = aws.sdk_config();
    assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:9"));
    let retry = config.retry_config().unwrap();
    assert_eq!(retry.max_attempts(), 7);
    // Adaptive: throttling slows the client down, not only retries.
    assert_eq!(retry.mode(), aws_config::retry::RetryMode::Adaptive);
    // A member account's clients retry (and slow down) on their own.
    let member = aws.for_account(config.clone(), "222233334444");
    let partition = member
        .ec2_client("eu-west-1")
        .config()
        .retry_partition()
        .map(ToString::to_string);
    assert_eq!(partition.as_deref(), Some("ec2-eu-west-1-222233334444"));
    assert_eq!(
        aws.ec2_client("eu-west-1").config().retry_partition(),
        None,
        "the SDK's default"
    );
    let timeouts = config.timeout_config().unwrap();
    assert_eq!(timeouts.connect_timeout(), Some(Duration::from_secs(3)));
    assert_eq!(timeouts.operation_timeout(), Some(Duration::from_secs(30)));
    assert!(
        config.http_client().is_some(),
        "one HTTP client shared by all clients"
    );
    let client = aws.ec2_client("ap-southeast-2");
    assert_eq!(
        client.config().region().map(|r| r.as_ref()),
        Some("ap-southeast-2")
    );
}

#[tokio::test]
async fn a_configuration_without_http_client_gets_a_shared_one() {
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .build();
    let aws = SdkCollector::from_sdk_config(&config);
    assert!(aws.sdk_config().http_client().is_some());
    assert_eq!(aws.home_region(), "us-east-1");
}

// ---- the fix executor (`sdk::fix`): what moto cannot produce ----

mod fix {
    use super::*;
    use aws_sdk_ec2::operation::create_flow_logs::{
        CreateFlowLogsError, CreateFlowLogsInput, CreateFlowLogsOutput,
    };
    use cloudposture_aws::fix::{CREATE_FLOW_LOGS, CreateFlowLogParams, FixResult, FlowLogSpec};
    use cloudposture_aws::sdk::fix::execute;
    use cloudposture_aws::{TrafficType, kinds};
    use cloudposture_core::{FixAction, ResourceRef};

    const REGION: &str = "eu-west-1";

    fn spec(bucket: &str) -> FlowLogSpec {
        FlowLogSpec {
            region: REGION.to_string(),
            traffic_type: TrafficType::All,
            destination_type: DestinationType::S3,
            log_destination: Some(format!("arn:aws:s3:::{bucket}")),
            log_group_name: None,
            deliver_logs_permission_arn: None,
        }
    }

    fn action(vpc: &str, spec: FlowLogSpec) -> FixAction {
        FixAction {
            rule_id: "VPC-001",
            resource: ResourceRef::new(kinds::VPC, vpc).in_region(REGION),
            summary: String::new(),
            operation: CREATE_FLOW_LOGS,
            parameters: cloudposture_core::FixParameters::new(CreateFlowLogParams::new(vpc, spec)),
        }
    }

    /// No flow log exists yet (the listing before creating).
    fn none_exist() -> Rule {
        mock!(Ec2::describe_flow_logs)
            .match_requests(|req| req.flow_log_ids().is_empty())
            .then_output(|| DescribeFlowLogsOutput::builder().build())
    }

    /// Looking flow logs up by id: `fl-X` belongs to `X`.
    fn lookup() -> Rule {
        mock!(Ec2::describe_flow_logs)
            .match_requests(|req| !req.flow_log_ids().is_empty())
            .then_compute_output(|req| {
                let logs = req
                    .flow_log_ids()
                    .iter()
                    .map(|id| {
                        ec2::FlowLog::builder()
                            .flow_log_id(id)
                            .resource_id(id.trim_start_matches("fl-"))
                            .build()
                    })
                    .collect();
                DescribeFlowLogsOutput::builder()
                    .set_flow_logs(Some(logs))
                    .build()
            })
    }

    fn error(code: &str, message: &str) -> CreateFlowLogsError {
        CreateFlowLogsError::generic(ErrorMetadata::builder().code(code).message(message).build())
    }

    #[tokio::test]
    async fn unsuccessful_items_fail_their_vpc_and_new_ids_are_looked_up() {
        // vpc-2 is refused; the new ids come in an order that is not the request's, so
        // only the look-up can tell which is whose.
        let create = mock!(Ec2::create_flow_logs).then_output(|| {
            CreateFlowLogsOutput::builder()
                .flow_log_ids("fl-vpc-3")
                .flow_log_ids("fl-vpc-1")
                .unsuccessful(
                    ec2::UnsuccessfulItem::builder()
                        .resource_id("vpc-2")
                        .error(
                            ec2::UnsuccessfulItemError::builder()
                                .code("InvalidParameter")
                                .message("Access Denied for LogDestination: flows.")
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
        let (existing, lookup) = (none_exist(), lookup());
        let aws = mocked(&[&create, &existing, &lookup]);
        let actions: Vec<FixAction> = ["vpc-1", "vpc-2", "vpc-3"]
            .iter()
            .map(|v| action(v, spec("flows")))
            .collect();

        let outcomes = execute(&aws, &actions, false).await;

        let results: Vec<(&str, &FixResult)> = outcomes
            .iter()
            .map(|o| (o.resource_id.as_str(), &o.result))
            .collect();
        assert_eq!(
            results,
            [
                (
                    "vpc-1",
                    &FixResult::Created {
                        flow_log_id: "fl-vpc-1".into()
                    }
                ),
                (
                    "vpc-2",
                    &FixResult::failed("InvalidParameter", "Access Denied for LogDestination: flows.")
                ),
                (
                    "vpc-3",
                    &FixResult::Created {
                        flow_log_id: "fl-vpc-3".into()
                    }
                ),
            ]
        );
        assert_eq!((create.num_calls(), lookup.num_calls()), (1, 1));
    }

    /// CreateFlowLogs calls seen: (dry run, client token, VPCs).
    type Seen = Arc<Mutex<Vec<(Option<bool>, String, Vec<String>)>>>;

    /// A CreateFlowLogs rule for calls to `bucket` that records them in `seen`.
    fn create_to(
        bucket: &str,
        seen: &Seen,
    ) -> aws_smithy_mocks::RuleBuilder<CreateFlowLogsInput, CreateFlowLogsOutput, CreateFlowLogsError> {
        let destination = format!("arn:aws:s3:::{bucket}");
        let seen = Arc::clone(seen);
        mock!(Ec2::create_flow_logs).match_requests(move |req| {
            let hit = req.log_destination() == Some(destination.as_str());
            if hit {
                seen.lock().unwrap().push((
                    req.dry_run(),
                    req.client_token().unwrap_or_default().to_string(),
                    req.resource_ids().to_vec(),
                ));
            }
            hit
        })
    }

    #[tokio::test]
    async fn dry_run_says_what_aws_would_do_per_destination() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let allowed = create_to("allowed", &seen).then_error(|| {
            error(
                "DryRunOperation",
                "Request would have succeeded, but DryRun flag is set.",
            )
        });
        let denied = create_to("denied", &seen).then_error(|| {
            error(
                "UnauthorizedOperation",
                "You are not authorized to perform this operation. Encoded authorization failure message: x",
            )
        });
        let existing = none_exist();
        let aws = mocked(&[&allowed, &denied, &existing]);
        let actions = [
            action("vpc-2", spec("allowed")),
            action("vpc-1", spec("allowed")),
            action("vpc-3", spec("denied")),
        ];

        let outcomes = execute(&aws, &actions, true).await;

        assert_eq!(outcomes[0].result, FixResult::WouldSucceed);
        assert_eq!(outcomes[1].result, FixResult::WouldSucceed);
        let FixResult::Failed { code, message } = &outcomes[2].result else {
            panic!("{outcomes:?}");
        };
        assert_eq!(code, "UnauthorizedOperation");
        assert!(
            message.starts_with("would be refused: missing permission (ec2:CreateFlowLogs, or iam:PassRole"),
            "{message}"
        );
        assert!(
            message.ends_with("Encoded authorization failure message: x"),
            "{message}"
        );
        // One call per destination, every one a dry run, its token that of its sorted VPCs.
        let mut calls = seen.lock().unwrap().clone();
        calls.sort_by(|a, b| a.2.cmp(&b.2));
        assert_eq!(
            calls,
            [
                (
                    Some(true),
                    spec("allowed").client_token(&["vpc-1", "vpc-2"]),
                    vec!["vpc-1".to_string(), "vpc-2".to_string()]
                ),
                (
                    Some(true),
                    spec("denied").client_token(&["vpc-3"]),
                    vec!["vpc-3".to_string()]
                ),
            ]
        );
    }

    #[tokio::test]
    async fn calls_take_at_most_300_vpcs_each_with_a_token_per_call() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let create = create_to("flows", &seen).then_compute_output(|req| {
            let ids = req.resource_ids().iter().map(|v| format!("fl-{v}")).collect();
            CreateFlowLogsOutput::builder()
                .set_flow_log_ids(Some(ids))
                .build()
        });
        let (existing, lookup) = (none_exist(), lookup());
        let aws = mocked(&[&create, &existing, &lookup]);
        let vpcs: Vec<String> = (0..301).map(|i| format!("vpc-{i:05}")).collect();
        let actions: Vec<FixAction> = vpcs.iter().map(|v| action(v, spec("flows"))).collect();

        let outcomes = execute(&aws, &actions, false).await;

        for (vpc, outcome) in vpcs.iter().zip(&outcomes) {
            assert_eq!(
                outcome.result,
                FixResult::Created {
                    flow_log_id: format!("fl-{vpc}")
                }
            );
        }
        let calls = seen.lock().unwrap().clone();
        let sizes: Vec<usize> = calls.iter().map(|c| c.2.len()).collect();
        assert_eq!(sizes, [300, 1]);
        assert_eq!(calls[0].1, spec("flows").client_token(&vpcs[..300]));
        assert_eq!(calls[1].1, spec("flows").client_token(&vpcs[300..]));
        assert!(calls.iter().all(|c| c.0 == Some(false)));
        // The call of one VPC carries that VPC's own token, as planned.
        assert_eq!(
            calls[1].1,
            CreateFlowLogParams::new(&vpcs[300], spec("flows")).client_token
        );
    }

    #[tokio::test]
    async fn a_call_that_fails_as_a_whole_fails_each_of_its_vpcs() {
        let create = mock!(Ec2::create_flow_logs)
            .then_error(|| error("InvalidParameterValue", "Invalid value 'x' for LogDestination."));
        let existing = none_exist();
        let aws = mocked(&[&create, &existing]);
        let actions = [action("vpc-1", spec("flows")), action("vpc-2", spec("flows"))];

        let outcomes = execute(&aws, &actions, false).await;

        for outcome in &outcomes {
            assert_eq!(
                outcome.result,
                FixResult::failed("InvalidParameterValue", "Invalid value 'x' for LogDestination.")
            );
        }
        assert_eq!(create.num_calls(), 1);
    }

    #[tokio::test]
    async fn vpcs_with_the_planned_flow_log_are_left_alone() {
        let existing = mock!(Ec2::describe_flow_logs).then_compute_output(|req| {
            let filter = &req.filter()[0];
            assert_eq!(filter.name(), Some("resource-id"));
            assert_eq!(filter.values(), ["vpc-1", "vpc-2"]);
            DescribeFlowLogsOutput::builder()
                .flow_logs(
                    ec2::FlowLog::builder()
                        .flow_log_id("fl-old")
                        .resource_id("vpc-1")
                        .traffic_type(ec2::TrafficType::All)
                        .log_destination_type(ec2::LogDestinationType::S3)
                        .log_destination("arn:aws:s3:::flows")
                        .build(),
                )
                .build()
        });
        let seen = Arc::new(Mutex::new(Vec::new()));
        let create = create_to("flows", &seen)
            .then_output(|| CreateFlowLogsOutput::builder().flow_log_ids("fl-new").build());
        let aws = mocked(&[&create, &existing]);
        let actions = [action("vpc-1", spec("flows")), action("vpc-2", spec("flows"))];

        let outcomes = execute(&aws, &actions, false).await;

        assert_eq!(
            outcomes[0].result,
            FixResult::AlreadyExists {
                flow_log_id: Some("fl-old".into())
            }
        );
        assert_eq!(
            outcomes[1].result,
            FixResult::Created {
                flow_log_id: "fl-new".into()
            }
        );
        assert_eq!(seen.lock().unwrap()[0].2, ["vpc-2"]);
    }
}
