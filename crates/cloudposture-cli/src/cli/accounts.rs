//! The flags that choose the accounts of a scan (`--accounts`, `--accounts-file`,
//! `--exclude-accounts`) and how their roles are assumed.

use std::path::PathBuf;

use clap::Args;
use cloudposture_core::Shard;

/// Which accounts to scan besides (or instead of) the caller's.
#[derive(Debug, Args, Clone, Default)]
#[group(skip)]
pub struct AccountArgs {
    /// Scan several accounts in one run: `org` for every account of the caller's
    /// organization (organizations:ListAccounts; accounts not ACTIVE are listed as not
    /// scanned), or account ids, comma separated. Each account other than the caller's is
    /// read through --role-name assumed in it; --regions `all` is listed per account.
    #[arg(long, value_name = "org|IDS", value_parser = parse_accounts, group = "accounts_source")]
    pub accounts: Option<AccountList>,
    /// Scan the accounts listed in FILE: one 12-digit id per line, `#` starts a comment.
    #[arg(long, value_name = "FILE", group = "accounts_source")]
    pub accounts_file: Option<PathBuf>,
    /// Account ids to leave out, comma separated (with --accounts or --accounts-file).
    #[arg(long, value_name = "IDS", value_delimiter = ',', value_parser = parse_account_id,
          requires = "accounts_source")]
    pub exclude_accounts: Vec<String>,
    /// The role assumed in each account other than the caller's.
    #[arg(long, value_name = "NAME", default_value = cloudposture_aws::sdk::DEFAULT_ROLE_NAME,
          value_parser = parse_role_name)]
    pub role_name: String,
    /// The external id that the roles' trust policy asks for.
    #[arg(long, value_name = "ID", requires = "accounts_source")]
    pub external_id: Option<String>,
    /// The session name of the assumed roles (what CloudTrail shows), 2 to 64 characters.
    #[arg(long, value_name = "NAME", default_value = cloudposture_aws::sdk::DEFAULT_SESSION_NAME,
          value_parser = parse_session_name)]
    pub role_session_name: String,
    /// Scan only shard K of N of the accounts: those whose id modulo N is K−1, the same on
    /// every run and machine. `auto/N` takes K from JOB_COMPLETION_INDEX (Kubernetes
    /// Indexed Jobs) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array jobs), counted from 0.
    /// The report records its shard; `cloudposture merge` combines the N reports.
    #[arg(long, value_name = "K/N|auto/N", value_parser = parse_shard, requires = "accounts_source")]
    pub shard: Option<ShardArg>,
}

/// `--shard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardArg {
    /// `K/N`.
    Fixed(Shard),
    /// `auto/N`: K from the job index in the environment.
    Auto(u32),
}

/// The environment variables that give a job's index, counted from 0, and whose they are.
pub const JOB_INDEX_VARIABLES: [(&str, &str); 2] = [
    ("JOB_COMPLETION_INDEX", "Kubernetes Indexed Job"),
    ("AWS_BATCH_JOB_ARRAY_INDEX", "AWS Batch array job"),
];

impl ShardArg {
    /// The shard, reading the job index from `env` for `auto/N`.
    pub fn resolve(self, env: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let count = match self {
            ShardArg::Fixed(shard) => return Ok(shard),
            ShardArg::Auto(count) => count,
        };
        let Some((variable, value)) = JOB_INDEX_VARIABLES
            .iter()
            .find_map(|(name, _)| env(name).map(|value| (*name, value)))
        else {
            return Err(format!(
                "--shard auto/{count}: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor \
                 AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job) is set; give the shard as K/{count}"
            ));
        };
        let index: u32 = value.trim().parse().map_err(|_| {
            format!("--shard auto/{count}: {variable} is `{value}`, not a job index (0, 1, 2…)")
        })?;
        if index >= count {
            return Err(format!(
                "--shard auto/{count}: {variable} is {index}, but the job indexes of {count} shards are 0 to {}",
                count - 1
            ));
        }
        Shard::new(index + 1, count).map_err(|e| e.to_string())
    }
}

fn parse_shard(value: &str) -> Result<ShardArg, String> {
    let value = value.trim();
    if let Some(count) = value.strip_prefix("auto/") {
        let count: u32 = count
            .trim()
            .parse()
            .map_err(|_| format!("`{value}` is not a shard: N `{count}` is not a number"))?;
        // The same check as K/N, with K = 1.
        Shard::new(1, count).map_err(|e| e.to_string())?;
        return Ok(ShardArg::Auto(count));
    }
    value
        .parse::<Shard>()
        .map(ShardArg::Fixed)
        .map_err(|e| format!("{e}; or auto/N"))
}

impl AccountArgs {
    /// Whether more than the caller's account is asked for.
    pub fn is_multi(&self) -> bool {
        self.accounts.is_some() || self.accounts_file.is_some()
    }
}

/// `--accounts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountList {
    /// `org`: every account of the organization.
    Organization,
    /// These ids.
    Ids(Vec<String>),
}

pub(super) fn parse_accounts(value: &str) -> Result<AccountList, String> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("org") {
        return Ok(AccountList::Organization);
    }
    let ids = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_account_id)
        .collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() {
        return Err("no account given; name 12-digit account ids, comma separated, or `org`".into());
    }
    Ok(AccountList::Ids(ids))
}

fn parse_account_id(value: &str) -> Result<String, String> {
    let value = value.trim();
    if cloudposture_aws::is_valid_account_id(value) {
        Ok(value.to_string())
    } else {
        Err(format!("`{value}` is not an AWS account id (12 digits)"))
    }
}

pub(super) fn parse_role_name(value: &str) -> Result<String, String> {
    let ok = (1..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(value.to_string())
    } else {
        Err(format!(
            "`{value}` is not an IAM role name (1 to 64 of letters, digits and +=,.@_-)"
        ))
    }
}

fn parse_session_name(value: &str) -> Result<String, String> {
    let ok = (2..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(value.to_string())
    } else {
        Err(format!(
            "`{value}` is not a role session name (2 to 64 of letters, digits and +=,.@_-)"
        ))
    }
}
