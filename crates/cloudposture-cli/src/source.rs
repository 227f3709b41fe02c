//! Where the inventory comes from: a live account (the AWS SDK) or a snapshot file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use cloudposture_aws::sdk::{RoleOptions, SdkAccounts, SdkCollector, SdkOptions};
use cloudposture_aws::{
    AccountSelection, AccountsOptions, CollectError, CollectFailure, CollectOptions, CollectProgress,
    ErrorClass, Inventory, NoProgress, RegionScope, collect, collect_accounts, collect_accounts_each,
    is_valid_account_id, snapshot,
};

use crate::cli::{AccountArgs, AccountList, LiveArgs};
use crate::exit::CliError;
use crate::progress::RegionBar;
use crate::terminal::Terminal;

/// Loads a snapshot. Any problem with the file is bad input (exit 2).
pub fn load_snapshot(path: &Path) -> anyhow::Result<Inventory> {
    snapshot::load(path).map_err(anyhow::Error::new)
}

/// Reads the templates of `paths` (CloudFormation, Terraform) with the Terraform
/// variable files `var_files`. Each file that does not parse is said on stderr, one line
/// with its file, line and column, and the others are read; none readable at all is bad
/// input (exit 2). A suppression comment without a reason, or naming no rule of
/// `registry`, is such an error too. Returns the inventory and how many errors there were.
pub fn load_templates(
    paths: &[PathBuf],
    var_files: &[PathBuf],
    registry: &cloudposture_core::Registry,
    term: &mut Terminal<'_>,
) -> Result<(Inventory, usize), CliError> {
    let options = cloudposture_templates::LoadOptions {
        var_files: var_files.to_vec(),
        rule_ids: registry.iter().map(|r| r.metadata().id.to_string()).collect(),
    };
    let loaded = cloudposture_templates::load(paths, &options);
    for error in &loaded.errors {
        let _ = writeln!(term.err, "error: {error}");
    }
    for note in &loaded.notes {
        let _ = writeln!(term.err, "note: {note}");
    }
    if loaded.files_read == 0 {
        let paths: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(CliError::from(anyhow!(
            "no CloudFormation or Terraform template could be read in {}",
            paths.join(", ")
        )));
    }
    Ok((loaded.inventory, loaded.errors.len()))
}

/// The SDK options of the live flags (profile, endpoint, attempts).
pub fn sdk_options(args: &LiveArgs) -> SdkOptions {
    SdkOptions {
        profile: args.profile.clone(),
        endpoint_url: args.endpoint_url.clone(),
        max_attempts: args.max_attempts,
        ..SdkOptions::default()
    }
}

/// The one line for a caller identity that could not be read for want of credentials
/// (bad input, exit 2) or of a reachable endpoint (nothing could be read, exit 3).
fn identity_failure(args: &LiveArgs, e: &CollectError) -> CliError {
    if e.class == ErrorClass::NoCredentials {
        let selected = args.profile.clone().or_else(|| std::env::var("AWS_PROFILE").ok());
        if let Some(name) = selected.as_deref().filter(|p| !profile_defined(p)) {
            return CliError::from(anyhow!(
                "the AWS profile `{name}` is not defined in the AWS config or credentials file \
                 ({} or {})",
                aws_file("AWS_CONFIG_FILE", "config"),
                aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials")
            ));
        }
        let profile = match &selected {
            Some(p) => format!(" (profile `{p}`)"),
            None => String::new(),
        };
        return CliError::from(anyhow!(
            "no usable AWS credentials{profile}: {}; set AWS_PROFILE or --profile, or the AWS_ACCESS_KEY_ID \
             and AWS_SECRET_ACCESS_KEY variables",
            e.message
        ));
    }
    let endpoint = match &args.endpoint_url {
        Some(url) => url.clone(),
        None => "the AWS STS endpoint".to_string(),
    };
    CliError::incomplete(anyhow!(
        "cannot reach AWS: {} could not connect to {endpoint} ({}); nothing was scanned",
        e.operation,
        e.message
    ))
}

/// The path of an AWS shared file: the variable's value, else `~/.aws/NAME`.
fn aws_file(variable: &str, name: &str) -> String {
    std::env::var(variable).unwrap_or_else(|_| format!("~/.aws/{name}"))
}

/// Whether profile `name` has a section in the AWS config file (`[profile NAME]`, or
/// `[default]`) or the credentials file (`[NAME]`).
fn profile_defined(name: &str) -> bool {
    let home = std::env::var("HOME").unwrap_or_default();
    let read = |variable: &str, file: &str| {
        let path = aws_file(variable, file).replacen('~', &home, 1);
        std::fs::read_to_string(path).unwrap_or_default()
    };
    let sections = |text: String| -> Vec<String> {
        text.lines()
            .filter_map(|l| {
                l.trim()
                    .strip_prefix('[')?
                    .strip_suffix(']')
                    .map(|s| s.trim().to_string())
            })
            .collect()
    };
    let config = sections(read("AWS_CONFIG_FILE", "config"));
    let credentials = sections(read("AWS_SHARED_CREDENTIALS_FILE", "credentials"));
    config
        .iter()
        .any(|s| s.strip_prefix("profile").map(str::trim) == Some(name) || (s == name && name == "default"))
        || credentials.iter().any(|s| s == name)
}

/// The accounts `args` select, if more than the caller's: an accounts file that cannot
/// be read or names a bad id is bad input (exit 2), naming the line.
pub fn accounts_options(args: &AccountArgs) -> Result<Option<AccountsOptions>, CliError> {
    let selection = match (&args.accounts, &args.accounts_file) {
        (Some(AccountList::Organization), _) => AccountSelection::Organization,
        (Some(AccountList::Ids(ids)), _) => AccountSelection::Listed(ids.clone()),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the accounts file {}", path.display()))?;
            AccountSelection::Listed(
                parse_accounts_file(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?,
            )
        }
        (None, None) => return Ok(None),
    };
    let shard = match args.shard {
        Some(shard) => Some(
            shard
                .resolve(|name| std::env::var(name).ok())
                .map_err(anyhow::Error::msg)?,
        ),
        None => None,
    };
    Ok(Some(AccountsOptions {
        selection,
        exclude: args.exclude_accounts.iter().cloned().collect(),
        shard,
    }))
}

/// The account ids of an accounts file: one per line, `#` to the end of a line is a
/// comment, blank lines are skipped. A line that is not a 12-digit id is an error naming it.
pub fn parse_accounts_file(text: &str) -> Result<Vec<String>, String> {
    let mut ids = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let id = line.split('#').next().unwrap_or_default().trim();
        if id.is_empty() {
            continue;
        }
        if !is_valid_account_id(id) {
            return Err(format!(
                "line {}: `{id}` is not an AWS account id (12 digits)",
                n + 1
            ));
        }
        ids.push(id.to_string());
    }
    if ids.is_empty() {
        return Err("no account id in the file".into());
    }
    Ok(ids)
}

/// Collects `kinds` from the live account described by `args`.
///
/// Regions that fail are recorded in the inventory (the report says so and the exit
/// code is 3). Only when nothing at all can be read — the region list — is it an
/// error, and then an incomplete one (exit 3): the input was fine, the account
/// could not be reached.
pub fn collect_live(
    args: &LiveArgs,
    kinds: &BTreeSet<&str>,
    show_progress: bool,
) -> Result<Inventory, CliError> {
    let mut whole = None;
    run_live(args, kinds, show_progress, None, &mut whole)?;
    Ok(whole.unwrap_or_else(|| Inventory::new(None)))
}

/// Collects as [`collect_live`] does, handing over each account's inventory as soon as
/// it is read (the one account's, for a scan of the caller's account alone), so that it
/// can be evaluated and let go while the other accounts are read.
pub fn collect_live_each(
    args: &LiveArgs,
    kinds: &BTreeSet<&str>,
    show_progress: bool,
    each: &mut dyn FnMut(Inventory),
) -> Result<(), CliError> {
    run_live(args, kinds, show_progress, Some(each), &mut None)
}

/// Collects into `whole`, or part by part into `each` when given.
fn run_live(
    args: &LiveArgs,
    kinds: &BTreeSet<&str>,
    show_progress: bool,
    each: Option<&mut dyn FnMut(Inventory)>,
    whole: &mut Option<Inventory>,
) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let options = CollectOptions {
        regions: args.regions.clone(),
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        concurrency: usize::from(args.concurrency),
    };
    let sdk_options = sdk_options(args);
    let accounts = accounts_options(&args.accounts)?;
    tracing::info!(regions = ?options.regions, kinds = ?options.kinds, accounts = ?accounts, "collecting");
    runtime.block_on(async {
        let sdk = SdkCollector::new(sdk_options).await;
        let bar = show_progress.then(RegionBar::new);
        let progress: &dyn CollectProgress = match &bar {
            Some(bar) => bar,
            None => &NoProgress,
        };
        let result = match (&accounts, each) {
            (None, each) => {
                collect(&sdk, &sdk.listers(), &options, progress)
                    .await
                    .map(|inventory| match each {
                        Some(each) => each(inventory),
                        None => *whole = Some(inventory),
                    })
            }
            (Some(accounts), each) => {
                let role = RoleOptions {
                    role_name: args.accounts.role_name.clone(),
                    external_id: args.accounts.external_id.clone(),
                    session_name: args.accounts.role_session_name.clone(),
                };
                let source = SdkAccounts::new(sdk.clone(), role);
                match each {
                    Some(each) => collect_accounts_each(&source, &options, accounts, progress, each).await,
                    None => collect_accounts(&source, &options, accounts, progress)
                        .await
                        .map(|inventory| *whole = Some(inventory)),
                }
            }
        };
        if let Some(bar) = &bar {
            bar.finish();
        }
        result.map_err(|e| match e {
            // The selected rules need a kind nothing collects: the plan is wrong (exit 2).
            CollectFailure::NoLister { .. } => CliError::from(anyhow::Error::new(e)),
            CollectFailure::Regions(e) => {
                let hint = match options.regions {
                    RegionScope::AllEnabled => "; name the regions with `--regions` to skip the listing",
                    RegionScope::Only(_) => "",
                };
                CliError::incomplete(anyhow!("cannot list the account's regions: {e}{hint}"))
            }
            CollectFailure::Identity(e) => identity_failure(args, &e),
            CollectFailure::Accounts(e) => CliError::incomplete(anyhow!(
                "cannot list the organization's accounts: {e}; run from the management account or a \
                 delegated administrator, or name the accounts with --accounts or --accounts-file"
            )),
        })
    })
}
