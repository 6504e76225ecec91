//! Output: a human-readable line per measurement, and one `RESULT {json}` line per run that
//! bench/run.sh collects.

use std::sync::atomic::Ordering::Relaxed;

use serde::Serialize;
use serde_json::{json, Value};

use crate::load::PhaseRun;
use crate::redis_info::RedisCost;
use crate::stats::{Latency, Stats};

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
    /// Per CPU-second of the server nodes (all of them together).
    pub deliveries_per_cpu_s: f64,
    /// Per CPU-second of the server nodes and Redis together (as above without Redis).
    pub deliveries_per_total_cpu_s: f64,
    /// Server CPU per delivery, µs (the inverse of `deliveries_per_cpu_s`).
    pub server_cpu_us_per_delivery: f64,
    pub server_cpu_s: f64,
    pub server_cpu_util: f64,
    pub server_rss_bytes: u64,
    pub nodes: usize,
    pub server_cpu_util_each: Vec<f64>,
    pub server_rss_each: Vec<u64>,
    pub redis_cpu_s: Option<f64>,
    pub redis_cpu_util: Option<f64>,
    pub redis_rss_bytes: Option<u64>,
    /// Redis's own count of commands and CPU over the window, per broadcast (with `--redis-url`),
    /// or why it could not be read.
    pub redis: Option<RedisCost>,
    pub redis_error: Option<String>,
    /// With several nodes: the deliveries whose sender was on another node than the receiver
    /// (none are due once every room's members follow `moved` to its owner).
    pub cross_node: Option<CrossNode>,
    pub gen_cpu_util: f64,
    pub send_lag_p99_ms: f64,
    pub steal_pct: f64,
    pub others_cpu_util: f64,
    pub closed_connections: u64,
    /// `error` events the server sent during the phase (warm-up included), and the first one.
    pub server_errors: u64,
    pub first_server_error: Option<String>,
}

/// Deliveries that had to cross from one server node to another (through Redis).
#[derive(Debug, Clone, Serialize)]
pub struct CrossNode {
    pub expected: u64,
    pub delivered: u64,
    pub delivery_ratio: f64,
    pub latency: Latency,
}

impl CrossNode {
    fn of(stats: &Stats) -> Self {
        let expected = stats.expected_cross.load(Relaxed);
        let delivered = stats.delivered_cross.load(Relaxed);
        Self {
            expected,
            delivered,
            delivery_ratio: ratio(delivered as f64, expected as f64),
            latency: stats.cross_latency(),
        }
    }
}

impl PhaseReport {
    pub fn new(run: &PhaseRun, rate: f64, connections: usize) -> Self {
        let stats = &run.phase.stats;
        let delivered = stats.delivered.load(Relaxed);
        let u = &run.usage;
        let total_cpu_s = u.server_cpu_s + u.redis_cpu_s.unwrap_or(0.0);
        let sent = stats.sent.load(Relaxed);
        let (redis, redis_error) = match &run.redis_stats {
            Some(Ok((a, b))) => (Some(RedisCost::between(a, b, sent)), None),
            Some(Err(e)) => (None, Some(e.clone())),
            None => (None, None),
        };
        Self {
            rate,
            connections,
            sent,
            expected: run.expected,
            delivered,
            delivered_per_s: delivered as f64 / u.wall_s,
            delivery_ratio: ratio(delivered as f64, run.expected as f64),
            latency: stats.latency(),
            deliveries_per_cpu_s: ratio(delivered as f64, u.server_cpu_s),
            deliveries_per_total_cpu_s: ratio(delivered as f64, total_cpu_s),
            server_cpu_us_per_delivery: ratio(u.server_cpu_s * 1e6, delivered as f64),
            server_cpu_s: u.server_cpu_s,
            server_cpu_util: u.server_cpu_util,
            server_rss_bytes: run.server_rss_bytes,
            nodes: run.nodes,
            server_cpu_util_each: u.server_cpu_util_each.clone(),
            server_rss_each: run.server_rss_each.clone(),
            redis_cpu_s: u.redis_cpu_s,
            redis_cpu_util: u.redis_cpu_util,
            redis_rss_bytes: run.redis_rss_bytes,
            redis,
            redis_error,
            cross_node: (run.nodes > 1 && stats.expected_cross.load(Relaxed) > 0)
                .then(|| CrossNode::of(stats)),
            gen_cpu_util: u.gen_cpu_util,
            send_lag_p99_ms: stats.send_lag_p99_ms(),
            steal_pct: u.steal_pct,
            others_cpu_util: u.others_cpu_util,
            closed_connections: run.closed_connections,
            server_errors: stats.errors.load(Relaxed),
            first_server_error: stats.first_error(),
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
        self.print_cluster(label);
        if let Some(first) = &self.first_server_error {
            println!(
                "{label}:   the server sent {} error events; first: {first}",
                self.server_errors
            );
        }
        if self.gen_cpu_util > 0.9 {
            println!("{label}:   warning: the generator was near 100% CPU; the server may not be the limit");
        }
    }

    /// Each node's share, Redis's, and the deliveries that crossed nodes (only when there are any).
    fn print_cluster(&self, label: &str) {
        if self.nodes > 1 {
            let each: Vec<String> = (self.server_cpu_util_each.iter().zip(&self.server_rss_each))
                .map(|(c, r)| format!("{:.0}% CPU {:.1} MiB", 100.0 * c, mib(*r)))
                .collect();
            println!("{label}:   {} nodes: {}", self.nodes, each.join(", "));
        }
        if let (Some(cpu), Some(rss)) = (self.redis_cpu_util, self.redis_rss_bytes) {
            println!(
                "{label}:   Redis CPU {:.0}%, RSS {:.1} MiB; {:.0} deliveries per CPU-s of servers + Redis",
                100.0 * cpu, mib(rss), self.deliveries_per_total_cpu_s,
            );
        }
        if let Some(r) = &self.redis {
            println!(
                "{label}:   Redis by its INFO: {} commands ({:.3} per broadcast: {}), CPU {:.3} s ({:.2} µs per broadcast) for {} broadcasts",
                r.commands, r.commands_per_broadcast, r.top(6), r.cpu_s, r.cpu_us_per_broadcast, r.broadcasts,
            );
        }
        if let Some(e) = &self.redis_error {
            println!("{label}:   warning: Redis counters not read: {e}");
        }
        match &self.cross_node {
            Some(c) => println!(
                "{label}:   across nodes: delivered {:.4} of {}, latency p50 {:.2} ms p99 {:.2} ms",
                c.delivery_ratio, c.expected, c.latency.p50_ms, c.latency.p99_ms,
            ),
            None if self.nodes > 1 => {
                println!("{label}:   across nodes: none due (every room's members are on one node)")
            }
            None => {}
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
