//! EC2-004 "EC2 Instances Require IMDSv2": the rule and how it judges an instance's
//! metadata options. Its metadata, evidence and messages, remediation and fix live
//! beside it.

mod evidence;
mod fix;
mod metadata;
mod remediation;
#[cfg(test)]
mod tests;

use cloudposture_aws::{Instance, Instances};
use cloudposture_core::{Finding, FixAction, FixError, NoSettings, Rule, RuleContext, RuleMetadata};

pub use evidence::ImdsEvidence;
pub use fix::plan_fix;
pub use metadata::EC2_004;
pub use remediation::remediation_for;
use remediation::remediation_in;

/// ## What it does
/// Checks that every instance (pending, running, stopping or stopped) requires IMDSv2
/// (`HttpTokens` is `required`) or has its metadata endpoint turned off.
///
/// ## Why is this bad?
/// IMDSv1 answers any plain HTTP GET to 169.254.169.254, including the instance role's
/// credentials. A server-side request forgery, an open reverse proxy or a misconfigured
/// firewall on the instance is then enough to steal them. IMDSv2 requires a session
/// token obtained with a PUT, which such requests cannot make.
///
/// An instance whose metadata options were not reported, or report a value this rule
/// does not know, is an `error`, never a pass.
///
/// ## Example
/// An instance with `HttpTokens` `optional` fails; this requires IMDSv2 (the failing
/// finding carries the command with its instance id and region filled in):
///
/// ```sh
/// aws ec2 modify-instance-metadata-options --region eu-west-1 --instance-id i-0abc \
///   --http-tokens required --http-endpoint enabled
/// ```
///
/// Software on the instance that still uses IMDSv1 stops getting metadata.
///
/// ## Settings
/// None.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InstancesRequireImdsV2;

impl Rule for InstancesRequireImdsV2 {
    type Kind = Instances;
    type Reads<'a> = ();
    type Settings = NoSettings;

    fn metadata(&self) -> &'static RuleMetadata {
        &EC2_004
    }

    fn evaluate<'a>(
        &self,
        instances: &'a [Instance],
        (): (),
        ctx: &RuleContext<'a, NoSettings>,
    ) -> Vec<Finding> {
        instances.iter().map(|i| judge(i, ctx)).collect()
    }

    /// One ModifyInstanceMetadataOptions action per failing instance; see [`plan_fix`].
    fn plan_fix(&self, finding: &Finding, _: &NoSettings) -> Result<Option<FixAction>, FixError> {
        plan_fix(finding)
    }
}

/// What the metadata options of an instance say about IMDSv1.
enum Verdict {
    /// The endpoint is `disabled`: no version answers.
    EndpointDisabled,
    /// `HttpTokens` is `required`: only IMDSv2 answers.
    TokensRequired,
    /// `HttpTokens` is `optional` and the endpoint `enabled`: IMDSv1 answers.
    V1Allowed,
    /// What could not be told, for people.
    Unknown(String),
}

fn verdict(instance: &Instance) -> Verdict {
    let Some(options) = &instance.metadata_options else {
        return Verdict::Unknown(
            "DescribeInstances returned no metadata options (MetadataOptions) for the instance".to_string(),
        );
    };
    let tokens = options.http_tokens.as_deref();
    let endpoint = options.http_endpoint.as_deref();
    match (tokens, endpoint) {
        (_, Some("disabled")) => Verdict::EndpointDisabled,
        (Some("required"), _) => Verdict::TokensRequired,
        (Some("optional"), Some("enabled")) => Verdict::V1Allowed,
        (Some("optional"), None) => Verdict::Unknown(
            "HttpTokens is optional but DescribeInstances returned no HttpEndpoint, so whether the metadata \
             endpoint answers is unknown"
                .to_string(),
        ),
        (Some("optional"), Some(other)) => Verdict::Unknown(format!(
            "HttpTokens is optional and HttpEndpoint is `{other}`, which is neither enabled nor disabled"
        )),
        (None, _) => {
            Verdict::Unknown("DescribeInstances returned the metadata options without HttpTokens".to_string())
        }
        (Some(other), _) => Verdict::Unknown(format!(
            "HttpTokens is `{other}`, which is neither required nor optional"
        )),
    }
}

/// The finding for one instance.
fn judge(instance: &Instance, ctx: &RuleContext<'_, NoSettings>) -> Finding {
    let evidence = ImdsEvidence::of(instance);
    // A launch template is judged as the instances it will launch: say so.
    let on = if instance.is_launch_template {
        "on the instances this launch template launches, "
    } else {
        ""
    };
    match verdict(instance) {
        Verdict::EndpointDisabled => ctx
            .pass(
                instance,
                format!(
                    "{on}the instance metadata endpoint is disabled (HttpEndpoint is disabled), so neither \
                     IMDSv1 nor IMDSv2 answers"
                ),
            )
            .with_evidence(evidence),
        Verdict::TokensRequired => ctx
            .pass(
                instance,
                format!("{on}IMDSv2 is required (HttpTokens is required)"),
            )
            .with_evidence(evidence),
        Verdict::V1Allowed => ctx
            .fail(
                instance,
                format!("{on}IMDSv1 is allowed: HttpTokens is optional and the metadata endpoint is enabled"),
            )
            .with_evidence(evidence)
            .with_remediation(remediation_in(ctx.scope(), instance)),
        Verdict::Unknown(why) => ctx
            .error(
                instance,
                format!("{on}{why}; whether IMDSv1 is allowed cannot be judged"),
            )
            .with_evidence(evidence),
    }
}
