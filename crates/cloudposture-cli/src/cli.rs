//! The command line: every flag, with its documentation (what `--help` prints).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use cloudposture_aws::{DEFAULT_CONCURRENCY, RegionScope, is_valid_region_name};
use cloudposture_core::{RiskLevel, Selection, Standard, StandardSelector, StandardVersion};

mod accounts;
mod fix;
mod iam_policy;
mod merge;
#[cfg(test)]
mod tests;

pub use accounts::{AccountArgs, AccountList};
#[cfg(test)]
pub use fix::FixTraffic;
pub use fix::{FIX_EXIT_CODES, FixArgs, FixFormat};
pub use iam_policy::IamPolicyArgs;
pub use merge::MergeArgs;

/// Check an AWS account against security best-practice rules.
///
/// cloudposture lists what the selected rules need (only that, every page, all
/// regions at once), evaluates each rule over it, and reports one finding per
/// resource per rule: pass, fail, error (could not be judged — never counted as a
/// pass), skipped (not applicable) or muted (an exception in the config matched).
#[derive(Debug, Parser)]
#[command(
    name = "cloudposture",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_long_help = "Exit codes:\n  \
        0  complete, and no failing finding at or above --fail-on\n  \
        1  at least one failing finding at or above --fail-on\n  \
        2  bad usage or input (flags, config, snapshot, output path); nothing evaluated\n  \
        3  incomplete: something could not be evaluated (a region or the account could not\n     \
           be read) and no failing finding at or above --fail-on\n\n\
        Examples:\n  \
        cloudposture scan --snapshot examples/demo-account.json\n  \
        cloudposture scan --profile prod --regions eu-west-1,us-east-1 --format json --output report.json\n  \
        cloudposture scan --snapshot examples/demo-account.json --standard cis:v3.0.0\n  \
        cloudposture rules show VPC-001\n  \
        cloudposture fix --destination s3:arn:aws:s3:::my-flow-logs [--apply]\n  \
        cloudposture iam-policy --rules VPC"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags accepted by every subcommand.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Configuration file (TOML): per-rule settings, risk overrides and exceptions.
    #[arg(long, global = true, value_name = "FILE", env = "CLOUDPOSTURE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Print nothing on stderr but errors (no progress, no hints).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Log what happens on stderr: -v for info, -vv for debug, -vvv for everything.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to colour the table: auto (stdout is a terminal and NO_COLOR is unset), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate the selected rules against a live account or a snapshot.
    ///
    /// Live by default: the normal AWS credential chain (environment, --profile, SSO,
    /// assumed roles), every region enabled for the account. With --snapshot, no AWS
    /// call is made at all. The configuration is checked before any API call.
    Scan(ScanArgs),
    /// Collect what the selected rules need from a live account and save it as a snapshot.
    ///
    /// The snapshot can be scanned later, elsewhere, with `scan --snapshot FILE` (no
    /// credentials needed there). Exits 3 when a region could not be read completely:
    /// the snapshot is written anyway and records what failed.
    Collect(CollectArgs),
    /// Fix failing findings: flow logs for VPC-001, revoked rules for security groups,
    /// IMDSv2 for instances, for every selected rule that can fix its findings.
    ///
    /// Scans the live account as `scan` does and plans one action per failing resource
    /// (passing, muted and skipped findings, and regions that could not be read, are never
    /// touched). Without --apply nothing changes: the plan is printed, with what each
    /// action will break, and every call is sent with DryRun=true, so AWS says what it
    /// would refuse. With --apply the actions are carried out (what is done already is
    /// left alone and said so) and the affected regions are scanned again for the rules
    /// that acted. --destination, --role-arn and --traffic-type are needed only to fix
    /// VPC-001: without a destination, its VPCs are listed as not planned, unless
    /// --rules names VPC-001, which then fails before any call.
    #[command(after_long_help = FIX_EXIT_CODES)]
    Fix(FixArgs),
    /// List the rules, or show one rule's knowledge-base page.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print the least-privilege IAM policy that the selected rules need.
    ///
    /// One Allow statement with the sorted, unique actions of the rules' audit
    /// permissions (and remediation permissions with --remediation), on Resource "*".
    IamPolicy(IamPolicyArgs),
    /// Merge the JSON reports of every shard of an organization scan (`scan --shard K/N`)
    /// into one report, as a single scan of every account would have written it.
    ///
    /// Each shard 1/N … N/N must be given once, scanned with the same rules and config;
    /// an account in two reports, or a report that is not a shard's, is an error (exit 2).
    /// The exit code is scan's, for the merged report.
    #[command(after_long_help = "Example:\n  \
        cloudposture merge shard-*.json --format asff --output findings.asff.json")]
    Merge(MergeArgs),
    /// Print the shell completion script for SHELL.
    ///
    /// E.g. `cloudposture completions bash > ~/.local/share/bash-completion/completions/cloudposture`,
    /// `cloudposture completions zsh > ~/.zfunc/_cloudposture`,
    /// `cloudposture completions fish > ~/.config/fish/completions/cloudposture.fish`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Where the data comes from.
#[derive(Debug, Args, Clone)]
pub struct LiveArgs {
    /// AWS profile from the shared config and credentials files (default: `AWS_PROFILE` or `default`).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Regions to scan, comma separated, or `all` for every region enabled for the account.
    #[arg(long, value_name = "REGIONS", default_value = "all", value_parser = parse_regions)]
    pub regions: RegionScope,
    /// Endpoint URL for every AWS call (e.g. an emulator such as moto or LocalStack).
    #[arg(long, value_name = "URL", value_parser = parse_endpoint_url)]
    pub endpoint_url: Option<String>,
    /// Regions collected at once (across all accounts with --accounts).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY as u16,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Attempts per API call, the first included; throttling and network errors are
    /// retried with exponential backoff and jitter.
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,
    #[command(flatten)]
    pub accounts: AccountArgs,
}

/// Which rules to run. Every criterion given must match.
#[derive(Debug, Args, Clone, Default)]
pub struct SelectionArgs {
    /// Rule ids or id prefixes, comma separated (`VPC-001`, `VPC`).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub rules: Vec<String>,
    /// Only rules mapped to these standards, comma separated: a standard (`cis`, `pci`,
    /// `gdpr`, `apra`, `mas`, `nist`, `nist-800-171`) or one version of it (`cis:v3.0.0`,
    /// `cis:3.0.0`, `pci:v3.2.1`). With a version, the table ends with that version's
    /// controls: the rules that check each, their counts, and the controls not covered.
    #[arg(long, value_name = "STANDARD[:VERSION]", value_delimiter = ',', value_parser = parse_standard)]
    pub standard: Vec<StandardSelector>,
    /// Only rules of at least this risk (after config overrides).
    #[arg(long, value_name = "RISK", value_parser = parse_risk)]
    pub min_risk: Option<RiskLevel>,
}

impl SelectionArgs {
    /// The core selection. `nist` selects both NIST publications; `nist:VERSION` a
    /// version of SP 800-53 (`nist-800-171:VERSION` one of SP 800-171).
    pub fn to_selection(&self) -> Selection {
        let mut standards = Vec::new();
        for s in self.standard.iter().filter(|s| s.version.is_none()) {
            for st in Standard::ALL {
                if (st == s.standard || st.matches_code(s.standard.code())) && !standards.contains(&st) {
                    standards.push(st);
                }
            }
        }
        Selection {
            versions: self.versions(),
            rules: self
                .rules
                .iter()
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .collect(),
            standards,
            min_risk: self.min_risk,
            services: Vec::new(),
        }
    }

    /// The standard versions named (`cis:v3.0.0`), as written, each once.
    pub fn versions(&self) -> Vec<StandardVersion> {
        let mut versions: Vec<StandardVersion> = Vec::new();
        for s in &self.standard {
            if let Some(version) = &s.version {
                let v = StandardVersion {
                    standard: s.standard,
                    version: version.clone(),
                };
                if !versions.contains(&v) {
                    versions.push(v);
                }
            }
        }
        versions
    }
}

/// `scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Evaluate a snapshot written by `cloudposture collect` instead of a live account (no AWS calls).
    #[arg(long, value_name = "FILE",
          conflicts_with_all = ["profile", "regions", "endpoint_url", "concurrency", "max_attempts",
                                "accounts", "accounts_file", "exclude_accounts", "role_name", "external_id",
                                "role_session_name", "shard"])]
    pub snapshot: Option<PathBuf>,
    /// Evaluate CloudFormation (YAML, JSON), Terraform (`.tf`, `.tf.json`, local modules
    /// followed) and Terraform plans (`terraform show -json`) instead of an account: a file
    /// or a directory (searched recursively, skipping `.terraform/` and hidden folders);
    /// repeatable. Findings name the template's logical id or Terraform
    /// address and the file and line it is declared at. No AWS calls.
    #[arg(long = "template", value_name = "PATH", conflicts_with_all = ["snapshot", "profile",
          "regions", "endpoint_url", "concurrency", "max_attempts", "accounts", "accounts_file",
          "exclude_accounts", "role_name", "external_id", "role_session_name", "shard"])]
    pub templates: Vec<PathBuf>,
    /// Terraform variable values for --template (`NAME = value` lines, as terraform.tfvars;
    /// later files win); repeatable.
    #[arg(long = "var-file", value_name = "FILE", requires = "templates")]
    pub var_files: Vec<PathBuf>,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// How `scan` and `merge` deliver the report.
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Table)]
    pub format: ScanFormat,
    /// Write the report to FILE (completely or not at all) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a failing finding has at least this risk; `never` to exit 1 on no finding.
    #[arg(long, value_name = "RISK|never", default_value = "low", value_parser = parse_fail_on)]
    pub fail_on: FailOn,
    /// In the table, list passing, skipped and muted findings too (by default only counted).
    #[arg(long)]
    pub show_passing: bool,
    /// An earlier JSON report of this tool: every failing finding already failing there (same
    /// rule, resource kind and id, account, region and file) is reported as `muted` with the
    /// reason "in baseline", so that CI fails only on new problems.
    #[arg(long, value_name = "REPORT")]
    pub baseline: Option<PathBuf>,
}

/// Report formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// For people: failing findings grouped by rule, then counts.
    Table,
    /// The full report with stable field names.
    Json,
    /// One row per finding.
    Csv,
    /// JUnit XML, one test case per finding.
    Junit,
    /// OCSF 1.3 Compliance Finding events (class_uid 2003).
    Ocsf,
    /// AWS Security Hub findings (ASFF).
    Asff,
    /// One self-contained HTML page (no external scripts, fonts or styles), with the
    /// compliance tables of each --standard version (the newest CIS version when none is
    /// named).
    Html,
    /// SARIF 2.1.0 for GitHub code scanning: template scans (--template) only, since a
    /// result needs a file and line.
    Sarif,
}

/// The `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Failing findings at or above this risk exit 1.
    Risk(RiskLevel),
    /// No finding exits 1.
    Never,
}

/// `collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// The snapshot file to write (completely or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// `rules …`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules: id, risk, service, title and standards (with a standard version
    /// selected, the ids of its controls that each rule checks).
    List {
        #[command(flatten)]
        selection: SelectionArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Show a rule's knowledge-base page: risk, standards and controls, rationale, how to
    /// audit by hand, remediation (CLI, CloudFormation, Terraform), settings, IAM actions.
    Show {
        /// The rule id, e.g. `VPC-001`.
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Markdown)]
        format: ShowFormat,
    },
}

/// Formats of `rules list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns.
    Table,
    /// The rules' metadata as a JSON array.
    Json,
}

/// Formats of `rules show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// A Markdown page.
    Markdown,
    /// The rule's metadata as JSON.
    Json,
}

fn parse_regions(value: &str) -> Result<RegionScope, String> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("all") {
        return Ok(RegionScope::AllEnabled);
    }
    let mut regions = Vec::new();
    for name in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !is_valid_region_name(name) {
            return Err(format!(
                "`{name}` is not a region name; expected names like `eu-west-1`, comma separated, or `all`"
            ));
        }
        regions.push(name.to_string());
    }
    if regions.is_empty() {
        return Err("no region given; name regions like `eu-west-1,us-east-1`, or `all`".into());
    }
    Ok(RegionScope::Only(regions))
}

fn parse_endpoint_url(value: &str) -> Result<String, String> {
    let rest = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
        .ok_or_else(|| format!("`{value}` is not an http:// or https:// URL"))?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
        return Err(format!("`{value}` has no host"));
    }
    Ok(value.to_string())
}

fn parse_standard(value: &str) -> Result<StandardSelector, String> {
    value.parse::<StandardSelector>().map_err(|e| e.to_string())
}

fn parse_risk(value: &str) -> Result<RiskLevel, String> {
    value.parse::<RiskLevel>().map_err(|e| e.to_string())
}

fn parse_fail_on(value: &str) -> Result<FailOn, String> {
    if value.trim().eq_ignore_ascii_case("never") {
        return Ok(FailOn::Never);
    }
    value
        .parse::<RiskLevel>()
        .map(FailOn::Risk)
        .map_err(|e| format!("{e}, or never"))
}
