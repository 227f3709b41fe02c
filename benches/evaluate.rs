//! `evaluate`: the engine running VPC-001 over synthetic inventories of 1k to 1M VPCs,
//! beside a hand-written baseline that makes the same pass/fail decisions with a plain
//! hash join and builds no findings.
//!
//! Run: `cargo bench --bench evaluate` (`EVALUATE_SIZES=100000,1000000` to pick sizes,
//! `EVALUATE_REPS=9` for more runs behind each median of the summary table,
//! `EVALUATE_STAT=min` for the fastest run instead of the median, `EVALUATE_SHOW_RUNS=1`
//! to print every run; `EVALUATE_ONE_OFF=n` makes it build n VPCs, evaluate them once,
//! print the time and exit, which is how it times one-off runs and how
//! `scripts/evaluate-instructions` counts instructions).
//! Besides criterion's timings it prints, per size, the engine/baseline ratio, the peak
//! heap growth per VPC during evaluation (measured with a counting global allocator),
//! the page faults per 1k VPCs, what a page fault costs on the machine, the engine's time
//! in one-off runs (each a new process, on fresh memory, as a CLI scan) beside its time in repeated
//! runs (each report dropped before the next, as in a process that scans repeatedly), the
//! time to write a report as JSON, and the time ratio of each tenfold step (10.0 is
//! linear). Under `cargo test` (criterion's `--test` mode) it only runs the small sizes once.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use cloudposture::core::jiff::Timestamp;
use cloudposture::core::render::Format;
use cloudposture::prelude::*;
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
    let mut regions: Vec<RegionInventory> = (0..REGIONS)
        .map(|r| RegionInventory::new(region_name(r)))
        .collect();
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
    for (r, region) in regions.iter_mut().enumerate() {
        region.vpcs = Collection::Collected(std::mem::take(&mut vpcs[r]));
        region.flow_logs = if r == REGIONS - 1 {
            Collection::Failed(CollectError::new(
                "DescribeFlowLogs",
                ErrorClass::AccessDenied,
                Some("UnauthorizedOperation".into()),
                "You are not authorized to perform this operation.",
            ))
        } else {
            Collection::Collected(std::mem::take(&mut logs[r]))
        };
        region.subnets = Collection::Collected(std::mem::take(&mut subnets[r]));
        region.network_interfaces = Collection::Collected(Vec::new());
        region.api_calls = 2;
    }
    inventory.regions = regions;
    inventory
}

/// Pass/fail/error/skipped counts.
#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
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
    for region in &inventory.regions {
        let Some(vpcs) = region.vpcs.items() else {
            c.error += 1;
            continue;
        };
        // Shared VPCs are skipped whatever else is known: only their owner can act.
        let is_shared = |v: &Vpc| inventory.account.as_deref().is_some_and(|a| a != v.owner_id);
        let Some(logs) = region.flow_logs.items() else {
            let shared = vpcs.iter().filter(|v| is_shared(v)).count() as u64;
            c.skipped += shared;
            c.error += vpcs.len() as u64 - shared;
            continue;
        };
        let mut healthy: HashMap<&str, bool> = HashMap::with_capacity(logs.len());
        for log in logs {
            let ok = log.is_active() && !log.delivery_failed();
            let e = healthy.entry(log.resource_id.as_str()).or_insert(false);
            *e |= ok;
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

/// The run of median time among `reps`, with the page faults it took.
fn median(reps: usize, mut run: impl FnMut() -> Duration) -> (Duration, Option<u64>) {
    let runs = (0..reps)
        .map(|_| {
            let before = minor_page_faults();
            let time = run();
            (
                time,
                minor_page_faults().zip(before).map(|(a, b)| a.saturating_sub(b)),
            )
        })
        .collect();
    pick(runs)
}

/// The environment variable that makes the bench a child of [`one_off_runs`].
const ONE_OFF: &str = "EVALUATE_ONE_OFF";

/// `reps` evaluations of `n` VPCs, each in a new process of this bench (which builds the
/// inventory, evaluates once and prints time and page faults): the run of median time.
fn one_off_runs(n: usize, reps: usize) -> Result<(Duration, Option<u64>), String> {
    let exe = std::env::current_exe().map_err(|e| format!("finding the bench binary: {e}"))?;
    let mut runs = Vec::with_capacity(reps);
    for _ in 0..reps {
        let out = std::process::Command::new(&exe)
            .args(["--bench", "one-off"])
            .env(ONE_OFF, n.to_string())
            .output()
            .map_err(|e| format!("starting {}: {e}", exe.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let parsed = stdout
            .lines()
            .find_map(|l| l.strip_prefix("one-off "))
            .and_then(|l| l.split_once(' '))
            .and_then(|(time, faults)| Some((time.parse().ok()?, faults.parse().ok()?)));
        let Some((nanos, faults)) = parsed.filter(|_| out.status.success()) else {
            return Err(format!(
                "a one-off run of {n} VPCs failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        };
        runs.push((
            Duration::from_nanos(nanos),
            Some(faults).filter(|&f: &u64| f != u64::MAX),
        ));
    }
    Ok(pick(runs))
}

/// The median run (or the fastest with `EVALUATE_STAT=min`).
fn pick(mut runs: Vec<(Duration, Option<u64>)>) -> (Duration, Option<u64>) {
    // `EVALUATE_SHOW_RUNS=1`: every run's time and page faults, to see how they spread.
    if std::env::var_os("EVALUATE_SHOW_RUNS").is_some() {
        let shown: Vec<String> = runs
            .iter()
            .map(|(t, f)| {
                let faults = f.map_or("?".to_string(), |f| f.to_string());
                format!("{} µs/{faults}", t.as_micros())
            })
            .collect();
        eprintln!("runs (time/page faults): {}", shown.join(", "));
    }
    runs.sort_by_key(|r| r.0);
    // `EVALUATE_STAT=min`: the fastest run instead, steadier on a shared machine.
    if std::env::var("EVALUATE_STAT").is_ok_and(|s| s == "min") {
        return runs[0];
    }
    runs[runs.len() / 2]
}

fn sizes() -> Vec<usize> {
    // `EVALUATE_SIZES=1000000` picks sizes (e.g. to profile one).
    if let Ok(list) = std::env::var("EVALUATE_SIZES") {
        return list.split(',').filter_map(|n| n.trim().parse().ok()).collect();
    }
    // Criterion runs in test mode (each benchmark once) unless cargo passed `--bench`.
    if std::env::args().any(|a| a == "--bench") {
        vec![1_000, 10_000, 100_000, 1_000_000]
    } else {
        vec![1_000, 10_000]
    }
}

fn bench_evaluate(c: &mut Criterion) {
    let registry = match cloudposture::rules::registry() {
        Ok(r) => r,
        Err(e) => panic!("registry: {e}"),
    };
    let plan = match Plan::new(&registry, &Selection::rules(["VPC-001"]), &Config::default()) {
        Ok(p) => p,
        Err(e) => panic!("plan: {e}"),
    };
    if let Some(n) = std::env::var_os(ONE_OFF) {
        let Some(n) = n.to_str().and_then(|n| n.parse().ok()) else {
            panic!("{ONE_OFF} must be a number of VPCs, not {n:?}");
        };
        // A child started by `one_off_runs`: one evaluation, its time and page faults.
        let inventory = synthetic_inventory(n);
        let faults = minor_page_faults();
        let t = Instant::now();
        let report = plan.evaluate(&inventory, ScanSource::Snapshot, Timestamp::now());
        let elapsed = t.elapsed();
        let faults = minor_page_faults().zip(faults).map(|(a, b)| a.saturating_sub(b));
        assert_eq!(report.findings.len(), n, "one finding per VPC");
        println!("one-off {} {}", elapsed.as_nanos(), faults.unwrap_or(u64::MAX));
        std::process::exit(0);
    }
    // Measured first, while the allocator still takes fresh pages from the system.
    let touch = first_touch_ns_per_page();
    let formats = formats();
    let mut group = c.benchmark_group("evaluate");
    let mut table = Vec::new();
    for n in sizes() {
        let inventory = synthetic_inventory(n);

        // Same decisions, and the peak heap growth of one evaluation.
        let before = ALLOC.current_usage();
        ALLOC.reset_peak_usage();
        let report = plan.evaluate(&inventory, ScanSource::Snapshot, Timestamp::now());
        let peak = ALLOC.peak_usage().saturating_sub(before);
        assert_eq!(
            engine_counts(&report),
            baseline(&inventory),
            "engine and baseline disagree at {n} VPCs"
        );
        assert_eq!(report.findings.len(), n, "one finding per VPC");
        // What `--format …` adds: the report written out as the CLI writes it (buffered,
        // to a sink, so that a million findings need no gigabytes of disk), with the
        // heap the writer needs on top of the report.
        let written: Vec<Written> = Format::ALL
            .into_iter()
            .filter(|format| formats.contains(format))
            .map(|format| {
                let before = ALLOC.current_usage();
                ALLOC.reset_peak_usage();
                let t = Instant::now();
                let mut out = std::io::BufWriter::new(ByteCount(0));
                if let Err(e) = format.write(&report, &mut out) {
                    panic!("writing the report as {format}: {e}");
                }
                let bytes = match out.into_inner() {
                    Ok(count) => count.0,
                    Err(e) => panic!("writing the report as {format}: {e}"),
                };
                Written {
                    format,
                    time: t.elapsed(),
                    bytes,
                    heap: ALLOC.peak_usage().saturating_sub(before),
                }
            })
            .collect();

        drop(report);

        let reps = std::env::var("EVALUATE_REPS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(if n >= 1_000_000 { 3 } else { 7 })
            .max(1);
        // As a one-off scan runs: each run in a new process, on memory not used before.
        let one_off = match one_off_runs(n, reps) {
            Ok(run) => run,
            Err(e) => panic!("{e}"),
        };

        // Medians of a few runs for the summary table (criterion's own estimates follow),
        // each report dropped before the next run, as in a process that scans repeatedly.
        let (engine_once, engine_faults) = median(reps, || {
            let t = Instant::now();
            let report = plan.evaluate(&inventory, ScanSource::Snapshot, Timestamp::now());
            let elapsed = t.elapsed();
            drop(black_box(report));
            elapsed
        });
        let (baseline_once, _) = median(reps, || {
            let t = Instant::now();
            black_box(baseline(&inventory));
            t.elapsed()
        });
        table.push((
            n,
            engine_once,
            baseline_once,
            peak,
            one_off,
            engine_faults,
            written,
        ));

        let samples = if n >= 100_000 { 10 } else { 30 };
        group.sample_size(samples);
        group.measurement_time(Duration::from_secs(if n >= 1_000_000 { 30 } else { 5 }));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("engine", n), &inventory, |b, inv| {
            b.iter_with_large_drop(|| plan.evaluate(inv, ScanSource::Snapshot, Timestamp::now()))
        });
        group.bench_with_input(BenchmarkId::new("baseline", n), &inventory, |b, inv| {
            b.iter(|| baseline(inv))
        });
    }
    group.finish();
    let per = |n: usize, d: Duration| d.as_nanos() as f64 / n as f64;
    let per_1k = |n: usize, faults: Option<u64>| {
        faults.map_or("n/a".to_string(), |f| {
            format!("{:.0}", f as f64 * 1000.0 / n as f64)
        })
    };
    eprintln!("\nrepeated runs (median; each report dropped, outside the timing, before the next run)");
    eprintln!(
        "\n{:>9} | {:>14} | {:>16} | {:>6} | {:>15} | {:>20}",
        "VPCs", "engine ns/VPC", "baseline ns/VPC", "ratio", "peak bytes/VPC", "page faults/1k VPCs"
    );
    for &(n, e, b, peak, _, faults, _) in &table {
        eprintln!(
            "{n:>9} | {:>14.0} | {:>16.0} | {:>6.1} | {:>15.0} | {:>20}",
            per(n, e),
            per(n, b),
            per(n, e) / per(n, b).max(f64::MIN_POSITIVE),
            peak as f64 / n as f64,
            per_1k(n, faults)
        );
    }
    // What first-touching memory costs here, and the engine's time without it.
    eprintln!(
        "\nfilling fresh memory (page fault, zeroing, writing): {touch:.0} ns per 4 KiB page; \
         engine time less the page faults of its repeated runs at that cost (an estimate):"
    );
    for &(n, e, b, _, _, faults, _) in &table {
        let Some(faults) = faults else { continue };
        let on_faults = faults as f64 * touch / n as f64;
        let rest = per(n, e) - on_faults;
        eprintln!(
            "{n:>9} VPCs: {:>5.0} ns/VPC on page faults, {rest:>5.0} ns/VPC the rest = {:.1}x baseline",
            on_faults,
            rest / per(n, b).max(f64::MIN_POSITIVE)
        );
    }
    // Repeated runs reuse the memory glibc kept from the run before, except blocks over
    // 32 MiB (the findings of 1M VPCs), which it maps afresh when no freed block is large
    // enough; a one-off scan fills fresh memory at every size alike.
    eprintln!("\none-off runs (median; each a new process, on fresh memory, as a one-off scan):");
    for (n, .., (one_off, faults), _, _) in &table {
        eprintln!(
            "{n:>9} VPCs: {:>5.0} ns/VPC, {:>4} page faults/1k VPCs",
            per(*n, *one_off),
            per_1k(*n, *faults),
        );
    }
    eprintln!(
        "\nthe report written as `--format` writes it (buffered, to a sink), per VPC, with the \
         writer's peak heap on top of the report:"
    );
    eprintln!(
        "{:>9} | {:>6} | {:>7} | {:>7} | {:>10}",
        "VPCs", "format", "ns", "bytes", "peak heap"
    );
    for (n, .., written) in &table {
        for w in written {
            eprintln!(
                "{n:>9} | {:>6} | {:>7.0} | {:>7.0} | {:>10.0}",
                w.format.as_str(),
                per(*n, w.time),
                w.bytes as f64 / *n as f64,
                w.heap as f64 / *n as f64
            );
        }
    }
    // Linearity: total time at 10n over total time at n (10.0 is perfectly linear).
    let step = |a: Duration, b: Duration| b.as_secs_f64() / a.as_secs_f64().max(f64::MIN_POSITIVE);
    for pair in table.windows(2) {
        let [(n1, e1, b1, _, o1, ..), (n2, e2, b2, _, o2, ..)] = pair else {
            continue;
        };
        if *n2 == n1 * 10 {
            eprintln!(
                "{n1} -> {n2} VPCs: engine time x{:.1} one-off; in repeated runs engine x{:.1}, \
                 baseline x{:.1}",
                step(o1.0, o2.0),
                step(*e1, *e2),
                step(*b1, *b2)
            );
        }
    }
}

/// Nanoseconds to fill one fresh 4 KiB page: 256 MiB reserved from the system allocator
/// (a block that large is mapped straight from the system, pages not yet present), then
/// written, which makes the system map and zero each page first. Call it before the heap
/// holds freed memory to reuse.
fn first_touch_ns_per_page() -> f64 {
    const BYTES: usize = 256 << 20;
    let mut fresh: Vec<u8> = Vec::with_capacity(BYTES);
    let t = Instant::now();
    fresh.resize(BYTES, 1);
    let elapsed = t.elapsed();
    black_box(&fresh);
    elapsed.as_nanos() as f64 / (BYTES / 4096) as f64
}

/// One output format's writing of a report.
struct Written {
    format: Format,
    time: Duration,
    bytes: u64,
    /// Peak heap growth while writing.
    heap: usize,
}

/// The formats to write each report in: `EVALUATE_FORMATS=json,asff` picks them
/// (default: every format).
fn formats() -> Vec<Format> {
    match std::env::var("EVALUATE_FORMATS") {
        Ok(list) => list
            .split(',')
            .filter(|f| !f.trim().is_empty())
            .map(|f| match f.trim().parse() {
                Ok(format) => format,
                Err(e) => panic!("EVALUATE_FORMATS: {e}"),
            })
            .collect(),
        Err(_) => Format::ALL.to_vec(),
    }
}

/// Counts what is written, and keeps none of it.
struct ByteCount(u64);

impl std::io::Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Minor page faults of this process so far (Linux; `None` elsewhere): the cost of
/// touching memory for the first time, which dominates at a million findings.
fn minor_page_faults() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): state, ppid, pgrp,
    // session, tty_nr, tpgid, flags, minflt.
    stat.rsplit(')').next()?.split_whitespace().nth(7)?.parse().ok()
}

criterion_group!(benches, bench_evaluate);
criterion_main!(benches);
