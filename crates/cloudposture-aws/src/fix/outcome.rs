//! What came of each action the executor carried out: [`FixOutcome`] names the rule, the
//! resource and its region; [`FixResult`] says what happened to it.

use serde::{Deserialize, Serialize};

/// What came of one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixOutcome {
    /// The rule whose finding the action fixes.
    pub rule_id: String,
    /// The kind of the resource, e.g. `aws.ec2.security-group`.
    pub kind: String,
    /// The resource: `vpc-…`, `sg-…`, `i-…`.
    pub resource_id: String,
    /// Its region.
    pub region: String,
    /// What happened.
    pub result: FixResult,
}

/// The result of one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FixResult {
    /// The flow log was created.
    Created {
        /// Its id.
        flow_log_id: String,
    },
    /// The VPC already has a flow log to this destination and of this traffic type:
    /// nothing was created.
    AlreadyExists {
        /// The existing flow log, when known.
        flow_log_id: Option<String>,
    },
    /// Security group rules were revoked.
    Revoked {
        /// Rules (one protocol, port range and source each) revoked.
        rules: usize,
        /// Rules of the plan that were gone already (revoked since the scan).
        already_gone: usize,
    },
    /// Every rule the plan would revoke is gone already: nothing was left to revoke.
    AlreadyRevoked,
    /// The instance now requires IMDSv2 (`HttpTokens=required`).
    ImdsV2Required,
    /// The instance required IMDSv2 already: nothing was changed.
    ImdsV2AlreadyRequired,
    /// Dry run: AWS would carry the action out (`DryRunOperation`).
    WouldSucceed,
    /// Not carried out (or, in a dry run, AWS would refuse).
    Failed {
        /// AWS error code (e.g. `UnauthorizedOperation`, `InvalidParameter`), or what kind
        /// of failure it was when AWS gave none.
        code: String,
        /// What went wrong.
        message: String,
    },
}

impl FixResult {
    /// Whether the resource got (or would get, or already had) what the action asks for.
    pub fn is_success(&self) -> bool {
        !matches!(self, FixResult::Failed { .. })
    }

    /// Whether the resource had it already, so that nothing was changed.
    pub fn was_already_done(&self) -> bool {
        matches!(
            self,
            FixResult::AlreadyExists { .. } | FixResult::AlreadyRevoked | FixResult::ImdsV2AlreadyRequired
        )
    }

    /// Whether the action changed the resource.
    pub fn changed(&self) -> bool {
        matches!(
            self,
            FixResult::Created { .. } | FixResult::Revoked { .. } | FixResult::ImdsV2Required
        )
    }

    /// A failure.
    pub fn failed(code: impl Into<String>, message: impl Into<String>) -> Self {
        FixResult::Failed {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FixResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rules = |n: usize| if n == 1 { "rule" } else { "rules" };
        match self {
            FixResult::Created { flow_log_id } => write!(f, "created {flow_log_id}"),
            FixResult::AlreadyExists {
                flow_log_id: Some(id),
            } => write!(f, "already exists ({id})"),
            FixResult::AlreadyExists { flow_log_id: None } => f.write_str("already exists"),
            FixResult::Revoked {
                rules: n,
                already_gone: 0,
            } => write!(f, "revoked {n} {}", rules(*n)),
            FixResult::Revoked {
                rules: n,
                already_gone,
            } => write!(f, "revoked {n} {} ({already_gone} already gone)", rules(*n)),
            FixResult::AlreadyRevoked => f.write_str("already revoked: nothing left to revoke"),
            FixResult::ImdsV2Required => f.write_str("IMDSv2 now required"),
            FixResult::ImdsV2AlreadyRequired => f.write_str("IMDSv2 already required"),
            FixResult::WouldSucceed => f.write_str("would succeed"),
            FixResult::Failed { code, message } if message.is_empty() => write!(f, "failed: {code}"),
            FixResult::Failed { code, message } => write!(f, "failed: {code}: {message}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_name_rule_resource_and_region_and_tag_their_status() {
        let outcome = FixOutcome {
            rule_id: "EC2-001".into(),
            kind: "aws.ec2.security-group".into(),
            resource_id: "sg-1".into(),
            region: "eu-west-1".into(),
            result: FixResult::Revoked {
                rules: 2,
                already_gone: 1,
            },
        };
        let json = serde_json::to_value(&outcome).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"rule_id": "EC2-001", "kind": "aws.ec2.security-group",
                               "resource_id": "sg-1", "region": "eu-west-1",
                               "result": {"status": "revoked", "rules": 2, "already_gone": 1}})
        );
        assert_eq!(serde_json::from_value::<FixOutcome>(json).unwrap(), outcome);
        let statuses: Vec<serde_json::Value> = [
            FixResult::AlreadyRevoked,
            FixResult::ImdsV2Required,
            FixResult::ImdsV2AlreadyRequired,
            FixResult::WouldSucceed,
        ]
        .iter()
        .map(|r| serde_json::to_value(r).unwrap()["status"].clone())
        .collect();
        assert_eq!(
            statuses,
            [
                "already_revoked",
                "imds_v2_required",
                "imds_v2_already_required",
                "would_succeed"
            ]
        );
    }

    #[test]
    fn results_read_as_what_happened() {
        let cases = [
            (
                FixResult::Created {
                    flow_log_id: "fl-1".into(),
                },
                "created fl-1",
            ),
            (
                FixResult::Revoked {
                    rules: 1,
                    already_gone: 0,
                },
                "revoked 1 rule",
            ),
            (
                FixResult::Revoked {
                    rules: 2,
                    already_gone: 1,
                },
                "revoked 2 rules (1 already gone)",
            ),
            (
                FixResult::AlreadyRevoked,
                "already revoked: nothing left to revoke",
            ),
            (FixResult::ImdsV2Required, "IMDSv2 now required"),
            (FixResult::ImdsV2AlreadyRequired, "IMDSv2 already required"),
            (
                FixResult::failed("400", "LogDestination: b does not exist."),
                "failed: 400: LogDestination: b does not exist.",
            ),
        ];
        for (result, text) in cases {
            assert_eq!(result.to_string(), text);
        }
        assert!(FixResult::WouldSucceed.is_success() && !FixResult::WouldSucceed.changed());
        assert!(!FixResult::failed("400", "no bucket").is_success());
        assert!(FixResult::AlreadyRevoked.was_already_done() && !FixResult::AlreadyRevoked.changed());
        assert!(FixResult::ImdsV2Required.changed() && !FixResult::ImdsV2Required.was_already_done());
    }
}
