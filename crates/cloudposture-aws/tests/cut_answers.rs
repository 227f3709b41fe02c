//! A 200 answer whose XML body is cut short (with a matching Content-Length, so the
//! transport sees nothing wrong) is retried, then an error of its listing: never fewer
//! VPCs, flow logs or regions. The answers come from a local HTTP endpoint (a
//! `TcpListener` in a thread) through the SDK's real HTTP client and XML decoder.

#![cfg(feature = "sdk")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::config::{Credentials, SharedCredentialsProvider};
use cloudposture_aws::sdk::SdkCollector;
use cloudposture_aws::{
    AccountApi, CollectFailure, CollectOptions, ErrorClass, FlowLogs, NoProgress, RegionScope, Vpcs, collect,
    kinds,
};
use cloudposture_core::{CollectError, Inventory, KindState};

const ACCOUNT: &str = "111122223333";
const REGION: &str = "eu-west-1";
const ATTEMPTS: u32 = 3;

/// What the endpoint answers to the `n`th request (from 0) of an action: a 200 body.
type Answers = dyn Fn(&str, usize) -> Vec<u8> + Send + Sync;

/// A local EC2/STS endpoint that answers 200 with `answer(action, n)` and a matching
/// Content-Length, and records the action of every request.
struct Endpoint {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Endpoint {
    fn new(answer: impl Fn(&str, usize) -> Vec<u8> + Send + Sync + 'static) -> Endpoint {
        let answer: Arc<Answers> = Arc::new(answer);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let mut reader = BufReader::new(stream);
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut form = vec![0; length];
                let _ = reader.read_exact(&mut form);
                let form = String::from_utf8_lossy(&form).into_owned();
                let action = form
                    .split('&')
                    .find_map(|p| p.strip_prefix("Action="))
                    .unwrap_or_default()
                    .to_string();
                let n = {
                    let mut seen = seen.lock().unwrap();
                    seen.push(action.clone());
                    seen.iter().filter(|a| **a == action).count() - 1
                };
                let body = answer(&action, n);
                let mut stream = reader.into_inner();
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/xml;charset=UTF-8\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            }
        });
        Endpoint { url, requests }
    }

    /// Requests of `action` so far, retries included.
    fn requests(&self, action: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|a| *a == action)
            .count()
    }

    /// A collector over this endpoint, with `ATTEMPTS` attempts per call and fast
    /// retries; built with (no-op) customizers, which must not drop the check.
    fn collector(&self) -> SdkCollector {
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&self.url)
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKIDTEST", "SECRET", None, None, "test",
            )))
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(ATTEMPTS)
                    .with_initial_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(5)),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(Duration::from_secs(20))
                    .build(),
            )
            .build();
        SdkCollector::from_sdk_config(&config)
            .with_ec2_config(|b| b)
            .with_sts_config(|b| b)
    }
}

fn vpcs_xml(count: usize) -> String {
    let items: String = (0..count)
        .map(|i| {
            format!(
                "<item><vpcId>vpc-{i:05}</vpcId><ownerId>{ACCOUNT}</ownerId><state>available</state>\
                 <cidrBlock>10.0.0.0/16</cidrBlock><isDefault>false</isDefault></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeVpcsResponse \
         xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n<requestId>r-1</requestId>\n\
         <vpcSet>{items}</vpcSet>\n</DescribeVpcsResponse>"
    )
}

fn flow_logs_xml(count: usize) -> String {
    let items: String = (0..count)
        .map(|i| {
            format!(
                "<item><flowLogId>fl-{i:05}</flowLogId><resourceId>vpc-{i:05}</resourceId>\
                 <trafficType>ALL</trafficType><flowLogStatus>ACTIVE</flowLogStatus>\
                 <deliverLogsStatus>SUCCESS</deliverLogsStatus><logDestinationType>s3</logDestinationType>\
                 <logDestination>arn:aws:s3:::flows</logDestination></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeFlowLogsResponse \
         xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n<requestId>r-2</requestId>\n\
         <flowLogSet>{items}</flowLogSet>\n</DescribeFlowLogsResponse>"
    )
}

fn regions_xml(names: &[&str]) -> String {
    let items: String = names
        .iter()
        .map(|n| {
            format!(
                "<item><regionName>{n}</regionName><regionEndpoint>ec2.{n}.amazonaws.com</regionEndpoint>\
                 <optInStatus>opt-in-not-required</optInStatus></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeRegionsResponse \
         xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n<requestId>r-3</requestId>\n\
         <regionInfo>{items}</regionInfo>\n</DescribeRegionsResponse>"
    )
}

fn identity_xml() -> String {
    format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <GetCallerIdentityResult><Arn>arn:aws:iam::{ACCOUNT}:user/audit</Arn><UserId>AIDA0</UserId>\
         <Account>{ACCOUNT}</Account></GetCallerIdentityResult>\
         <ResponseMetadata><RequestId>r-4</RequestId></ResponseMetadata></GetCallerIdentityResponse>\n"
    )
}

/// The first half of `xml`.
fn half(xml: &str) -> Vec<u8> {
    xml.as_bytes()[..xml.len() / 2].to_vec()
}

/// Complete answers: `vpcs` VPCs, a flow log on each, regions `REGION` and `us-east-1`.
fn complete(action: &str, vpcs: usize) -> Vec<u8> {
    match action {
        "GetCallerIdentity" => identity_xml(),
        "DescribeRegions" => regions_xml(&["us-east-1", REGION]),
        "DescribeVpcs" => vpcs_xml(vpcs),
        "DescribeFlowLogs" => flow_logs_xml(vpcs),
        other => panic!("unexpected action {other}"),
    }
    .into_bytes()
}

/// `collect()` of VPCs and flow logs in `REGION`.
async fn collect_region(aws: &SdkCollector) -> Inventory {
    let mut options = CollectOptions::new([kinds::VPC, kinds::FLOW_LOG]);
    options.regions = RegionScope::Only(vec![REGION.to_string()]);
    collect(aws, &aws.listers(), &options, &NoProgress).await.unwrap()
}

/// The error of kind `K` in `REGION`, which must have failed.
fn failed<K: cloudposture_core::Kind>(inventory: &Inventory) -> CollectError {
    let region = inventory.region(REGION).unwrap();
    match region.get::<K>() {
        KindState::Failed(e) => e.clone(),
        KindState::Listed(items) => panic!("listed {} items instead of failing", items.len()),
        KindState::NotCollected => panic!("not collected"),
    }
}

#[tokio::test]
async fn vpcs_cut_at_half_are_retried_then_an_error_never_fewer_vpcs() {
    let endpoint = Endpoint::new(|action, _| match action {
        "DescribeVpcs" => half(&vpcs_xml(600)),
        other => complete(other, 600),
    });
    let inventory = collect_region(&endpoint.collector()).await;

    let error = failed::<Vpcs>(&inventory);
    assert_eq!(endpoint.requests("DescribeVpcs"), ATTEMPTS as usize, "retried");
    assert_eq!(error.class, ErrorClass::Other);
    assert_eq!(error.api_calls, 1, "one page, its retries not counted");
    let len = vpcs_xml(600).len() / 2;
    let grouped = format!("{},{:03}", len / 1000, len % 1000);
    assert_eq!(
        error.to_string(),
        format!(
            "DescribeVpcs failed (the answer was cut short: {grouped} bytes, no closing </DescribeVpcsResponse>)"
        )
    );
    // The region is an error, not `ok` with fewer VPCs.
    let status = inventory
        .region_statuses()
        .into_iter()
        .find(|s| s.name == REGION)
        .unwrap();
    assert!(status.error.is_some(), "{status:?}");
    let region = inventory.region(REGION).unwrap();
    assert!(matches!(region.get::<FlowLogs>(), KindState::Listed(logs) if logs.len() == 600));
}

#[tokio::test]
async fn a_cut_answer_that_comes_whole_on_the_retry_lists_every_vpc() {
    let endpoint = Endpoint::new(|action, n| match (action, n) {
        ("DescribeVpcs", 0) => half(&vpcs_xml(600)),
        (other, _) => complete(other, 600),
    });
    let inventory = collect_region(&endpoint.collector()).await;

    let region = inventory.region(REGION).unwrap();
    assert_eq!(region.errors().count(), 0, "{region:?}");
    let KindState::Listed(vpcs) = region.get::<Vpcs>() else {
        panic!("{region:?}")
    };
    assert_eq!(vpcs.len(), 600);
    assert!(vpcs.iter().all(|v| v.id.starts_with("vpc-")));
    assert_eq!(endpoint.requests("DescribeVpcs"), 2);
    assert_eq!(region.api_calls, 2, "one page each, the retry not counted");
}

#[tokio::test]
async fn cut_flow_logs_are_an_error_not_vpcs_without_flow_logs() {
    let endpoint = Endpoint::new(|action, _| match action {
        "DescribeFlowLogs" => half(&flow_logs_xml(600)),
        other => complete(other, 600),
    });
    let inventory = collect_region(&endpoint.collector()).await;

    let error = failed::<FlowLogs>(&inventory);
    assert_eq!(endpoint.requests("DescribeFlowLogs"), ATTEMPTS as usize);
    assert!(
        error
            .to_string()
            .starts_with("DescribeFlowLogs failed (the answer was cut short: "),
        "{error}"
    );
    assert!(
        error.message.ends_with("no closing </DescribeFlowLogsResponse>"),
        "{error}"
    );
}

#[tokio::test]
async fn a_cut_region_list_fails_the_scan_instead_of_dropping_regions() {
    let all: Vec<String> = (0..16).map(|i| format!("xx-region-{i}")).collect();
    let names: Vec<&str> = all.iter().map(String::as_str).collect();
    let regions = regions_xml(&names);
    let endpoint = Endpoint::new(move |action, _| match action {
        "DescribeRegions" => half(&regions),
        other => complete(other, 1),
    });
    let aws = endpoint.collector();
    let options = CollectOptions::new([kinds::VPC]);
    let failure = collect(&aws, &aws.listers(), &options, &NoProgress)
        .await
        .unwrap_err();

    let CollectFailure::Regions(error) = failure else {
        panic!("expected a region-list failure: {failure}")
    };
    assert_eq!(error.operation, "DescribeRegions");
    assert!(
        error.message.ends_with("no closing </DescribeRegionsResponse>"),
        "{error}"
    );
    assert_eq!(endpoint.requests("DescribeRegions"), ATTEMPTS as usize);
    assert_eq!(endpoint.requests("DescribeVpcs"), 0, "nothing scanned");
}

#[tokio::test]
async fn a_cut_caller_identity_is_an_error() {
    let endpoint = Endpoint::new(|action, _| match action {
        "GetCallerIdentity" => half(&identity_xml()),
        other => complete(other, 1),
    });
    let error = endpoint.collector().caller_account().await.unwrap_err();
    assert_eq!(endpoint.requests("GetCallerIdentity"), ATTEMPTS as usize);
    assert_eq!(error.class, ErrorClass::Other);
    assert!(
        error
            .to_string()
            .starts_with("GetCallerIdentity failed (the answer was cut short: "),
        "{error}"
    );
    assert!(
        error.message.ends_with("no closing </GetCallerIdentityResponse>"),
        "{error}"
    );
}

#[tokio::test]
async fn complete_answers_pass_untouched() {
    let endpoint = Endpoint::new(|action, _| complete(action, 600));
    let aws = endpoint.collector();
    assert_eq!(aws.caller_account().await.unwrap(), ACCOUNT);
    let regions = aws.regions().await.unwrap();
    assert_eq!(regions.enabled, ["eu-west-1", "us-east-1"]);
    let inventory = collect_region(&aws).await;
    let region = inventory.region(REGION).unwrap();
    assert_eq!(region.errors().count(), 0, "{region:?}");
    assert_eq!(region.count(kinds::VPC), 600);
    assert_eq!(region.count(kinds::FLOW_LOG), 600);
    assert_eq!(endpoint.requests("DescribeVpcs"), 1, "no retry");
}

#[tokio::test]
async fn a_200_that_is_not_xml_is_an_error_in_words() {
    let endpoint = Endpoint::new(|action, _| match action {
        "DescribeVpcs" => b"<!DOCTYPE html>\n<html><body>Service Unavailable</body></html>".to_vec(),
        other => complete(other, 1),
    });
    let inventory = collect_region(&endpoint.collector()).await;

    let error = failed::<Vpcs>(&inventory);
    assert_eq!(endpoint.requests("DescribeVpcs"), ATTEMPTS as usize);
    assert_eq!(
        error.to_string(),
        "DescribeVpcs failed (the answer was not an XML document: 61 bytes, starting \
         \"<!DOCTYPE html> <html><body>Service Unav\")"
    );
}

#[tokio::test]
async fn an_empty_200_is_an_error_in_words() {
    let endpoint = Endpoint::new(|action, _| match action {
        "DescribeVpcs" => Vec::new(),
        other => complete(other, 1),
    });
    let inventory = collect_region(&endpoint.collector()).await;

    let error = failed::<Vpcs>(&inventory);
    assert_eq!(endpoint.requests("DescribeVpcs"), ATTEMPTS as usize);
    assert_eq!(
        error.to_string(),
        "DescribeVpcs failed (the answer was empty: no XML document)"
    );
}
