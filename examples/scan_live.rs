//! Scans a live account: the normal AWS credential chain (environment, profiles, SSO,
//! assumed roles), every enabled region, then prints the summary and failing findings.
//!
//! Run: `cargo run --example scan_live -- [--endpoint-url URL] [--profile NAME]`

use cloudposture::aws::sdk::SdkOptions;
use cloudposture::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut options = SdkOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--endpoint-url" => options.endpoint_url = args.next(),
            "--profile" => options.profile = args.next(),
            other => {
                return Err(
                    format!("unknown argument `{other}`; use --endpoint-url URL or --profile NAME").into(),
                );
            }
        }
    }

    // Only what the selected rules need is collected; regions run 8 at a time.
    let live = LiveOptions {
        sdk: options,
        ..LiveOptions::default()
    };
    let report = cloudposture::scan(&ScanOptions::new(Source::Live(live))).await?;

    let s = &report.summary;
    println!(
        "account {}: {} regions, {} API calls; {} pass, {} fail, {} error, {} skipped",
        report.scan.account.as_deref().unwrap_or("(unknown)"),
        report.scan.regions.len(),
        report.scan.api_calls,
        s.pass,
        s.fail,
        s.error,
        s.skipped
    );
    for region in report.scan.regions.iter().filter(|r| r.error.is_some()) {
        println!(
            "region {} could not be read: {}",
            region.name,
            region.error.as_deref().unwrap_or("")
        );
    }
    for f in report.findings.iter().filter(|f| f.status == Status::Fail) {
        println!(
            "FAIL {} {:<14} {:<24} {}",
            f.rule.id,
            f.resource.region.as_deref().unwrap_or("-"),
            f.resource.id,
            f.message
        );
    }
    Ok(())
}
