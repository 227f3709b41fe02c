//! `cloudposture iam-policy`: the least-privilege policy of the selected rules, and with
//! `--accounts` the policies of an organization scan (the scanner's, and a read-only
//! member role with its trust policy).

use std::collections::BTreeSet;

use anyhow::Context;
use serde_json::{Value, json};

use crate::cli::{AccountList, GlobalArgs, IamPolicyArgs};
use crate::config_file;
use crate::exit::{CliError, Exit};
use crate::terminal::Terminal;

/// The member role's name suggested when the scan assumes the default role.
pub const SUGGESTED_MEMBER_ROLE: &str = "CloudpostureAudit";

/// Runs `iam-policy`. The config applies: rules it disables are left out.
pub fn run(args: &IamPolicyArgs, global: &GlobalArgs, term: &mut Terminal<'_>) -> Result<Exit, CliError> {
    let config = config_file::load(global.config.as_deref())?;
    let registry = super::registry()?;
    let plan = config.plan(&registry, &args.selection.to_selection())?;
    let mut actions: BTreeSet<&str> = BTreeSet::new();
    for planned in plan.rules() {
        actions.extend(planned.rule.audit_actions());
        if args.remediation {
            actions.extend(planned.rule.metadata().iam_remediate.iter().copied());
        }
    }
    let sid = if args.remediation {
        "CloudpostureAuditAndRemediate"
    } else {
        "CloudpostureAudit"
    };
    let policy = policy(vec![statement(sid, &actions, json!("*"))]);
    let document = match &args.accounts {
        None => policy,
        Some(accounts) => organization_policies(args, accounts, &actions, policy),
    };
    serde_json::to_writer_pretty(&mut *term.out, &document).context("cannot write to stdout")?;
    writeln!(term.out).context("cannot write to stdout")?;
    Ok(Exit::Ok)
}

fn policy(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn statement(sid: &str, actions: &BTreeSet<&str>, resource: Value) -> Value {
    json!({"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resource})
}

/// The scanner's policy, and the member role (permissions and trust) of a scan of
/// `accounts` through the role `args.role_name`.
fn organization_policies(
    args: &IamPolicyArgs,
    accounts: &AccountList,
    actions: &BTreeSet<&str>,
    audit: Value,
) -> Value {
    let default_role = args.role_name == cloudposture_aws::sdk::DEFAULT_ROLE_NAME;
    let member_role = if default_role {
        SUGGESTED_MEMBER_ROLE
    } else {
        args.role_name.as_str()
    };
    let role_arns: Value = match accounts {
        AccountList::Organization => json!(format!("arn:aws:iam::*:role/{}", args.role_name)),
        AccountList::Ids(ids) => ids
            .iter()
            .map(|id| format!("arn:aws:iam::{id}:role/{}", args.role_name))
            .collect(),
    };
    // The scanner reads its own account directly, and the others through the role.
    let mut statements = vec![statement("CloudpostureAuditOwnAccount", actions, json!("*"))];
    statements.push(statement(
        "CloudpostureAssumeMemberRole",
        &BTreeSet::from(["sts:AssumeRole"]),
        role_arns,
    ));
    if *accounts == AccountList::Organization {
        statements.push(statement(
            "CloudpostureListAccounts",
            &BTreeSet::from(["organizations:ListAccounts"]),
            json!("*"),
        ));
    }
    let principal = args
        .scanner_principal
        .clone()
        .unwrap_or_else(|| "arn:aws:iam::<SCANNER_ACCOUNT_ID>:role/<SCANNER_ROLE_NAME>".to_string());
    let mut trust = json!({
        "Sid": "CloudpostureScanner",
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
    });
    if let Some(id) = &args.external_id {
        trust["Condition"] = json!({"StringEquals": {"sts:ExternalId": id}});
    }
    let mut out = json!({
        "scanner_policy": policy(statements),
        "member_role": {
            "name": member_role,
            "permissions_policy": audit,
            "trust_policy": policy(vec![trust]),
        },
    });
    if default_role {
        out["recommendation"] = json!(format!(
            "OrganizationAccountAccessRole, the default, has full administrator rights in every account. \
             Create the read-only role `{SUGGESTED_MEMBER_ROLE}` of member_role in every account (e.g. with a \
             CloudFormation StackSet), then scan with --role-name {SUGGESTED_MEMBER_ROLE} and put that name in the \
             scanner policy (cloudposture iam-policy --accounts --role-name {SUGGESTED_MEMBER_ROLE})."
        ));
    }
    out
}
