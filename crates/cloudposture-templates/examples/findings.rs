//! The findings of every rule over templates, one a line: `rule status id file:line`
//! (and an error's message),
//! then the files' errors and how long loading and evaluating took (on stderr). What the
//! CLI's `scan --template` reports, without building the CLI:
//! `cargo run -p cloudposture-templates --example findings -- PATH…`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use cloudposture_core::{Config, Plan, ScanSource, Selection, Status, jiff};
use cloudposture_templates::{LoadOptions, load};

fn main() -> ExitCode {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: findings PATH…");
        return ExitCode::from(2);
    }
    let started = Instant::now();
    let loaded = load(&paths, &LoadOptions::default());
    let read = started.elapsed();
    let registry = match cloudposture_rules_aws::registry() {
        Ok(registry) => registry,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let plan = match Plan::new(&registry, &Selection::default(), &Config::default()) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let report = plan.evaluate(&loaded.inventory, ScanSource::Template, jiff::Timestamp::now());
    let total = started.elapsed();
    for f in &report.findings {
        let place = f
            .resource
            .location
            .as_ref()
            .map(|l| format!("{}:{}", l.file, l.line))
            .unwrap_or_default();
        // What could not be read is said: an error finding's message names it.
        let why = if f.status == Status::Error {
            format!(" ({})", f.message)
        } else {
            String::new()
        };
        println!("{} {} {} {place}{why}", f.rule.id, f.status, f.resource.id);
    }
    for error in &loaded.errors {
        eprintln!("error: {error}");
    }
    eprintln!(
        "{} files read, {} findings; loaded in {:.0} ms, loaded and evaluated in {:.0} ms",
        loaded.files_read,
        report.findings.len(),
        read.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3
    );
    ExitCode::SUCCESS
}
