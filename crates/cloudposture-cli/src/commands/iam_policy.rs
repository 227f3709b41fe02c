//! `cloudposture iam-policy`: the least-privilege policy of the selected rules.

use std::collections::BTreeSet;

use anyhow::Context;
use serde_json::json;

use crate::cli::{GlobalArgs, IamPolicyArgs};
use crate::config_file;
use crate::exit::{CliError, Exit};
use crate::terminal::Terminal;

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
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": sid,
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*",
        }],
    });
    serde_json::to_writer_pretty(&mut *term.out, &policy).context("cannot write to stdout")?;
    writeln!(term.out).context("cannot write to stdout")?;
    Ok(Exit::Ok)
}
