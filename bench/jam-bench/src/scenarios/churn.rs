//! Churn: workers loop connect → create → join → broadcast → leave → close as fast as the server
//! answers. Measures cycles per second and per server CPU-second.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use hdrhistogram::Histogram;
use serde::Serialize;

use crate::cli::{parse_duration, Common};
use crate::client::{source_ip, Conn, Target};
use crate::clock::now_us;
use crate::procstat::{Snapshot, Usage};
use crate::proto;
use crate::report::{self, ratio};
use crate::stats::{local_histogram, Latency};

#[derive(Debug, Clone, Args)]
pub struct ChurnArgs {
    /// Cycles in flight at once.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    pub warmup: Duration,
    /// The measured window.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub duration: Duration,
}

/// Shared by the workers.
struct Tally {
    from: Instant,
    to: Instant,
    cycles: AtomicU64,
    errors: AtomicU64,
    first_error: Mutex<Option<String>>,
    cycle_time: Mutex<Histogram<u64>>,
    /// Rotates connections over 127.0.0.1–254 so TIME_WAIT never exhausts one address's ports.
    next_source: AtomicUsize,
}

pub async fn run(common: &Common, args: &ChurnArgs) -> anyhow::Result<()> {
    let target = Arc::new(Target::parse(common.single_url("churn")?)?);
    let from = Instant::now() + args.warmup;
    let tally = Arc::new(Tally {
        from,
        to: from + args.duration,
        cycles: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        first_error: Mutex::new(None),
        cycle_time: Mutex::new(local_histogram()),
        next_source: AtomicUsize::new(0),
    });
    let workers: Vec<_> = (0..args.concurrency)
        .map(|_| tokio::spawn(worker(target.clone(), tally.clone())))
        .collect();
    tokio::time::sleep_until(from.into()).await;
    let procs = common.procs();
    let a = Snapshot::take(&procs);
    tokio::time::sleep_until(tally.to.into()).await;
    let b = Snapshot::take(&procs);
    for w in workers {
        let _ = w.await;
    }
    let usage = Usage::between(&a, &b);
    let cycles = tally.cycles.load(Relaxed);
    let rep = ChurnReport {
        concurrency: args.concurrency,
        cycles,
        cycles_per_s: cycles as f64 / usage.wall_s,
        cycles_per_cpu_s: ratio(cycles as f64, usage.server_cpu_s),
        cycle_latency: Latency::of(&tally.cycle_time.lock().unwrap_or_else(|e| e.into_inner())),
        errors: tally.errors.load(Relaxed),
        first_error: tally
            .first_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone(),
        usage,
    };
    print(&format!("churn[{}]", common.label), &rep);
    report::emit("churn", &common.label, serde_json::to_value(&rep)?);
    Ok(())
}

/// What one churn run found.
#[derive(Debug, Serialize)]
struct ChurnReport {
    concurrency: usize,
    /// Cycles completed inside the measured window.
    cycles: u64,
    cycles_per_s: f64,
    cycles_per_cpu_s: f64,
    cycle_latency: Latency,
    errors: u64,
    first_error: Option<String>,
    #[serde(flatten)]
    usage: Usage,
}

fn print(label: &str, rep: &ChurnReport) {
    let u = &rep.usage;
    println!(
        "{label}: {} cycles in {:.1} s = {:.0}/s with {} in flight; {:.0} cycles/CPU-s (server CPU {:.0}%); cycle p50 {:.2} ms p99 {:.2} ms; {} errors{}",
        rep.cycles, u.wall_s, rep.cycles_per_s, rep.concurrency, rep.cycles_per_cpu_s,
        100.0 * u.server_cpu_util, rep.cycle_latency.p50_ms, rep.cycle_latency.p99_ms, rep.errors,
        rep.first_error.as_deref().map(|e| format!(" (first: {e})")).unwrap_or_default(),
    );
    println!(
        "{label}:   generator CPU {:.0}%; steal {:.2}%, other processes {:.0}% CPU",
        100.0 * u.gen_cpu_util,
        u.steal_pct,
        100.0 * u.others_cpu_util,
    );
}

async fn worker(target: Arc<Target>, tally: Arc<Tally>) {
    while Instant::now() < tally.to {
        let started = Instant::now();
        let source = source_ip(tally.next_source.fetch_add(1, Relaxed), 1);
        match cycle(&target, source).await {
            Ok(()) => {
                let done = Instant::now();
                if done >= tally.from && done <= tally.to {
                    tally.cycles.fetch_add(1, Relaxed);
                    let us = done.duration_since(started).as_micros() as u64;
                    let mut h = tally.cycle_time.lock().unwrap_or_else(|e| e.into_inner());
                    h.saturating_record(us.max(1));
                }
            }
            Err(e) => {
                tally.errors.fetch_add(1, Relaxed);
                {
                    let mut first = tally.first_error.lock().unwrap_or_else(|e| e.into_inner());
                    first.get_or_insert_with(|| format!("{e:#}"));
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// One full session lifetime on a fresh connection.
async fn cycle(target: &Target, source: std::net::Ipv4Addr) -> anyhow::Result<()> {
    let mut conn = Conn::open(target, source).await?;
    let code = conn.create().await?;
    conn.join(&code, "churn").await?.here()?;
    conn.send(&proto::broadcast(&code, now_us(), 0)).await?;
    conn.leave(&code).await?;
    conn.close().await;
    Ok(())
}
