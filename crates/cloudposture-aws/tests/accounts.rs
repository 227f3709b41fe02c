//! `collect_accounts()` over a fake organization: which accounts are read, with whose
//! credentials, what is recorded for an account whose role cannot be assumed or that is
//! not active, and the concurrency bounds (the scan's, and each account's).

#![cfg(feature = "sdk")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use cloudposture_aws::accounts::Opened;
use cloudposture_aws::{
    AccountApi, AccountSelection, Accounts, AccountsOptions, CollectError, CollectFailure, CollectOptions,
    ErrorClass, Fetched, ListContext, Lister, Listers, NoProgress, OrgAccount, RegionList, RegionScope, Vpc,
    Vpcs, collect_accounts, collect_accounts_each, kinds,
};
use cloudposture_core::{AccountScanState, AccountState, KindState};

const CALLER: &str = "111111111111";
const MEMBER: &str = "222222222222";
const REFUSED: &str = "333333333333";
const SUSPENDED: &str = "444444444444";
const EXCLUDED: &str = "555555555555";

/// Regions in flight: now, at most, and per account at most.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
    per_account: Mutex<BTreeMap<String, (usize, usize)>>,
}

/// One account's calls: its id, `regions` regions, one VPC per region, each listing
/// taking 20 ms.
struct FakeAccount {
    id: String,
    regions: usize,
    flight: Arc<InFlight>,
}

#[async_trait]
impl AccountApi for FakeAccount {
    async fn caller_account(&self) -> Result<String, CollectError> {
        Ok(self.id.clone())
    }
    async fn regions(&self) -> Result<RegionList, CollectError> {
        Ok(RegionList {
            enabled: (1..=self.regions).map(|i| format!("eu-west-{i}")).collect(),
            not_enabled: vec!["me-central-1".into()],
        })
    }
}

#[async_trait]
impl Lister<Vpcs> for FakeAccount {
    async fn list<'a>(&self, ctx: &ListContext<'a>) -> Result<Fetched<Vpc>, CollectError> {
        let f = &self.flight;
        let now = f.now.fetch_add(1, Ordering::SeqCst) + 1;
        f.max.fetch_max(now, Ordering::SeqCst);
        {
            let mut per = f.per_account.lock().unwrap();
            let entry = per.entry(self.id.clone()).or_default();
            entry.0 += 1;
            entry.1 = entry.1.max(entry.0);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        f.per_account.lock().unwrap().get_mut(&self.id).unwrap().0 -= 1;
        f.now.fetch_sub(1, Ordering::SeqCst);
        assert_eq!(
            ctx.account,
            Some(self.id.as_str()),
            "read with the account's own credentials"
        );
        Ok(Fetched::new(
            vec![Vpc {
                id: format!("vpc-{}", self.id),
                region: ctx.region.into(),
                owner_id: self.id.clone(),
                cidr_blocks: vec!["10.0.0.0/16".into()],
                ipv6_cidr_blocks: vec![],
                is_default: false,
                state: "available".into(),
                tags: Default::default(),
            }],
            1,
        ))
    }
}

struct FakeOrg {
    regions: usize,
    flight: Arc<InFlight>,
    assumed: Mutex<Vec<String>>,
}

impl FakeOrg {
    fn new(regions: usize) -> Self {
        FakeOrg {
            regions,
            flight: Arc::default(),
            assumed: Mutex::default(),
        }
    }

    fn opened(&self, id: &str) -> Opened {
        let account = || FakeAccount {
            id: id.into(),
            regions: self.regions,
            flight: Arc::clone(&self.flight),
        };
        Opened {
            api: Arc::new(account()),
            listers: Listers::new().add::<Vpcs>(account()),
        }
    }
}

#[async_trait]
impl Accounts for FakeOrg {
    async fn caller_account(&self) -> Result<String, CollectError> {
        Ok(CALLER.into())
    }
    async fn organization_accounts(&self) -> Result<Fetched<OrgAccount>, CollectError> {
        let account = |id: &str, state: &str| OrgAccount {
            id: id.into(),
            name: Some(format!("name-{id}")),
            state: Some(state.into()),
        };
        Ok(Fetched::new(
            vec![
                account(MEMBER, "ACTIVE"),
                account(CALLER, "ACTIVE"),
                account(REFUSED, "ACTIVE"),
                account(SUSPENDED, "SUSPENDED"),
                account(EXCLUDED, "ACTIVE"),
            ],
            2,
        ))
    }
    fn own(&self) -> Opened {
        self.opened(CALLER)
    }
    async fn member(&self, account: &str) -> Result<Opened, CollectError> {
        self.assumed.lock().unwrap().push(account.into());
        if account == REFUSED {
            return Err(CollectError::new(
                "AssumeRole",
                ErrorClass::AccessDenied,
                Some("AccessDenied".into()),
                format!(
                    "cannot assume arn:aws:iam::{account}:role/OrganizationAccountAccessRole: not authorized"
                ),
            ));
        }
        Ok(self.opened(account))
    }
}

fn options(regions: RegionScope, concurrency: usize) -> CollectOptions {
    CollectOptions {
        regions,
        kinds: [kinds::VPC.to_string()].into(),
        concurrency,
    }
}

fn organization(exclude: &[&str]) -> AccountsOptions {
    AccountsOptions {
        selection: AccountSelection::Organization,
        exclude: exclude.iter().map(|s| s.to_string()).collect(),
        shard: None,
    }
}

#[tokio::test]
async fn every_account_of_the_organization_is_read_with_its_own_credentials() {
    let org = FakeOrg::new(2);
    let inventory = collect_accounts(
        &org,
        &options(RegionScope::AllEnabled, 8),
        &organization(&[EXCLUDED]),
        &NoProgress,
    )
    .await
    .unwrap();

    assert_eq!(inventory.account.as_deref(), Some(CALLER));
    let states: Vec<(&str, AccountState)> = inventory
        .accounts
        .iter()
        .map(|a| (a.id.as_str(), a.state))
        .collect();
    assert_eq!(
        states,
        [
            (CALLER, AccountState::Scanned),
            (MEMBER, AccountState::Scanned),
            (REFUSED, AccountState::Error),
            (SUSPENDED, AccountState::NotScanned),
        ],
        "the excluded account is left out entirely"
    );
    // The caller's own account is read with the caller's credentials: no role assumed.
    let mut assumed = org.assumed.lock().unwrap().clone();
    assumed.sort();
    assert_eq!(assumed, [MEMBER, REFUSED]);

    let refused = &inventory.accounts[2];
    assert!(
        refused
            .reason
            .as_deref()
            .unwrap()
            .contains("cannot assume arn:aws:iam::333333333333:role/"),
        "{refused:?}"
    );
    assert_eq!(
        inventory.accounts[3].reason.as_deref(),
        Some("account state is SUSPENDED, not ACTIVE")
    );
    assert_eq!(inventory.accounts[0].name.as_deref(), Some("name-111111111111"));

    // Two regions of each scanned account, each scope under its own account.
    let scopes: Vec<(Option<&str>, Option<&str>)> = inventory
        .scopes
        .iter()
        .map(|s| (s.id.account.as_deref(), s.id.region.as_deref()))
        .collect();
    assert_eq!(
        scopes,
        [
            (Some(CALLER), Some("eu-west-1")),
            (Some(CALLER), Some("eu-west-2")),
            (Some(MEMBER), Some("eu-west-1")),
            (Some(MEMBER), Some("eu-west-2")),
        ]
    );
    for scope in &inventory.scopes {
        let KindState::Listed(vpcs) = scope.get::<Vpcs>() else {
            panic!("{scope:?}")
        };
        assert_eq!(vpcs[0].owner_id, scope.id.account.clone().unwrap());
    }
    // Opt-in regions not enabled are recorded per account.
    assert_eq!(inventory.accounts[1].regions_not_scanned[0].name, "me-central-1");

    // The report's view: the refused account is in error, the suspended one not scanned.
    let statuses = inventory.account_statuses();
    let by_id: BTreeMap<&str, AccountScanState> = statuses
        .iter()
        .map(|a| (a.id.as_deref().unwrap(), a.status))
        .collect();
    assert_eq!(by_id[CALLER], AccountScanState::Ok);
    assert_eq!(by_id[MEMBER], AccountScanState::Ok);
    assert_eq!(by_id[REFUSED], AccountScanState::Error);
    assert_eq!(by_id[SUSPENDED], AccountScanState::NotScanned);
    assert_eq!(statuses[1].regions.len(), 2);
    // Caller identity + 2 ListAccounts pages; the member: AssumeRole + identity +
    // DescribeRegions + 2 regions (the refused one fails before any call here); the
    // caller's account: DescribeRegions + 2 regions.
    assert_eq!(inventory.api_calls(), 3 + 5 + 3);
}

#[tokio::test]
async fn a_list_of_accounts_is_read_without_listing_the_organization() {
    let org = FakeOrg::new(1);
    let accounts = AccountsOptions {
        selection: AccountSelection::Listed(vec![MEMBER.into(), MEMBER.into(), EXCLUDED.into()]),
        exclude: BTreeSet::from([EXCLUDED.to_string()]),
        shard: None,
    };
    let inventory = collect_accounts(
        &org,
        &options(RegionScope::Only(vec!["eu-west-1".into()]), 8),
        &accounts,
        &NoProgress,
    )
    .await
    .unwrap();
    let ids: Vec<&str> = inventory.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, [MEMBER], "listed once, the excluded one left out");
    assert_eq!(inventory.scopes.len(), 1);
    assert_eq!(inventory.accounts[0].name, None);
}

#[tokio::test]
async fn a_shard_reads_only_its_accounts_and_the_shards_together_read_every_account_once() {
    let org = FakeOrg::new(1);
    let mut seen = Vec::new();
    // Odd ids (111…, 333…, 555…) are in shard 2 of 2, even ones in shard 1.
    for index in 1..=2 {
        let shard = cloudposture_core::Shard::new(index, 2).unwrap();
        let accounts = AccountsOptions {
            shard: Some(shard),
            ..organization(&[])
        };
        let inventory = collect_accounts(
            &org,
            &options(RegionScope::Only(vec!["eu-west-1".into()]), 8),
            &accounts,
            &NoProgress,
        )
        .await
        .unwrap();
        assert_eq!(inventory.shard, Some(shard), "the inventory records its shard");
        assert!(!inventory.accounts.is_empty(), "shard {shard} is not empty");
        for record in &inventory.accounts {
            assert!(shard.holds(&record.id), "{} in shard {shard}", record.id);
            seen.push(record.id.clone());
        }
        for scope in &inventory.scopes {
            assert!(shard.holds(scope.id.account.as_deref().unwrap()));
        }
    }
    seen.sort();
    let all = collect_accounts(
        &org,
        &options(RegionScope::Only(vec!["eu-west-1".into()]), 8),
        &organization(&[]),
        &NoProgress,
    )
    .await
    .unwrap();
    let every: Vec<String> = all.accounts.iter().map(|a| a.id.clone()).collect();
    assert_eq!(seen, every, "each account in exactly one shard");
}

#[tokio::test]
async fn each_account_is_handed_over_alone_as_soon_as_it_is_read() {
    let org = FakeOrg::new(2);
    let mut parts = Vec::new();
    collect_accounts_each(
        &org,
        &options(RegionScope::AllEnabled, 8),
        &organization(&[EXCLUDED]),
        &NoProgress,
        &mut |part| parts.push(part),
    )
    .await
    .unwrap();
    assert_eq!(parts.len(), 4, "one part per account");
    for part in &parts {
        assert_eq!(part.accounts.len(), 1);
        let id = part.accounts[0].id.as_str();
        assert!(
            part.scopes.iter().all(|s| s.id.account.as_deref() == Some(id)),
            "{id}"
        );
    }
    // The caller identity and the two ListAccounts pages are counted once, in the first.
    assert_eq!(parts[0].global_api_calls, 3);
    assert!(parts[1..].iter().all(|p| p.global_api_calls == 0));
    // Together they are the whole inventory.
    let whole = collect_accounts(
        &org,
        &options(RegionScope::AllEnabled, 8),
        &organization(&[EXCLUDED]),
        &NoProgress,
    )
    .await
    .unwrap();
    let total: u64 = parts.iter().map(|p| p.api_calls()).sum();
    assert_eq!(total, whole.api_calls());
    let scopes: usize = parts.iter().map(|p| p.scopes.len()).sum();
    assert_eq!(scopes, whole.scopes.len());
}

#[tokio::test]
async fn one_bound_holds_for_the_whole_scan_and_each_account_gets_a_few_regions() {
    // 3 scanned accounts × 10 regions, bound 6: never more than 6 regions in flight in
    // all, never more than 4 of one account.
    let org = FakeOrg::new(10);
    collect_accounts(
        &org,
        &options(RegionScope::AllEnabled, 6),
        &organization(&[]),
        &NoProgress,
    )
    .await
    .unwrap();
    let max = org.flight.max.load(Ordering::SeqCst);
    assert!((4..=6).contains(&max), "{max} regions at once");
    let per = org.flight.per_account.lock().unwrap();
    assert_eq!(per.len(), 3, "{per:?}");
    for (account, (_, most)) in per.iter() {
        assert!(
            *most <= cloudposture_aws::REGIONS_PER_ACCOUNT,
            "{account}: {most} at once"
        );
    }
    // The accounts ran side by side: some account had another's regions alongside.
    assert!(max > cloudposture_aws::REGIONS_PER_ACCOUNT, "{max}");
}

#[tokio::test]
async fn an_organization_that_cannot_be_listed_stops_the_scan_with_one_error() {
    struct NotManagement(FakeOrg);
    #[async_trait]
    impl Accounts for NotManagement {
        async fn caller_account(&self) -> Result<String, CollectError> {
            self.0.caller_account().await
        }
        async fn organization_accounts(&self) -> Result<Fetched<OrgAccount>, CollectError> {
            Err(CollectError::new(
                "ListAccounts",
                ErrorClass::AccessDenied,
                Some("AccessDeniedException".into()),
                "You don't have permissions to access this resource.",
            ))
        }
        fn own(&self) -> Opened {
            self.0.own()
        }
        async fn member(&self, account: &str) -> Result<Opened, CollectError> {
            self.0.member(account).await
        }
    }
    let failure = collect_accounts(
        &NotManagement(FakeOrg::new(1)),
        &options(RegionScope::AllEnabled, 8),
        &organization(&[]),
        &NoProgress,
    )
    .await
    .unwrap_err();
    assert!(matches!(failure, CollectFailure::Accounts(_)), "{failure:?}");
    assert!(failure.to_string().contains("ListAccounts"), "{failure}");
}
