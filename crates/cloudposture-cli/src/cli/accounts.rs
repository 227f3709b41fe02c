//! The flags that choose the accounts of a scan (`--accounts`, `--accounts-file`,
//! `--exclude-accounts`) and how their roles are assumed.

use std::path::PathBuf;

use clap::Args;

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

fn parse_accounts(value: &str) -> Result<AccountList, String> {
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

fn parse_role_name(value: &str) -> Result<String, String> {
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
