//! Evaluates a saved snapshot offline: no AWS calls, no credentials.
//!
//! Run: `cargo run --example scan_snapshot [SNAPSHOT]` (default: the demo account).

use std::path::PathBuf;

use cloudposture::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/demo-account.json"));

    // A snapshot scan needs no async runtime of its own: the future never waits.
    let report = futures::executor::block_on(cloudposture::scan(&ScanOptions::new(Source::Snapshot(path))))?;

    print_report(&report);
    Ok(())
}

fn print_report(report: &Report) {
    let s = &report.summary;
    println!(
        "account {}: {} findings — {} pass, {} fail, {} error, {} skipped, {} muted",
        report.scan.account.as_deref().unwrap_or("(unknown)"),
        s.total,
        s.pass,
        s.fail,
        s.error,
        s.skipped,
        s.muted
    );
    for f in report
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Error))
    {
        println!(
            "{:<5} {} {:<14} {:<24} {}",
            f.status,
            f.rule.id,
            f.resource.region.as_deref().unwrap_or("-"),
            f.resource.id,
            f.message
        );
    }
}
