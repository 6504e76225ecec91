//! Output: a human-readable line per measurement, and one `RESULT {json}` line per run that
//! bench/run.sh collects.

use std::sync::atomic::Ordering::Relaxed;

use serde::Serialize;
use serde_json::{json, Value};

use crate::load::PhaseRun;
use crate::stats::Latency;

/// The numbers of one fan-out phase.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseReport {
    /// Events per second each connection sent.
    pub rate: f64,
    pub connections: usize,
    pub sent: u64,
    pub expected: u64,
    pub delivered: u64,
    pub delivered_per_s: f64,
    /// delivered / expected.
    pub delivery_ratio: f64,
    pub latency: Latency,
    pub deliveries_per_cpu_s: f64,
    pub server_cpu_s: f64,
    pub server_cpu_util: f64,
    pub server_rss_bytes: u64,
    pub gen_cpu_util: f64,
    pub send_lag_p99_ms: f64,
    pub steal_pct: f64,
    pub others_cpu_util: f64,
    pub closed_connections: u64,
}

impl PhaseReport {
    pub fn new(run: &PhaseRun, rate: f64, connections: usize) -> Self {
        let stats = &run.phase.stats;
        let delivered = stats.delivered.load(Relaxed);
        let u = run.usage;
        Self {
            rate,
            connections,
            sent: stats.sent.load(Relaxed),
            expected: run.expected,
            delivered,
            delivered_per_s: delivered as f64 / u.wall_s,
            delivery_ratio: ratio(delivered as f64, run.expected as f64),
            latency: stats.latency(),
            deliveries_per_cpu_s: ratio(delivered as f64, u.server_cpu_s),
            server_cpu_s: u.server_cpu_s,
            server_cpu_util: u.server_cpu_util,
            server_rss_bytes: run.server_rss_bytes,
            gen_cpu_util: u.gen_cpu_util,
            send_lag_p99_ms: stats.send_lag_p99_ms(),
            steal_pct: u.steal_pct,
            others_cpu_util: u.others_cpu_util,
            closed_connections: run.closed_connections,
        }
    }

    pub fn print(&self, label: &str) {
        let l = &self.latency;
        println!(
            "{label}: rate {:.1}/s x {} conns: delivered {:.0}/s ({:.4} of {}), latency p50 {:.2} ms p99 {:.2} ms p99.9 {:.2} ms max {:.2} ms",
            self.rate, self.connections, self.delivered_per_s, self.delivery_ratio, self.expected,
            l.p50_ms, l.p99_ms, l.p999_ms, l.max_ms,
        );
        println!(
            "{label}:   server CPU {:.0}% ({:.0} deliveries/CPU-s), RSS {:.1} MiB; generator CPU {:.0}%, send lag p99 {:.2} ms; steal {:.2}%, other processes {:.0}% CPU; closed {}",
            100.0 * self.server_cpu_util, self.deliveries_per_cpu_s, mib(self.server_rss_bytes),
            100.0 * self.gen_cpu_util, self.send_lag_p99_ms, self.steal_pct, 100.0 * self.others_cpu_util, self.closed_connections,
        );
        if self.gen_cpu_util > 0.9 {
            println!("{label}:   warning: the generator was near 100% CPU; the server may not be the limit");
        }
    }
}

/// `a / b`, or 0 when `b` is not positive.
pub fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}

pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Prints the machine-readable line: `RESULT {"scenario":…,"server":…,…metrics}`.
pub fn emit(scenario: &str, server: &str, metrics: Value) {
    let mut line = json!({ "scenario": scenario, "server": server });
    if let (Some(obj), Value::Object(extra)) = (line.as_object_mut(), metrics) {
        obj.extend(extra);
    }
    println!("RESULT {line}");
}
