//! The command line's own checks: clap's consistency, parsing of values.

use super::accounts::ShardArg;
use super::*;
use clap::CommandFactory;

#[test]
fn the_command_line_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn regions_are_all_or_valid_names() {
    assert_eq!(parse_regions("all"), Ok(RegionScope::AllEnabled));
    assert_eq!(
        parse_regions("eu-west-1, us-east-1"),
        Ok(RegionScope::Only(vec!["eu-west-1".into(), "us-east-1".into()]))
    );
    assert!(
        parse_regions("eu-west")
            .unwrap_err()
            .contains("`eu-west` is not a region name")
    );
    assert!(parse_regions(",").is_err());
}

#[test]
fn fail_on_takes_a_risk_or_never() {
    assert_eq!(parse_fail_on("never"), Ok(FailOn::Never));
    assert_eq!(parse_fail_on("very-high"), Ok(FailOn::Risk(RiskLevel::VeryHigh)));
    assert!(parse_fail_on("severe").is_err());
}

fn selectors(values: &[&str]) -> SelectionArgs {
    SelectionArgs {
        standard: values.iter().map(|v| parse_standard(v).unwrap()).collect(),
        ..SelectionArgs::default()
    }
}

#[test]
fn nist_selects_both_publications() {
    assert_eq!(
        selectors(&["nist", "pci"]).to_selection().standards,
        [Standard::Nist, Standard::Nist800171, Standard::PciDss]
    );
}

#[test]
fn a_standard_with_a_version_selects_that_version_only() {
    let selection = selectors(&["cis:v3.0.0", "CIS:3.0.0", "cis:3.0.0", "nist:rev. 5"]).to_selection();
    assert!(selection.standards.is_empty());
    let versions: Vec<(Standard, &str)> = selection
        .versions
        .iter()
        .map(|v| (v.standard, v.version.as_str()))
        .collect();
    // As written, each spelling once; the registry resolves them (`3.0.0` is `v3.0.0`).
    assert_eq!(
        versions,
        [
            (Standard::CisAwsFoundations, "v3.0.0"),
            (Standard::CisAwsFoundations, "3.0.0"),
            (Standard::Nist, "rev. 5")
        ]
    );
    assert_eq!(
        parse_standard("cis:").unwrap_err(),
        "no version after `cis:`; name one, e.g. `cis:v3.0.0`, or leave out the `:`"
    );
}

#[test]
fn endpoint_urls_need_a_scheme_and_host() {
    assert!(parse_endpoint_url("http://127.0.0.1:5000").is_ok());
    assert!(parse_endpoint_url("127.0.0.1:5000").is_err());
    assert!(parse_endpoint_url("http://").is_err());
}

fn shard_of(args: &[&str]) -> Result<Option<ShardArg>, String> {
    let mut argv = vec!["cloudposture", "scan", "--accounts", "org"];
    argv.extend_from_slice(args);
    match Cli::try_parse_from(argv).map_err(|e| e.to_string())?.command {
        Command::Scan(scan) => Ok(scan.live.accounts.shard),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_shard_is_k_of_n_or_auto_from_the_job_index() {
    let two_of_three = cloudposture_core::Shard::new(2, 3).unwrap();
    assert_eq!(
        shard_of(&["--shard", "2/3"]),
        Ok(Some(ShardArg::Fixed(two_of_three)))
    );
    assert_eq!(shard_of(&[]), Ok(None));
    let auto = shard_of(&["--shard", "auto/3"]).unwrap().unwrap();
    assert_eq!(auto, ShardArg::Auto(3));
    for bad in ["0/3", "4/3", "auto/0", "auto/x", "3"] {
        assert!(shard_of(&["--shard", bad]).is_err(), "{bad}");
    }
    let without_accounts = Cli::try_parse_from(["cloudposture", "scan", "--shard", "1/2"]);
    assert!(
        without_accounts.is_err(),
        "--shard needs --accounts or --accounts-file"
    );

    // Kubernetes and AWS Batch count their jobs from 0.
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    };
    assert_eq!(
        auto.resolve(env(&[("JOB_COMPLETION_INDEX", "1")])),
        Ok(two_of_three)
    );
    assert_eq!(
        auto.resolve(env(&[("AWS_BATCH_JOB_ARRAY_INDEX", "1")])),
        Ok(two_of_three)
    );
    assert_eq!(
        auto.resolve(env(&[("JOB_COMPLETION_INDEX", "3")])).unwrap_err(),
        "--shard auto/3: JOB_COMPLETION_INDEX is 3, but the job indexes of 3 shards are 0 to 2"
    );
    assert!(
        auto.resolve(env(&[]))
            .unwrap_err()
            .contains("neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor AWS_BATCH_JOB_ARRAY_INDEX")
    );
    assert!(
        auto.resolve(env(&[("JOB_COMPLETION_INDEX", "one")]))
            .unwrap_err()
            .contains("is `one`, not a job index")
    );
    assert_eq!(ShardArg::Fixed(two_of_three).resolve(env(&[])), Ok(two_of_three));
}
