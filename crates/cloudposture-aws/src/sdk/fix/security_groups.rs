//! `ec2:RevokeSecurityGroupRules` actions ([`RevokePermissionsParams`]): one
//! RevokeSecurityGroupIngress call for the inbound rules and one
//! RevokeSecurityGroupEgress call for the outbound ones (each only when there are some),
//! with exactly the planned protocol, ports and sources; the group's other rules stay.
//!
//! Rules gone since the scan are not a failure. AWS (in a VPC that is not the default
//! one, and moto everywhere) refuses the whole call with `InvalidPermission.NotFound`
//! when one of the rules does not exist, and revokes nothing: the group is then read again
//! (DescribeSecurityGroups) and only the planned rules it still has are revoked. In a
//! default VPC, AWS revokes the rules that exist and lists the others in
//! `UnknownIpPermissions`.

use aws_sdk_ec2::types as ec2;
use cloudposture_core::{CollectError, ErrorClass};

use super::{DRY_RUN_OK, failure, refused};
use crate::fix::{FixResult, RevokePermissionsParams, SecurityGroupRule};
use crate::kinds::{Permission, convert_permission};
use crate::sdk::classify;

/// AWS's answer to revoking a rule that does not exist (the whole call is refused).
const NOT_FOUND: &str = "InvalidPermission.NotFound";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    fn permissions(self, params: &RevokePermissionsParams) -> &[Permission] {
        match self {
            Direction::Inbound => &params.ingress,
            Direction::Outbound => &params.egress,
        }
    }

    fn operation(self) -> &'static str {
        match self {
            Direction::Inbound => "RevokeSecurityGroupIngress",
            Direction::Outbound => "RevokeSecurityGroupEgress",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

/// What a revoke call answered: rules revoked, and rules AWS did not know.
struct Answer {
    revoked: usize,
    unknown: usize,
}

/// Revokes the planned rules of one group; the result of its action.
pub(super) async fn revoke(
    client: &aws_sdk_ec2::Client,
    params: &RevokePermissionsParams,
    dry_run: bool,
) -> FixResult {
    let mut done: Vec<(Direction, FixResult, usize)> = Vec::new();
    for direction in [Direction::Inbound, Direction::Outbound] {
        let requested = SecurityGroupRule::of(direction.permissions(params));
        if requested.is_empty() {
            continue;
        }
        let result = revoke_direction(client, params, direction, &requested, dry_run).await;
        done.push((direction, result, requested.len()));
    }
    if done.is_empty() {
        return FixResult::failed(
            "InvalidParameters",
            format!("the action names no rule of `{}` to revoke", params.group_id),
        );
    }
    combine(done)
}

/// One direction's rules: the call, and on `InvalidPermission.NotFound` the call again
/// with only the rules the group still has.
async fn revoke_direction(
    client: &aws_sdk_ec2::Client,
    params: &RevokePermissionsParams,
    direction: Direction,
    requested: &[SecurityGroupRule],
    dry_run: bool,
) -> FixResult {
    let permissions = direction.permissions(params);
    let error = match send(
        client,
        &params.group_id,
        direction,
        permissions,
        requested.len(),
        dry_run,
    )
    .await
    {
        Ok(answer) => return revoked(answer, 0, dry_run),
        Err(error) if error.code.as_deref() == Some(NOT_FOUND) => error,
        Err(error) => return call_failed(&error, direction, dry_run),
    };
    tracing::debug!(group = params.group_id, error = %error, "some planned rules are gone; reading the group again");
    let existing = match current_rules(client, params, direction).await {
        Ok(rules) => rules,
        Err(e) => return failure(&e),
    };
    let left: Vec<&SecurityGroupRule> = existing
        .iter()
        .filter(|rule| requested.iter().any(|r| r.same_as(rule)))
        .collect();
    if left.is_empty() {
        return FixResult::AlreadyRevoked;
    }
    let gone = requested
        .iter()
        .filter(|r| !existing.iter().any(|rule| r.same_as(rule)))
        .count();
    // The rules as the group lists them now, so that AWS matches them exactly.
    let permissions: Vec<Permission> = left.iter().map(|r| r.to_permission()).collect();
    match send(
        client,
        &params.group_id,
        direction,
        &permissions,
        left.len(),
        dry_run,
    )
    .await
    {
        Ok(answer) => revoked(answer, gone, dry_run),
        Err(error) if error.code.as_deref() == Some(NOT_FOUND) => FixResult::AlreadyRevoked,
        Err(error) => call_failed(&error, direction, dry_run),
    }
}

/// A successful revoke call as a result (`gone`: rules known to be gone before it).
fn revoked(answer: Answer, gone: usize, dry_run: bool) -> FixResult {
    if dry_run {
        tracing::warn!("the endpoint ignored DryRun=true and revoked the rules");
    }
    if answer.revoked == 0 {
        return FixResult::AlreadyRevoked;
    }
    FixResult::Revoked {
        rules: answer.revoked,
        already_gone: gone + answer.unknown,
    }
}

fn call_failed(error: &CollectError, direction: Direction, dry_run: bool) -> FixResult {
    match error.code.as_deref() {
        Some(DRY_RUN_OK) if dry_run => FixResult::WouldSucceed,
        _ if dry_run && error.class == ErrorClass::AccessDenied => {
            refused(error, &format!("ec2:{}", direction.operation()))
        }
        _ => failure(error),
    }
}

/// One revoke call of `permissions` (`rules` of them, counted one per source).
async fn send(
    client: &aws_sdk_ec2::Client,
    group_id: &str,
    direction: Direction,
    permissions: &[Permission],
    rules: usize,
    dry_run: bool,
) -> Result<Answer, CollectError> {
    let ip_permissions: Vec<ec2::IpPermission> = permissions.iter().map(to_sdk).collect();
    let operation = direction.operation();
    let (ok, unknown, revoked) = match direction {
        Direction::Inbound => {
            let out = client
                .revoke_security_group_ingress()
                .group_id(group_id)
                .set_ip_permissions(Some(ip_permissions))
                .dry_run(dry_run)
                .send()
                .await
                .map_err(|e| classify(operation, &e, 1))?;
            (
                out.r#return,
                out.unknown_ip_permissions,
                out.revoked_security_group_rules,
            )
        }
        Direction::Outbound => {
            let out = client
                .revoke_security_group_egress()
                .group_id(group_id)
                .set_ip_permissions(Some(ip_permissions))
                .dry_run(dry_run)
                .send()
                .await
                .map_err(|e| classify(operation, &e, 1))?;
            (
                out.r#return,
                out.unknown_ip_permissions,
                out.revoked_security_group_rules,
            )
        }
    };
    if ok == Some(false) {
        return Err(CollectError::new(
            operation,
            ErrorClass::Other,
            Some("ReturnFalse".into()),
            format!(
                "AWS answered that the {} rules were not revoked",
                direction.label()
            ),
        ));
    }
    let unknown: Vec<Permission> = unknown
        .unwrap_or_default()
        .into_iter()
        .map(convert_permission)
        .collect();
    let unknown = SecurityGroupRule::of(&unknown).len().min(rules);
    // AWS lists each revoked rule; moto (and older answers) list none.
    let revoked = match revoked.map(|r| r.len()) {
        Some(n) if n > 0 => n,
        _ => rules - unknown,
    };
    Ok(Answer { revoked, unknown })
}

/// The rules of one direction that the group has now.
async fn current_rules(
    client: &aws_sdk_ec2::Client,
    params: &RevokePermissionsParams,
    direction: Direction,
) -> Result<Vec<SecurityGroupRule>, CollectError> {
    let out = client
        .describe_security_groups()
        .group_ids(&params.group_id)
        .send()
        .await
        .map_err(|e| classify("DescribeSecurityGroups", &e, 1))?;
    let group = out
        .security_groups
        .unwrap_or_default()
        .into_iter()
        .find(|g| g.group_id.as_deref() == Some(params.group_id.as_str()));
    let Some(group) = group else {
        return Err(CollectError::new(
            "DescribeSecurityGroups",
            ErrorClass::Other,
            Some("InvalidGroup.NotFound".into()),
            format!("the security group `{}` does not exist", params.group_id),
        ));
    };
    let permissions = match direction {
        Direction::Inbound => group.ip_permissions,
        Direction::Outbound => group.ip_permissions_egress,
    };
    let permissions: Vec<Permission> = permissions
        .unwrap_or_default()
        .into_iter()
        .map(convert_permission)
        .collect();
    Ok(SecurityGroupRule::of(&permissions))
}

/// The result of an action from those of its directions (with the number of rules each
/// asked for): a failure wins, saying what the other direction did; a dry run would
/// succeed when any direction would; otherwise the revoked rules are added up.
fn combine(done: Vec<(Direction, FixResult, usize)>) -> FixResult {
    if let Some(i) = done.iter().position(|(_, r, _)| !r.is_success()) {
        let mut failed = done[i].1.clone();
        let others: Vec<String> = done
            .iter()
            .filter(|(_, r, _)| r.changed())
            .map(|(d, r, _)| format!("{} rules: {r}", d.label()))
            .collect();
        if let FixResult::Failed { message, .. } = &mut failed
            && !others.is_empty()
        {
            message.push_str(&format!(" ({})", others.join("; ")));
        }
        return failed;
    }
    if done.iter().any(|(_, r, _)| *r == FixResult::WouldSucceed) {
        return FixResult::WouldSucceed;
    }
    let (mut rules, mut already_gone) = (0, 0);
    for (_, result, asked) in &done {
        match result {
            FixResult::Revoked {
                rules: n,
                already_gone: g,
            } => {
                rules += n;
                already_gone += g;
            }
            _ => already_gone += asked,
        }
    }
    if rules == 0 {
        FixResult::AlreadyRevoked
    } else {
        FixResult::Revoked { rules, already_gone }
    }
}

/// A permission as the API takes it: protocol, ports and sources, without descriptions
/// (AWS does not match on them).
fn to_sdk(p: &Permission) -> ec2::IpPermission {
    ec2::IpPermission::builder()
        .ip_protocol(&p.protocol)
        .set_from_port(p.from_port)
        .set_to_port(p.to_port)
        .set_ip_ranges(non_empty(
            p.ipv4_ranges
                .iter()
                .map(|r| ec2::IpRange::builder().cidr_ip(&r.cidr).build())
                .collect(),
        ))
        .set_ipv6_ranges(non_empty(
            p.ipv6_ranges
                .iter()
                .map(|r| ec2::Ipv6Range::builder().cidr_ipv6(&r.cidr).build())
                .collect(),
        ))
        .set_prefix_list_ids(non_empty(
            p.prefix_list_ids
                .iter()
                .map(|id| ec2::PrefixListId::builder().prefix_list_id(id).build())
                .collect(),
        ))
        .set_user_id_group_pairs(non_empty(
            p.groups
                .iter()
                .map(|g| {
                    ec2::UserIdGroupPair::builder()
                        .group_id(&g.group_id)
                        .set_user_id(g.user_id.clone())
                        .build()
                })
                .collect(),
        ))
        .build()
}

fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}
