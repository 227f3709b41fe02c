//! The fix executor (`sdk::fix`) for security group revokes and IMDSv2 over real
//! `aws_sdk_ec2` clients whose answers come from `aws-smithy-mocks` rules: exactly the
//! planned rules are sent, dry runs say what AWS would do, and rules or options that are
//! done already are reported as such, not as failures.
//!
//! Mock clients are built by hand (an interceptor on the client configuration), as in
//! `sdk_adapter.rs`, so that `aws-sdk-ec2` is compiled once.

#![cfg(feature = "sdk")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::Client as Ec2;
use aws_sdk_ec2::config::{Credentials, SharedCredentialsProvider, SharedInterceptor};
use aws_sdk_ec2::error::ErrorMetadata;
use aws_sdk_ec2::operation::describe_instances::DescribeInstancesOutput;
use aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsOutput;
use aws_sdk_ec2::operation::modify_instance_metadata_options::{
    ModifyInstanceMetadataOptionsError, ModifyInstanceMetadataOptionsOutput,
};
use aws_sdk_ec2::operation::revoke_security_group_egress::{
    RevokeSecurityGroupEgressError, RevokeSecurityGroupEgressOutput,
};
use aws_sdk_ec2::operation::revoke_security_group_ingress::{
    RevokeSecurityGroupIngressError, RevokeSecurityGroupIngressOutput,
};
use aws_sdk_ec2::types as ec2;
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use cloudposture_aws::fix::{
    FixOutcome, FixResult, MODIFY_INSTANCE_METADATA_OPTIONS, REVOKE_SECURITY_GROUP_RULES,
    RequireImdsV2Params, RevokePermissionsParams,
};
use cloudposture_aws::kinds::{GroupPair, IpRange, Permission};
use cloudposture_aws::sdk::SdkCollector;
use cloudposture_aws::sdk::fix::execute;
use cloudposture_core::{FixAction, FixParameters, ResourceRef};

const REGION: &str = "eu-west-1";

/// A collector whose EC2 clients answer from `rules` (retries fast, 3 attempts).
fn mocked(rules: &[&Rule]) -> SdkCollector {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for rule in rules {
        interceptor = interceptor.with_rule(rule);
    }
    let interceptor = SharedInterceptor::new(interceptor);
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDTEST", "SECRET", None, None, "test",
        )))
        .http_client(create_mock_http_client())
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(1)))
        .build();
    SdkCollector::from_sdk_config(&config).with_ec2_config(move |mut b| {
        b.push_interceptor(interceptor.clone());
        b
    })
}

fn permission(protocol: &str, ports: Option<(i32, i32)>, v4: &[&str], v6: &[&str]) -> Permission {
    let ranges = |cidrs: &[&str]| {
        cidrs
            .iter()
            .map(|c| IpRange {
                cidr: c.to_string(),
                description: Some("office".into()),
            })
            .collect()
    };
    Permission {
        protocol: protocol.into(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        ipv4_ranges: ranges(v4),
        ipv6_ranges: ranges(v6),
        prefix_list_ids: vec![],
        groups: vec![],
    }
}

fn revoke(
    rule_id: &'static str,
    group: &str,
    ingress: Vec<Permission>,
    egress: Vec<Permission>,
) -> FixAction {
    FixAction {
        rule_id,
        resource: ResourceRef::new("aws.ec2.security-group", group).in_region(REGION),
        summary: format!("revoke rules of {group}"),
        operation: REVOKE_SECURITY_GROUP_RULES,
        parameters: FixParameters::new(RevokePermissionsParams {
            region: REGION.into(),
            group_id: group.into(),
            ingress,
            egress,
        }),
    }
}

fn require_imds_v2(instance: &str) -> FixAction {
    FixAction {
        rule_id: "EC2-004",
        resource: ResourceRef::new("aws.ec2.instance", instance).in_region(REGION),
        summary: format!("require IMDSv2 on {instance}"),
        operation: MODIFY_INSTANCE_METADATA_OPTIONS,
        parameters: FixParameters::new(RequireImdsV2Params {
            region: REGION.into(),
            instance_id: instance.into(),
        }),
    }
}

/// A permission as sent: (protocol, from, to, sources), every source written `v4:`,
/// `v6:`, `pl:` or `sg:` and `+description` when one was sent.
type Sent = (String, Option<i32>, Option<i32>, Vec<String>);

fn sent(p: &ec2::IpPermission) -> Sent {
    let described = |d: Option<&str>| if d.is_some() { "+description" } else { "" };
    let mut sources: Vec<String> = Vec::new();
    for r in p.ip_ranges() {
        sources.push(format!(
            "v4:{}{}",
            r.cidr_ip().unwrap_or_default(),
            described(r.description())
        ));
    }
    for r in p.ipv6_ranges() {
        sources.push(format!(
            "v6:{}{}",
            r.cidr_ipv6().unwrap_or_default(),
            described(r.description())
        ));
    }
    for r in p.prefix_list_ids() {
        sources.push(format!("pl:{}", r.prefix_list_id().unwrap_or_default()));
    }
    for g in p.user_id_group_pairs() {
        sources.push(format!(
            "sg:{}@{}",
            g.group_id().unwrap_or_default(),
            g.user_id().unwrap_or("-")
        ));
    }
    (
        p.ip_protocol().unwrap_or_default().to_string(),
        p.from_port(),
        p.to_port(),
        sources,
    )
}

/// Revoke calls seen: (group, dry run, permissions).
type Seen = Arc<Mutex<Vec<(String, Option<bool>, Vec<Sent>)>>>;

fn ingress_rule(
    seen: &Seen,
) -> aws_smithy_mocks::RuleBuilder<
    aws_sdk_ec2::operation::revoke_security_group_ingress::RevokeSecurityGroupIngressInput,
    RevokeSecurityGroupIngressOutput,
    RevokeSecurityGroupIngressError,
> {
    let seen = Arc::clone(seen);
    mock!(Ec2::revoke_security_group_ingress).match_requests(move |req| {
        let permissions = req.ip_permissions().iter().map(sent).collect();
        seen.lock().unwrap().push((
            req.group_id().unwrap_or_default().into(),
            req.dry_run(),
            permissions,
        ));
        true
    })
}

fn egress_rule(
    seen: &Seen,
) -> aws_smithy_mocks::RuleBuilder<
    aws_sdk_ec2::operation::revoke_security_group_egress::RevokeSecurityGroupEgressInput,
    RevokeSecurityGroupEgressOutput,
    RevokeSecurityGroupEgressError,
> {
    let seen = Arc::clone(seen);
    mock!(Ec2::revoke_security_group_egress).match_requests(move |req| {
        let permissions = req.ip_permissions().iter().map(sent).collect();
        seen.lock().unwrap().push((
            req.group_id().unwrap_or_default().into(),
            req.dry_run(),
            permissions,
        ));
        true
    })
}

fn ingress_error(code: &str) -> RevokeSecurityGroupIngressError {
    RevokeSecurityGroupIngressError::generic(
        ErrorMetadata::builder()
            .code(code)
            .message(format!("{code} says AWS"))
            .build(),
    )
}

fn egress_error(code: &str) -> RevokeSecurityGroupEgressError {
    RevokeSecurityGroupEgressError::generic(
        ErrorMetadata::builder()
            .code(code)
            .message(format!("{code} says AWS"))
            .build(),
    )
}

fn ssh_open_to_the_world() -> Permission {
    permission("tcp", Some((22, 22)), &["0.0.0.0/0"], &["::/0"])
}

fn v4(cidr: &str) -> String {
    format!("v4:{cidr}")
}

#[tokio::test]
async fn a_revoke_sends_exactly_the_planned_sources_and_names_its_resource() {
    let seen: Seen = Arc::default();
    let ingress = ingress_rule(&seen)
        .then_output(|| RevokeSecurityGroupIngressOutput::builder().r#return(true).build());
    let egress =
        egress_rule(&seen).then_output(|| RevokeSecurityGroupEgressOutput::builder().r#return(true).build());
    let aws = mocked(&[&ingress, &egress]);
    let mut by_group = permission("-1", None, &[], &[]);
    by_group.groups.push(GroupPair {
        group_id: "sg-1".into(),
        user_id: Some("111122223333".into()),
    });
    by_group.prefix_list_ids.push("pl-9".into());
    let actions = [
        revoke("EC2-001", "sg-1", vec![ssh_open_to_the_world()], vec![]),
        revoke(
            "EC2-003",
            "sg-2",
            vec![by_group],
            vec![permission("-1", None, &["0.0.0.0/0"], &[])],
        ),
    ];

    let outcomes = execute(&aws, &actions, false).await;

    assert_eq!(
        outcomes[0],
        FixOutcome {
            rule_id: "EC2-001".into(),
            kind: "aws.ec2.security-group".into(),
            resource_id: "sg-1".into(),
            region: REGION.into(),
            result: FixResult::Revoked {
                rules: 2,
                already_gone: 0
            },
        }
    );
    assert_eq!(
        outcomes[1].result,
        FixResult::Revoked {
            rules: 3,
            already_gone: 0
        }
    );
    let calls = seen.lock().unwrap().clone();
    let tcp22 = |sources: Vec<String>| ("tcp".to_string(), Some(22), Some(22), sources);
    // No description is sent (AWS does not match on it); no egress call for sg-1.
    assert_eq!(
        calls,
        [
            (
                "sg-1".to_string(),
                Some(false),
                vec![tcp22(vec![v4("0.0.0.0/0"), "v6:::/0".into()])]
            ),
            (
                "sg-2".to_string(),
                Some(false),
                vec![(
                    "-1".into(),
                    None,
                    None,
                    vec!["pl:pl-9".into(), "sg:sg-1@111122223333".into()]
                )]
            ),
            (
                "sg-2".to_string(),
                Some(false),
                vec![("-1".into(), None, None, vec![v4("0.0.0.0/0")])]
            ),
        ]
    );
    assert_eq!((ingress.num_calls(), egress.num_calls()), (2, 1));
}

#[tokio::test]
async fn dry_runs_would_succeed_or_name_the_missing_permission() {
    let seen: Seen = Arc::default();
    let ingress = ingress_rule(&seen).then_error(|| ingress_error("DryRunOperation"));
    let egress = egress_rule(&seen).then_error(|| egress_error("UnauthorizedOperation"));
    let allowed = mock!(Ec2::modify_instance_metadata_options)
        .match_requests(|req| req.instance_id() == Some("i-allowed"))
        .then_error(|| {
            ModifyInstanceMetadataOptionsError::generic(
                ErrorMetadata::builder().code("DryRunOperation").build(),
            )
        });
    let denied = mock!(Ec2::modify_instance_metadata_options)
        .match_requests(|req| req.instance_id() == Some("i-denied"))
        .then_error(|| {
            ModifyInstanceMetadataOptionsError::generic(
                ErrorMetadata::builder()
                    .code("UnauthorizedOperation")
                    .message("You are not authorized to perform this operation.")
                    .build(),
            )
        });
    let instances = mock!(Ec2::describe_instances).then_output(|| DescribeInstancesOutput::builder().build());
    let aws = mocked(&[&ingress, &egress, &allowed, &denied, &instances]);
    let actions = [
        revoke("EC2-001", "sg-1", vec![ssh_open_to_the_world()], vec![]),
        revoke(
            "EC2-003",
            "sg-2",
            vec![ssh_open_to_the_world()],
            vec![permission("-1", None, &["0.0.0.0/0"], &[])],
        ),
        require_imds_v2("i-allowed"),
        require_imds_v2("i-denied"),
    ];

    let outcomes = execute(&aws, &actions, true).await;

    assert_eq!(outcomes[0].result, FixResult::WouldSucceed);
    assert_eq!(
        outcomes[1].result,
        FixResult::failed(
            "UnauthorizedOperation",
            "would be refused: missing permission (ec2:RevokeSecurityGroupEgress): UnauthorizedOperation says AWS"
        )
    );
    assert_eq!(outcomes[2].result, FixResult::WouldSucceed);
    assert_eq!(
        outcomes[3].result,
        FixResult::failed(
            "UnauthorizedOperation",
            "would be refused: missing permission (ec2:ModifyInstanceMetadataOptions): You are not \
             authorized to perform this operation."
        )
    );
    assert!(
        seen.lock().unwrap().iter().all(|call| call.1 == Some(true)),
        "every call is a dry run"
    );
}

#[tokio::test]
async fn rules_gone_since_the_scan_are_already_revoked_and_the_rest_is_revoked() {
    // AWS refuses the whole call when one rule is gone (a VPC that is not the default
    // one): the group is read again and only what is left is sent.
    let seen: Seen = Arc::default();
    let ingress = ingress_rule(&seen)
        .sequence()
        .error(|| ingress_error("InvalidPermission.NotFound"))
        .output(|| RevokeSecurityGroupIngressOutput::builder().r#return(true).build())
        .build();
    let groups = mock!(Ec2::describe_security_groups).then_compute_output(|req| {
        // sg-partial still has 0.0.0.0/0 (and a 10.0.0.0/8 range that is not planned);
        // sg-gone has neither planned range left.
        let cidrs: &[&str] = if req.group_ids() == ["sg-partial"] {
            &["0.0.0.0/0", "10.0.0.0/8"]
        } else {
            &["10.0.0.0/8"]
        };
        let mut permission = ec2::IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(22)
            .to_port(22);
        for cidr in cidrs {
            permission = permission.ip_ranges(ec2::IpRange::builder().cidr_ip(*cidr).build());
        }
        DescribeSecurityGroupsOutput::builder()
            .security_groups(
                ec2::SecurityGroup::builder()
                    .group_id(&req.group_ids()[0])
                    .ip_permissions(permission.build())
                    .build(),
            )
            .build()
    });
    let aws = mocked(&[&ingress, &groups]);
    let planned = vec![permission("tcp", Some((22, 22)), &["0.0.0.0/0"], &["::/0"])];

    let partial = execute(
        &aws,
        &[revoke("EC2-001", "sg-partial", planned.clone(), vec![])],
        false,
    )
    .await;

    assert_eq!(
        partial[0].result,
        FixResult::Revoked {
            rules: 1,
            already_gone: 1
        }
    );
    let calls = seen.lock().unwrap().clone();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls[1].2,
        [("tcp".to_string(), Some(22), Some(22), vec![v4("0.0.0.0/0")])]
    );

    let not_found = ingress_rule(&seen).then_error(|| ingress_error("InvalidPermission.NotFound"));
    let aws = mocked(&[&not_found, &groups]);
    let gone = execute(&aws, &[revoke("EC2-001", "sg-gone", planned, vec![])], false).await;
    assert_eq!(gone[0].result, FixResult::AlreadyRevoked);
    assert_eq!(not_found.num_calls(), 1, "nothing left: no second call");
}

#[tokio::test]
async fn unknown_permissions_in_the_answer_count_as_already_gone() {
    // In a default VPC, AWS revokes what exists and lists the rest as unknown.
    let some_unknown = mock!(Ec2::revoke_security_group_ingress)
        .match_requests(|req| req.group_id() == Some("sg-some"))
        .then_output(|| {
            RevokeSecurityGroupIngressOutput::builder()
                .r#return(true)
                .unknown_ip_permissions(
                    ec2::IpPermission::builder()
                        .ip_protocol("tcp")
                        .from_port(22)
                        .to_port(22)
                        .ipv6_ranges(ec2::Ipv6Range::builder().cidr_ipv6("::/0").build())
                        .build(),
                )
                .revoked_security_group_rules(
                    ec2::RevokedSecurityGroupRule::builder()
                        .security_group_rule_id("sgr-1")
                        .cidr_ipv4("0.0.0.0/0")
                        .build(),
                )
                .build()
        });
    let all_unknown = mock!(Ec2::revoke_security_group_ingress)
        .match_requests(|req| req.group_id() == Some("sg-all"))
        .then_compute_output(|req| {
            RevokeSecurityGroupIngressOutput::builder()
                .r#return(true)
                .set_unknown_ip_permissions(Some(req.ip_permissions().to_vec()))
                .build()
        });
    let refused = mock!(Ec2::revoke_security_group_ingress)
        .match_requests(|req| req.group_id() == Some("sg-false"))
        .then_output(|| {
            RevokeSecurityGroupIngressOutput::builder()
                .r#return(false)
                .build()
        });
    let aws = mocked(&[&some_unknown, &all_unknown, &refused]);
    let actions = [
        revoke("EC2-001", "sg-some", vec![ssh_open_to_the_world()], vec![]),
        revoke("EC2-001", "sg-all", vec![ssh_open_to_the_world()], vec![]),
        revoke("EC2-001", "sg-false", vec![ssh_open_to_the_world()], vec![]),
    ];

    let outcomes = execute(&aws, &actions, false).await;

    assert_eq!(
        outcomes[0].result,
        FixResult::Revoked {
            rules: 1,
            already_gone: 1
        }
    );
    assert_eq!(outcomes[1].result, FixResult::AlreadyRevoked);
    assert_eq!(
        outcomes[2].result,
        FixResult::failed(
            "ReturnFalse",
            "AWS answered that the inbound rules were not revoked"
        )
    );
}

#[tokio::test]
async fn a_failed_direction_fails_the_action_and_says_what_the_other_did() {
    let seen: Seen = Arc::default();
    let ingress = ingress_rule(&seen)
        .then_output(|| RevokeSecurityGroupIngressOutput::builder().r#return(true).build());
    let egress = egress_rule(&seen).then_error(|| egress_error("InvalidGroup.NotFound"));
    let aws = mocked(&[&ingress, &egress]);
    let action = revoke(
        "EC2-003",
        "sg-1",
        vec![ssh_open_to_the_world()],
        vec![permission("-1", None, &["0.0.0.0/0"], &[])],
    );

    let outcomes = execute(&aws, &[action], false).await;

    assert_eq!(
        outcomes[0].result,
        FixResult::failed(
            "InvalidGroup.NotFound",
            "InvalidGroup.NotFound says AWS (inbound rules: revoked 2 rules)"
        )
    );
}

#[tokio::test]
async fn instances_that_require_imds_v2_already_are_left_alone() {
    let described = mock!(Ec2::describe_instances).then_compute_output(|req| {
        let filter = &req.filters()[0];
        assert_eq!(filter.name(), Some("instance-id"));
        assert_eq!(filter.values(), ["i-optional", "i-required"]);
        let instance = |id: &str, tokens: ec2::HttpTokensState| {
            ec2::Instance::builder()
                .instance_id(id)
                .metadata_options(
                    ec2::InstanceMetadataOptionsResponse::builder()
                        .http_tokens(tokens)
                        .build(),
                )
                .build()
        };
        DescribeInstancesOutput::builder()
            .reservations(
                ec2::Reservation::builder()
                    .instances(instance("i-optional", ec2::HttpTokensState::Optional))
                    .instances(instance("i-required", ec2::HttpTokensState::Required))
                    .build(),
            )
            .build()
    });
    let modified = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&modified);
    let modify = mock!(Ec2::modify_instance_metadata_options)
        .match_requests(move |req| {
            seen.lock().unwrap().push((
                req.instance_id().unwrap_or_default().to_string(),
                req.http_tokens().cloned(),
                req.http_endpoint().cloned(),
                req.dry_run(),
            ));
            true
        })
        .then_output(|| {
            ModifyInstanceMetadataOptionsOutput::builder()
                .instance_id("i-optional")
                .build()
        });
    let aws = mocked(&[&described, &modify]);

    let outcomes = execute(
        &aws,
        &[require_imds_v2("i-required"), require_imds_v2("i-optional")],
        false,
    )
    .await;

    assert_eq!(outcomes[0].result, FixResult::ImdsV2AlreadyRequired);
    assert_eq!(
        (
            outcomes[1].rule_id.as_str(),
            outcomes[1].kind.as_str(),
            outcomes[1].resource_id.as_str()
        ),
        ("EC2-004", "aws.ec2.instance", "i-optional")
    );
    assert_eq!(outcomes[1].result, FixResult::ImdsV2Required);
    // Only the instance that needed it; the endpoint is left as it is.
    assert_eq!(
        modified.lock().unwrap().clone(),
        [(
            "i-optional".to_string(),
            Some(ec2::HttpTokensState::Required),
            None,
            Some(false)
        )]
    );
}

#[tokio::test]
async fn unknown_operations_and_mismatched_parameters_fail_without_a_call() {
    let seen: Seen = Arc::default();
    let ingress = ingress_rule(&seen).then_output(|| RevokeSecurityGroupIngressOutput::builder().build());
    let aws = mocked(&[&ingress]);
    let mut unknown = revoke("EC2-001", "sg-1", vec![ssh_open_to_the_world()], vec![]);
    unknown.operation = "ec2:DeleteSecurityGroup";
    let mut mismatched = require_imds_v2("i-1");
    mismatched.operation = REVOKE_SECURITY_GROUP_RULES;
    let empty = revoke("EC2-003", "sg-3", vec![permission("-1", None, &[], &[])], vec![]);

    let outcomes = execute(&aws, &[unknown, mismatched, empty], false).await;

    assert_eq!(
        outcomes[0].result,
        FixResult::failed(
            "UnsupportedOperation",
            "cloudposture cannot carry out `ec2:DeleteSecurityGroup`"
        )
    );
    assert_eq!(
        outcomes[1].result,
        FixResult::failed(
            "InvalidParameters",
            "the parameters of `ec2:RevokeSecurityGroupRules` are not a security group's rules"
        )
    );
    assert_eq!(
        outcomes[2].result,
        FixResult::failed(
            "InvalidParameters",
            "the action names no rule of `sg-3` to revoke"
        )
    );
    assert_eq!(ingress.num_calls(), 0);
}
