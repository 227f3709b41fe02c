//! The engine over a toy provider: selection, configuration, exceptions, the summary,
//! and the bookkeeping it does for every rule where a kind could not be read.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers panic on broken fixtures, which is what a test should do"
)]

use cloudposture_core::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

// ---- a toy provider: buckets, networks, flow logs and looked-up bucket policies ----

const ACCOUNT: &str = "111122223333";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Bucket {
    id: String,
    region: String,
    public: bool,
    tags: Tags,
}

impl Resource for Bucket {
    fn kind(&self) -> &'static str {
        Buckets::INFO.name
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn arn(&self) -> Option<String> {
        Some(format!("arn:toy:bucket:{}:{}", self.region, self.id))
    }
    fn account(&self) -> Option<&str> {
        Some(ACCOUNT)
    }
    fn region(&self) -> Option<&str> {
        Some(&self.region)
    }
    fn tags(&self) -> &Tags {
        &self.tags
    }
}

struct Buckets;

impl Kind for Buckets {
    type Item = Bucket;
    const INFO: KindInfo = KindInfo {
        name: "toy.bucket",
        singular: "bucket",
        plural: "buckets",
        listing: Listing::Complete,
        audit_actions: &["toy:ListBuckets"],
        resource_type: "Toy::Bucket",
        finding_type: None,
    };
}

/// A network; `owner` is the account that owns it, which may not be the scanned one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Network {
    id: String,
    region: String,
    owner: String,
}

impl Resource for Network {
    fn kind(&self) -> &'static str {
        Networks::INFO.name
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn arn(&self) -> Option<String> {
        None
    }
    fn account(&self) -> Option<&str> {
        Some(&self.owner)
    }
    fn region(&self) -> Option<&str> {
        Some(&self.region)
    }
    fn tags(&self) -> &Tags {
        Tags::empty()
    }
}

struct Networks;

impl Kind for Networks {
    type Item = Network;
    const INFO: KindInfo = KindInfo {
        name: "toy.network",
        singular: "network",
        plural: "networks",
        listing: Listing::Complete,
        audit_actions: &["toy:ListNetworks"],
        resource_type: "Toy::Network",
        finding_type: None,
    };
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FlowLog {
    id: String,
    network: String,
}

impl Resource for FlowLog {
    fn kind(&self) -> &'static str {
        FlowLogs::INFO.name
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

struct FlowLogs;

impl Kind for FlowLogs {
    type Item = FlowLog;
    const INFO: KindInfo = KindInfo {
        name: "toy.flow-log",
        singular: "flow log",
        plural: "flow logs",
        listing: Listing::Complete,
        audit_actions: &["toy:ListFlowLogs"],
        resource_type: "Toy::FlowLog",
        finding_type: None,
    };
}

/// The policy of one bucket, looked up only for buckets that have one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Policy {
    bucket: String,
    public: bool,
}

impl Resource for Policy {
    fn kind(&self) -> &'static str {
        Policies::INFO.name
    }
    fn id(&self) -> &str {
        &self.bucket
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

struct Policies;

impl Kind for Policies {
    type Item = Policy;
    const INFO: KindInfo = KindInfo {
        name: "toy.bucket-policy",
        singular: "bucket policy",
        plural: "bucket policies",
        listing: Listing::Lookup,
        // Listing buckets again is how the toy finds which have a policy: an action
        // that another kind needs too, to be listed once.
        audit_actions: &["toy:GetBucketPolicy", "toy:ListBuckets"],
        resource_type: "Toy::BucketPolicy",
        finding_type: None,
    };
}

// ---- rules ----

static BKT_001: RuleMetadata = RuleMetadata {
    id: "BKT-001",
    title: "Buckets are private",
    provider: "toy",
    service: "Bucket",
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
    iam_audit_extra: &[],
    iam_remediate: &["toy:PutBucketAcl"],
};

static BKT_002: RuleMetadata = RuleMetadata {
    id: "BKT-002",
    title: "Buckets are tagged",
    risk: RiskLevel::Low,
    controls: &[Control::standard_only(Standard::Gdpr, "2016/679")],
    ..BKT_001
};

static NET_001: RuleMetadata = RuleMetadata {
    id: "NET-001",
    title: "Networks are logged",
    service: "Network",
    risk: RiskLevel::Medium,
    controls: &[Control::new(Standard::CisAwsFoundations, "v3.0.0", "3.7")],
    // One action of its kinds again, to be listed once.
    iam_audit_extra: &["toy:ListFlowLogs", "logs:DescribeLogGroups"],
    ..BKT_001
};

static BKT_003: RuleMetadata = RuleMetadata {
    id: "BKT-003",
    title: "Bucket policies are not public",
    ..BKT_001
};

static BAD_001: RuleMetadata = RuleMetadata {
    id: "BAD-001",
    title: "Reads a lookup as a listing",
    ..BKT_001
};

/// Settings of BKT-001.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
struct PrivateSettings {
    /// A tag key that makes public buckets acceptable.
    allow_tagged_public: Option<String>,
}

impl RuleSettings for PrivateSettings {
    fn validate(&self) -> Result<(), SettingError> {
        if self
            .allow_tagged_public
            .as_deref()
            .is_some_and(|t| t.trim().is_empty())
        {
            return Err(SettingError::new("allow_tagged_public", "the tag key is empty"));
        }
        Ok(())
    }
}

struct PrivateBuckets;

impl Rule for PrivateBuckets {
    type Kind = Buckets;
    type Reads<'a> = ();
    type Settings = PrivateSettings;

    fn metadata(&self) -> &'static RuleMetadata {
        &BKT_001
    }

    fn evaluate(&self, buckets: &[Bucket], _: (), ctx: &RuleContext<'_, PrivateSettings>) -> Vec<Finding> {
        let allowed_tag = ctx.settings().allow_tagged_public.as_deref();
        buckets
            .iter()
            .map(|b| {
                if !b.public {
                    ctx.pass(b, "private")
                } else if allowed_tag.is_some_and(|t| b.tags.contains_key(t)) {
                    ctx.pass(b, "public by design")
                } else {
                    ctx.fail(b, "public").with_evidence(json!({"public": true}))
                }
            })
            .collect()
    }
}

struct TaggedBuckets;

impl Rule for TaggedBuckets {
    type Kind = Buckets;
    type Reads<'a> = ();
    type Settings = NoSettings;

    fn metadata(&self) -> &'static RuleMetadata {
        &BKT_002
    }

    fn evaluate(&self, buckets: &[Bucket], _: (), ctx: &RuleContext<'_, NoSettings>) -> Vec<Finding> {
        buckets
            .iter()
            .map(|b| match b.tags.is_empty() {
                true => ctx.fail(b, "untagged"),
                false => ctx.pass(b, "ok"),
            })
            .collect()
    }
}

/// Networks need a flow log; a network of another account is not ours to judge, which
/// the rule can say without the flow logs.
struct LoggedNetworks;

impl Rule for LoggedNetworks {
    type Kind = Networks;
    type Reads<'a> = Listed<'a, FlowLogs>;
    type Settings = NoSettings;

    fn metadata(&self) -> &'static RuleMetadata {
        &NET_001
    }

    fn evaluate<'a>(
        &self,
        networks: &'a [Network],
        flow_logs: Listed<'a, FlowLogs>,
        ctx: &RuleContext<'a, NoSettings>,
    ) -> Vec<Finding> {
        networks
            .iter()
            .map(|n| {
                if let Some(skipped) = self.judge_alone(n, ctx) {
                    skipped
                } else if flow_logs.iter().any(|f| f.network == n.id) {
                    ctx.pass(n, "logged")
                } else {
                    ctx.fail(n, "no flow log")
                }
            })
            .collect()
    }

    fn judge_alone(&self, network: &Network, ctx: &RuleContext<'_, NoSettings>) -> Option<Finding> {
        (Some(network.owner.as_str()) != ctx.account())
            .then(|| ctx.skipped(network, format!("owned by account {}", network.owner)))
    }
}

/// Reads policies as the lookup they are: a bucket without a looked-up policy passes,
/// unless the lookup failed, which the rule words itself.
struct PrivatePolicies;

impl Rule for PrivatePolicies {
    type Kind = Buckets;
    type Reads<'a> = Lookup<'a, Policies>;
    type Settings = NoSettings;

    fn metadata(&self) -> &'static RuleMetadata {
        &BKT_003
    }

    fn evaluate<'a>(
        &self,
        buckets: &'a [Bucket],
        policies: Lookup<'a, Policies>,
        ctx: &RuleContext<'a, NoSettings>,
    ) -> Vec<Finding> {
        buckets
            .iter()
            .map(|b| match (policies.get(&b.id), policies.state()) {
                (Some(p), _) if p.public => ctx.fail(b, "the policy grants everyone access"),
                (Some(_), _) => ctx.pass(b, "the policy is private"),
                (None, KindState::Failed(e)) => ctx.error(b, format!("policy lookup failed: {e}")),
                (None, KindState::NotCollected) => ctx.error(b, "policies were not looked up"),
                (None, KindState::Listed(_)) => ctx.pass(b, "no policy"),
            })
            .collect()
    }
}

/// Wrong on purpose: policies are a lookup, not every policy.
struct ListsPolicies;

impl Rule for ListsPolicies {
    type Kind = Buckets;
    type Reads<'a> = (Listed<'a, FlowLogs>, Listed<'a, Policies>);
    type Settings = NoSettings;

    fn metadata(&self) -> &'static RuleMetadata {
        &BAD_001
    }

    fn evaluate<'a>(
        &self,
        _: &'a [Bucket],
        _: (Listed<'a, FlowLogs>, Listed<'a, Policies>),
        _: &RuleContext<'a, NoSettings>,
    ) -> Vec<Finding> {
        Vec::new()
    }
}

fn registry() -> Registry {
    let mut r = Registry::new();
    r.register(PrivateBuckets)
        .unwrap()
        .register(TaggedBuckets)
        .unwrap()
        .register(LoggedNetworks)
        .unwrap();
    r
}

// ---- inventories ----

fn bucket(id: &str, region: &str, public: bool, tags: &[(&str, &str)]) -> Bucket {
    Bucket {
        id: id.into(),
        region: region.into(),
        public,
        tags: tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    }
}

fn network(id: &str, region: &str, owner: &str) -> Network {
    Network {
        id: id.into(),
        region: region.into(),
        owner: owner.into(),
    }
}

fn flow_log(id: &str, network: &str) -> FlowLog {
    FlowLog {
        id: id.into(),
        network: network.into(),
    }
}

fn denied(operation: &str) -> CollectError {
    CollectError::new(
        operation,
        ErrorClass::AccessDenied,
        Some("AccessDenied".into()),
        "",
    )
}

fn scope(region: &str) -> Scope {
    let mut scope = Scope::new(ScopeId::region(Some(ACCOUNT), region));
    scope.api_calls = 2;
    scope
}

/// Three buckets in two regions, read with two API calls each, plus one global call.
fn toy() -> Inventory {
    let mut inventory = Inventory::new(Some(ACCOUNT.into()));
    inventory.global_api_calls = 1;
    let mut eu = scope("eu-west-1");
    eu.insert::<Buckets>(vec![
        bucket("b-private", "eu-west-1", false, &[("Owner", "data")]),
        bucket("b-public", "eu-west-1", true, &[]),
    ]);
    let mut us = scope("us-east-1");
    us.insert::<Buckets>(vec![bucket(
        "b-sandbox",
        "us-east-1",
        true,
        &[("Environment", "sandbox"), ("Ephemeral", "")],
    )]);
    inventory.scopes = vec![eu, us];
    inventory
}

/// [`toy`] with a third region whose buckets could not be listed.
fn toy_with_broken_region() -> Inventory {
    let mut inventory = toy();
    let mut broken = scope("ap-south-1");
    broken.fail(Buckets::INFO.name, denied("ListBuckets"));
    inventory.scopes.push(broken);
    inventory
}

fn ids(rules: &[&dyn AnyRule]) -> Vec<&'static str> {
    rules.iter().map(|r| r.metadata().id).collect()
}

fn config(toml_text: &str) -> Config {
    toml::from_str(toml_text).unwrap()
}

fn run(selection: &Selection, config: &Config, inv: &Inventory) -> Report {
    run_with(&registry(), selection, config, inv)
}

fn run_with(registry: &Registry, selection: &Selection, config: &Config, inv: &Inventory) -> Report {
    let plan = Plan::new(registry, selection, config).unwrap();
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

/// `(resource id, status, message)` of every finding, in report order.
fn verdicts(report: &Report) -> Vec<(String, Status, String)> {
    report
        .findings
        .iter()
        .map(|f| (f.resource.id.to_string(), f.status, f.message.clone()))
        .collect()
}

fn verdict(id: &str, status: Status, message: &str) -> (String, Status, String) {
    (id.to_string(), status, message.to_string())
}

// ---- registry and selection ----

#[test]
fn duplicate_ids_are_refused_case_insensitively() {
    static LOWER: RuleMetadata = RuleMetadata {
        id: "bkt-001",
        ..BKT_001
    };
    struct Lower;
    impl Rule for Lower {
        type Kind = Buckets;
        type Reads<'a> = ();
        type Settings = NoSettings;
        fn metadata(&self) -> &'static RuleMetadata {
            &LOWER
        }
        fn evaluate(&self, _: &[Bucket], _: (), _: &RuleContext<'_, NoSettings>) -> Vec<Finding> {
            Vec::new()
        }
    }
    let mut r = registry();
    let err = r.register(PrivateBuckets).unwrap_err();
    assert_eq!(err.to_string(), "rule id `BKT-001` is registered twice");
    let err = r.register(Lower).unwrap_err();
    assert_eq!(err.to_string(), "rule id `bkt-001` is registered twice");
    assert_eq!(r.len(), 3);
}

#[test]
fn a_rule_that_reads_a_lookup_as_a_listing_is_refused() {
    let mut r = registry();
    let err = r.register(ListsPolicies).unwrap_err();
    assert_eq!(
        err,
        RegistryError::LookupReadAsListing {
            id: "BAD-001".into(),
            kind: "toy.bucket-policy"
        }
    );
    assert_eq!(
        err.to_string(),
        "rule `BAD-001` reads `toy.bucket-policy` as a complete listing, but only some of those are looked up; read it as a `Lookup`"
    );
    assert!(r.get("BAD-001").is_none() && r.len() == 3);
    // Read as the lookup it is, the same kind is accepted.
    r.register(PrivatePolicies).unwrap();
    assert_eq!(r.len(), 4);
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
    let reg = registry();
    let err = Plan::new(&reg, &Selection::rules(["BKT", "EC2"]), &Config::default())
        .err()
        .unwrap();
    assert_eq!(
        err,
        EngineError::Selection(SelectionError::UnknownRule {
            selector: "EC2".into()
        })
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
        ["toy.bucket", "toy.flow-log", "toy.network"]
    );
}

#[test]
fn a_rule_needs_its_kind_then_what_it_reads() {
    let mut reg = registry();
    reg.register(PrivatePolicies).unwrap();
    let needs = |id: &str| -> Vec<(&str, Listing)> {
        reg.get(id)
            .unwrap()
            .needs()
            .iter()
            .map(|n| (n.kind.name, n.read_as))
            .collect()
    };
    assert_eq!(needs("BKT-001"), [("toy.bucket", Listing::Complete)]);
    assert_eq!(
        needs("NET-001"),
        [
            ("toy.network", Listing::Complete),
            ("toy.flow-log", Listing::Complete)
        ]
    );
    assert_eq!(
        needs("BKT-003"),
        [
            ("toy.bucket", Listing::Complete),
            ("toy.bucket-policy", Listing::Lookup)
        ]
    );
    assert_eq!(reg.get("NET-001").unwrap().kind().name, "toy.network");
}

#[test]
fn audit_actions_are_the_kinds_then_the_extras_each_once() {
    let mut reg = registry();
    reg.register(PrivatePolicies).unwrap();
    let actions = |id: &str| reg.get(id).unwrap().audit_actions();
    assert_eq!(actions("BKT-001"), ["toy:ListBuckets"]);
    // The extras repeat `toy:ListFlowLogs`, which the flow-log kind already needs.
    assert_eq!(
        actions("NET-001"),
        ["toy:ListNetworks", "toy:ListFlowLogs", "logs:DescribeLogGroups"]
    );
    // Buckets and policies both need `toy:ListBuckets`.
    assert_eq!(actions("BKT-003"), ["toy:ListBuckets", "toy:GetBucketPolicy"]);
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
    assert_eq!(
        ids(&plan.rules().iter().map(|p| p.rule).collect::<Vec<_>>()),
        ["NET-001"]
    );
}

#[test]
fn risk_override_is_carried_by_findings() {
    let report = run(
        &Selection::rules(["BKT-002"]),
        &config("[rules.BKT-002]\nrisk = \"medium\""),
        &toy(),
    );
    assert_eq!(report.findings.len(), 3);
    assert!(report.findings.iter().all(|f| f.risk == RiskLevel::Medium));
    assert_eq!(report.rules[0].risk, RiskLevel::Medium);
}

#[test]
fn rule_settings_change_verdicts() {
    let report = run(&Selection::rules(["BKT-001"]), &Config::default(), &toy());
    assert_eq!(status_of(&report, "BKT-001", "b-sandbox"), Status::Fail);
    let cfg = config("[rules.BKT-001]\nallow_tagged_public = \"Ephemeral\"");
    let report = run(&Selection::rules(["BKT-001"]), &cfg, &toy());
    assert_eq!(status_of(&report, "BKT-001", "b-sandbox"), Status::Pass);
    assert_eq!(status_of(&report, "BKT-001", "b-public"), Status::Fail);
    // The report says which settings the rule judged by.
    assert_eq!(
        report.rules[0].settings,
        json!({"allow_tagged_public": "Ephemeral"})
    );
}

#[test]
fn the_plan_keeps_typed_settings_with_defaults_filled_in() {
    let reg = registry();
    let plan = Plan::new(&reg, &Selection::all(), &Config::default()).unwrap();
    let settings = &plan.rules()[0].settings;
    assert_eq!(
        settings.get::<PrivateSettings>(),
        Some(&PrivateSettings::default())
    );
    assert_eq!(settings.get::<NoSettings>(), None, "another rule's settings type");
    assert_eq!(settings.json(), &json!({"allow_tagged_public": null}));
    let docs = reg.get("BKT-001").unwrap().setting_docs();
    assert_eq!(docs.len(), 1);
    assert_eq!(
        (
            docs[0].name.as_str(),
            docs[0].type_name.as_str(),
            docs[0].description.as_str()
        ),
        (
            "allow_tagged_public",
            "string",
            "A tag key that makes public buckets acceptable."
        )
    );
    assert!(reg.get("BKT-002").unwrap().setting_docs().is_empty());
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
        "rule `BKT-001` setting `allow_tagged_public`: expected a string, found the integer `3`"
    );
    assert_eq!(
        err("[rules.BKT-001]\nallow_tagged_public = \" \""),
        "rule `BKT-001` setting `allow_tagged_public`: the tag key is empty"
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
fn settings_errors_are_typed_and_found_before_any_rule_runs() {
    let reg = registry();
    let plan = |text: &str, selection: &Selection| Plan::new(&reg, selection, &config(text)).err().unwrap();
    assert_eq!(
        plan("[rules.BKT-001]\nallow_tagged = \"x\"", &Selection::all()),
        EngineError::Config(ConfigError::Settings(SettingsError::UnknownKey {
            rule: "BKT-001".into(),
            key: "allow_tagged".into(),
            known: vec!["allow_tagged_public".into()],
        }))
    );
    // A rule that is not selected today is checked too, and so is a disabled one.
    assert!(matches!(
        plan("[rules.BKT-001]\nenabled = false\nallow_tagged_public = []", &Selection::rules(["NET"])),
        EngineError::Config(ConfigError::Settings(SettingsError::InvalidValue { rule, key, .. }))
            if rule == "BKT-001" && key == "allow_tagged_public"
    ));
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
        muted("[[exceptions]]\nresources = [\"b-public\"]\nreason = \"known\""),
        [("b-public".to_string(), "known".to_string())]
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
        muted_ids("[[exceptions]]\ntags = [\"Owner::data\", \"Ephemeral\"]\nreason = \"r\""),
        ["b-private", "b-sandbox"]
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
fn the_first_matching_exception_gives_the_reason() {
    let text = "[[exceptions]]\nresources = [\"b-public\"]\nreason = \"first\"\n\
                [[exceptions]]\nregions = [\"eu-west-1\"]\nreason = \"second\"";
    assert_eq!(
        muted(text),
        [
            ("b-private".to_string(), "second".to_string()),
            ("b-public".to_string(), "first".to_string())
        ]
    );
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
    assert_eq!(f.message, "public", "the rule's message is kept");
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
fn exceptions_mute_error_findings_of_an_unreadable_region_too() {
    let cfg = config("[[exceptions]]\nregions = [\"ap-south-1\"]\nreason = \"region being closed\"");
    let report = run(&Selection::rules(["BKT-001"]), &cfg, &toy_with_broken_region());
    let f = report.findings.iter().find(|f| f.resource.id == "*").unwrap();
    assert_eq!(
        (f.status, f.original_status),
        (Status::Muted, Some(Status::Error))
    );
    assert_eq!(report.findings.len(), 4);
    assert_eq!((report.summary.error, report.summary.muted), (0, 1));
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
    let report = run(
        &Selection::rules(["BKT"]),
        &Config::default(),
        &toy_with_broken_region(),
    );
    let s = &report.summary;
    // BKT-001: pass, fail, fail + 1 error for ap-south-1; BKT-002: pass, fail, pass + 1 error.
    assert_eq!(
        (s.total, s.pass, s.fail, s.error, s.skipped, s.muted),
        (8, 3, 3, 2, 0, 0)
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
            error: 1,
            skipped: 0,
            muted: 0
        }
    );
    assert!(!s.by_risk.contains_key(&RiskLevel::Medium));
    let control = |st: Standard| s.by_control.iter().find(|c| c.standard == st).unwrap();
    let cis = control(Standard::CisAwsFoundations);
    assert_eq!((cis.pass, cis.fail, cis.error, cis.id), (1, 2, 1, Some("2.1.4")));
    let gdpr = control(Standard::Gdpr);
    assert_eq!((gdpr.pass, gdpr.fail, gdpr.error, gdpr.id), (2, 1, 1, None));
    assert!(!report.is_complete());
    assert_eq!(report.failures_at_or_above(RiskLevel::High).count(), 2);
    assert_eq!(report.failures_at_or_above(RiskLevel::Extreme).count(), 0);
}

#[test]
fn a_readable_inventory_makes_a_complete_report() {
    let report = run(&Selection::rules(["BKT"]), &Config::default(), &toy());
    assert!(report.is_complete());
    assert_eq!(report.summary.total, 6);
}

#[test]
fn report_scan_section_comes_from_the_inventory() {
    let report = run(&Selection::all(), &Config::default(), &toy_with_broken_region());
    assert_eq!(report.scan.source, ScanSource::Snapshot);
    assert_eq!(report.scan.account.as_deref(), Some(ACCOUNT));
    assert_eq!(report.scan.api_calls, 3 * 2 + 1);
    let regions: Vec<(&str, RegionState, Option<&str>, u64)> = report
        .scan
        .regions
        .iter()
        .map(|r| (r.name.as_str(), r.status, r.error.as_deref(), r.api_calls))
        .collect();
    assert_eq!(
        regions,
        [
            ("eu-west-1", RegionState::Ok, None, 2),
            ("us-east-1", RegionState::Ok, None, 2),
            (
                "ap-south-1",
                RegionState::Error,
                Some("ListBuckets access denied (AccessDenied)"),
                2
            ),
        ]
    );
}

#[test]
fn report_lists_regions_not_scanned_and_global_failures() {
    let mut inv = toy();
    inv.regions_not_scanned.push(SkippedRegion {
        name: "me-central-1".into(),
        reason: "opt-in region not enabled for the account".into(),
    });
    inv.global_errors.push(denied("GetCallerIdentity"));
    let report = run(&Selection::rules(["BKT"]), &Config::default(), &inv);
    assert_eq!(
        report.scan.regions_not_scanned,
        [RegionNotScanned {
            name: "me-central-1".into(),
            reason: "opt-in region not enabled for the account".into(),
        }]
    );
    let global = &report.scan.regions[0];
    assert_eq!(
        (global.name.as_str(), global.status, global.error.as_deref()),
        (
            "global",
            RegionState::Error,
            Some("GetCallerIdentity access denied (AccessDenied)")
        )
    );
    assert!(
        !report.is_complete(),
        "a global failure leaves the scan incomplete"
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
    assert_eq!(f["evidence"], json!({"public": true}));
    assert_eq!(f["resource"]["kind"], "toy.bucket");
    assert_eq!(f["resource"]["arn"], "arn:toy:bucket:eu-west-1:b-public");
    assert_eq!(
        f["controls"][0],
        json!({"standard": "cis", "version": "v3.0.0", "id": "2.1.4"})
    );
}

// ---- bookkeeping: what the engine writes where a kind could not be read ----

#[test]
fn findings_carry_the_kind_they_judge() {
    let report = run(
        &Selection::rules(["BKT-001"]),
        &Config::default(),
        &toy_with_broken_region(),
    );
    assert_eq!(report.findings.len(), 4);
    // The scope-wide error too: writers read the kind's type names from it.
    for f in &report.findings {
        assert_eq!((*f.kind, f.resource.kind.as_str()), (Buckets::INFO, "toy.bucket"));
    }
}

#[test]
fn the_judged_kind_failed_in_one_scope_is_one_scope_wide_error_there() {
    let report = run(
        &Selection::rules(["BKT-001"]),
        &Config::default(),
        &toy_with_broken_region(),
    );
    let errors: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Error)
        .collect();
    assert_eq!(errors.len(), 1, "one finding stands for the whole region");
    let e = errors[0];
    assert_eq!(e.resource.id, SCOPE_WIDE_ID);
    assert_eq!(e.resource.id, "*");
    assert_eq!(e.resource.kind, "toy.bucket");
    assert_eq!(e.resource.region.as_deref(), Some("ap-south-1"));
    assert_eq!(e.resource.account.as_deref(), Some(ACCOUNT));
    assert_eq!(e.rule.id, "BKT-001");
    assert_eq!(e.risk, RiskLevel::High);
    assert_eq!(
        e.message,
        "could not list buckets in ap-south-1: ListBuckets access denied (AccessDenied)"
    );
    assert_eq!(
        e.evidence.to_value(),
        json!({"region": "ap-south-1", "error": serde_json::to_value(denied("ListBuckets")).unwrap()})
    );
    // The other scopes are judged as usual.
    assert_eq!(
        verdicts(&report)
            .into_iter()
            .filter(|(_, s, _)| *s != Status::Error)
            .collect::<Vec<_>>(),
        [
            verdict("b-private", Status::Pass, "private"),
            verdict("b-public", Status::Fail, "public"),
            verdict("b-sandbox", Status::Fail, "public"),
        ]
    );
}

#[test]
fn the_judged_kind_not_collected_is_one_error_per_scope_saying_so() {
    let mut inv = toy();
    inv.scopes.push(scope("ap-south-1"));
    let report = run(&Selection::rules(["BKT-002"]), &Config::default(), &inv);
    let e = report.findings.last().unwrap();
    assert_eq!(
        (e.resource.id.as_str(), e.status, e.resource.region.as_deref()),
        ("*", Status::Error, Some("ap-south-1"))
    );
    assert_eq!(
        e.message,
        "buckets were not collected in ap-south-1 (the inventory was made without `toy.bucket`), so none could be judged"
    );
    assert_eq!(report.summary.error, 1);
}

#[test]
fn an_empty_listing_is_no_finding_not_an_error() {
    let mut inv = toy();
    let mut empty = scope("ap-south-1");
    empty.insert::<Buckets>(Vec::new());
    inv.scopes.push(empty);
    let report = run(&Selection::rules(["BKT-001"]), &Config::default(), &inv);
    assert_eq!(report.findings.len(), 3);
    assert!(report.is_complete());
}

/// Networks in eu-west-1 (one of another account) whose flow logs could not be
/// listed, and in us-east-1 where they could.
fn networks_with_flow_logs_failed() -> Inventory {
    let mut inventory = Inventory::new(Some(ACCOUNT.into()));
    let mut eu = scope("eu-west-1");
    eu.insert::<Networks>(vec![
        network("n-1", "eu-west-1", ACCOUNT),
        network("n-shared", "eu-west-1", "444455556666"),
        network("n-2", "eu-west-1", ACCOUNT),
    ]);
    eu.fail(FlowLogs::INFO.name, denied("ListFlowLogs"));
    let mut us = scope("us-east-1");
    us.insert::<Networks>(vec![
        network("n-3", "us-east-1", ACCOUNT),
        network("n-4", "us-east-1", ACCOUNT),
    ]);
    us.insert::<FlowLogs>(vec![flow_log("fl-1", "n-3")]);
    inventory.scopes = vec![eu, us];
    inventory
}

#[test]
fn a_listed_read_failed_is_one_error_per_resource_unless_the_rule_judges_it_alone() {
    let report = run(
        &Selection::rules(["NET-001"]),
        &Config::default(),
        &networks_with_flow_logs_failed(),
    );
    let cannot = "could not list flow logs in eu-west-1: ListFlowLogs access denied (AccessDenied); the network cannot be judged";
    assert_eq!(
        verdicts(&report),
        [
            verdict("n-1", Status::Error, cannot),
            verdict("n-shared", Status::Skipped, "owned by account 444455556666"),
            verdict("n-2", Status::Error, cannot),
            verdict("n-3", Status::Pass, "logged"),
            verdict("n-4", Status::Fail, "no flow log"),
        ]
    );
    let e = &report.findings[0];
    assert_eq!(
        (e.resource.region.as_deref(), e.resource.kind.as_str()),
        (Some("eu-west-1"), "toy.network")
    );
    assert_eq!(e.evidence.to_value()["error"]["operation"], "ListFlowLogs");
}

#[test]
fn a_listed_read_not_collected_is_one_error_per_resource_saying_so() {
    let mut inv = networks_with_flow_logs_failed();
    let mut eu = scope("eu-west-1");
    eu.insert::<Networks>(vec![network("n-1", "eu-west-1", ACCOUNT)]);
    inv.scopes[0] = eu;
    let report = run(&Selection::rules(["NET-001"]), &Config::default(), &inv);
    assert_eq!(
        verdicts(&report)[0],
        verdict(
            "n-1",
            Status::Error,
            "flow logs were not collected in eu-west-1 (the inventory was made without `toy.flow-log`); the network cannot be judged"
        )
    );
    assert!(report.findings[0].evidence.to_value()["error"].is_null());
}

#[test]
fn the_judged_kind_failing_wins_over_a_read_failing() {
    let mut inv = networks_with_flow_logs_failed();
    inv.scopes[0].fail(Networks::INFO.name, denied("ListNetworks"));
    let report = run(&Selection::rules(["NET-001"]), &Config::default(), &inv);
    assert_eq!(
        verdicts(&report)[0],
        verdict(
            "*",
            Status::Error,
            "could not list networks in eu-west-1: ListNetworks access denied (AccessDenied)"
        )
    );
    assert_eq!(report.findings.len(), 3);
}

fn policies_registry() -> Registry {
    let mut r = Registry::new();
    r.register(PrivatePolicies).unwrap();
    r
}

#[test]
fn a_lookup_read_failed_still_calls_the_rule_which_sees_the_error() {
    let mut inv = toy();
    inv.scopes[0].insert::<Policies>(vec![Policy {
        bucket: "b-public".into(),
        public: true,
    }]);
    inv.scopes[1].fail(Policies::INFO.name, denied("GetBucketPolicy"));
    let report = run_with(&policies_registry(), &Selection::all(), &Config::default(), &inv);
    assert_eq!(
        verdicts(&report),
        [
            verdict("b-private", Status::Pass, "no policy"),
            verdict("b-public", Status::Fail, "the policy grants everyone access"),
            verdict(
                "b-sandbox",
                Status::Error,
                "policy lookup failed: GetBucketPolicy access denied (AccessDenied)"
            ),
        ]
    );
}

#[test]
fn a_lookup_not_collected_still_calls_the_rule() {
    let report = run_with(
        &policies_registry(),
        &Selection::all(),
        &Config::default(),
        &toy(),
    );
    assert_eq!(
        verdicts(&report)[0],
        verdict("b-private", Status::Error, "policies were not looked up")
    );
    assert_eq!(report.findings.len(), 3);
}

#[test]
fn a_rule_can_be_called_directly_with_typed_reads() {
    let networks = [
        network("n-1", "eu-west-1", ACCOUNT),
        network("n-2", "eu-west-1", ACCOUNT),
    ];
    let flow_logs = [flow_log("fl-1", "n-2")];
    let id = ScopeId::region(Some(ACCOUNT), "eu-west-1");
    let ctx = RuleContext::new(&NET_001, &Networks::INFO, &NoSettings {}, RiskLevel::Low, &id);
    let findings = LoggedNetworks.evaluate(&networks, Listed::new(&flow_logs), &ctx);
    let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
    assert_eq!(statuses, [Status::Fail, Status::Pass]);
    assert_eq!(findings[0].risk, RiskLevel::Low);
    let failed = denied("GetBucketPolicy");
    let buckets = [bucket("b-1", "eu-west-1", false, &[])];
    let ctx = RuleContext::new(&BKT_003, &Buckets::INFO, &NoSettings {}, RiskLevel::Low, &id);
    let findings = PrivatePolicies.evaluate(&buckets, Lookup::failed(&failed), &ctx);
    assert_eq!(findings[0].status, Status::Error);
}

#[test]
fn a_report_written_as_json_reads_back_with_its_rules() {
    let config = config(
        "[rules.BKT-001]\nrisk = \"high\"\n\n[[exceptions]]\nrules = [\"BKT-001\"]\ntags = [\"Environment::sandbox\"]\nreason = \"sandbox\"\n",
    );
    let report = run(&Selection::rules(["BKT"]), &config, &toy_with_broken_region());
    assert!(report.findings.iter().any(|f| f.status == Status::Muted));
    assert!(report.findings.iter().any(|f| f.status == Status::Error));
    let text = serde_json::to_string_pretty(&report).unwrap();

    let back = Report::from_json(&text, &registry()).unwrap();
    assert_eq!(back.findings, report.findings);
    assert_eq!(back.summary, report.summary);
    assert_eq!(back.rules, report.rules);
    assert_eq!(back.scan.regions, report.scan.regions);
    assert_eq!(back.scan.account, report.scan.account);
    assert_eq!(back.tool, report.tool);
    // And it writes the same JSON again.
    assert_eq!(serde_json::to_string_pretty(&back).unwrap(), text);
}

#[test]
fn a_report_of_another_schema_or_with_unknown_rules_is_refused() {
    let report = run(&Selection::rules(["BKT-001"]), &Config::default(), &toy());
    let mut json = serde_json::to_value(&report).unwrap();

    let mut other = Registry::new();
    other.register(LoggedNetworks).unwrap();
    let err = Report::from_json(&json.to_string(), &other).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the report has findings of rule `BKT-001`, which this cloudposture does not have"
    );

    json["schema_version"] = 99.into();
    let err = Report::from_json(&json.to_string(), &registry()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the report has schema version 99; this cloudposture reads version 2 only"
    );

    let err = Report::from_json("{\"schema_version\": 2, \"tool\": 1}", &registry()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("not a cloudposture report: invalid type: integer `1`"),
        "{err}"
    );
}
