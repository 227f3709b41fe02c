//! A resource kind the provider lacks — internet gateways — added from outside the
//! workspace with public API only: its model and kind declaration, a lister (mocked
//! here with mockall, so that the example runs offline; the SDK-backed lister is the
//! `sdk_lister` module below), a rule over it with typed settings, and one scan that
//! runs it beside VPC-001.
//!
//! Run: `cargo run --example custom_kind`

use cloudposture::aws::{
    Fetched, Listers, MockAccountApi, MockLister, NoProgress, RegionScope, collect, kinds::FLOW_LOG,
};
use cloudposture::core::jiff::Timestamp;
use cloudposture::core::{Config, Plan, Registry, ScanSource, Selection};
use cloudposture::rule_prelude::*;
use serde::{Deserialize, Serialize};

// --- The kind: model, declaration, ARN ---------------------------------------------

/// An internet gateway and the VPCs it is attached to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InternetGateway {
    /// `igw-…`.
    pub id: String,
    /// Region.
    pub region: String,
    /// Owning account.
    pub owner_id: String,
    /// Ids of the VPCs it is attached to (none when detached).
    pub attached_vpcs: Vec<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Tags,
}

impl Resource for InternetGateway {
    fn kind(&self) -> &'static str {
        InternetGateways::INFO.name
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn arn(&self) -> Option<String> {
        Some(cloudposture::aws::ec2_arn(
            &self.region,
            &self.owner_id,
            "internet-gateway",
            &self.id,
        ))
    }
    fn account(&self) -> Option<&str> {
        Some(&self.owner_id)
    }
    fn region(&self) -> Option<&str> {
        Some(&self.region)
    }
    fn tags(&self) -> &Tags {
        &self.tags
    }
}

/// The kind: what collection, snapshots, the IAM policy and reports need to know.
pub struct InternetGateways;

impl Kind for InternetGateways {
    type Item = InternetGateway;
    const INFO: KindInfo = KindInfo {
        name: "aws.ec2.internet-gateway",
        singular: "internet gateway",
        plural: "internet gateways",
        listing: Listing::Complete,
        audit_actions: &["ec2:DescribeInternetGateways"],
        resource_type: "AWS::EC2::InternetGateway",
        finding_type: Some("AwsEc2InternetGateway"),
    };
}

/// The lister over the AWS SDK (compiled with the `sdk` feature): the provider's page
/// loop, the operation and the field; nothing else.
#[cfg(feature = "sdk")]
mod sdk_lister {
    use cloudposture::aws::sdk::aws_sdk_ec2::types as ec2;
    use cloudposture::aws::sdk::{MAX_PAGE_SIZE, SdkCollector, pages};
    use cloudposture::aws::{Fetched, ListContext, Lister};
    use cloudposture::core::CollectError;

    use super::{InternetGateway, InternetGateways};

    /// Lists internet gateways with the collector's clients.
    pub struct SdkInternetGateways(pub SdkCollector);

    /// A live scan's listers: the built-in kinds' and this one, over the same clients.
    #[expect(
        dead_code,
        reason = "how a live scan registers the kind; this example runs offline on mocks"
    )]
    pub fn live_listers(sdk: &SdkCollector) -> cloudposture::aws::Listers {
        sdk.listers()
            .add::<InternetGateways>(SdkInternetGateways(sdk.clone()))
    }

    #[cloudposture::aws::async_trait]
    impl Lister<InternetGateways> for SdkInternetGateways {
        async fn list<'a>(&self, ctx: &ListContext<'a>) -> Result<Fetched<InternetGateway>, CollectError> {
            let client = self.0.ec2_client(ctx.region);
            let listed = pages(
                "DescribeInternetGateways",
                |token| {
                    client
                        .describe_internet_gateways()
                        .max_results(MAX_PAGE_SIZE)
                        .set_next_token(token)
                        .send()
                },
                |page| (page.internet_gateways.unwrap_or_default(), page.next_token),
            )
            .await?;
            Ok(listed.map(|g: ec2::InternetGateway| InternetGateway {
                id: g.internet_gateway_id.unwrap_or_default(),
                region: ctx.region.to_string(),
                owner_id: g.owner_id.unwrap_or_default(),
                attached_vpcs: g
                    .attachments
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|a| a.vpc_id)
                    .collect(),
                tags: g
                    .tags
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|t| Some((t.key?, t.value.unwrap_or_default())))
                    .collect(),
            }))
        }
    }
}

// --- A rule over it -----------------------------------------------------------------

static IGW_001: RuleMetadata = RuleMetadata {
    id: "IGW-001",
    title: "Internet Gateways Attached Only to Authorized VPCs",
    provider: "aws",
    service: "VPC",
    risk: RiskLevel::High,
    pillars: &[Pillar::Security],
    controls: &[Control::new(Standard::Nist, "Rev. 5", "SC-7")],
    description: "Internet gateways are attached only to the VPCs listed as allowed to reach the internet.",
    rationale: "An internet gateway gives a VPC a path to and from the internet; on a VPC meant to be \
                private it exposes every instance whose security group or route allows it.",
    audit: &[AuditStep {
        via: "cli",
        text: "List internet gateways and the VPCs they are attached to",
        code: Some(
            "aws ec2 describe-internet-gateways --query 'InternetGateways[].[InternetGatewayId,Attachments[].VpcId]'",
        ),
    }],
    remediation: &[AuditStep {
        via: "cli",
        text: "Detach the internet gateway from the VPC",
        code: Some("aws ec2 detach-internet-gateway --internet-gateway-id igw-... --vpc-id vpc-..."),
    }],
    references: &[Reference {
        title: "AWS Config rule internet-gateway-authorized-vpc-only",
        url: "https://docs.aws.amazon.com/config/latest/developerguide/internet-gateway-authorized-vpc-only.html",
    }],
    published: "2026-12-01",
    iam_audit_extra: &[],
    iam_remediate: &["ec2:DetachInternetGateway"],
};

/// IGW-001's settings: one typed struct, defaults in `Default`, checked once.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AuthorizedVpcs {
    /// VPC ids that may have an internet gateway attached.
    pub authorized_vpcs: Vec<String>,
}

impl RuleSettings for AuthorizedVpcs {
    fn validate(&self) -> Result<(), SettingError> {
        match self.authorized_vpcs.iter().find(|id| !id.starts_with("vpc-")) {
            Some(bad) => Err(SettingError::new(
                "authorized_vpcs",
                format!("`{bad}` is not a VPC id (`vpc-…`)"),
            )),
            None => Ok(()),
        }
    }
}

struct IgwAuthorizedVpcOnly;

impl Rule for IgwAuthorizedVpcOnly {
    type Kind = InternetGateways;
    type Reads<'a> = ();
    type Settings = AuthorizedVpcs;

    fn metadata(&self) -> &'static RuleMetadata {
        &IGW_001
    }

    fn evaluate<'a>(
        &self,
        gateways: &'a [InternetGateway],
        _: (),
        ctx: &RuleContext<'a, AuthorizedVpcs>,
    ) -> Vec<Finding> {
        let allowed = &ctx.settings().authorized_vpcs;
        gateways
            .iter()
            .map(|igw| {
                let unauthorized: Vec<&str> = igw
                    .attached_vpcs
                    .iter()
                    .filter(|vpc| !allowed.contains(vpc))
                    .map(String::as_str)
                    .collect();
                if unauthorized.is_empty() {
                    ctx.pass(igw, "attached only to authorized VPCs (or detached)")
                } else {
                    ctx.fail(
                        igw,
                        format!("attached to VPCs not authorized: {}", unauthorized.join(", ")),
                    )
                }
            })
            .collect()
    }
}

// --- One scan: the custom kind and rule beside VPC-001 ------------------------------

fn gateway(id: &str, vpcs: &[&str]) -> InternetGateway {
    InternetGateway {
        id: id.into(),
        region: "eu-west-1".into(),
        owner_id: "123456789012".into(),
        attached_vpcs: vpcs.iter().map(|v| v.to_string()).collect(),
        tags: Tags::new(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut registry = Registry::new();
    cloudposture::rules::register_all(&mut registry)?;
    registry.register(IgwAuthorizedVpcOnly)?;

    let config: Config = toml::from_str("[rules.IGW-001]\nauthorized_vpcs = [\"vpc-public\"]\n")?;
    let plan = Plan::new(&registry, &Selection::rules(["VPC-001", "IGW-001"]), &config)?;

    // The account and every kind the plan needs, mocked: the same mocks a rule author's
    // tests use.
    let mut account = MockAccountApi::new();
    account
        .expect_caller_account()
        .returning(|| Ok("123456789012".into()));
    account.expect_regions().never();
    let mut gateways = MockLister::<InternetGateways>::new();
    gateways.expect_list().returning(|_| {
        Ok(Fetched::new(
            vec![gateway("igw-1", &["vpc-public"]), gateway("igw-2", &["vpc-db"])],
            1,
        ))
    });
    let mut vpcs = MockLister::<Vpcs>::new();
    vpcs.expect_list().returning(|ctx| {
        let vpc = |id: &str| Vpc {
            id: id.into(),
            region: ctx.region.into(),
            owner_id: "123456789012".into(),
            cidr_blocks: vec!["10.0.0.0/16".into()],
            ipv6_cidr_blocks: vec![],
            is_default: false,
            state: "available".into(),
            tags: Tags::new(),
        };
        Ok(Fetched::new(vec![vpc("vpc-public"), vpc("vpc-db")], 1))
    });
    let mut flow_logs = MockLister::<FlowLogs>::new();
    flow_logs.expect_list().returning(|_| Ok(Fetched::new(vec![], 1)));
    let mut subnets = MockLister::<Subnets>::new();
    subnets.expect_list().returning(|_| Ok(Fetched::new(vec![], 0)));
    let mut interfaces = MockLister::<NetworkInterfaces>::new();
    interfaces
        .expect_list()
        .returning(|_| Ok(Fetched::new(vec![], 0)));
    let listers = Listers::new()
        .add::<InternetGateways>(gateways)
        .add::<Vpcs>(vpcs)
        .add::<FlowLogs>(flow_logs)
        .add_after::<Subnets>(subnets, &[FLOW_LOG])
        .add_after::<NetworkInterfaces>(interfaces, &[FLOW_LOG]);

    let mut options = cloudposture::aws::CollectOptions::new(plan.required_kinds());
    options.regions = RegionScope::Only(vec!["eu-west-1".into()]);
    let started = Timestamp::now();
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    let inventory = runtime.block_on(collect(&account, &listers, &options, &NoProgress))?;
    let report = plan.evaluate(&inventory, ScanSource::Live, started);

    for f in &report.findings {
        println!(
            "{:<5} {} {:<12} {}",
            f.status, f.rule.id, f.resource.id, f.message
        );
    }
    Ok(())
}
