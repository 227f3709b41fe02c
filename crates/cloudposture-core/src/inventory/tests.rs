//! Unit tests of the parent module.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::*;
use crate::collect_error::ErrorClass;
use crate::kind::KindRegistry;
use crate::kind::{KindInfo, Listing};
use crate::report::AccountScanState;
use crate::resource::{Resource, Tags};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Thing {
    id: String,
    count: u32,
}

impl Resource for Thing {
    fn kind(&self) -> &'static str {
        Things::INFO.name
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn arn(&self) -> Option<String> {
        None
    }
    fn account(&self) -> Option<&str> {
        None
    }
    fn region(&self) -> Option<&str> {
        None
    }
    fn tags(&self) -> &Tags {
        Tags::empty()
    }
}

struct Things;

impl Kind for Things {
    type Item = Thing;
    const INFO: KindInfo = KindInfo {
        name: "test.thing",
        singular: "thing",
        plural: "things",
        listing: Listing::Complete,
        audit_actions: &["test:ListThings"],
        resource_type: "Test::Thing",
        finding_type: None,
    };
}

/// A second kind with the same item type, so that a registry can know one and not
/// the other.
struct Parts;

impl Kind for Parts {
    type Item = Thing;
    const INFO: KindInfo = KindInfo {
        name: "test.part",
        singular: "part",
        plural: "parts",
        listing: Listing::Lookup,
        audit_actions: &["test:GetPart"],
        resource_type: "Test::Part",
        finding_type: None,
    };
}

fn thing(id: &str, count: u32) -> Thing {
    Thing { id: id.into(), count }
}

fn denied(operation: &str) -> CollectError {
    CollectError::new(
        operation,
        ErrorClass::AccessDenied,
        Some("AccessDenied".into()),
        "not allowed",
    )
}

fn kinds() -> KindRegistry {
    KindRegistry::new().with::<Things>().with::<Parts>()
}

/// Two regions (one with a failed listing), a template scope, a region not scanned
/// and a global failure: every field of the layout.
fn inventory() -> Inventory {
    let mut inventory = Inventory::new(Some("123456789012".into()));
    let mut eu = Scope::new(ScopeId::region(Some("123456789012"), "eu-west-1"));
    eu.insert::<Things>(vec![thing("t-1", 1), thing("t-2", 2)]);
    eu.insert::<Parts>(vec![thing("p-1", 3)]);
    eu.api_calls = 3;
    let mut us = Scope::new(ScopeId::region(Some("123456789012"), "us-east-1"));
    us.insert::<Things>(Vec::new());
    us.fail(Parts::INFO.name, denied("GetPart"));
    us.api_calls = 2;
    let mut templates = Scope::new(ScopeId::templates("infra/"));
    templates.insert::<Things>(vec![thing("t-3", 0)]);
    inventory.scopes = vec![eu, us, templates];
    inventory.regions_not_scanned.push(SkippedRegion {
        name: "me-central-1".into(),
        reason: "opt-in region not enabled for the account".into(),
    });
    inventory.global_api_calls = 1;
    inventory.global_errors.push(denied("GetCallerIdentity"));
    inventory
}

fn written(inventory: &Inventory, pretty: bool) -> String {
    let mut out = Vec::new();
    inventory.write_json(&mut out, pretty).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn typed_access_tells_listed_failed_and_not_collected_apart() {
    let inventory = inventory();
    let us = inventory.region("us-east-1").unwrap();
    assert!(matches!(us.get::<Things>(), KindState::Listed([])));
    assert!(matches!(us.get::<Parts>(), KindState::Failed(e) if e.operation == "GetPart"));
    let templates = &inventory.scopes[2];
    assert!(matches!(templates.get::<Parts>(), KindState::NotCollected));
    assert_eq!(templates.id.label(), "infra/");
    assert_eq!(inventory.count(Things::INFO.name), 3);
    assert_eq!(inventory.api_calls(), 3 + 2 + 1);
    let errors: Vec<(&str, &str)> = us.errors().map(|(k, e)| (k, e.operation.as_str())).collect();
    assert_eq!(errors, [("test.part", "GetPart")]);
}

#[test]
fn written_json_reads_back_equal() {
    let inventory = inventory();
    for pretty in [false, true] {
        let text = written(&inventory, pretty);
        let back = Inventory::from_json(&text, &kinds()).unwrap();
        assert_eq!(back, inventory, "pretty: {pretty}");
        assert_eq!(written(&back, pretty), text);
    }
}

#[test]
fn the_layout_is_scopes_of_kinds_by_name() {
    let value: serde_json::Value = serde_json::from_str(&written(&inventory(), false)).unwrap();
    assert_eq!(value["schema_version"], SNAPSHOT_SCHEMA_VERSION);
    assert_eq!(value["account"], "123456789012");
    let eu = &value["scopes"][0];
    assert_eq!(
        (&eu["account"], &eu["region"], &eu["api_calls"]),
        (&json!("123456789012"), &json!("eu-west-1"), &json!(3))
    );
    assert_eq!(
        eu["kinds"]["test.thing"],
        json!({"listed": [{"id": "t-1", "count": 1}, {"id": "t-2", "count": 2}]})
    );
    assert_eq!(
        value["scopes"][1]["kinds"]["test.part"]["failed"]["operation"],
        "GetPart"
    );
    assert_eq!(value["scopes"][2]["templates"], "infra/");
    assert!(value["scopes"][2].get("region").is_none());
    assert_eq!(value["global_errors"][0]["code"], "AccessDenied");
}

#[test]
fn a_kind_the_registry_does_not_know_is_kept_and_written_back_unchanged() {
    let inventory = inventory();
    let text = written(&inventory, true);
    let only_things = KindRegistry::new().with::<Things>();
    let back = Inventory::from_json(&text, &only_things).unwrap();
    let eu = back.region("eu-west-1").unwrap();
    assert!(matches!(eu.entry(Parts::INFO.name), Some(Entry::Unknown(_))));
    assert!(matches!(eu.get::<Parts>(), KindState::NotCollected));
    assert!(matches!(eu.get::<Things>(), KindState::Listed(things) if things.len() == 2));
    // A failure is kept as a failure, known kind or not.
    let us = back.region("us-east-1").unwrap();
    assert!(matches!(us.get::<Parts>(), KindState::Failed(_)));
    let again = written(&back, true);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&again).unwrap(),
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    );
    // A build that knows the kind reads what the other one wrote.
    assert_eq!(Inventory::from_json(&again, &kinds()).unwrap(), inventory);
}

/// The 1-based line and column of the end of the first `needle` in `text`.
fn position_of_end(text: &str, needle: &str) -> (usize, usize) {
    let end = text.find(needle).unwrap() + needle.len();
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = end - before.rfind('\n').map_or(0, |i| i + 1);
    (line, column)
}

#[test]
fn a_bad_item_is_reported_where_it_is_in_the_file() {
    for pretty in [true, false] {
        let text = written(&inventory(), pretty).replace("\"count\":2", "\"count\":\"two\"");
        let text = text.replace("\"count\": 2", "\"count\": \"two\"");
        let err = Inventory::from_json(&text, &kinds()).unwrap_err();
        assert_eq!(
            err.message, "`test.thing` in eu-west-1: invalid type: string \"two\", expected u32",
            "pretty: {pretty}"
        );
        assert_eq!(
            (err.line, err.column),
            position_of_end(&text, "\"two\""),
            "pretty: {pretty}"
        );
        assert_eq!(
            err.to_string(),
            format!("{} at line {}, column {}", err.message, err.line, err.column)
        );
    }
}

#[test]
fn a_bad_item_on_the_first_line_of_its_list_is_reported_at_its_column_in_the_file() {
    // Hand-written: the items start in the middle of a line that is not the first.
    let text = "{\"schema_version\": 2, \"account\": null, \"collected_at\": \"2026-01-02T03:04:05Z\",\n\
                \"scopes\": [{\"region\": \"eu-west-1\",\n  \"kinds\": {\"test.thing\": {\"listed\": [{\"id\": \"t-1\", \"count\": -1}]}}}]}";
    let err = Inventory::from_json(text, &kinds()).unwrap_err();
    assert_eq!(
        err.message,
        "`test.thing` in eu-west-1: invalid value: integer `-1`, expected u32"
    );
    assert_eq!((err.line, err.column), position_of_end(text, "\"count\": -1"));
}

#[test]
fn a_file_of_another_shape_is_reported_with_its_position() {
    let err = Inventory::from_json("{\n  \"schema_version\": 2,\n  \"scopes\": 3\n}", &kinds()).unwrap_err();
    assert_eq!(err.message, "invalid type: integer `3`, expected a sequence");
    assert_eq!((err.line, err.column), (3, 13));
}

/// Two accounts read, one whose role could not be assumed, one not active.
fn organization() -> Inventory {
    let mut inventory = Inventory::new(Some("111111111111".into()));
    for account in ["111111111111", "222222222222"] {
        let mut scope = Scope::new(ScopeId::region(Some(account), "eu-west-1"));
        scope.insert::<Things>(vec![thing("t-1", 1)]);
        scope.api_calls = 1;
        inventory.scopes.push(scope);
    }
    inventory.scopes[1].fail(Parts::INFO.name, denied("GetPart"));
    let record = |id: &str, state, reason: Option<&str>| AccountRecord {
        id: id.into(),
        name: Some(format!("name {id}")),
        state,
        reason: reason.map(str::to_string),
        api_calls: 1,
        regions_not_scanned: Vec::new(),
    };
    inventory.accounts = vec![
        record("111111111111", AccountState::Scanned, None),
        record("222222222222", AccountState::Scanned, None),
        record(
            "333333333333",
            AccountState::Error,
            Some("AssumeRole of … access denied"),
        ),
        record(
            "444444444444",
            AccountState::NotScanned,
            Some("account state is SUSPENDED, not ACTIVE"),
        ),
    ];
    inventory.accounts[0].regions_not_scanned.push(SkippedRegion {
        name: "me-central-1".into(),
        reason: "opt-in region not enabled for the account".into(),
    });
    inventory
}

#[test]
fn every_account_is_listed_with_its_own_regions_and_state() {
    let statuses = organization().account_statuses();
    let view: Vec<(&str, AccountScanState, Option<&str>, usize, u64)> = statuses
        .iter()
        .map(|a| {
            (
                a.id.as_deref().unwrap(),
                a.status,
                a.error.as_deref(),
                a.regions.len(),
                a.api_calls,
            )
        })
        .collect();
    assert_eq!(
        view,
        [
            ("111111111111", AccountScanState::Ok, None, 1, 2),
            (
                "222222222222",
                AccountScanState::Error,
                Some("regions in error: eu-west-1"),
                1,
                2
            ),
            (
                "333333333333",
                AccountScanState::Error,
                Some("AssumeRole of … access denied"),
                0,
                1
            ),
            (
                "444444444444",
                AccountScanState::NotScanned,
                Some("account state is SUSPENDED, not ACTIVE"),
                0,
                1
            ),
        ]
    );
    assert_eq!(statuses[1].regions[0].account.as_deref(), Some("222222222222"));
    assert_eq!(
        organization().api_calls(),
        2 + 4,
        "scopes' and accounts' own calls"
    );
}

#[test]
fn a_single_account_scan_lists_its_one_account_with_every_scope() {
    let statuses = inventory().account_statuses();
    assert_eq!(statuses.len(), 1);
    let only = &statuses[0];
    assert_eq!(only.id.as_deref(), Some("123456789012"));
    assert_eq!(
        only.status,
        AccountScanState::Error,
        "a region and the caller identity failed"
    );
    assert!(
        only.error.as_deref().unwrap().contains("GetCallerIdentity"),
        "{only:?}"
    );
    assert_eq!(
        only.regions.len(),
        4,
        "the `global` pseudo-region and three scopes"
    );
    assert_eq!(only.api_calls, 6);
}

#[test]
fn the_accounts_of_a_snapshot_read_back_equal_and_one_account_writes_none() {
    let inventory = organization();
    let text = written(&inventory, true);
    assert!(text.contains("\"state\": \"not_scanned\""), "{text}");
    assert_eq!(Inventory::from_json(&text, &kinds()).unwrap(), inventory);
    assert!(!written(&self::inventory(), false).contains("\"accounts\""));
}

#[test]
fn a_snapshot_written_account_by_account_reads_back_as_the_whole_inventory() {
    let mut whole = organization();
    whole.global_api_calls = 3;
    whole.shard = Some(crate::Shard::new(1, 2).unwrap());
    // One part per account, in the order they finish; the first with the global calls.
    let mut parts: Vec<Inventory> = whole
        .accounts
        .iter()
        .rev()
        .map(|record| Inventory {
            scopes: whole
                .scopes
                .iter()
                .filter(|s| s.id.account.as_deref() == Some(record.id.as_str()))
                .cloned()
                .collect(),
            accounts: vec![record.clone()],
            global_api_calls: 0,
            ..whole.clone()
        })
        .collect();
    parts[0].global_api_calls = 3;
    let mut writer = SnapshotWriter::new(Vec::new());
    for part in parts {
        writer.write(part).unwrap();
    }
    let (out, kept) = writer.finish().unwrap();
    assert!(kept.scopes.is_empty(), "the scopes are let go");
    assert_eq!(kept.accounts, whole.accounts);
    let text = String::from_utf8(out).unwrap();
    let mut back = Inventory::from_json(&text, &kinds()).unwrap();
    back.scopes.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(back, whole);
    // Each scope on a line of its own.
    assert_eq!(
        text.lines().filter(|l| l.starts_with("{\"account\"")).count(),
        2,
        "{text}"
    );
    // Nothing written at all is still a snapshot.
    let (empty, _) = SnapshotWriter::new(Vec::new()).finish().unwrap();
    let empty = Inventory::from_json(std::str::from_utf8(&empty).unwrap(), &kinds()).unwrap();
    assert!(empty.scopes.is_empty() && empty.accounts.is_empty());
}
