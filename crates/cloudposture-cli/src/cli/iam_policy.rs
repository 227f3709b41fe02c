//! The flags of `iam-policy`.

use clap::Args;

use super::{AccountList, SelectionArgs};

/// `iam-policy`.
#[derive(Debug, Args)]
pub struct IamPolicyArgs {
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Include the actions needed to remediate, not only to audit.
    #[arg(long)]
    pub remediation: bool,
    /// The policies of a scan of several accounts (`scan --accounts`), as one JSON object:
    /// `scanner_policy` for the identity that runs the scan (organizations:ListAccounts for
    /// `org`, sts:AssumeRole of --role-name in the accounts, the audit actions for its own
    /// account), and `member_role`: a read-only role to create in every account, with its
    /// permissions policy and its trust policy (trusting --scanner-principal, asking for
    /// --external-id when given). Prefer that role to OrganizationAccountAccessRole, which
    /// has full administrator rights.
    #[arg(long, value_name = "org|IDS", num_args = 0..=1, default_missing_value = "org",
          value_parser = super::accounts::parse_accounts)]
    pub accounts: Option<AccountList>,
    /// The role name in the member accounts (with --accounts).
    #[arg(long, value_name = "NAME", default_value = cloudposture_aws::sdk::DEFAULT_ROLE_NAME,
          value_parser = super::accounts::parse_role_name, requires = "accounts")]
    pub role_name: String,
    /// The external id the member role's trust policy asks for (with --accounts).
    #[arg(long, value_name = "ID", requires = "accounts")]
    pub external_id: Option<String>,
    /// Who may assume the member role: the ARN of the scanner's role or account (with
    /// --accounts; a placeholder when not given).
    #[arg(long, value_name = "ARN", requires = "accounts")]
    pub scanner_principal: Option<String>,
}
