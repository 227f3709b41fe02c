//! The aws-sdk-ec2 backed collector: [`SdkCollector`] implements [`AccountApi`] and
//! [`Ec2Api`] over the real AWS APIs.
//!
//! It loads the configuration once (`aws-config`: environment, profiles, SSO, assumed
//! roles, IMDS, `AWS_ENDPOINT_URL`), creates one EC2 client per region on first use and
//! caches it, and every client shares one HTTP client (one connection pool). Listings read
//! every page at the maximum page size and count one API call per page; retries (standard
//! mode with backoff) are not counted. Failures are classified into [`ErrorClass`] with
//! the AWS error code and message kept.
//!
//! ```no_run
//! # async fn scan() -> Result<(), cloudposture_aws::CollectError> {
//! use cloudposture_aws::sdk::{SdkCollector, SdkOptions};
//! use cloudposture_aws::{CollectOptions, NoProgress, collect, kinds};
//!
//! let aws = SdkCollector::new(SdkOptions::default()).await;
//! let options = CollectOptions::new([kinds::VPC, kinds::FLOW_LOG]);
//! let inventory = collect(&aws, &aws, &options, &NoProgress).await?;
//! println!("{} regions scanned", inventory.regions.len());
//! # Ok(())
//! # }
//! ```
//!
//! [`ErrorClass`]: crate::ErrorClass

mod classify;
mod convert;
pub mod fix;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::types::Filter;
use aws_smithy_runtime_api::client::http::SharedHttpClient;

use crate::collector::{AccountApi, Ec2Api, Listed, RegionList};
use crate::error::CollectError;
use crate::model::{FlowLog, NetworkInterface, Subnet, Vpc};

pub use classify::classify;

/// Region used for account-level calls when neither the options nor the configuration name one.
pub const DEFAULT_HOME_REGION: &str = "us-east-1";

/// Largest page DescribeVpcs, DescribeFlowLogs, DescribeSubnets and
/// DescribeNetworkInterfaces accept.
pub const MAX_PAGE_SIZE: i32 = 1000;

/// Ids per DescribeSubnets / DescribeNetworkInterfaces call (EC2 accepts up to 200 values
/// per filter).
pub const IDS_PER_CALL: usize = 200;

/// How [`SdkCollector::new`] loads the AWS configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkOptions {
    /// Named profile; `None` uses the default chain (environment, `AWS_PROFILE` or the
    /// default profile, SSO, assumed roles, container and instance metadata).
    pub profile: Option<String>,
    /// Endpoint for every service (e.g. an emulator); `None` honours `AWS_ENDPOINT_URL`
    /// and the configuration files.
    pub endpoint_url: Option<String>,
    /// Region for STS GetCallerIdentity and DescribeRegions; `None` uses the configured
    /// region, else [`DEFAULT_HOME_REGION`].
    pub home_region: Option<String>,
    /// Attempts per call in standard retry mode (exponential backoff with jitter),
    /// the first attempt included. `0` is taken as `1`.
    pub max_attempts: u32,
    /// Time allowed to establish a connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole operation, retries included.
    pub operation_timeout: Duration,
}

impl Default for SdkOptions {
    fn default() -> Self {
        SdkOptions {
            profile: None,
            endpoint_url: None,
            home_region: None,
            max_attempts: 5,
            connect_timeout: Duration::from_secs(5),
            operation_timeout: Duration::from_secs(60),
        }
    }
}

type Ec2Customizer = Arc<dyn Fn(aws_sdk_ec2::config::Builder) -> aws_sdk_ec2::config::Builder + Send + Sync>;
type StsCustomizer = Arc<dyn Fn(aws_sdk_sts::config::Builder) -> aws_sdk_sts::config::Builder + Send + Sync>;

/// The collector over the real AWS SDK: implements [`AccountApi`] and [`Ec2Api`].
///
/// Cheap to share by reference across regions: clients are created once per region and
/// cached, all over the same HTTP client.
pub struct SdkCollector {
    config: SdkConfig,
    home_region: String,
    ec2_clients: Mutex<HashMap<String, aws_sdk_ec2::Client>>,
    sts_client: OnceLock<aws_sdk_sts::Client>,
    ec2_customizer: Option<Ec2Customizer>,
    sts_customizer: Option<StsCustomizer>,
    /// The caller's account once known: DescribeFlowLogs lists only the account's own flow
    /// logs but does not name the account.
    account: OnceLock<String>,
}

impl std::fmt::Debug for SdkCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SdkCollector")
            .field("home_region", &self.home_region)
            .field("endpoint_url", &self.config.endpoint_url())
            .field("account", &self.account.get())
            .finish_non_exhaustive()
    }
}

impl SdkCollector {
    /// Loads the AWS configuration once, as `options` say.
    ///
    /// Loading does not call AWS: missing or wrong credentials show up as errors of the
    /// first calls (recorded by [`crate::collect()`]), not here.
    pub async fn new(options: SdkOptions) -> SdkCollector {
        let retry = RetryConfig::standard().with_max_attempts(options.max_attempts.max(1));
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(options.connect_timeout)
            .operation_timeout(options.operation_timeout)
            .build();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(default_http_client())
            .retry_config(retry)
            .timeout_config(timeouts);
        if let Some(profile) = options.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(endpoint) = options.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        if let Some(region) = options.home_region {
            loader = loader.region(Region::new(region));
        }
        SdkCollector::from_sdk_config(&loader.load().await)
    }

    /// A collector over an already loaded configuration: its credentials, endpoint,
    /// retry and timeout settings and HTTP client (e.g. a mock one in tests). The home
    /// region is the configuration's region, else [`DEFAULT_HOME_REGION`]. A configuration
    /// without an HTTP client gets the SDK's default one, shared by every regional client.
    pub fn from_sdk_config(config: &SdkConfig) -> SdkCollector {
        let config = if config.http_client().is_some() {
            config.clone()
        } else {
            config.to_builder().http_client(default_http_client()).build()
        };
        let home_region = config
            .region()
            .map_or_else(|| DEFAULT_HOME_REGION.to_string(), |r| r.as_ref().to_string());
        SdkCollector {
            config,
            home_region,
            ec2_clients: Mutex::new(HashMap::new()),
            sts_client: OnceLock::new(),
            ec2_customizer: None,
            sts_customizer: None,
            account: OnceLock::new(),
        }
    }

    /// Adjusts the configuration of every EC2 client before it is built, e.g. to add an
    /// interceptor (request counting, `aws-smithy-mocks`) or change retries for one service.
    pub fn with_ec2_config(
        mut self,
        customize: impl Fn(aws_sdk_ec2::config::Builder) -> aws_sdk_ec2::config::Builder + Send + Sync + 'static,
    ) -> Self {
        self.ec2_customizer = Some(Arc::new(customize));
        self.ec2_clients
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self
    }

    /// Adjusts the configuration of the STS client before it is built (see
    /// [`SdkCollector::with_ec2_config`]).
    pub fn with_sts_config(
        mut self,
        customize: impl Fn(aws_sdk_sts::config::Builder) -> aws_sdk_sts::config::Builder + Send + Sync + 'static,
    ) -> Self {
        self.sts_customizer = Some(Arc::new(customize));
        self.sts_client = OnceLock::new();
        self
    }

    /// The region of account-level calls (GetCallerIdentity, DescribeRegions).
    pub fn home_region(&self) -> &str {
        &self.home_region
    }

    /// The loaded configuration.
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.config
    }

    /// The EC2 client of `region`, created on first use and cached.
    pub fn ec2_client(&self, region: &str) -> aws_sdk_ec2::Client {
        let mut clients = self.ec2_clients.lock().unwrap_or_else(PoisonError::into_inner);
        clients
            .entry(region.to_string())
            .or_insert_with(|| {
                let builder =
                    aws_sdk_ec2::config::Builder::from(&self.config).region(Region::new(region.to_string()));
                let builder = match &self.ec2_customizer {
                    Some(customize) => customize(builder),
                    None => builder,
                };
                aws_sdk_ec2::Client::from_conf(builder.build())
            })
            .clone()
    }

    fn sts_client(&self) -> &aws_sdk_sts::Client {
        self.sts_client.get_or_init(|| {
            let builder = aws_sdk_sts::config::Builder::from(&self.config)
                .region(Region::new(self.home_region.clone()));
            let builder = match &self.sts_customizer {
                Some(customize) => customize(builder),
                None => builder,
            };
            aws_sdk_sts::Client::from_conf(builder.build())
        })
    }

    fn known_account(&self) -> Option<String> {
        self.account.get().cloned()
    }
}

/// The SDK's default HTTPS client (hyper 1, rustls with aws-lc, proxy settings from the
/// environment), built once so that all clients of a collector share its connection pool.
fn default_http_client() -> SharedHttpClient {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
    use aws_smithy_http_client::{Builder, ConnectorBuilder};

    Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector = ConnectorBuilder::default().tls_provider(Provider::Rustls(CryptoMode::AwsLc));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

/// Reads every page of a paginator, one API call per page; on failure the error counts
/// the pages read plus the failed call.
macro_rules! read_pages {
    ($operation:literal, $pages:expr, $calls:ident, |$page:ident| $items:expr) => {{
        let mut pages = $pages;
        let mut items = Vec::new();
        while let Some(page) = pages.next().await {
            $calls += 1;
            let $page = page.map_err(|e| classify($operation, &e, $calls))?;
            items.extend($items);
        }
        items
    }};
}

fn id_filter(name: &str, ids: &[String]) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(ids.to_vec()))
        .build()
}

#[async_trait]
impl AccountApi for SdkCollector {
    async fn caller_account(&self) -> Result<String, CollectError> {
        let out = self
            .sts_client()
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| classify("GetCallerIdentity", &e, 1))?;
        let account = out.account.unwrap_or_default();
        // A second call (another scan with the same collector) finds the same account.
        let _ = self.account.set(account.clone());
        Ok(account)
    }

    async fn regions(&self) -> Result<RegionList, CollectError> {
        let out = self
            .ec2_client(&self.home_region)
            .describe_regions()
            .all_regions(true)
            .send()
            .await
            .map_err(|e| classify("DescribeRegions", &e, 1))?;
        Ok(convert::region_list(out.regions.unwrap_or_default()))
    }
}

#[async_trait]
impl Ec2Api for SdkCollector {
    async fn vpcs(&self, region: &str) -> Result<Listed<Vpc>, CollectError> {
        let mut calls = 0;
        let pages = self
            .ec2_client(region)
            .describe_vpcs()
            .max_results(MAX_PAGE_SIZE)
            .into_paginator()
            .send();
        let items = read_pages!("DescribeVpcs", pages, calls, |page| {
            page.vpcs
                .unwrap_or_default()
                .into_iter()
                .map(|v| convert::vpc(v, region))
        });
        Ok(Listed::new(items, calls))
    }

    async fn flow_logs(&self, region: &str) -> Result<Listed<FlowLog>, CollectError> {
        let mut calls = 0;
        let account = self.known_account();
        let pages = self
            .ec2_client(region)
            .describe_flow_logs()
            .max_results(MAX_PAGE_SIZE)
            .into_paginator()
            .send();
        let items = read_pages!("DescribeFlowLogs", pages, calls, |page| {
            page.flow_logs
                .unwrap_or_default()
                .into_iter()
                .map(|f| convert::flow_log(f, region, account.as_deref()))
        });
        Ok(Listed::new(items, calls))
    }

    // Subnets and network interfaces are looked up with an id *filter* rather than the ids
    // parameter: an id that no longer exists (deleted since its flow log was listed) is then
    // simply absent instead of failing the whole call with `InvalidSubnetID.NotFound`.
    async fn subnets(&self, region: &str, ids: &[String]) -> Result<Listed<Subnet>, CollectError> {
        let client = self.ec2_client(region);
        let mut calls = 0;
        let mut items = Vec::new();
        for chunk in ids.chunks(IDS_PER_CALL) {
            let pages = client
                .describe_subnets()
                .filters(id_filter("subnet-id", chunk))
                .max_results(MAX_PAGE_SIZE)
                .into_paginator()
                .send();
            items.extend(read_pages!("DescribeSubnets", pages, calls, |page| {
                page.subnets
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| convert::subnet(s, region))
            }));
        }
        Ok(Listed::new(items, calls))
    }

    async fn network_interfaces(
        &self,
        region: &str,
        ids: &[String],
    ) -> Result<Listed<NetworkInterface>, CollectError> {
        let client = self.ec2_client(region);
        let mut calls = 0;
        let mut items = Vec::new();
        for chunk in ids.chunks(IDS_PER_CALL) {
            let pages = client
                .describe_network_interfaces()
                .filters(id_filter("network-interface-id", chunk))
                .max_results(MAX_PAGE_SIZE)
                .into_paginator()
                .send();
            items.extend(read_pages!("DescribeNetworkInterfaces", pages, calls, |page| {
                page.network_interfaces
                    .unwrap_or_default()
                    .into_iter()
                    .map(|n| convert::network_interface(n, region))
            }));
        }
        Ok(Listed::new(items, calls))
    }
}
