//! Unit tests of EC2-004: hand-built regions run through the rule as the engine runs it.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod fix;
mod judging;
mod remediation;
mod template;

use cloudposture_aws::{Instance, Instances, MetadataOptions};
use cloudposture_core::Finding;

use super::{ImdsEvidence, InstancesRequireImdsV2};
use crate::ec2::test_support::{ACCOUNT, REGION, region_with, run};

/// A running instance with these `HttpTokens` and `HttpEndpoint`, hop limit 1.
fn instance(id: &str, tokens: Option<&str>, endpoint: Option<&str>) -> Instance {
    Instance {
        id: id.to_string(),
        region: REGION.to_string(),
        owner_id: ACCOUNT.to_string(),
        state: "running".to_string(),
        instance_type: Some("t3.micro".to_string()),
        vpc_id: Some("vpc-1".to_string()),
        subnet_id: Some("subnet-1".to_string()),
        image_id: Some("ami-1".to_string()),
        metadata_options: Some(MetadataOptions {
            http_tokens: tokens.map(String::from),
            http_endpoint: endpoint.map(String::from),
            http_put_response_hop_limit: Some(1),
            state: Some("applied".to_string()),
        }),
        tags: Default::default(),
        is_launch_template: false,
    }
}

fn v1_allowed(id: &str) -> Instance {
    instance(id, Some("optional"), Some("enabled"))
}

fn judge_all(instances: Vec<Instance>) -> Vec<Finding> {
    run(
        InstancesRequireImdsV2,
        vec![region_with::<Instances>(REGION, instances)],
    )
}

fn judge_one(i: Instance) -> Finding {
    let findings = judge_all(vec![i]);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    findings.into_iter().next().unwrap()
}

/// The evidence as its documented type; it must say nothing the type does not.
fn evidence(f: &Finding) -> ImdsEvidence {
    let typed: ImdsEvidence = f.evidence.parse().unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), f.evidence.to_value());
    typed
}
