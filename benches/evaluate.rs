//! `evaluate`: the engine running VPC-001 over synthetic inventories of 1k to 1M VPCs,
//! beside a hand-written baseline that makes the same pass/fail decisions with a plain
//! hash join and builds no findings, and the report written in each output format.
//!
//! Run: `cargo bench --no-default-features --bench evaluate` (`EVALUATE_SIZES=100000`
//! picks sizes, `EVALUATE_FORMATS=json,csv` the formats written). Besides criterion's
//! timings it prints, per size: ns per VPC of the engine and of the baseline, their
//! ratio, the peak heap per VPC of the report, and for each format the time, bytes and
//! extra heap per VPC of writing it — the figures of the performance budget
//! (evaluation plus the JSON report of 100k VPCs under 1 s). `EVALUATE_ONE_OFF=n` builds
//! n VPCs, evaluates them once, prints the time and exits (what
//! `scripts/evaluate-instructions` counts under callgrind). Under `cargo test`
//! (criterion's `--test` mode) it runs the small sizes once.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use cloudposture::core::jiff::Timestamp;
use cloudposture::core::render::Format;
use cloudposture::core::{
    CollectError, ErrorClass, KindState, Plan, Report, ScanSource, Scope, ScopeId, Selection, Tags,
};
use cloudposture::prelude::{Config, Inventory};
use cloudposture::rule_prelude::*;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use peak_alloc::PeakAlloc;

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

const ACCOUNT: &str = "123456789012";
const REGIONS: usize = 16;

fn region_name(i: usize) -> String {
    format!("synthetic-region-{i}")
}

/// `n` VPCs and about `n` flow logs over 16 regions, the last of which could not list
/// its flow logs. Per VPC (by index): 40 % an active ALL log to S3; 10 % REJECT-only to
/// CloudWatch Logs; 10 % a log failing delivery; 10 % only a subnet-level log; 10 % an
/// inactive log; 10 % no log of its own (a transit-gateway log elsewhere instead);
/// 10 % a log to Firehose; every 50th VPC is shared from another account.
///
/// VPC `i` lives in region `i % 16`. The VPCs of a region are made one after another, as
/// loading a snapshot or collecting a region's pages does, so a region's data sits
/// together in memory as it would in a real inventory.
fn synthetic_inventory(n: usize) -> Inventory {
    let mut inventory = Inventory::new(Some(ACCOUNT.to_string()));
    let mut vpcs: Vec<Vec<Vpc>> = vec![Vec::new(); REGIONS];
    let mut logs: Vec<Vec<FlowLog>> = vec![Vec::new(); REGIONS];
    let mut subnets: Vec<Vec<Subnet>> = vec![Vec::new(); REGIONS];
    for i in (0..REGIONS).flat_map(|r| (r..n).step_by(REGIONS)) {
        let r = i % REGIONS;
        let region = region_name(r);
        let vpc_id = format!("vpc-{i:017x}");
        let owner = if i % 50 == 49 { "210987654321" } else { ACCOUNT };
        vpcs[r].push(Vpc {
            id: vpc_id.clone(),
            region: region.clone(),
            owner_id: owner.to_string(),
            cidr_blocks: vec!["10.0.0.0/16".to_string()],
            ipv6_cidr_blocks: Vec::new(),
            is_default: false,
            state: "available".to_string(),
            tags: [("Name".to_string(), format!("vpc {i}"))].into_iter().collect(),
        });
        let mut log = FlowLog {
            id: format!("fl-{i:017x}"),
            region: region.clone(),
            account: Some(ACCOUNT.to_string()),
            resource_id: vpc_id.clone(),
            resource_type: FlowLogResourceType::Vpc,
            traffic_type: TrafficType::All,
            flow_log_status: "ACTIVE".to_string(),
            deliver_logs_status: Some("SUCCESS".to_string()),
            deliver_logs_error_message: None,
            destination_type: DestinationType::S3,
            destination: Some("arn:aws:s3:::flow-logs-bucket".to_string()),
            log_group_name: None,
            deliver_logs_permission_arn: None,
            log_format: None,
            max_aggregation_interval: Some(600),
            creation_time: None,
            tags: Tags::new(),
        };
        match i % 10 {
            4 => {
                log.traffic_type = TrafficType::Reject;
                log.destination_type = DestinationType::CloudWatchLogs;
                log.destination = None;
                log.log_group_name = Some("flow-logs".to_string());
            }
            5 => {
                log.deliver_logs_status = Some("FAILED".to_string());
                log.deliver_logs_error_message = Some("Access error".to_string());
            }
            6 => {
                let subnet_id = format!("subnet-{i:017x}");
                subnets[r].push(Subnet {
                    id: subnet_id.clone(),
                    vpc_id: vpc_id.clone(),
                    region: region.clone(),
                    owner_id: Some(ACCOUNT.to_string()),
                    tags: Tags::new(),
                });
                log.resource_id = subnet_id;
                log.resource_type = FlowLogResourceType::Subnet;
            }
            7 => log.flow_log_status = "INACTIVE".to_string(),
            8 => {
                log.resource_id = format!("tgw-{i:017x}");
                log.resource_type = FlowLogResourceType::TransitGateway;
            }
            9 => log.destination_type = DestinationType::KinesisDataFirehose,
            _ => {}
        }
        logs[r].push(log);
    }
    for r in 0..REGIONS {
        let mut scope = Scope::new(ScopeId::region(Some(ACCOUNT), &region_name(r)));
        scope.insert::<Vpcs>(std::mem::take(&mut vpcs[r]));
        if r == REGIONS - 1 {
            scope.fail(
                FlowLogs::INFO.name,
                CollectError::new(
                    "DescribeFlowLogs",
                    ErrorClass::AccessDenied,
                    Some("UnauthorizedOperation".into()),
                    "You are not authorized to perform this operation.",
                ),
            );
        } else {
            scope.insert::<FlowLogs>(std::mem::take(&mut logs[r]));
        }
        scope.insert::<Subnets>(std::mem::take(&mut subnets[r]));
        scope.insert::<NetworkInterfaces>(Vec::new());
        scope.api_calls = 2;
        inventory.scopes.push(scope);
    }
    inventory
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    pass: u64,
    fail: u64,
    error: u64,
    skipped: u64,
}

/// VPC-001's default decisions (any traffic type, all destinations, failing delivery
/// does not count) as a plain hash join: no findings, no messages, no evidence.
fn baseline(inventory: &Inventory) -> Counts {
    let mut c = Counts::default();
    for scope in &inventory.scopes {
        let KindState::Listed(vpcs) = scope.get::<Vpcs>() else {
            c.error += 1;
            continue;
        };
        // Shared VPCs are skipped whatever else is known: only their owner can act.
        let is_shared = |v: &Vpc| scope.id.account.as_deref().is_some_and(|a| a != v.owner_id);
        let KindState::Listed(logs) = scope.get::<FlowLogs>() else {
            let shared = vpcs.iter().filter(|v| is_shared(v)).count() as u64;
            c.skipped += shared;
            c.error += vpcs.len() as u64 - shared;
            continue;
        };
        let mut healthy: HashMap<&str, bool> = HashMap::with_capacity(logs.len());
        for log in logs {
            let ok = log.is_active() && !log.delivery_failed();
            *healthy.entry(log.resource_id.as_str()).or_insert(false) |= ok;
        }
        for vpc in vpcs {
            if is_shared(vpc) {
                c.skipped += 1;
            } else if healthy.get(vpc.id.as_str()).copied().unwrap_or(false) {
                c.pass += 1;
            } else {
                c.fail += 1;
            }
        }
    }
    c
}

fn engine_counts(report: &Report) -> Counts {
    Counts {
        pass: report.summary.pass,
        fail: report.summary.fail,
        error: report.summary.error,
        skipped: report.summary.skipped,
    }
}

fn sizes(test_mode: bool) -> Vec<usize> {
    if let Ok(list) = std::env::var("EVALUATE_SIZES") {
        return list.split(',').filter_map(|s| s.trim().parse().ok()).collect();
    }
    if test_mode {
        vec![1_000, 10_000]
    } else {
        vec![1_000, 10_000, 100_000, 1_000_000]
    }
}

/// `EVALUATE_FORMATS=json,asff` picks the formats; by default every format that writes a
/// snapshot's report (SARIF is for template scans only).
fn formats() -> Vec<Format> {
    match std::env::var("EVALUATE_FORMATS") {
        Ok(list) => list
            .split(',')
            .map(|f| {
                f.trim()
                    .parse()
                    .unwrap_or_else(|e| panic!("EVALUATE_FORMATS: {e}"))
            })
            .collect(),
        Err(_) => Format::ALL.into_iter().filter(|f| *f != Format::Sarif).collect(),
    }
}

/// Counts what is written, and keeps nothing.
#[derive(Default)]
struct Sink(u64);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The fastest of `reps` runs of `f` (steadier than the mean on a shared machine).
fn fastest(reps: usize, mut f: impl FnMut() -> Duration) -> Duration {
    (0..reps).map(|_| f()).min().unwrap_or_default()
}

fn per_vpc(d: Duration, n: usize) -> f64 {
    d.as_nanos() as f64 / n as f64
}

fn bench_evaluate(c: &mut Criterion) {
    let registry = cloudposture::rules::registry().unwrap_or_else(|e| panic!("registry: {e}"));
    let plan = Plan::new(&registry, &Selection::rules(["VPC-001"]), &Config::default())
        .unwrap_or_else(|e| panic!("plan: {e}"));
    if let Some(n) = std::env::var_os("EVALUATE_ONE_OFF") {
        let n: usize = n
            .to_str()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("EVALUATE_ONE_OFF must be a number of VPCs"));
        let inventory = synthetic_inventory(n);
        let t = Instant::now();
        let report = plan.evaluate(&inventory, ScanSource::Snapshot, Timestamp::now());
        println!(
            "one-off: {n} VPCs in {:?} ({} findings)",
            t.elapsed(),
            report.findings.len()
        );
        std::process::exit(0);
    }
    // `cargo bench` passes `--bench`; `cargo test` runs the bench without it, once, small.
    let test_mode = !std::env::args().any(|a| a == "--bench");
    let reps = if test_mode { 1 } else { 5 };
    let mut summary = Vec::new();
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(10);
    for n in sizes(test_mode) {
        let inventory = synthetic_inventory(n);
        let expected = baseline(&inventory);
        let report = plan.evaluate(&inventory, ScanSource::Snapshot, Timestamp::now());
        assert_eq!(
            engine_counts(&report),
            expected,
            "engine and baseline disagree at {n} VPCs"
        );
        drop(report);

        group.throughput(Throughput::Elements(n as u64));
        if !test_mode {
            group.bench_with_input(BenchmarkId::new("engine", n), &inventory, |b, inv| {
                b.iter(|| plan.evaluate(black_box(inv), ScanSource::Snapshot, Timestamp::now()))
            });
            group.bench_with_input(BenchmarkId::new("baseline", n), &inventory, |b, inv| {
                b.iter(|| baseline(black_box(inv)))
            });
        }

        let engine = fastest(reps, || {
            let t = Instant::now();
            black_box(plan.evaluate(&inventory, ScanSource::Snapshot, Timestamp::now()));
            t.elapsed()
        });
        let base = fastest(reps, || {
            let t = Instant::now();
            black_box(baseline(&inventory));
            t.elapsed()
        });
        ALLOC.reset_peak_usage();
        let before = ALLOC.current_usage();
        let report = plan.evaluate(&inventory, ScanSource::Snapshot, Timestamp::now());
        let report_heap = ALLOC.peak_usage().saturating_sub(before);
        let mut writes = Vec::new();
        for format in formats() {
            let mut bytes = 0;
            let time = fastest(reps, || {
                let mut sink = Sink::default();
                let t = Instant::now();
                let mut out = std::io::BufWriter::with_capacity(64 * 1024, &mut sink);
                format
                    .write(&report, &mut out)
                    .unwrap_or_else(|e| panic!("{format:?}: {e}"));
                drop(out);
                let elapsed = t.elapsed();
                bytes = sink.0;
                elapsed
            });
            ALLOC.reset_peak_usage();
            let before = ALLOC.current_usage();
            format
                .write(&report, &mut std::io::BufWriter::new(Sink::default()))
                .unwrap_or_else(|e| panic!("{format:?}: {e}"));
            let heap = ALLOC.peak_usage().saturating_sub(before);
            writes.push((format, time, bytes, heap));
        }
        summary.push((n, engine, base, report_heap, writes));
    }
    group.finish();

    println!("\n  VPCs   engine ns/VPC  baseline ns/VPC  ratio  report heap B/VPC");
    for (n, engine, base, heap, _) in &summary {
        println!(
            "{n:>8}  {:>12.0}  {:>15.0}  {:>5.2}  {:>17}",
            per_vpc(*engine, *n),
            per_vpc(*base, *n),
            engine.as_secs_f64() / base.as_secs_f64().max(f64::MIN_POSITIVE),
            heap / n
        );
    }
    println!("\n  VPCs  format   write µs/VPC  bytes/VPC  writer heap B/VPC   evaluate+write ms");
    for (n, engine, _, _, writes) in &summary {
        for (format, time, bytes, heap) in writes {
            println!(
                "{n:>8}  {:<7}  {:>12.2}  {:>9}  {:>17}  {:>18.1}",
                format!("{format:?}").to_lowercase(),
                per_vpc(*time, *n) / 1000.0,
                *bytes as usize / n,
                heap / n,
                (*engine + *time).as_secs_f64() * 1000.0
            );
        }
    }
}

criterion_group!(benches, bench_evaluate);
criterion_main!(benches);
