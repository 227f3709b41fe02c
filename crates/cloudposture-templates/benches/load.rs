//! `load`: reading the directory of templates (1,000 Terraform files in 100
//! modules, 1,000 CloudFormation templates; see `generate`) into an inventory, and that
//! plus evaluating every rule over it, as `scan --template DIR` does.
//!
//! Run: `cargo bench -p cloudposture-templates --bench load`. Under `cargo test`
//! (criterion's `--test` mode) each runs once.

#![expect(
    clippy::expect_used,
    reason = "a bench without its files or rules has nothing to measure"
)]

#[path = "generate/mod.rs"]
mod generate;

use std::hint::black_box;
use std::path::PathBuf;

use cloudposture_core::{Config, Plan, ScanSource, Selection, jiff};
use cloudposture_templates::{LoadOptions, load};
use criterion::{Criterion, criterion_group, criterion_main};

fn templates(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    generate::generate(dir.path()).expect("the templates written");
    let paths = [PathBuf::from(dir.path())];
    let registry = cloudposture_rules_aws::registry().expect("the rules");
    let plan = Plan::new(&registry, &Selection::default(), &Config::default()).expect("every rule");
    let loaded = load(&paths, &LoadOptions::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(
        loaded.files_read,
        generate::MODULES * generate::FILES_PER_MODULE + generate::TEMPLATES
    );

    let mut group = c.benchmark_group("templates");
    group.sample_size(10);
    group.bench_function("load 1000 tf + 1000 cfn", |b| {
        b.iter(|| black_box(load(&paths, &LoadOptions::default())));
    });
    group.bench_function("load and evaluate all rules", |b| {
        b.iter(|| {
            let loaded = load(&paths, &LoadOptions::default());
            black_box(plan.evaluate(&loaded.inventory, ScanSource::Template, jiff::Timestamp::now()))
        });
    });
    group.finish();
}

criterion_group!(benches, templates);
criterion_main!(benches);
