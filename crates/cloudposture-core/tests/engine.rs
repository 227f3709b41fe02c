//! The engine over a toy provider: selection, configuration, exceptions and the summary.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers panic on broken fixtures, which is what a test should do"
)]

use cloudposture_core::*;
use serde_json::json;

/// A toy provider: buckets with a `public` flag, in regions.
struct Bucket {
    id: &'static str,
    region: &'static str,
    public: bool,
    tags: Tags,
}

impl Resource for Bucket {
    fn kind(&self) -> &'static str {
        "toy.bucket"
    }
    fn id(&self) -> &str {
        self.id
    }
    fn arn(&self) -> Option<String> {
        Some(format!("arn:toy:bucket:{}:{}", self.region, self.id))
    }
    fn account(&self) -> Option<&str> {
        Some("111122223333")
    }
    fn region(&self) -> Option<&str> {
        Some(self.region)
    }
    fn tags(&self) -> &Tags {
        &self.tags
    }
}

struct Toy {
    buckets: Vec<Bucket>,
    broken_region: Option<&'static str>,
}

impl Inventory for Toy {
    fn account(&self) -> Option<&str> {
        Some("111122223333")
    }
    fn regions(&self) -> Vec<RegionStatus> {
        let mut names: Vec<&str> = self.buckets.iter().map(|b| b.region).collect();
        names.extend(self.broken_region);
        names.sort();
        names.dedup();
        names
            .into_iter()
            .map(|n| RegionStatus {
                name: n.to_string(),
                status: if Some(n) == self.broken_region {
                    RegionState::Error
                } else {
                    RegionState::Ok
                },
                error: (Some(n) == self.broken_region).then(|| "listing failed".to_string()),
                api_calls: 2,
            })
            .collect()
    }
    fn global_api_calls(&self) -> u64 {
        1
    }
}

fn bucket(id: &'static str, region: &'static str, public: bool, tags: &[(&str, &str)]) -> Bucket {
    Bucket {
        id,
        region,
        public,
        tags: tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    }
}

static PRIVATE_SETTINGS: &[SettingSpec] = &[SettingSpec {
    name: "allow_tagged_public",
    kind: SettingKind::String,
    default: SettingDefault::None,
    description: "a tag key that makes public buckets acceptable",
}];

static BKT_001: RuleMetadata = RuleMetadata {
    id: "BKT-001",
    title: "Buckets are private",
    provider: "toy",
    service: "Bucket",
    resource_type: "Toy::Bucket",
    resource_kind: "toy.bucket",
    requires: &["toy.bucket"],
    risk: RiskLevel::High,
    pillars: &[Pillar::Security],
    controls: &[
        Control::new(Standard::CisAwsFoundations, "v3.0.0", "2.1.4"),
        Control::new(Standard::PciDss, "v3.2.1", "1.2.1"),
    ],
    description: "buckets are not public",
    rationale: "public buckets leak data",
    audit: &[AuditStep {
        via: "cli",
        text: "list buckets",
        code: Some("toy ls"),
    }],
    remediation: &[AuditStep {
        via: "cli",
        text: "make private",
        code: None,
    }],
    references: &[],
    published: "2020-01-01",
    iam_audit: &["toy:ListBuckets"],
    iam_remediate: &["toy:PutBucketAcl"],
    settings: PRIVATE_SETTINGS,
};

static BKT_002: RuleMetadata = RuleMetadata {
    id: "BKT-002",
    title: "Buckets are tagged",
    risk: RiskLevel::Low,
    controls: &[Control::standard_only(Standard::Gdpr, "2016/679")],
    settings: &[],
    ..BKT_001
};

static NET_001: RuleMetadata = RuleMetadata {
    id: "NET-001",
    title: "Networks are logged",
    service: "Network",
    risk: RiskLevel::Medium,
    requires: &["toy.network"],
    controls: &[Control::new(Standard::CisAwsFoundations, "v3.0.0", "3.7")],
    settings: &[],
    ..BKT_001
};

struct PrivateBuckets;

impl Rule<Toy> for PrivateBuckets {
    fn metadata(&self) -> &'static RuleMetadata {
        &BKT_001
    }
    fn evaluate(&self, inv: &Toy, ctx: &RuleContext<'_>) -> Vec<Finding> {
        let allowed_tag = ctx.settings().str("allow_tagged_public");
        let mut out: Vec<Finding> = inv
            .buckets
            .iter()
            .map(|b| {
                if !b.public {
                    ctx.pass(b.to_ref(), "private")
                } else if allowed_tag.is_some_and(|t| b.tags.contains_key(t)) {
                    ctx.pass(b.to_ref(), "public by design")
                } else {
                    ctx.fail(b.to_ref(), "public")
                        .with_evidence(json!({"public": true}))
                }
            })
            .collect();
        if let Some(r) = inv.broken_region {
            out.push(ctx.error(
                ResourceRef::new("toy.bucket", "*").in_region(r),
                "could not list buckets",
            ));
        }
        out
    }
}

struct TaggedBuckets;

impl Rule<Toy> for TaggedBuckets {
    fn metadata(&self) -> &'static RuleMetadata {
        &BKT_002
    }
    fn evaluate(&self, inv: &Toy, ctx: &RuleContext<'_>) -> Vec<Finding> {
        inv.buckets
            .iter()
            .map(|b| {
                if b.tags.is_empty() {
                    ctx.fail(b.to_ref(), "untagged")
                } else {
                    ctx.pass(b.to_ref(), "ok")
                }
            })
            .collect()
    }
}

struct LoggedNetworks;

impl Rule<Toy> for LoggedNetworks {
    fn metadata(&self) -> &'static RuleMetadata {
        &NET_001
    }
    fn evaluate(&self, _inv: &Toy, _ctx: &RuleContext<'_>) -> Vec<Finding> {
        Vec::new()
    }
}

fn registry() -> Registry<Toy> {
    let mut r = Registry::new();
    r.register(PrivateBuckets)
        .unwrap()
        .register(TaggedBuckets)
        .unwrap()
        .register(LoggedNetworks)
        .unwrap();
    r
}

fn toy() -> Toy {
    Toy {
        buckets: vec![
            bucket("b-private", "eu-west-1", false, &[("Owner", "data")]),
            bucket("b-public", "eu-west-1", true, &[]),
            bucket(
                "b-sandbox",
                "us-east-1",
                true,
                &[("Environment", "sandbox"), ("Ephemeral", "")],
            ),
        ],
        broken_region: None,
    }
}

fn ids(rules: &[&dyn Rule<Toy>]) -> Vec<&'static str> {
    rules.iter().map(|r| r.metadata().id).collect()
}

fn config(toml_text: &str) -> Config {
    toml::from_str(toml_text).unwrap()
}

fn run(selection: &Selection, config: &Config, inv: &Toy) -> Report {
    let reg = registry();
    let plan = Plan::new(&reg, selection, config).unwrap();
    plan.evaluate(inv, ScanSource::Snapshot, jiff::Timestamp::now())
}

fn status_of(report: &Report, rule: &str, id: &str) -> Status {
    report
        .findings
        .iter()
        .find(|f| f.rule.id == rule && f.resource.id == id)
        .map(|f| f.status)
        .unwrap()
}

// ---- registry and selection ----

#[test]
fn duplicate_ids_are_refused_case_insensitively() {
    let mut r = registry();
    let err = r.register(PrivateBuckets).unwrap_err();
    assert_eq!(err.to_string(), "rule id `BKT-001` is registered twice");
    assert_eq!(r.len(), 3);
}

#[test]
fn selection_by_exact_id_and_by_prefix() {
    let r = registry();
    assert_eq!(
        ids(&r.select(&Selection::rules(["BKT-001"])).unwrap()),
        ["BKT-001"]
    );
    assert_eq!(
        ids(&r.select(&Selection::rules(["bkt"])).unwrap()),
        ["BKT-001", "BKT-002"]
    );
    assert_eq!(
        ids(&r.select(&Selection::rules(["NET", "BKT-002"])).unwrap()),
        ["BKT-002", "NET-001"]
    );
    assert_eq!(r.select(&Selection::all()).unwrap().len(), 3);
}

#[test]
fn unknown_rule_selector_is_an_error_not_an_empty_selection() {
    let err = registry().select(&Selection::rules(["EC2"])).err().unwrap();
    assert_eq!(
        err.to_string(),
        "no rule matches `EC2`; `cloudposture rules list` shows the rules"
    );
}

#[test]
fn selection_by_standard() {
    let r = registry();
    let by = |s: Standard| {
        ids(&r
            .select(&Selection {
                standards: vec![s],
                ..Selection::default()
            })
            .unwrap())
    };
    assert_eq!(by(Standard::CisAwsFoundations), ["BKT-001", "NET-001"]);
    assert_eq!(by(Standard::Gdpr), ["BKT-002"]);
    assert_eq!(by(Standard::PciDss), ["BKT-001"]);
    assert!(by(Standard::Mas).is_empty());
}

#[test]
fn selection_by_minimum_risk_and_service() {
    let r = registry();
    let min = |risk| {
        ids(&r
            .select(&Selection {
                min_risk: Some(risk),
                ..Selection::default()
            })
            .unwrap())
    };
    assert_eq!(min(RiskLevel::Low), ["BKT-001", "BKT-002", "NET-001"]);
    assert_eq!(min(RiskLevel::Medium), ["BKT-001", "NET-001"]);
    assert_eq!(min(RiskLevel::High), ["BKT-001"]);
    assert!(min(RiskLevel::VeryHigh).is_empty());
    let svc = Selection {
        services: vec!["network".into()],
        ..Selection::default()
    };
    assert_eq!(ids(&r.select(&svc).unwrap()), ["NET-001"]);
}

#[test]
fn criteria_combine_with_and() {
    let sel = Selection {
        rules: vec!["BKT".into()],
        min_risk: Some(RiskLevel::Medium),
        ..Selection::default()
    };
    assert_eq!(ids(&registry().select(&sel).unwrap()), ["BKT-001"]);
}

#[test]
fn plan_collects_required_kinds_of_selected_rules_only() {
    let reg = registry();
    let plan = Plan::new(&reg, &Selection::rules(["BKT"]), &Config::default()).unwrap();
    assert_eq!(
        plan.required_kinds().into_iter().collect::<Vec<_>>(),
        ["toy.bucket"]
    );
    let plan = Plan::new(&reg, &Selection::all(), &Config::default()).unwrap();
    assert_eq!(
        plan.required_kinds().into_iter().collect::<Vec<_>>(),
        ["toy.bucket", "toy.network"]
    );
}

// ---- configuration ----

#[test]
fn config_disables_rules_and_overrides_risk() {
    let cfg = config("[rules.BKT-002]\nenabled = false\n[rules.NET-001]\nrisk = \"extreme\"\n");
    let reg = registry();
    let plan = Plan::new(&reg, &Selection::all(), &cfg).unwrap();
    let planned: Vec<(&str, RiskLevel)> = plan
        .rules()
        .iter()
        .map(|p| (p.rule.metadata().id, p.risk))
        .collect();
    assert_eq!(
        planned,
        [("BKT-001", RiskLevel::High), ("NET-001", RiskLevel::Extreme)]
    );
    // The override takes part in --min-risk selection and in findings.
    let sel = Selection {
        min_risk: Some(RiskLevel::VeryHigh),
        ..Selection::default()
    };
    let plan = Plan::new(&reg, &sel, &cfg).unwrap();
    assert_eq!(plan.rules().len(), 1);
}

#[test]
fn risk_override_is_carried_by_findings() {
    let report = run(
        &Selection::rules(["BKT-002"]),
        &config("[rules.BKT-002]\nrisk = \"medium\""),
        &toy(),
    );
    assert!(report.findings.iter().all(|f| f.risk == RiskLevel::Medium));
}

#[test]
fn rule_settings_change_verdicts() {
    let cfg = config("[rules.BKT-001]\nallow_tagged_public = \"Ephemeral\"");
    let report = run(&Selection::rules(["BKT-001"]), &cfg, &toy());
    assert_eq!(status_of(&report, "BKT-001", "b-sandbox"), Status::Pass);
    assert_eq!(status_of(&report, "BKT-001", "b-public"), Status::Fail);
}

#[test]
fn settings_errors_name_rule_key_and_allowed_values() {
    let reg = registry();
    let err = |text: &str| {
        Plan::new(&reg, &Selection::all(), &config(text))
            .err()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        err("[rules.BKT-001]\nallow_tagged = \"x\""),
        "rule `BKT-001` has no setting `allow_tagged`; its settings are: allow_tagged_public"
    );
    assert_eq!(
        err("[rules.BKT-001]\nallow_tagged_public = 3"),
        "rule `BKT-001` setting `allow_tagged_public`: expected a string, found the number `3`"
    );
    assert_eq!(
        err("[rules.NET-001]\nfoo = true"),
        "rule `NET-001` has no setting `foo`; its settings are: (none)"
    );
    assert_eq!(
        err("[rules.XYZ-001]\nenabled = true"),
        "`[rules.XYZ-001]` names no known rule; `cloudposture rules list` shows the rules"
    );
}

#[test]
fn bad_risk_and_unknown_top_level_keys_fail_to_parse() {
    let e = toml::from_str::<Config>("[rules.BKT-001]\nrisk = \"severe\"")
        .unwrap_err()
        .to_string();
    assert!(e.contains("severe"), "{e}");
    let e = toml::from_str::<Config>("[rule.BKT-001]\nenabled = true")
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `rule`"), "{e}");
    let e = toml::from_str::<Config>("[[exceptions]]\nregion = [\"x\"]\nreason = \"r\"")
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `region`"), "{e}");
}

#[test]
fn disabled_everything_is_nothing_selected() {
    let cfg = config("[rules.BKT-001]\nenabled = false");
    let reg = registry();
    let err = Plan::new(&reg, &Selection::rules(["BKT-001"]), &cfg)
        .err()
        .unwrap();
    assert_eq!(err, EngineError::NothingSelected);
}

// ---- exceptions ----

fn muted(exceptions: &str) -> Vec<(String, String)> {
    let report = run(&Selection::rules(["BKT-001"]), &config(exceptions), &toy());
    report
        .findings
        .iter()
        .filter(|f| f.status == Status::Muted)
        .map(|f| {
            (
                f.resource.id.to_string(),
                f.muted_reason.as_deref().unwrap().to_string(),
            )
        })
        .collect()
}

fn muted_ids(exceptions: &str) -> Vec<String> {
    muted(exceptions).into_iter().map(|(id, _)| id).collect()
}

#[test]
fn exception_by_resource_id_or_arn() {
    assert_eq!(
        muted_ids("[[exceptions]]\nresources = [\"b-public\"]\nreason = \"known\""),
        ["b-public"]
    );
    assert_eq!(
        muted_ids("[[exceptions]]\nresources = [\"arn:toy:bucket:us-east-1:b-sandbox\"]\nreason = \"known\""),
        ["b-sandbox"]
    );
}

#[test]
fn exception_by_tag_key_or_key_value() {
    assert_eq!(
        muted_ids("[[exceptions]]\ntags = [\"Ephemeral\"]\nreason = \"r\""),
        ["b-sandbox"]
    );
    assert_eq!(
        muted_ids("[[exceptions]]\ntags = [\"Environment::sandbox\"]\nreason = \"r\""),
        ["b-sandbox"]
    );
    assert!(muted_ids("[[exceptions]]\ntags = [\"Environment::prod\"]\nreason = \"r\"").is_empty());
    // Either tag of the list may match.
    assert_eq!(
        muted_ids("[[exceptions]]\ntags = [\"Owner::data\", \"Ephemeral\"]\nreason = \"r\"").len(),
        2
    );
}

#[test]
fn exception_by_region_and_by_rule() {
    assert_eq!(
        muted_ids("[[exceptions]]\nregions = [\"eu-west-1\"]\nreason = \"r\""),
        ["b-private", "b-public"]
    );
    assert_eq!(
        muted_ids("[[exceptions]]\nrules = [\"BKT-001\"]\nreason = \"r\"").len(),
        3
    );
    assert!(muted_ids("[[exceptions]]\nrules = [\"BKT-002\"]\nreason = \"r\"").is_empty());
}

#[test]
fn every_criterion_given_must_match() {
    let text = "[[exceptions]]\nrules = [\"BKT\"]\nregions = [\"eu-west-1\"]\ntags = [\"Ephemeral\"]\nreason = \"r\"";
    assert!(
        muted_ids(text).is_empty(),
        "tag matches only in us-east-1, region only in eu-west-1"
    );
    let text = "[[exceptions]]\nrules = [\"BKT\"]\nregions = [\"us-east-1\"]\ntags = [\"Ephemeral\"]\nreason = \"r\"";
    assert_eq!(muted_ids(text), ["b-sandbox"]);
}

#[test]
fn muted_findings_keep_the_reason_and_count_only_as_muted() {
    let cfg =
        config("[[exceptions]]\nresources = [\"b-public\"]\nreason = \"accepted by security, ticket SEC-1\"");
    let report = run(&Selection::rules(["BKT-001"]), &cfg, &toy());
    let f = report
        .findings
        .iter()
        .find(|f| f.resource.id == "b-public")
        .unwrap();
    assert_eq!(f.status, Status::Muted);
    assert_eq!(
        f.muted_reason.as_deref(),
        Some("accepted by security, ticket SEC-1")
    );
    // The rule's verdict is kept beside the muting.
    assert_eq!(f.original_status, Some(Status::Fail));
    assert_eq!(f.judged_status(), Status::Fail);
    assert_eq!(serde_json::to_value(f).unwrap()["original_status"], "fail");
    assert_eq!(report.findings.len(), 3, "muted findings stay in the report");
    assert_eq!((report.summary.fail, report.summary.muted), (1, 1));
    let cis = report
        .summary
        .by_control
        .iter()
        .find(|c| c.standard == Standard::CisAwsFoundations)
        .unwrap();
    assert_eq!(
        (cis.pass, cis.fail),
        (1, 1),
        "the muted finding is not a control failure"
    );
}

#[test]
fn invalid_exceptions_are_refused_with_their_position() {
    let reg = registry();
    let err = |text: &str| {
        Plan::new(&reg, &Selection::all(), &config(text))
            .err()
            .unwrap()
            .to_string()
    };
    assert!(err("[[exceptions]]\nreason = \"everything\"").starts_with("exception 1: it has no criterion"));
    assert!(
        err("[[exceptions]]\nregions = [\"x\"]\nreason = \"a\"\n[[exceptions]]\ntags = [\"::v\"]\nreason = \"b\"")
            .starts_with("exception 2: tag `::v` has no key")
    );
    assert!(err("[[exceptions]]\nregions = [\"x\"]\nreason = \" \"").contains("`reason` is empty"));
    assert_eq!(
        err("[[exceptions]]\nrules = [\"ZZZ\"]\nreason = \"r\""),
        "exception 1: no rule matches `ZZZ`"
    );
    let missing = toml::from_str::<Config>("[[exceptions]]\nregions = [\"x\"]")
        .unwrap_err()
        .to_string();
    assert!(missing.contains("missing field `reason`"), "{missing}");
}

// ---- summary and report ----

#[test]
fn summary_counts_status_risk_and_controls() {
    let mut inv = toy();
    inv.broken_region = Some("ap-south-1");
    let report = run(&Selection::rules(["BKT"]), &Config::default(), &inv);
    let s = &report.summary;
    // BKT-001: pass, fail, fail + 1 error; BKT-002: pass, fail, pass.
    assert_eq!(
        (s.total, s.pass, s.fail, s.error, s.skipped, s.muted),
        (7, 3, 3, 1, 0, 0)
    );
    assert_eq!(
        s.by_risk[&RiskLevel::High],
        StatusCounts {
            pass: 1,
            fail: 2,
            error: 1,
            skipped: 0,
            muted: 0
        }
    );
    assert_eq!(
        s.by_risk[&RiskLevel::Low],
        StatusCounts {
            pass: 2,
            fail: 1,
            error: 0,
            skipped: 0,
            muted: 0
        }
    );
    let control = |st: Standard| s.by_control.iter().find(|c| c.standard == st).unwrap();
    assert_eq!(
        (
            control(Standard::CisAwsFoundations).pass,
            control(Standard::CisAwsFoundations).fail
        ),
        (1, 2)
    );
    assert_eq!(control(Standard::CisAwsFoundations).id, Some("2.1.4"));
    assert_eq!(
        (
            control(Standard::Gdpr).pass,
            control(Standard::Gdpr).fail,
            control(Standard::Gdpr).id
        ),
        (2, 1, None)
    );
    assert!(!report.is_complete());
    assert_eq!(report.failures_at_or_above(RiskLevel::High).count(), 2);
    assert_eq!(report.failures_at_or_above(RiskLevel::Extreme).count(), 0);
}

#[test]
fn report_scan_section_comes_from_the_inventory() {
    let mut inv = toy();
    inv.broken_region = Some("ap-south-1");
    let report = run(&Selection::all(), &Config::default(), &inv);
    assert_eq!(report.scan.account.as_deref(), Some("111122223333"));
    assert_eq!(report.scan.api_calls, 3 * 2 + 1);
    let broken = report
        .scan
        .regions
        .iter()
        .find(|r| r.name == "ap-south-1")
        .unwrap();
    assert_eq!(
        (broken.status, broken.error.as_deref()),
        (RegionState::Error, Some("listing failed"))
    );
}

#[test]
fn report_json_has_the_stable_field_names() {
    let cfg = config("[[exceptions]]\nresources = [\"b-public\"]\nreason = \"known\"");
    let report = run(&Selection::rules(["BKT-001"]), &cfg, &toy());
    let v = serde_json::to_value(&report).unwrap();
    for key in ["schema_version", "tool", "scan", "summary", "rules", "findings"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    // The settings each rule judged by are written once, beside the findings.
    assert_eq!(v["rules"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["rules"][0]["id"], "BKT-001");
    assert!(v["rules"][0]["risk"].is_string());
    assert!(v["rules"][0]["settings"].is_object());
    assert_eq!(v["tool"]["name"], "cloudposture");
    assert_eq!(v["scan"]["source"], "snapshot");
    assert!(v["scan"]["started_at"].as_str().unwrap().ends_with('Z'));
    for key in [
        "total",
        "pass",
        "fail",
        "error",
        "skipped",
        "muted",
        "by_risk",
        "by_control",
    ] {
        assert!(v["summary"].get(key).is_some(), "missing summary.{key}");
    }
    assert_eq!(v["summary"]["by_risk"]["high"]["pass"], 1);
    assert_eq!(v["summary"]["by_control"][0]["standard"], "cis");
    let f = &v["findings"][1];
    for key in [
        "rule_id",
        "title",
        "status",
        "risk",
        "resource",
        "message",
        "evidence",
        "controls",
        "remediation",
        "muted_reason",
    ] {
        assert!(f.get(key).is_some(), "missing finding.{key}");
    }
    assert_eq!(f["status"], "muted");
    assert_eq!(f["muted_reason"], "known");
    assert_eq!(f["risk"], "high");
    assert_eq!(f["resource"]["arn"], "arn:toy:bucket:eu-west-1:b-public");
    assert_eq!(
        f["controls"][0],
        json!({"standard": "cis", "version": "v3.0.0", "id": "2.1.4"})
    );
}
