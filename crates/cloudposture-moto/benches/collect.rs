//! `collect`: a live scan of an emulated account (moto's server, started by
//! `cloudposture-moto`) — 3 regions × 300 VPCs, half of them with a VPC-level flow log to
//! S3 — beside a `--snapshot` scan of the same account (load the saved inventory, then
//! evaluate).
//!
//! Run: `cargo bench --bench collect`. Besides criterion's timings it prints a table: the
//! wall time of one collection, the API calls it counted and the minimum they should be,
//! and the time of the snapshot scan. The regions are named, so there is no
//! DescribeRegions call: the minimum is, per region, ⌈VPCs/1000⌉ DescribeVpcs +
//! ⌈flow logs/1000⌉ DescribeFlowLogs, plus one GetCallerIdentity (no subnet or ENI
//! look-ups: every flow log is VPC-level). Under `cargo test` (criterion's test mode) it
//! seeds 3 × 20 VPCs, runs each benchmark once and still checks the API calls.
//!
//! moto closes every connection after its answer and answers from one Python process,
//! so the wall times say how the scan behaves, not what real AWS would take.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use cloudposture::aws::kinds::{FLOW_LOG, VPC};
use cloudposture::aws::sdk::SdkCollector;
use cloudposture::aws::{CollectOptions, NoProgress, collect, snapshot};
use cloudposture::core::jiff::Timestamp;
use cloudposture::prelude::*;
use cloudposture_moto::MotoServer;
use criterion::{Criterion, criterion_group, criterion_main};

const REGIONS: [&str; 3] = ["eu-west-1", "us-east-2", "ap-southeast-2"];
const BUCKET: &str = "cloudposture-bench-flow-logs";
/// Largest page of DescribeVpcs and DescribeFlowLogs.
const PAGE: usize = 1000;

fn vpcs_per_region() -> usize {
    // Criterion runs in test mode (each benchmark once) unless cargo passed `--bench`.
    if std::env::args().any(|a| a == "--bench") {
        300
    } else {
        20
    }
}

/// Creates `per_region` VPCs in each region (regions at once) and a VPC-level ALL flow
/// log to S3 on every other one.
async fn seed(moto: &MotoServer, per_region: usize) {
    moto.create_bucket(BUCKET).await;
    let region = |region: &'static str| async move {
        let vpcs = moto.create_vpcs(region, per_region).await;
        for vpc in vpcs.iter().step_by(2) {
            moto.create_flow_log_s3(region, vpc, "VPC", BUCKET, "ALL").await;
        }
    };
    tokio::join!(region(REGIONS[0]), region(REGIONS[1]), region(REGIONS[2]));
}

/// The fewest calls that can list `inventory`'s regions and the account.
fn minimum_api_calls(inventory: &Inventory) -> u64 {
    let pages = |n: usize| n.div_ceil(PAGE).max(1) as u64;
    let per_region: u64 = inventory
        .scopes
        .iter()
        .map(|s| pages(s.count(VPC)) + pages(s.count(FLOW_LOG)))
        .sum();
    per_region + 1
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn bench_collect(c: &mut Criterion) {
    let per_region = vpcs_per_region();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => panic!("tokio runtime: {e}"),
    };
    let moto = MotoServer::start();
    let t = Instant::now();
    runtime.block_on(seed(&moto, per_region));
    let seeding = t.elapsed();

    let registry = match cloudposture::rules::registry() {
        Ok(r) => r,
        Err(e) => panic!("registry: {e}"),
    };
    let plan = match Plan::new(&registry, &Selection::rules(["VPC-001"]), &Config::default()) {
        Ok(p) => p,
        Err(e) => panic!("plan: {e}"),
    };
    let mut options = CollectOptions::new(plan.required_kinds());
    options.regions = RegionScope::Only(REGIONS.iter().map(|r| r.to_string()).collect());
    let aws = runtime.block_on(async { SdkCollector::from_sdk_config(&moto.sdk_config("us-east-1").await) });
    let listers = aws.listers();
    let collect_once = || {
        runtime.block_on(async {
            match collect(&aws, &listers, &options, &NoProgress).await {
                Ok(inventory) => inventory,
                Err(e) => panic!("collect: {e}"),
            }
        })
    };

    // The first call of each region sets moto up (about a second): not part of a scan.
    let mut inventory = collect_once();
    let mut collect_times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        inventory = collect_once();
        collect_times.push(t.elapsed());
    }
    let report = plan.evaluate(&inventory, ScanSource::Live, Timestamp::now());
    for region in &report.scan.regions {
        assert!(region.error.is_none(), "{}: {:?}", region.name, region.error);
    }
    let vpcs = inventory.count(VPC);
    let flow_logs = inventory.count(FLOW_LOG);
    // moto's default VPC of each region comes on top of the seeded ones.
    assert_eq!(vpcs, REGIONS.len() * (per_region + 1), "every VPC is listed");
    assert_eq!(flow_logs, REGIONS.len() * per_region.div_ceil(2));
    assert_eq!(report.summary.pass as usize, flow_logs);
    let minimum = minimum_api_calls(&inventory);
    assert_eq!(
        report.scan.api_calls, minimum,
        "the scan makes the minimum of API calls"
    );

    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("temporary directory: {e}"),
    };
    let path = dir.path().join("bench-account.json");
    if let Err(e) = snapshot::save(&inventory, &path) {
        panic!("save: {e}");
    }
    let snapshot_scan = |path: &Path| {
        let started = Timestamp::now();
        match snapshot::load(path) {
            Ok(loaded) => plan.evaluate(&loaded, ScanSource::Snapshot, started),
            Err(e) => panic!("load: {e}"),
        }
    };
    let mut snapshot_times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let offline = snapshot_scan(&path);
        snapshot_times.push(t.elapsed());
        assert_eq!(
            offline.summary, report.summary,
            "the snapshot gives the live verdicts"
        );
    }

    let mut group = c.benchmark_group("collect");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function(format!("live/{vpcs}-vpcs"), |b| {
        b.iter(|| black_box(collect_once()))
    });
    group.bench_function(format!("snapshot/{vpcs}-vpcs"), |b| {
        b.iter(|| black_box(snapshot_scan(&path)))
    });
    group.finish();

    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "\n{} regions, {vpcs} VPCs (moto's default VPC included), {flow_logs} flow logs; seeding took {:.1} s",
        REGIONS.len(),
        seeding.as_secs_f64()
    );
    eprintln!(
        "{:<36} | {:>12} | {:>9} | {:>7}",
        "scan", "median of 5", "API calls", "minimum"
    );
    eprintln!(
        "{:<36} | {:>9.1} ms | {:>9} | {:>7}",
        "live collect (3 named regions)",
        median(collect_times).as_secs_f64() * 1e3,
        report.scan.api_calls,
        minimum
    );
    eprintln!(
        "{:<36} | {:>9.1} ms | {:>9} | {:>7}",
        format!("snapshot load + evaluate ({} KiB)", size / 1024),
        median(snapshot_times).as_secs_f64() * 1e3,
        "none",
        "-"
    );
}

criterion_group!(benches, bench_collect);
criterion_main!(benches);
