//! `merge` of shard reports: the reports of shards 1/3, 2/3 and 3/3 of an organization,
//! each written as JSON and read back, merge into the report of one scan of every
//! account (same findings in the same order, same summary, accounts and regions); and
//! what cannot be merged is said.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::PathBuf;

use cloudposture_core::merge::{MergeError, merge_shards};
use cloudposture_core::render::write_json;
use cloudposture_core::{
    AccountRecord, AccountState, Config, Inventory, Plan, Report, ScanSource, Selection, Shard,
    jiff::Timestamp,
};

/// One account in each shard of 3 (ids modulo 3 are 0, 1, 2), the last one refused.
const ACCOUNTS: [&str; 4] = ["000000000003", "000000000004", "000000000005", "000000000006"];

/// The demo account's regions (one of them in error) copied into each of `ACCOUNTS`.
fn organization() -> Inventory {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account.json");
    let demo = cloudposture_aws::snapshot::load(&path).unwrap();
    let mut inventory = Inventory::new(Some(ACCOUNTS[0].into()));
    for (n, id) in ACCOUNTS.iter().enumerate() {
        let refused = n == ACCOUNTS.len() - 1;
        inventory.accounts.push(AccountRecord {
            id: id.to_string(),
            name: Some(format!("account-{n}")),
            state: if refused {
                AccountState::Error
            } else {
                AccountState::Scanned
            },
            reason: refused.then(|| "AssumeRole access denied".to_string()),
            api_calls: 2,
            regions_not_scanned: Vec::new(),
        });
        if refused {
            continue;
        }
        for scope in &demo.scopes {
            let mut scope = scope.clone();
            scope.id.account = Some(id.to_string());
            inventory.scopes.push(scope);
        }
    }
    inventory.global_api_calls = 2;
    inventory
}

/// `inventory` with only the accounts of `shard`, as `scan --shard` collects it.
fn shard_of(inventory: &Inventory, shard: Shard) -> Inventory {
    let mut part = inventory.clone();
    part.accounts.retain(|a| shard.holds(&a.id));
    part.scopes
        .retain(|s| shard.holds(s.id.account.as_deref().unwrap()));
    part.shard = Some(shard);
    part
}

fn evaluate(inventory: &Inventory) -> Report {
    let registry = cloudposture_rules_aws::registry().unwrap();
    let plan = Plan::new(&registry, &Selection::default(), &Config::default()).unwrap();
    plan.evaluate(inventory, ScanSource::Live, Timestamp::now())
}

/// Written as JSON and read back, as `cloudposture merge` reads its files.
fn round_trip(report: &Report) -> Report {
    let mut json = Vec::new();
    write_json(report, &mut json).unwrap();
    let registry = cloudposture_rules_aws::registry().unwrap();
    Report::from_json(std::str::from_utf8(&json).unwrap(), &registry).unwrap()
}

fn json(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

fn shards(inventory: &Inventory, count: u32) -> Vec<(String, Report)> {
    (1..=count)
        .map(|k| {
            let shard = Shard::new(k, count).unwrap();
            let report = round_trip(&evaluate(&shard_of(inventory, shard)));
            assert_eq!(report.scan.shard, Some(shard), "each report records its shard");
            (format!("shard-{k}.json"), report)
        })
        .collect()
}

#[test]
fn the_shards_of_an_organization_merge_into_the_report_of_one_scan() {
    let inventory = organization();
    let whole = evaluate(&inventory);
    assert!(
        whole.summary.fail > 0 && whole.summary.error > 0,
        "{:?}",
        whole.summary
    );

    // Given in any order.
    let mut parts = shards(&inventory, 3);
    parts.reverse();
    let merged = merge_shards(parts).unwrap();

    assert_eq!(json(&merged.findings), json(&whole.findings));
    assert_eq!(json(&merged.summary), json(&whole.summary));
    assert_eq!(merged.scan.accounts, whole.scan.accounts);
    assert_eq!(merged.scan.regions, whole.scan.regions);
    assert_eq!(merged.scan.shard, None);
    assert!(
        !merged.is_complete(),
        "the refused account keeps the merged scan incomplete"
    );
    // Every shard made its own caller-identity calls: the merged count is their sum.
    assert_eq!(merged.scan.api_calls, whole.scan.api_calls + 2 * 2);
}

#[test]
fn a_shard_with_no_account_lists_none_and_still_merges() {
    let inventory = organization();
    let whole = evaluate(&inventory);
    // 5 shards: the accounts end in 3, 4, 5 and 6, so shard 3/5 (id mod 5 = 2) holds none.
    let parts = shards(&inventory, 5);
    assert!(
        parts[2].1.scan.accounts.is_empty(),
        "{:?}",
        parts[2].1.scan.accounts
    );
    assert!(parts[2].1.findings.is_empty());
    let merged = merge_shards(parts).unwrap();
    assert_eq!(json(&merged.findings), json(&whole.findings));
    assert_eq!(merged.scan.accounts, whole.scan.accounts);
}

#[test]
fn missing_repeated_and_foreign_reports_are_refused_with_what_is_wrong() {
    let inventory = organization();
    let parts = shards(&inventory, 3);

    let missing = merge_shards(vec![parts[0].clone(), parts[2].clone()]).unwrap_err();
    assert_eq!(
        missing.to_string(),
        "shard 2 of 3 is missing: merge needs the reports of all 3 shards"
    );

    let repeated = merge_shards(vec![parts[0].clone(), parts[1].clone(), parts[0].clone()]).unwrap_err();
    assert_eq!(
        repeated.to_string(),
        "shard 1/3 is given twice: shard-1.json and shard-1.json"
    );

    let mut overlapping = parts.clone();
    overlapping[1]
        .1
        .scan
        .accounts
        .push(parts[0].1.scan.accounts[0].clone());
    assert_eq!(
        merge_shards(overlapping).unwrap_err(),
        MergeError::AccountTwice {
            account: ACCOUNTS[0].into(),
            first: "shard-1.json".into(),
            second: "shard-2.json".into(),
        }
    );

    let unsharded = ("whole.json".to_string(), round_trip(&evaluate(&inventory)));
    assert_eq!(
        merge_shards(vec![parts[0].clone(), unsharded])
            .unwrap_err()
            .to_string(),
        "whole.json is not a shard report (its scan has no `shard`: it was not written by `scan --shard K/N`)"
    );

    let other_count = shards(&inventory, 2).remove(0);
    assert!(
        merge_shards(vec![parts[0].clone(), other_count])
            .unwrap_err()
            .to_string()
            .contains("every report must be a shard of the same N")
    );

    let mut other_rules = parts.clone();
    other_rules[2].1.rules.pop();
    assert_eq!(
        merge_shards(other_rules).unwrap_err().to_string(),
        "shard-3.json ran other rules or settings than shard-1.json: shards must be scanned with the same rules and config"
    );
    assert_eq!(merge_shards(Vec::new()).unwrap_err(), MergeError::Empty);
}
