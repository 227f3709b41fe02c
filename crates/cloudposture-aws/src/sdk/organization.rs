//! The organization over the SDK: its accounts (organizations:ListAccounts, every page)
//! and a collector per member account whose credentials come from `sts:AssumeRole` of a
//! role in it ([`SdkAccounts`], the [`Accounts`] of [`crate::collect_accounts`]).
//!
//! A member's credentials are `aws-config`'s [`AssumeRoleProvider`], so the SDK caches
//! them and assumes the role again before they expire, however long the scan. Members
//! reuse the caller's configuration: its HTTP client (one connection pool for every
//! account), endpoint, retries and timeouts.

use std::sync::Arc;

use async_trait::async_trait;
use aws_config::Region;
use aws_config::sts::AssumeRoleProvider;
use aws_sdk_sts::config::SharedCredentialsProvider;
use cloudposture_core::{CollectError, ErrorClass};

use super::{SdkCollector, pages};
use crate::accounts::{Accounts, Opened, OrgAccount};
use crate::collector::{AccountApi, Fetched, RegionList};

/// The role assumed in each member account.
pub const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// The session name of the assumed roles (what CloudTrail shows).
pub const DEFAULT_SESSION_NAME: &str = "cloudposture";

/// Largest page of ListAccounts.
const ACCOUNTS_PAGE_SIZE: i32 = 20;

/// How the role of each member account is assumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleOptions {
    /// The role's name (the same in every account), e.g. [`DEFAULT_ROLE_NAME`].
    pub role_name: String,
    /// The external id the role's trust policy asks for, if any.
    pub external_id: Option<String>,
    /// The role session name, 2 to 64 characters of `[\w+=,.@-]`.
    pub session_name: String,
}

impl Default for RoleOptions {
    fn default() -> Self {
        RoleOptions {
            role_name: DEFAULT_ROLE_NAME.into(),
            external_id: None,
            session_name: DEFAULT_SESSION_NAME.into(),
        }
    }
}

/// The caller's organization over the SDK: [`SdkCollector`] for the caller's account,
/// one per member account through its role.
#[derive(Debug, Clone)]
pub struct SdkAccounts {
    base: SdkCollector,
    role: RoleOptions,
}

impl SdkAccounts {
    /// The organization of `base`'s credentials, members read through `role`.
    pub fn new(base: SdkCollector, role: RoleOptions) -> Self {
        SdkAccounts { base, role }
    }

    /// The ARN of the role in `account`.
    pub fn role_arn(&self, account: &str) -> String {
        let partition = crate::partition_of(self.base.home_region());
        format!("arn:{partition}:iam::{account}:role/{}", self.role.role_name)
    }

    fn organizations_client(&self) -> aws_sdk_organizations::Client {
        let config = self.base.sdk_config();
        let builder = aws_sdk_organizations::config::Builder::from(config)
            .region(Region::new(self.base.home_region().to_string()));
        // No `CompleteAnswer`: it checks XML answers; Organizations answers JSON, which
        // does not parse when cut short.
        aws_sdk_organizations::Client::from_conf(builder.build())
    }
}

#[async_trait]
impl Accounts for SdkAccounts {
    async fn caller_account(&self) -> Result<String, CollectError> {
        self.base.caller_account().await
    }

    async fn organization_accounts(&self) -> Result<Fetched<OrgAccount>, CollectError> {
        let client = self.organizations_client();
        pages(
            "ListAccounts",
            |token| {
                client
                    .list_accounts()
                    .max_results(ACCOUNTS_PAGE_SIZE)
                    .set_next_token(token)
                    .send()
            },
            |page| {
                let next = page.next_token.clone();
                let accounts = page
                    .accounts
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|a| {
                        // `State` replaced `Status` (retired in 2026); an answer with only
                        // `Status` still says whether the account is active.
                        let state = a
                            .state
                            .map(|s| s.as_str().to_string())
                            .or_else(|| a.status.map(|s| s.as_str().to_string()));
                        Some(OrgAccount {
                            id: a.id?,
                            name: a.name,
                            state,
                        })
                    })
                    .collect();
                (accounts, next)
            },
        )
        .await
    }

    fn own(&self) -> Opened {
        Opened {
            api: Arc::new(self.base.clone()),
            listers: self.base.listers(),
        }
    }

    async fn member(&self, account: &str) -> Result<Opened, CollectError> {
        let role_arn = self.role_arn(account);
        let mut provider = AssumeRoleProvider::builder(role_arn.clone())
            .session_name(self.role.session_name.clone())
            .configure(self.base.sdk_config());
        if let Some(id) = &self.role.external_id {
            provider = provider.external_id(id.clone());
        }
        let provider = provider.build().await;
        let config = self
            .base
            .sdk_config()
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
        let member = self.base.for_account(config, account);
        Ok(Opened {
            api: Arc::new(Member {
                collector: member.clone(),
                role_arn,
            }),
            listers: member.listers(),
        })
    }
}

/// A member account's calls: a credentials failure is the role that could not be assumed.
struct Member {
    collector: SdkCollector,
    role_arn: String,
}

#[async_trait]
impl AccountApi for Member {
    async fn caller_account(&self) -> Result<String, CollectError> {
        self.collector.caller_account().await.map_err(|mut e| {
            if e.class == ErrorClass::NoCredentials {
                // `AssumeRole of arn:aws:iam::…:role/… access denied (AccessDenied: …)`.
                e.operation = format!("AssumeRole of {}", self.role_arn);
                e.class = super::classify::class_of_code(e.code.as_deref(), None);
                if e.class == ErrorClass::Other && e.code.is_none() {
                    e.class = ErrorClass::NoCredentials;
                }
                if let Some(rest) = e.message.strip_prefix("sts:AssumeRole was refused: ") {
                    e.message = rest.to_string();
                }
            }
            e
        })
    }

    async fn regions(&self) -> Result<RegionList, CollectError> {
        self.collector.regions().await
    }
}
