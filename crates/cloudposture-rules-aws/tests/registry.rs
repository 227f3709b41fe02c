//! Registry-wide checks, in the spirit of clippy's lint list: every rule this crate
//! registers carries the knowledge the CLI, the docs and the IAM policy are built from.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::collections::HashSet;

use cloudposture_aws::kinds;
use cloudposture_core::{SettingDefault, SettingKind, Settings};

#[test]
fn registry_holds_every_rule_once() {
    let registry = cloudposture_rules_aws::registry().unwrap();
    assert_eq!(registry.len(), cloudposture_rules_aws::all_rules().len());
    let mut ids = HashSet::new();
    for rule in registry.iter() {
        let id = rule.metadata().id.to_ascii_uppercase();
        assert!(ids.insert(id.clone()), "`{id}` registered twice");
    }
    assert!(registry.get("VPC-001").is_some());
    // Registering the same rules again is refused, not silently duplicated.
    let mut again = cloudposture_rules_aws::registry().unwrap();
    assert!(cloudposture_rules_aws::register_all(&mut again).is_err());
}

#[test]
fn every_rule_carries_its_knowledge() {
    let registry = cloudposture_rules_aws::registry().unwrap();
    for rule in registry.iter() {
        let m = rule.metadata();
        let id = m.id;
        let (service, number) = id
            .split_once('-')
            .unwrap_or_else(|| panic!("`{id}` is not SERVICE-NNN"));
        assert!(
            !service.is_empty()
                && service
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
            "{id}"
        );
        assert!(
            number.len() == 3 && number.chars().all(|c| c.is_ascii_digit()),
            "{id}"
        );
        assert!(
            service.eq_ignore_ascii_case(m.service),
            "{id}: id prefix matches service `{}`",
            m.service
        );
        assert!(!m.title.trim().is_empty(), "{id}: title");
        assert_eq!(m.provider, "aws", "{id}");
        assert!(m.resource_type.starts_with("AWS::"), "{id}: resource type");
        assert!(
            kinds::ALL.contains(&m.resource_kind),
            "{id}: resource kind `{}`",
            m.resource_kind
        );
        assert!(
            m.requires.contains(&m.resource_kind),
            "{id}: requires its own resource kind"
        );
        for kind in m.requires {
            assert!(kinds::ALL.contains(kind), "{id}: unknown kind `{kind}`");
        }
        assert!(!m.description.trim().is_empty(), "{id}: description");
        assert!(!m.rationale.trim().is_empty(), "{id}: rationale");
        assert!(!m.pillars.is_empty(), "{id}: pillars");
        assert!(!m.controls.is_empty(), "{id}: at least one compliance control");
        for c in m.controls {
            assert!(!c.version.trim().is_empty(), "{id}: control {c} has a version");
        }
        assert!(!m.audit.is_empty(), "{id}: audit steps");
        assert!(m.audit.iter().any(|s| s.via == "console"), "{id}: console audit");
        assert!(m.audit.iter().any(|s| s.via == "cli"), "{id}: cli audit");
        assert!(!m.remediation.is_empty(), "{id}: remediation steps");
        for step in m.audit.iter().chain(m.remediation) {
            assert!(!step.text.trim().is_empty(), "{id}: empty step");
        }
        assert!(!m.references.is_empty(), "{id}: references");
        for r in m.references {
            assert!(r.url.starts_with("https://"), "{id}: reference `{}`", r.url);
        }
        assert!(
            m.published
                .parse::<cloudposture_core::jiff::civil::Date>()
                .is_ok(),
            "{id}: published date"
        );
        assert!(!m.iam_audit.is_empty(), "{id}: IAM actions to audit");
        for action in m.iam_audit.iter().chain(m.iam_remediate) {
            let (service, name) = action
                .split_once(':')
                .unwrap_or_else(|| panic!("{id}: `{action}`"));
            assert!(
                !service.is_empty() && name.chars().next().is_some_and(|c| c.is_ascii_uppercase()),
                "{id}: `{action}`"
            );
        }
    }
}

#[test]
fn setting_defaults_are_valid_for_their_own_declarations() {
    let registry = cloudposture_rules_aws::registry().unwrap();
    for rule in registry.iter() {
        let m = rule.metadata();
        let mut names = HashSet::new();
        for spec in m.settings {
            assert!(
                names.insert(spec.name),
                "{}: setting `{}` declared twice",
                m.id,
                spec.name
            );
            assert!(
                !spec.description.trim().is_empty(),
                "{}: `{}` has a description",
                m.id,
                spec.name
            );
            match (spec.kind, spec.default) {
                (SettingKind::Choice(allowed), SettingDefault::Str(d)) => {
                    assert!(allowed.contains(&d), "{}: default `{d}` of `{}`", m.id, spec.name)
                }
                (SettingKind::List(allowed), SettingDefault::List(d)) => {
                    assert!(
                        d.iter().all(|v| allowed.contains(v)),
                        "{}: default of `{}`",
                        m.id,
                        spec.name
                    )
                }
                (SettingKind::Bool, SettingDefault::Bool(_))
                | (SettingKind::String, SettingDefault::Str(_))
                | (_, SettingDefault::None) => {}
                (kind, default) => panic!("{}: `{}` is {kind:?} with default {default:?}", m.id, spec.name),
            }
        }
        // The defaults, written out as a config file would, pass core's checks and the rule's own.
        let raw: Vec<(&str, serde_json::Value)> = m
            .settings
            .iter()
            .filter(|s| s.default != SettingDefault::None)
            .map(|s| (s.name, serde_json::to_value(s.default).unwrap()))
            .collect();
        let resolved = Settings::resolve(m.id, m.settings, raw.iter().map(|(k, v)| (*k, v))).unwrap();
        assert_eq!(resolved, Settings::defaults(m.settings), "{}", m.id);
        rule.validate_settings(&resolved).unwrap();
    }
}
