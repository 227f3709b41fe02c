//! What the EC2 rules' unit tests share: running a rule over hand-built regions as the
//! engine runs it, and a region whose kind could not be read.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use cloudposture_aws::{CollectError, ErrorClass};
use cloudposture_core::{Finding, Inventory, Kind, Rule, Scope, ScopeId, erase};

pub(crate) const ACCOUNT: &str = "123456789012";
pub(crate) const REGION: &str = "eu-west-1";

/// A region of the scanned account holding `items` of kind `K`.
pub(crate) fn region_with<K: Kind>(name: &str, items: Vec<K::Item>) -> Scope {
    let mut scope = Scope::new(ScopeId::region(Some(ACCOUNT), name));
    scope.insert::<K>(items);
    scope
}

/// A scope of templates (read from `infra`) declaring `items` of kind `K`, each at a
/// line of `infra/main.tf`, as the template reader records them.
pub(crate) fn declared_with<K: Kind>(items: Vec<K::Item>) -> Scope {
    crate::remediation::test_support::declared::<K>(items)
}

/// A region where listing kind `K` was denied.
pub(crate) fn denied<K: Kind>(name: &str, operation: &str) -> Scope {
    let mut scope = Scope::new(ScopeId::region(Some(ACCOUNT), name));
    scope.fail(
        K::INFO.name,
        CollectError::new(
            operation,
            ErrorClass::AccessDenied,
            Some("UnauthorizedOperation".to_string()),
            "You are not authorized to perform this operation.",
        ),
    );
    scope
}

/// `rule` over `scopes` with no settings table, as the engine evaluates it.
pub(crate) fn run<R: Rule>(rule: R, scopes: Vec<Scope>) -> Vec<Finding> {
    let rule = erase(rule);
    let configured = rule.configure(&serde_json::Map::new()).unwrap();
    let mut inventory = Inventory::new(Some(ACCOUNT.to_string()));
    inventory.scopes = scopes;
    rule.evaluate(&inventory, &configured, rule.metadata().risk)
}

/// The settings error of `rule` for a table with one unknown key.
pub(crate) fn unknown_setting_error<R: Rule>(rule: R) -> String {
    let table = serde_json::json!({ "ports": [22] });
    match erase(rule).configure(table.as_object().unwrap()) {
        Ok(_) => panic!("a rule without settings refuses every key"),
        Err(e) => e.to_string(),
    }
}
