//! Registry-wide checks, in the spirit of clippy's lint list: every rule this crate
//! registers carries the knowledge the CLI, the docs and the IAM policy are built from.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::collections::HashSet;

use cloudposture_aws::kinds;

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
    let known_kinds = kinds::registry();
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
        assert!(
            rule.kind().resource_type.starts_with("AWS::"),
            "{id}: resource type"
        );
        for need in rule.needs() {
            assert!(
                known_kinds.get(need.kind.name).is_some(),
                "{id}: reads `{}`, which the provider does not know",
                need.kind.name
            );
        }
        assert_eq!(
            rule.needs()[0].kind.name,
            rule.kind().name,
            "{id}: its own kind first"
        );
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
        let audit = rule.audit_actions();
        assert!(!audit.is_empty(), "{id}: IAM actions to audit");
        for action in audit.iter().chain(m.iam_remediate) {
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
fn vpc_001_audits_with_the_actions_of_the_kinds_it_reads() {
    let registry = cloudposture_rules_aws::registry().unwrap();
    let actions = registry.get("VPC-001").unwrap().audit_actions();
    assert_eq!(
        actions,
        [
            "ec2:DescribeVpcs",
            "ec2:DescribeFlowLogs",
            "ec2:DescribeSubnets",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeRegions",
            "sts:GetCallerIdentity",
        ]
    );
}

#[test]
fn the_open_port_rules_audit_with_the_listing_of_their_kind_and_remediate_with_one_action() {
    let registry = cloudposture_rules_aws::registry().unwrap();
    for (id, listing, remediate) in [
        (
            "EC2-001",
            "ec2:DescribeSecurityGroups",
            "ec2:RevokeSecurityGroupIngress",
        ),
        (
            "EC2-002",
            "ec2:DescribeSecurityGroups",
            "ec2:RevokeSecurityGroupIngress",
        ),
        ("VPC-002", "ec2:DescribeNetworkAcls", "ec2:CreateNetworkAclEntry"),
    ] {
        let rule = registry.get(id).unwrap();
        assert_eq!(
            rule.audit_actions(),
            [listing, "ec2:DescribeRegions", "sts:GetCallerIdentity"],
            "{id}"
        );
        assert_eq!(rule.metadata().iam_remediate, [remediate], "{id}");
    }
}

#[test]
fn settings_are_documented_and_their_defaults_valid() {
    let registry = cloudposture_rules_aws::registry().unwrap();
    for rule in registry.iter() {
        let id = rule.metadata().id;
        let docs = rule.setting_docs();
        let mut names = HashSet::new();
        for doc in &docs {
            assert!(
                names.insert(doc.name.clone()),
                "{id}: setting `{}` twice",
                doc.name
            );
            assert!(
                !doc.description.trim().is_empty(),
                "{id}: `{}` has a description",
                doc.name
            );
            if let serde_json::Value::String(default) = &doc.default
                && !doc.allowed.is_empty()
            {
                assert!(doc.allowed.contains(default), "{id}: default of `{}`", doc.name);
            }
        }
        // No table is the defaults; the defaults written out as a config file would
        // pass the rule's checks and read back the same.
        let defaults = rule.configure(&serde_json::Map::new()).unwrap();
        let written = defaults.json().as_object().cloned().unwrap_or_default();
        let reread = rule.configure(&written).unwrap();
        assert_eq!(reread.json(), defaults.json(), "{id}");
    }
}
