//! A VPC declared in a template gets the flow log to add to that template, in its
//! language alone, attached to the VPC the way the template names it.

use cloudposture_core::{Remediation, SnippetKind};

use super::*;

/// A scope of templates declaring `ids` (as the template reader gives them: no region,
/// no owner) and no flow log.
fn declared(ids: &[&str]) -> Scope {
    let vpcs = ids
        .iter()
        .map(|id| Vpc {
            region: String::new(),
            owner_id: String::new(),
            ..vpc(id)
        })
        .collect();
    let mut scope = crate::remediation::test_support::declared::<Vpcs>(vpcs);
    scope.insert::<FlowLogs>(Vec::new());
    scope.insert::<Subnets>(Vec::new());
    scope.insert::<NetworkInterfaces>(Vec::new());
    scope
}

fn finding_of(id: &str, raw: serde_json::Value) -> Finding {
    let rule = erase(VpcFlowLogsEnabled);
    let configured = rule.configure(raw.as_object().unwrap()).unwrap();
    let mut inventory = Inventory::new(None);
    inventory.scopes = vec![declared(&[id])];
    let mut findings = rule.evaluate(&inventory, &configured, RiskLevel::Low);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].status, cloudposture_core::Status::Fail);
    findings.remove(0)
}

fn remediation_of(id: &str, raw: serde_json::Value) -> Remediation {
    finding_of(id, raw).remediation().unwrap().clone()
}

/// The one snippet, which must be of `kind`.
fn only(r: &Remediation, kind: SnippetKind) -> &str {
    let kinds: Vec<SnippetKind> = r.snippets.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [kind], "{r:#?}");
    &r.snippets[0].content
}

#[test]
fn a_cloudformation_vpc_gets_a_flow_log_resource_that_refs_it() {
    let r = remediation_of("MyVpc", json!({}));
    let yaml = only(&r, SnippetKind::Cloudformation);
    assert!(yaml.contains("ResourceId: !Ref MyVpc\n"), "{yaml}");
    assert!(yaml.starts_with("# Add this resource to the Resources of the template that declares MyVpc.\n"));
    let doc: serde_norway::Value = serde_norway::from_str(yaml).unwrap();
    let properties = &doc["Resources"]["FlowLogMyVpc"]["Properties"];
    assert_eq!(doc["Resources"]["FlowLogMyVpc"]["Type"], "AWS::EC2::FlowLog");
    assert_eq!(properties["ResourceType"], "VPC");
    assert_eq!(properties["TrafficType"], "ALL");
    assert_eq!(properties["LogDestinationType"], "cloud-watch-logs");
    assert_eq!(properties["LogGroupName"], "<LOG_GROUP_NAME>");
    assert_eq!(properties["DeliverLogsPermissionArn"], "<DELIVERY_ROLE_ARN>");
    assert!(
        doc.get("AWSTemplateFormatVersion").is_none(),
        "an addition, not a new stack"
    );
    assert_eq!(
        r.summary,
        "add an AWS::EC2::FlowLog with ResourceId !Ref MyVpc to the template that declares MyVpc, that \
         records ALL traffic to CloudWatch Logs log group <LOG_GROUP_NAME>"
    );
}

#[test]
fn a_terraform_vpc_gets_an_aws_flow_log_with_its_reference() {
    let cases = [
        ("aws_vpc.main", "aws_vpc.main.id", "main"),
        ("aws_vpc.multi[1]", "aws_vpc.multi[1].id", "multi_1"),
        (r#"aws_vpc.by_key["a"]"#, r#"aws_vpc.by_key["a"].id"#, "by_key_a"),
    ];
    for (id, reference, name) in cases {
        let r = remediation_of(id, json!({"traffic_type": "REJECT"}));
        let hcl = only(&r, SnippetKind::Terraform);
        assert!(hcl.contains(&format!("vpc_id = {reference}\n")), "{hcl}");
        let body: serde_json::Value = hcl::from_str(hcl).unwrap();
        let log = &body["resource"]["aws_flow_log"][name];
        assert_eq!(log["vpc_id"], format!("${{{reference}}}"), "{hcl}");
        assert_eq!(log["traffic_type"], "REJECT");
        assert_eq!(
            log["log_destination"],
            "arn:aws:logs:<REGION>:<ACCOUNT_ID>:log-group:<LOG_GROUP_NAME>"
        );
        assert_eq!(log["iam_role_arn"], "<DELIVERY_ROLE_ARN>");
        assert!(
            r.summary.starts_with(&format!(
                "add an aws_flow_log with vpc_id = {reference} to the configuration that declares {id}, that \
                 records REJECT traffic"
            )),
            "{}",
            r.summary
        );
    }
}

#[test]
fn a_vpc_of_a_module_gets_its_flow_log_inside_that_module() {
    let r = remediation_of(
        "module.net.aws_vpc.this",
        json!({"remediation_destination": "s3:arn:aws:s3:::central-flow-logs"}),
    );
    let hcl = only(&r, SnippetKind::Terraform);
    let body: serde_json::Value = hcl::from_str(hcl).unwrap();
    let log = &body["resource"]["aws_flow_log"]["this"];
    assert_eq!(log["vpc_id"], "${aws_vpc.this.id}");
    assert_eq!(log["log_destination_type"], "s3");
    assert_eq!(log["log_destination"], "arn:aws:s3:::central-flow-logs");
    assert!(log.get("iam_role_arn").is_none(), "{hcl}");
    assert!(
        hcl.contains("module called as module.net (in its source"),
        "{hcl}"
    );
    assert!(
        r.summary.contains("to the module called as module.net"),
        "{}",
        r.summary
    );
}

#[test]
fn the_configured_destination_and_role_go_into_the_template() {
    let r = remediation_of(
        "MyVpc",
        json!({
            "remediation_destination": "cloud-watch-logs:vpc-flow-logs",
            "remediation_role_arn": "arn:aws:iam::123456789012:role/flow-logs",
        }),
    );
    let doc: serde_norway::Value = serde_norway::from_str(only(&r, SnippetKind::Cloudformation)).unwrap();
    let properties = &doc["Resources"]["FlowLogMyVpc"]["Properties"];
    assert_eq!(properties["LogGroupName"], "vpc-flow-logs");
    assert_eq!(
        properties["DeliverLogsPermissionArn"],
        "arn:aws:iam::123456789012:role/flow-logs"
    );
}

#[test]
fn a_live_vpc_keeps_its_command() {
    let f = judge_one(vpc("vpc-0abc"), vec![], json!({}));
    let kinds: Vec<SnippetKind> = f.remediation().unwrap().snippets.iter().map(|s| s.kind).collect();
    assert_eq!(kinds[0], SnippetKind::Cli);
    assert!(kinds.contains(&SnippetKind::Cloudformation) && kinds.contains(&SnippetKind::Terraform));
}

#[test]
fn a_template_vpc_gets_no_live_fix_even_with_a_destination() {
    let raw = json!({"remediation_destination": "s3:arn:aws:s3:::central-flow-logs"});
    let f = finding_of("aws_vpc.main", raw.clone());
    assert!(f.resource.is_declared(), "{:?}", f.resource);
    assert_eq!(super::super::plan_fix(&f, &settings(raw).unwrap()), Ok(None));
}
