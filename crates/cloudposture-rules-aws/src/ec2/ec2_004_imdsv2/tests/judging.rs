//! When an instance passes, fails, or cannot be judged, and what the findings say.

use cloudposture_core::{SCOPE_WIDE_ID, Status};

use super::*;
use crate::ec2::test_support::{denied, unknown_setting_error};

#[test]
fn tokens_optional_allows_imdsv1_and_fails() {
    let f = judge_one(v1_allowed("i-1"));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.message,
        "IMDSv1 is allowed: HttpTokens is optional and the metadata endpoint is enabled"
    );
    assert_eq!(
        evidence(&f),
        ImdsEvidence {
            instance_state: "running".to_string(),
            http_tokens: Some("optional".to_string()),
            http_endpoint: Some("enabled".to_string()),
            hop_limit: Some(1),
            options_state: Some("applied".to_string()),
            launch_template: false,
        }
    );
    assert!(f.remediation.is_some());
}

#[test]
fn tokens_required_passes_and_says_so() {
    let mut i = instance("i-1", Some("required"), Some("enabled"));
    i.metadata_options.as_mut().unwrap().http_put_response_hop_limit = Some(2);
    let f = judge_one(i);
    assert_eq!(f.status, Status::Pass);
    assert_eq!(f.message, "IMDSv2 is required (HttpTokens is required)");
    assert_eq!(evidence(&f).hop_limit, Some(2), "the hop limit is noted");
    assert!(f.remediation.is_none());
}

#[test]
fn a_disabled_endpoint_passes_whatever_the_tokens() {
    for tokens in [Some("optional"), Some("required"), None] {
        let f = judge_one(instance("i-1", tokens, Some("disabled")));
        assert_eq!(f.status, Status::Pass, "{tokens:?}");
        assert_eq!(
            f.message,
            "the instance metadata endpoint is disabled (HttpEndpoint is disabled), so neither IMDSv1 nor \
             IMDSv2 answers"
        );
    }
}

#[test]
fn every_listed_state_gets_a_finding() {
    let instances = ["pending", "running", "stopping", "stopped"]
        .into_iter()
        .map(|state| Instance {
            state: state.to_string(),
            ..v1_allowed(&format!("i-{state}"))
        })
        .collect();
    let findings = judge_all(instances);
    let judged: Vec<(&str, Status, String)> = findings
        .iter()
        .map(|f| (f.resource.id.as_str(), f.status, evidence(f).instance_state))
        .collect();
    assert_eq!(
        judged,
        [
            ("i-pending", Status::Fail, "pending".to_string()),
            ("i-running", Status::Fail, "running".to_string()),
            ("i-stopping", Status::Fail, "stopping".to_string()),
            ("i-stopped", Status::Fail, "stopped".to_string()),
        ]
    );
}

#[test]
fn missing_metadata_options_are_an_error_never_a_pass() {
    let mut i = v1_allowed("i-1");
    i.metadata_options = None;
    let f = judge_one(i);
    assert_eq!(f.status, Status::Error);
    assert_eq!(
        f.message,
        "DescribeInstances returned no metadata options (MetadataOptions) for the instance; whether IMDSv1 \
         is allowed cannot be judged"
    );
    let e = evidence(&f);
    assert_eq!((e.http_tokens, e.http_endpoint), (None, None));
}

#[test]
fn missing_or_unknown_values_are_errors_that_name_them() {
    let cases = [
        (
            instance("i-1", None, Some("enabled")),
            "DescribeInstances returned the metadata options without HttpTokens; whether IMDSv1 is allowed \
             cannot be judged",
        ),
        (
            instance("i-1", Some("sometimes"), Some("enabled")),
            "HttpTokens is `sometimes`, which is neither required nor optional; whether IMDSv1 is allowed \
             cannot be judged",
        ),
        (
            instance("i-1", Some("optional"), None),
            "HttpTokens is optional but DescribeInstances returned no HttpEndpoint, so whether the metadata \
             endpoint answers is unknown; whether IMDSv1 is allowed cannot be judged",
        ),
        (
            instance("i-1", Some("optional"), Some("paused")),
            "HttpTokens is optional and HttpEndpoint is `paused`, which is neither enabled nor disabled; \
             whether IMDSv1 is allowed cannot be judged",
        ),
    ];
    for (i, message) in cases {
        let f = judge_one(i);
        assert_eq!((f.status, f.message.as_str()), (Status::Error, message));
    }
    // Tokens required decide alone: the endpoint cannot make IMDSv1 answer.
    assert_eq!(
        judge_one(instance("i-1", Some("required"), None)).status,
        Status::Pass
    );
}

#[test]
fn a_region_whose_instances_could_not_be_listed_gives_an_error() {
    let findings = run(
        InstancesRequireImdsV2,
        vec![denied::<Instances>(REGION, "DescribeInstances")],
    );
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!((f.status, f.resource.id.as_str()), (Status::Error, SCOPE_WIDE_ID));
    assert_eq!(
        f.message,
        "could not list instances in eu-west-1: DescribeInstances access denied (UnauthorizedOperation: You \
         are not authorized to perform this operation.)"
    );
}

#[test]
fn the_rule_has_no_settings() {
    assert_eq!(
        unknown_setting_error(InstancesRequireImdsV2),
        "rule `EC2-004` has no setting `ports`; its settings are: (none)"
    );
}
