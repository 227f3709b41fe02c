//! The flags of `cloudposture fix`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{LiveArgs, SelectionArgs};

/// What `fix --help` says about exit codes.
pub const FIX_EXIT_CODES: &str = "Exit codes:\n  \
    0  every planned action would succeed (dry run), or succeeded or was done already and\n     \
       its resource now passes (--apply); also when there is nothing to fix\n  \
    1  AWS would refuse (dry run) or refused at least one action, or a fixed resource still fails\n  \
    2  bad usage or input (flags, config, --snapshot): nothing was called\n  \
    3  the account could not be read, or some regions could not (nothing failed otherwise)\n\n\
    Examples:\n  \
    cloudposture fix --destination s3:arn:aws:s3:::my-flow-logs\n  \
    cloudposture fix --destination s3:arn:aws:s3:::my-flow-logs --apply\n  \
    cloudposture fix --rules EC2-001,EC2-002 --regions eu-west-1\n  \
    cloudposture fix --regions eu-west-1 --destination cloud-watch-logs:/vpc/flow-logs \\\n    \
    --role-arn arn:aws:iam::123456789012:role/flow-logs --apply";

/// `fix`.
#[derive(Debug, Args)]
pub struct FixArgs {
    /// Not allowed: a snapshot cannot be changed (kept to say so clearly).
    #[arg(long, value_name = "FILE", hide = true)]
    pub snapshot: Option<PathBuf>,
    /// Not allowed: templates are changed by editing them (kept to say so clearly).
    #[arg(long = "template", value_name = "PATH", hide = true)]
    pub templates: Vec<PathBuf>,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// VPC-001: where the new flow logs publish: `s3:arn:aws:s3:::BUCKET[/PREFIX]`,
    /// `cloud-watch-logs:LOG_GROUP` (needs --role-arn) or `kinesis-data-firehose:STREAM_ARN`.
    /// Default: the rule's `remediation_destination` setting.
    #[arg(long, value_name = "DESTINATION")]
    pub destination: Option<String>,
    /// IAM role that delivers the logs to CloudWatch Logs (assumable by
    /// vpc-flow-logs.amazonaws.com). Default: the rule's `remediation_role_arn` setting,
    /// unless --destination is given.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// Traffic the new flow logs record. Default: ALL, or what the rule's `traffic_type`
    /// setting requires.
    #[arg(long, value_enum, ignore_case = true, value_name = "TYPE")]
    pub traffic_type: Option<FixTraffic>,
    /// Carry the actions out. Without it nothing changes: the plan is printed and checked
    /// with DryRun=true (AWS checks the permissions).
    #[arg(long)]
    pub apply: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FixFormat::Text)]
    pub format: FixFormat,
}

/// `--traffic-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FixTraffic {
    /// Accepted and rejected traffic.
    #[value(name = "ALL")]
    All,
    /// Accepted traffic only.
    #[value(name = "ACCEPT")]
    Accept,
    /// Rejected traffic only.
    #[value(name = "REJECT")]
    Reject,
}

impl FixTraffic {
    pub fn as_str(self) -> &'static str {
        match self {
            FixTraffic::All => "ALL",
            FixTraffic::Accept => "ACCEPT",
            FixTraffic::Reject => "REJECT",
        }
    }

    /// Whether a flow log of this traffic meets a rule requiring `required`.
    pub fn covers(self, required: &str) -> bool {
        self == FixTraffic::All || required == "any" || required == self.as_str()
    }
}

/// `fix --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FixFormat {
    /// For people.
    Text,
    /// The plan, each outcome and the new status of each resource, as JSON.
    Json,
}
