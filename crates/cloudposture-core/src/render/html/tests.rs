use super::*;
use crate::catalog::{CatalogControl, CatalogSection};
use crate::compliance::Standard;
use crate::coverage::{ControlCoverage, CoveringRule};
use crate::finding::{Finding, Remediation, Snippet, SnippetKind, Status};
use crate::render::{Format, fixtures};
use crate::report::Summary;

const SCRIPT_SEED: &str = r#""><script>alert(1)</script>"#;
const IMG_SEED: &str = "</script><img src=x onerror=alert(1)>";

fn page(report: &Report, coverage: &[Coverage]) -> String {
    let mut out = Vec::new();
    write_html(report, coverage, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The fixture report with attacker-controlled text in every place a finding has text.
fn seeded() -> Report {
    let mut report = fixtures::report();
    for f in &mut report.findings {
        f.resource.tags.insert("Name", SCRIPT_SEED);
        f.resource.tags.insert(IMG_SEED, IMG_SEED);
        f.message = format!("{} {SCRIPT_SEED}", f.message);
        f.evidence = serde_json::json!({"tag": IMG_SEED, "name": SCRIPT_SEED}).into();
    }
    let f = &mut report.findings[1];
    f.remediation = Some(Box::new(Remediation {
        summary: format!("Fix {IMG_SEED}"),
        snippets: vec![Snippet {
            kind: SnippetKind::Cli,
            title: SCRIPT_SEED.into(),
            content: format!("aws ec2 create-tags --resources vpc-0fail --tags 'Key=Name,Value={IMG_SEED}'"),
        }],
    }));
    report.findings[4].muted_reason = Some(IMG_SEED.into());
    report
}

static CLOUDTRAIL: CatalogControl = CatalogControl {
    standard: Standard::CisAwsFoundations,
    version: "v3.0.0",
    section: "3",
    id: "3.1",
    title: "Ensure CloudTrail is enabled in all regions",
};
static IAM: CatalogSection = CatalogSection {
    standard: Standard::CisAwsFoundations,
    version: "v3.0.0",
    number: "1",
    title: "Identity and Access Management",
    controls_listed: false,
};

fn cis() -> Coverage {
    Coverage {
        standard: Standard::CisAwsFoundations,
        version: "v3.0.0",
        catalog_known: true,
        controls: vec![ControlCoverage {
            id: Some("3.7"),
            title: Some("Ensure VPC flow logging is enabled in all VPCs"),
            rules: vec![
                CoveringRule {
                    id: "VPC-001",
                    ran: true,
                },
                CoveringRule {
                    id: "VPC-009",
                    ran: false,
                },
            ],
            counts: StatusCounts {
                pass: 5,
                fail: 7,
                error: 2,
                ..StatusCounts::default()
            },
        }],
        not_covered: vec![&CLOUDTRAIL],
        sections_not_checked: vec![&IAM],
        sections_not_listed: Vec::new(),
    }
}

#[test]
fn attacker_text_never_appears_unescaped() {
    let html = page(&seeded(), &[cis()]);
    for seed in [
        SCRIPT_SEED,
        IMG_SEED,
        "<script>alert",
        "<img",
        "onerror=alert(1)>",
    ] {
        assert!(!html.contains(seed), "{seed} is in the page unescaped");
    }
    assert_eq!(html.matches("<script").count(), 1, "only the page's own script");
    assert_eq!(html.matches("<img").count(), 0);
    // The text is there, as text: in tags, messages, evidence, snippets, muted reasons.
    let escaped_script = "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;";
    let escaped_img = "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;";
    assert!(
        html.matches(escaped_script).count() >= 3 * 6,
        "names, tags and messages of 6 findings"
    );
    assert!(html.contains(&format!("Value={escaped_img}'")), "the snippet");
    assert!(
        html.contains(r#""name": "\"&gt;&lt;script&gt;alert(1)&lt;/script&gt;""#),
        "the evidence"
    );
    assert!(html.contains(&format!("Muted (was fail): {escaped_img}")));
    assert!(html.contains(r#"data-id="vpc-0fail""#));
}

#[test]
fn the_csp_allows_exactly_the_pages_inline_style_and_script() {
    let html = page(&fixtures::report(), &[]);
    let between = |open: &str, close: &str| -> String {
        let start = html.find(open).unwrap() + open.len();
        let end = start + html[start..].find(close).unwrap();
        html[start..end].to_string()
    };
    let style = between("<style>", "</style>");
    let script = between("<script>", "</script>");
    let csp = between(r#"http-equiv="Content-Security-Policy" content=""#, "\"");
    let policy = format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(&style),
        csp_hash(&script)
    );
    assert_eq!(csp, policy);
    // Known answer for the hash: SHA-256 of the empty string, in base64.
    assert_eq!(
        csp_hash(""),
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    );
    assert!(html.find("Content-Security-Policy").unwrap() < html.find("<style>").unwrap());
}

#[test]
fn the_page_fetches_nothing() {
    // (The seeded report's text holds `src=`, as text.)
    let html = page(&fixtures::report(), &[cis()]);
    for external in ["src=", "<link", "@import", "url(", "http://", "https://"] {
        assert!(!html.contains(external), "{external}");
    }
}

#[test]
fn an_incomplete_scan_says_so_at_the_top_with_each_region_and_why() {
    let html = page(&fixtures::report(), &[]);
    let banner = html.find(r#"<div id="completeness" class="incomplete""#).unwrap();
    assert!(banner < html.find(r#"<section id="summary">"#).unwrap());
    assert!(html.contains("<strong>Incomplete scan:</strong> 2 findings could not be judged (status error), and 2 regions could not be read completely:"));
    assert!(html.contains("<li><strong>ap-southeast-2</strong>: DescribeFlowLogs access denied</li>"));
    assert!(html.contains("<li><strong>sa-east-1</strong>: DescribeVpcs was throttled</li>"));
    assert!(
        html.contains("Not scanned on purpose: me-central-1 (opt-in region not enabled for the account)")
    );
    assert!(html.contains(r#"<dd id="source">saved snapshot</dd>"#));
    assert!(html.contains("<dd>cloudposture 0.0.0-fixture</dd>"));
    assert!(
        html.contains("<dt>Resources owned by</dt><dd>111122223333 (shared with the scanned account)</dd>")
    );

    let mut complete = fixtures::report();
    complete.findings.retain(|f| f.status != Status::Error);
    complete.scan.regions.retain(|r| r.status == RegionState::Ok);
    complete.summary = Summary::of(&complete.findings);
    let html = page(&complete, &[]);
    assert!(
        html.contains("<strong>Complete scan:</strong> every region was read and every resource was judged.")
    );
    assert!(!html.contains("Incomplete"));
}

#[test]
fn the_summary_counts_every_status_and_risk() {
    let html = page(&fixtures::report(), &[]);
    for (status, n) in [
        ("fail", 1),
        ("error", 2),
        ("pass", 1),
        ("skipped", 1),
        ("muted", 1),
    ] {
        assert!(
            html.contains(&format!(
                r#"<tr data-status="{status}"><th scope="row">{status}</th><td class="n">{n}</td></tr>"#
            )),
            "{status}"
        );
    }
    assert!(html.contains(r#"<td class="n" data-total>6</td>"#));
    assert!(html.contains(r#"<tr data-risk="low"><th scope="row">low</th><td class="n" data-count="fail">1</td><td class="n" data-count="error">2</td>"#));
    assert!(html.contains("<title>Findings by status: 1 fail, 2 error, 1 pass, 1 skipped, 1 muted</title>"));
}

#[test]
fn the_compliance_table_lists_controls_rules_counts_and_what_is_not_covered() {
    let html = page(&fixtures::report(), &[cis()]);
    assert!(html.contains("<h3>CIS AWS Foundations Benchmark v3.0.0</h3>"));
    let row = r##"<tr data-control="3.7"><td>3.7</td><td>Ensure VPC flow logging is enabled in all VPCs</td><td><a href="#rule-VPC-001">VPC-001</a>, VPC-009 (not run)</td><td class="n" data-count="pass">5</td><td class="n" data-count="fail">7</td><td class="n" data-count="error">2</td>"##;
    assert!(html.contains(row), "{html}");
    assert!(html.contains(r#"<tr class="not-covered" data-control="3.1"><td>3.1</td><td>Ensure CloudTrail is enabled in all regions</td><td colspan="5">not covered</td></tr>"#));
    assert!(html.contains("<strong>Not checked:</strong> 1 Identity and Access Management"));
    assert!(
        html.contains(r#"id="rule-VPC-001""#),
        "the rules' links lead somewhere"
    );
    assert!(!page(&fixtures::report(), &[]).contains(r#"id="compliance""#));
}

#[test]
fn findings_are_grouped_by_scope_failing_first_with_resource_evidence_and_remediation() {
    let report = fixtures::report();
    let html = page(&report, &[]);
    assert_eq!(
        html.matches("<article class=\"finding").count(),
        report.findings.len()
    );
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("{needle}"));
    // eu-west-1 has the failing finding, so it comes before the scopes with errors only.
    assert!(at("Account 123456789012 · eu-west-1") < at("Account 123456789012 · ap-southeast-2"));
    assert!(at(r#"data-status="fail""#) < at(r#"data-status="pass""#));
    assert!(at(r#"data-status="pass""#) < at(r#"data-status="muted""#));
    assert!(html.contains("<span class=\"name\">prod, &quot;core&quot; &lt;edge&gt; &amp; co</span> <code class=\"rid\">vpc-0fail</code>"));
    assert!(
        html.contains("<dt>ARN</dt><dd><code>arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0fail</code></dd>")
    );
    assert!(html.contains("<li><code>Owner</code> = <code>=cmd|&#39; /C calc&#39;!A0</code></li>"));
    assert!(
        html.contains("<pre><code>{\n  \"flow_logs\": []\n}</code></pre>"),
        "pretty evidence"
    );
    assert!(html.contains("<span class=\"name\">all VPCs in sa-east-1</span></h5>"));
    assert!(html.contains("Remediation: Create a VPC flow log</summary>"));
    assert!(html.contains(r#"aws ec2 create-flow-logs --resource-ids <var data-p="id">{id}</var></code>"#));
}

#[test]
fn snippets_shared_by_many_findings_are_written_once() {
    let mut report = fixtures::report();
    let template = report.findings[1].clone();
    report.findings = (0..200)
        .map(|i| {
            let mut f: Finding = template.clone();
            f.resource = crate::resource::ResourceRef::new("aws.ec2.vpc", format!("vpc-{i:04}"))
                .in_region("eu-west-1")
                .in_account(Some("123456789012"));
            let id = &f.resource.id;
            f.remediation = Some(Box::new(Remediation {
                summary: "Create a VPC flow log".into(),
                snippets: vec![
                    Snippet {
                        kind: SnippetKind::Cli,
                        title: "AWS CLI".into(),
                        content: format!("aws ec2 create-flow-logs --resource-ids {id} --region eu-west-1 --traffic-type ALL"),
                    },
                    Snippet {
                        kind: SnippetKind::IamPolicy,
                        title: "Delivery role policy".into(),
                        content: r#"{"Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents"}]}"#.into(),
                    },
                ],
            }));
            f
        })
        .collect();
    report.summary = Summary::of(&report.findings);
    let html = page(&report, &[]);
    assert_eq!(html.matches("--traffic-type ALL").count(), 1);
    assert_eq!(html.matches("logs:PutLogEvents").count(), 1);
    assert!(html.contains("used by 200 findings"));
    assert_eq!(
        html.matches(r##"<a href="#snippet-VPC-001-1">AWS CLI</a>"##)
            .count(),
        200
    );
    assert!(html.contains(r#"data-id="vpc-0199" data-region="eu-west-1" data-account="123456789012""#));
}

#[test]
fn html_is_a_format_by_name() {
    assert_eq!("html".parse::<Format>().ok(), Some(Format::Html));
    let mut out = Vec::new();
    Format::Html.write(&fixtures::report(), &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), page(&fixtures::report(), &[]));
}

#[test]
fn template_findings_say_where_they_are_declared_and_escape_it() {
    let mut report = fixtures::report();
    report.findings[0].resource.location = Some(crate::resource::Location {
        file: format!("infra/{SCRIPT_SEED}.tf"),
        line: 12,
    });
    let html = page(&report, &[]);
    assert!(
        html.contains(r#"<dt>Declared at</dt><dd><code class="location">infra/"#),
        "{html}"
    );
    assert!(html.contains(".tf:12</code>"));
    assert!(!html.contains(SCRIPT_SEED), "the file name is text, not markup");
    // Live and snapshot findings have no location.
    assert_eq!(page(&fixtures::report(), &[]).matches("Declared at").count(), 0);
}
