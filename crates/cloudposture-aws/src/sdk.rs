//! The aws-sdk-ec2 backed collector: [`SdkCollector`] implements [`AccountApi`] and,
//! in each kind's file, [`Lister`](crate::Lister) over the real AWS APIs.
//!
//! It loads the configuration once (`aws-config`: environment, profiles, SSO, assumed
//! roles, IMDS, `AWS_ENDPOINT_URL`), creates one EC2 client per region on first use and
//! caches it, and every client shares one HTTP client (one connection pool). Listings read
//! every page at the maximum page size and count one API call per page; retries (standard
//! mode with backoff) are not counted. A 2xx answer whose XML document is cut short is an
//! error, retried like a transport failure ([`IncompleteAnswer`]), never a shorter list.
//! Failures are classified into [`ErrorClass`] with the AWS error code and message kept.
//!
//! ```no_run
//! # async fn scan() -> Result<(), cloudposture_aws::CollectFailure> {
//! use cloudposture_aws::sdk::{SdkCollector, SdkOptions};
//! use cloudposture_aws::{CollectOptions, NoProgress, collect, kinds};
//!
//! let aws = SdkCollector::new(SdkOptions::default()).await;
//! let options = CollectOptions::new([kinds::VPC, kinds::FLOW_LOG]);
//! let inventory = collect(&aws, &aws.listers(), &options, &NoProgress).await?;
//! println!("{} regions scanned", inventory.scopes.len());
//! # Ok(())
//! # }
//! ```
//!
//! [`ErrorClass`]: crate::ErrorClass

mod classify;
mod complete_body;
pub mod fix;
pub mod organization;
mod pages;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::types::{self as ec2, Filter};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use cloudposture_core::{CollectError, Tags};
use jiff::Timestamp;

use crate::collector::{AccountApi, Listers, RegionList};
use complete_body::CompleteAnswer;

/// The EC2 SDK this adapter is built on, for listers of kinds outside this crate.
pub use aws_sdk_ec2;
pub use classify::classify;
pub use complete_body::IncompleteAnswer;
pub use organization::{DEFAULT_ROLE_NAME, DEFAULT_SESSION_NAME, RoleOptions, SdkAccounts};
pub use pages::{MAX_PAGES, in_chunks, pages};

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

/// The collector over the real AWS SDK: implements [`AccountApi`] and the listers of
/// every built-in kind ([`SdkCollector::listers`]).
///
/// Cheap to clone and share across regions: clones share one set of clients, created
/// once per region and cached, all over the same HTTP client.
#[derive(Clone)]
pub struct SdkCollector {
    inner: Arc<Shared>,
}

struct Shared {
    config: SdkConfig,
    home_region: String,
    ec2_clients: Mutex<HashMap<String, aws_sdk_ec2::Client>>,
    sts_client: OnceLock<aws_sdk_sts::Client>,
    ec2_customizer: Option<Ec2Customizer>,
    sts_customizer: Option<StsCustomizer>,
    /// The caller's account once known: DescribeFlowLogs lists only the account's own flow
    /// logs but does not name the account.
    account: OnceLock<String>,
    /// The account whose clients get retry partitions of their own (a member account of
    /// a multi-account scan), so that its throttling does not slow the other accounts.
    partition: Option<String>,
}

impl std::fmt::Debug for SdkCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SdkCollector")
            .field("home_region", &self.inner.home_region)
            .field("endpoint_url", &self.inner.config.endpoint_url())
            .field("account", &self.inner.account.get())
            .finish_non_exhaustive()
    }
}

impl SdkCollector {
    /// Loads the AWS configuration once, as `options` say.
    ///
    /// Loading does not call AWS: missing or wrong credentials show up as errors of the
    /// first calls (recorded by [`crate::collect()`]), not here.
    pub async fn new(options: SdkOptions) -> SdkCollector {
        // Adaptive: throttling also slows the client's own sending rate (per retry partition).
        let retry = RetryConfig::adaptive().with_max_attempts(options.max_attempts.max(1));
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
            inner: Arc::new(Shared {
                config,
                home_region,
                ec2_clients: Mutex::new(HashMap::new()),
                sts_client: OnceLock::new(),
                ec2_customizer: None,
                sts_customizer: None,
                account: OnceLock::new(),
                partition: None,
            }),
        }
    }

    /// A collector over `config` (another account's credentials) with this one's client
    /// customizations; `config` keeps its HTTP client, which [`SdkCollector::sdk_config`]
    /// gives, so that every account shares one connection pool.
    pub fn with_config(&self, config: SdkConfig) -> SdkCollector {
        let mut other = SdkCollector::from_sdk_config(&config);
        if let Some(shared) = Arc::get_mut(&mut other.inner) {
            shared.ec2_customizer = self.inner.ec2_customizer.clone();
            shared.sts_customizer = self.inner.sts_customizer.clone();
            shared.home_region = self.inner.home_region.clone();
        }
        other
    }

    /// [`SdkCollector::with_config`] for the account `account`, whose clients retry (and,
    /// with adaptive retries, slow down) on their own: the SDK shares one retry token
    /// bucket and rate limiter per service and region in the process by default, so one
    /// throttled account would hold back every other account in that region.
    pub fn for_account(&self, config: SdkConfig, account: &str) -> SdkCollector {
        let mut other = self.with_config(config);
        if let Some(shared) = Arc::get_mut(&mut other.inner) {
            shared.partition = Some(account.to_string());
        }
        other
    }

    /// The listers of every built-in kind, over this collector's clients.
    pub fn listers(&self) -> Listers {
        crate::kinds::sdk_listers(self)
    }

    /// This collector's state to change before it is shared: its own if not yet cloned,
    /// else a copy of its settings with empty caches.
    fn unshared(self) -> Shared {
        Arc::try_unwrap(self.inner).unwrap_or_else(|shared| Shared {
            config: shared.config.clone(),
            home_region: shared.home_region.clone(),
            ec2_clients: Mutex::new(HashMap::new()),
            sts_client: OnceLock::new(),
            ec2_customizer: shared.ec2_customizer.clone(),
            sts_customizer: shared.sts_customizer.clone(),
            account: OnceLock::new(),
            partition: shared.partition.clone(),
        })
    }

    /// Adjusts the configuration of every EC2 client before it is built, e.g. to add an
    /// interceptor (request counting, `aws-smithy-mocks`) or change retries for one service.
    pub fn with_ec2_config(
        self,
        customize: impl Fn(aws_sdk_ec2::config::Builder) -> aws_sdk_ec2::config::Builder + Send + Sync + 'static,
    ) -> Self {
        let mut shared = self.unshared();
        shared.ec2_customizer = Some(Arc::new(customize));
        shared
            .ec2_clients
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        SdkCollector {
            inner: Arc::new(shared),
        }
    }

    /// Adjusts the configuration of the STS client before it is built (see
    /// [`SdkCollector::with_ec2_config`]).
    pub fn with_sts_config(
        self,
        customize: impl Fn(aws_sdk_sts::config::Builder) -> aws_sdk_sts::config::Builder + Send + Sync + 'static,
    ) -> Self {
        let mut shared = self.unshared();
        shared.sts_customizer = Some(Arc::new(customize));
        shared.sts_client = OnceLock::new();
        SdkCollector {
            inner: Arc::new(shared),
        }
    }

    /// The region of account-level calls (GetCallerIdentity, DescribeRegions).
    pub fn home_region(&self) -> &str {
        &self.inner.home_region
    }

    /// The loaded configuration.
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.inner.config
    }

    /// The EC2 client of `region`, created on first use and cached.
    pub fn ec2_client(&self, region: &str) -> aws_sdk_ec2::Client {
        let shared = &*self.inner;
        let mut clients = shared.ec2_clients.lock().unwrap_or_else(PoisonError::into_inner);
        clients
            .entry(region.to_string())
            .or_insert_with(|| {
                let mut builder = aws_sdk_ec2::config::Builder::from(&shared.config)
                    .region(Region::new(region.to_string()));
                if let Some(account) = &shared.partition {
                    builder = builder.retry_partition(aws_sdk_ec2::config::retry::RetryPartition::new(
                        format!("ec2-{region}-{account}"),
                    ));
                }
                let builder = match &shared.ec2_customizer {
                    Some(customize) => customize(builder),
                    None => builder,
                };
                // After the customizer, so that no configuration goes without it.
                aws_sdk_ec2::Client::from_conf(builder.interceptor(CompleteAnswer).build())
            })
            .clone()
    }

    fn sts_client(&self) -> &aws_sdk_sts::Client {
        let shared = &*self.inner;
        shared.sts_client.get_or_init(|| {
            let mut builder = aws_sdk_sts::config::Builder::from(&shared.config)
                .region(Region::new(shared.home_region.clone()));
            if let Some(account) = &shared.partition {
                builder = builder.retry_partition(aws_sdk_sts::config::retry::RetryPartition::new(format!(
                    "sts-{}-{account}",
                    shared.home_region
                )));
            }
            let builder = match &shared.sts_customizer {
                Some(customize) => customize(builder),
                None => builder,
            };
            aws_sdk_sts::Client::from_conf(builder.interceptor(CompleteAnswer).build())
        })
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

/// An EC2 filter on `name` with these values.
pub(crate) fn id_filter(name: &str, ids: &[String]) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(ids.to_vec()))
        .build()
}

/// EC2 tags as model tags (a tag without a key is dropped).
pub(crate) fn tags(tags: Option<Vec<ec2::Tag>>) -> Tags {
    tags.unwrap_or_default()
        .into_iter()
        .filter_map(|t| Some((t.key?, t.value.unwrap_or_default())))
        .collect()
}

/// An SDK time as a timestamp.
pub(crate) fn timestamp(t: &aws_smithy_types::DateTime) -> Option<Timestamp> {
    Timestamp::new(t.secs(), i32::try_from(t.subsec_nanos()).ok()?).ok()
}

/// `None` for an empty string, as AWS sends some absent values.
pub(crate) fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

/// `OptInStatus` of an opt-in region the account has not enabled.
const NOT_OPTED_IN: &str = "not-opted-in";

fn region_list(regions: Vec<ec2::Region>) -> RegionList {
    let mut list = RegionList::default();
    for region in regions {
        let Some(name) = region.region_name else { continue };
        if region.opt_in_status.as_deref() == Some(NOT_OPTED_IN) {
            list.not_enabled.push(name);
        } else {
            list.enabled.push(name);
        }
    }
    list.enabled.sort();
    list.not_enabled.sort();
    list
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
        let _ = self.inner.account.set(account.clone());
        Ok(account)
    }

    async fn regions(&self) -> Result<RegionList, CollectError> {
        let out = self
            .ec2_client(&self.inner.home_region)
            .describe_regions()
            .all_regions(true)
            .send()
            .await
            .map_err(|e| classify("DescribeRegions", &e, 1))?;
        Ok(region_list(out.regions.unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_split_on_opt_in_status() {
        let region = |name: &str, status: &str| {
            ec2::Region::builder()
                .region_name(name)
                .opt_in_status(status)
                .build()
        };
        let list = region_list(vec![
            region("us-east-1", "opt-in-not-required"),
            region("af-south-1", "not-opted-in"),
            region("ap-east-1", "opted-in"),
        ]);
        assert_eq!(list.enabled, ["ap-east-1", "us-east-1"]);
        assert_eq!(list.not_enabled, ["af-south-1"]);
    }
}
