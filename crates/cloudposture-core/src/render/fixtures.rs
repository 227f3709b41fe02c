//! A small report with one finding of every status, shared by the renderer tests.
//!
//! The scanned account is `123456789012`; the skipped VPC is shared with it by
//! `111122223333`, its owner; the last finding is the one `error` finding of a region
//! (`sa-east-1`) whose VPCs could not be listed.

use serde_json::json;

use crate::compliance::{Control, Standard};
use crate::finding::{Finding, Remediation, Snippet, SnippetKind, Status};
use crate::kind::{KindInfo, Listing};
use crate::metadata::RuleMetadata;
use crate::report::{
    REPORT_SCHEMA_VERSION, RegionNotScanned, RegionState, RegionStatus, Report, ScanMetadata, ScanSource,
    Summary, ToolInfo,
};
use crate::resource::ResourceRef;
use crate::risk::RiskLevel;

pub(crate) static CONTROLS: &[Control] = &[
    Control::new(Standard::CisAwsFoundations, "v1.2.0", "2.9"),
    Control::new(Standard::PciDss, "v3.2.1", "10.3.3"),
    Control::new(Standard::Nist, "Rev. 5", "AU-12"),
    Control::standard_only(Standard::Gdpr, "2016/679"),
];

/// The kind the fixtures' findings are about.
pub(crate) static VPC: KindInfo = KindInfo {
    name: "aws.ec2.vpc",
    singular: "VPC",
    plural: "VPCs",
    listing: Listing::Complete,
    audit_actions: &["ec2:DescribeVpcs"],
    resource_type: "AWS::EC2::VPC",
    finding_type: Some("AwsEc2Vpc"),
};

/// The rule the fixtures' findings come from.
pub(crate) static RULE: RuleMetadata = RuleMetadata {
    id: "VPC-001",
    title: "VPC Flow Logs Enabled",
    provider: "aws",
    service: "vpc",
    risk: RiskLevel::Low,
    pillars: &[],
    controls: CONTROLS,
    description: "",
    rationale: "",
    audit: &[],
    remediation: &[],
    references: &[],
    published: "2016-04-08",
    iam_audit_extra: &[],
    iam_remediate: &[],
};

/// The account whose credentials read the fixtures' resources.
pub(crate) const SCANNED: &str = "123456789012";

/// The owner of the VPC shared with [`SCANNED`].
pub(crate) const OWNER: &str = "111122223333";

fn vpc(id: &str, region: &str) -> ResourceRef {
    owned_vpc(id, region, SCANNED)
}

fn owned_vpc(id: &str, region: &str, owner: &str) -> ResourceRef {
    let r = ResourceRef::new("aws.ec2.vpc", id)
        .in_region(region)
        .in_account(Some(owner));
    r.with_arn(format!("arn:aws:ec2:{region}:{owner}:vpc/{id}"))
}

fn finding(status: Status, resource: ResourceRef, message: &str) -> Finding {
    Finding {
        rule: &RULE,
        kind: &VPC,
        status,
        risk: RiskLevel::Low,
        resource,
        message: message.to_string(),
        evidence: json!({"flow_logs": []}).into(),
        remediation: None,
        muted_reason: None,
        original_status: None,
        scanned_account: None,
    }
}

/// Pass, fail (with remediation and awkward characters), error, skipped (a shared VPC),
/// muted, and a region-wide error.
pub(crate) fn report() -> Report {
    let mut named = vpc("vpc-0fail", "eu-west-1");
    named.tags.insert("Name", "prod, \"core\" <edge> & co");
    named.tags.insert("Owner", "=cmd|' /C calc'!A0");
    let mut sandbox = vpc("vpc-0muted", "eu-west-1");
    sandbox.tags.insert("Environment", "sandbox");
    let mut muted = finding(Status::Muted, sandbox, "no flow log");
    muted.muted_reason = Some("sandbox VPCs are rebuilt every night".into());
    muted.original_status = Some(Status::Fail);
    let findings = vec![
        finding(
            Status::Pass,
            vpc("vpc-0pass", "eu-west-1"),
            "flow log fl-1 records ALL traffic",
        ),
        finding(Status::Fail, named, "no flow log\nat all").with_remediation(Remediation {
            summary: "Create a VPC flow log".into(),
            snippets: vec![Snippet {
                kind: SnippetKind::Cli,
                title: "AWS CLI".into(),
                content: "aws ec2 create-flow-logs --resource-ids vpc-0fail".into(),
            }],
        }),
        finding(
            Status::Error,
            vpc("vpc-0err", "ap-southeast-2"),
            "DescribeFlowLogs access denied (UnauthorizedOperation)",
        ),
        finding(
            Status::Skipped,
            owned_vpc("vpc-0shared", "us-east-1", OWNER),
            "owned by account 111122223333",
        ),
        muted,
        finding(
            Status::Error,
            ResourceRef::new("aws.ec2.vpc", crate::rule::SCOPE_WIDE_ID)
                .in_region("sa-east-1")
                .in_account(Some(SCANNED)),
            "could not list VPCs in region sa-east-1 of account 123456789012: DescribeVpcs was throttled",
        ),
    ];
    let started_at = "2026-01-02T03:04:05Z".parse().unwrap_or_default();
    Report {
        rules: Vec::new(),
        schema_version: REPORT_SCHEMA_VERSION,
        // A fixed version, so that recorded output does not change with the crate's.
        tool: ToolInfo {
            version: "0.0.0-fixture".into(),
            ..ToolInfo::default()
        },
        scan: ScanMetadata {
            source: ScanSource::Snapshot,
            started_at,
            finished_at: started_at,
            account: Some(SCANNED.into()),
            accounts: Vec::new(),
            regions: vec![
                RegionStatus {
                    account: None,
                    name: "ap-southeast-2".into(),
                    status: RegionState::Error,
                    error: Some("DescribeFlowLogs access denied".into()),
                    api_calls: 2,
                },
                RegionStatus {
                    account: None,
                    name: "eu-west-1".into(),
                    status: RegionState::Ok,
                    error: None,
                    api_calls: 2,
                },
                RegionStatus {
                    account: None,
                    name: "sa-east-1".into(),
                    status: RegionState::Error,
                    error: Some("DescribeVpcs was throttled".into()),
                    api_calls: 4,
                },
            ],
            regions_not_scanned: vec![RegionNotScanned {
                name: "me-central-1".into(),
                reason: "opt-in region not enabled for the account".into(),
            }],
            api_calls: 10,
            shard: None,
        },
        summary: Summary::of(&findings),
        findings,
    }
}

/// Fails unless `written` is what `testdata/NAME` records (`recorded`, its text): for
/// JSON, the same tree (key order aside); otherwise the same bytes. What was written is
/// left in the temporary directory, to compare or to take as the new recording.
pub(crate) fn assert_as_recorded(name: &str, written: &str, recorded: &str) {
    let same = if name.ends_with(".json") {
        serde_json::from_str::<serde_json::Value>(written).unwrap()
            == serde_json::from_str::<serde_json::Value>(recorded).unwrap()
    } else {
        written == recorded
    };
    if !same {
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, written).unwrap();
        panic!(
            "written differs from testdata/{name}; written is in {}",
            path.display()
        );
    }
}
