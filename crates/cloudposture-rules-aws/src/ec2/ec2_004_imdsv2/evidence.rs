//! What EC2-004 writes on its findings.

use cloudposture_aws::Instance;
use serde::{Deserialize, Serialize};

/// The evidence of an EC2-004 finding: the instance's metadata options as
/// DescribeInstances reported them (each absent when it reported none). Read it back
/// with `finding.evidence.parse::<ImdsEvidence>()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImdsEvidence {
    /// The instance state: `pending`, `running`, `stopping` or `stopped`.
    pub instance_state: String,
    /// `HttpTokens`: `required` (IMDSv2 only) or `optional` (IMDSv1 allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_tokens: Option<String>,
    /// `HttpEndpoint`: `enabled` or `disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_endpoint: Option<String>,
    /// `HttpPutResponseHopLimit`: how many network hops an IMDSv2 token may travel (1
    /// keeps it on the instance; containers behind a bridge need 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hop_limit: Option<i32>,
    /// The options' `State`: `pending` while a change is applied, then `applied`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options_state: Option<String>,
    /// A launch template declared in a template that no declared instance is launched from:
    /// judged for the instances it will launch (`instance_state` is then `running`, what
    /// they will be). Written only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub launch_template: bool,
}

impl ImdsEvidence {
    pub(super) fn of(instance: &Instance) -> Self {
        let options = instance.metadata_options.as_ref();
        ImdsEvidence {
            instance_state: instance.state.clone(),
            http_tokens: options.and_then(|o| o.http_tokens.clone()),
            http_endpoint: options.and_then(|o| o.http_endpoint.clone()),
            hop_limit: options.and_then(|o| o.http_put_response_hop_limit),
            options_state: options.and_then(|o| o.state.clone()),
            launch_template: instance.is_launch_template,
        }
    }
}
