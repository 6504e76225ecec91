//! What the server costs, read from /proc: CPU time (utime + stime), RSS, and the host's steal time.

use std::fs;
use std::time::Instant;

use anyhow::{anyhow, Context};

use crate::redis_info::{self, RedisStats};

/// Clock ticks per second for /proc times (sysconf(_SC_CLK_TCK); 100 on Linux in practice).
fn clk_tck() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 {
        ticks as f64
    } else {
        100.0
    }
}

/// utime + stime of `pid` in seconds (`pid` 0 means this process).
pub fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let path = if pid == 0 {
        "/proc/self/stat".to_owned()
    } else {
        format!("/proc/{pid}/stat")
    };
    let text = fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
    // The command name may hold spaces or parentheses: fields start after the last ')'.
    let after = text
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or_else(|| anyhow!("bad {path}"))?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Field 3 (state) is index 0, so utime (14) and stime (15) are indices 11 and 12.
    let ticks: f64 = [11, 12]
        .iter()
        .map(|&i| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        })
        .sum();
    Ok(ticks / clk_tck())
}

/// Resident set size of `pid` in bytes (VmRSS).
pub fn rss_bytes(pid: u32) -> anyhow::Result<u64> {
    let text = fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb = status_field(&text, "VmRSS:").ok_or_else(|| anyhow!("no VmRSS for {pid}"))?;
    Ok(kb * 1024)
}

/// The soft limit on open files of `pid` (from /proc/PID/limits).
pub fn fd_limit(pid: u32) -> Option<u64> {
    let text = fs::read_to_string(format!("/proc/{pid}/limits")).ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

fn status_field(text: &str, key: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    line[key.len()..].split_whitespace().next()?.parse().ok()
}

/// Raises this process's open-file soft limit to its hard limit; returns the new soft limit.
pub fn raise_fd_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit write/read only the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
        }
    }
    lim.rlim_cur
}

/// Host-wide ticks from the `cpu` line of /proc/stat.
#[derive(Debug, Clone, Copy, Default)]
struct HostTicks {
    total: u64,
    idle: u64,
    steal: u64,
}

fn host_ticks() -> HostTicks {
    let text = fs::read_to_string("/proc/stat").unwrap_or_default();
    let values: Vec<u64> = text
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is already
    // inside user/nice, so the total is the first eight.
    let at = |i: usize| values.get(i).copied().unwrap_or(0);
    HostTicks {
        total: values.iter().take(8).sum(),
        idle: at(3) + at(4),
        steal: at(7),
    }
}

/// The processes under test: one or more server nodes, and Redis when the nodes share state through it.
#[derive(Debug, Clone, Default)]
pub struct Procs {
    pub servers: Vec<u32>,
    pub redis: Option<u32>,
    /// Where to ask Redis for its own counters (`INFO`), if anywhere.
    pub redis_url: Option<String>,
}

impl Procs {
    /// Redis's counters, when a Redis URL was given (a failed reading is reported, not fatal).
    pub fn redis_stats(&self) -> Option<Result<RedisStats, String>> {
        let url = self.redis_url.as_deref()?;
        Some(redis_info::read(url).map_err(|e| format!("INFO from {url}: {e:#}")))
    }

    /// The servers' RSS summed (0 for one that cannot be read), each one's, and Redis's.
    pub fn rss(&self) -> (u64, Vec<u64>, Option<u64>) {
        let each: Vec<u64> = self
            .servers
            .iter()
            .map(|&p| rss_bytes(p).unwrap_or(0))
            .collect();
        let redis = self.redis.map(|p| rss_bytes(p).unwrap_or(0));
        (each.iter().sum(), each, redis)
    }
}

/// A reading taken at the edge of a measured window.
#[derive(Debug, Clone)]
pub struct Snapshot {
    at: Instant,
    servers_cpu: Vec<f64>,
    redis_cpu: Option<f64>,
    self_cpu: f64,
    host: HostTicks,
}

impl Snapshot {
    pub fn take(procs: &Procs) -> Self {
        let cpu = |pid| cpu_seconds(pid).unwrap_or(f64::NAN);
        Self {
            at: Instant::now(),
            servers_cpu: procs.servers.iter().map(|&p| cpu(p)).collect(),
            redis_cpu: procs.redis.map(cpu),
            self_cpu: cpu_seconds(0).unwrap_or(f64::NAN),
            host: host_ticks(),
        }
    }
}

/// What happened between two snapshots.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Usage {
    pub wall_s: f64,
    /// CPU time of all server nodes together.
    pub server_cpu_s: f64,
    /// Server CPU time / wall time (1.0 = one full core), all nodes together.
    pub server_cpu_util: f64,
    /// Each node's CPU time / wall time, in `--pid` order.
    pub server_cpu_util_each: Vec<f64>,
    /// Redis's CPU time and its share of a core, when its pid was given.
    pub redis_cpu_s: Option<f64>,
    pub redis_cpu_util: Option<f64>,
    /// The generator's own CPU / wall: near 1.0 means the generator, not the server, may be the limit.
    pub gen_cpu_util: f64,
    /// Share of all host CPU time stolen by the hypervisor, in percent.
    pub steal_pct: f64,
    /// CPU used by every other process on the host / wall (cores): noise from neighbours.
    pub others_cpu_util: f64,
}

impl Usage {
    pub fn between(a: &Snapshot, b: &Snapshot) -> Self {
        let wall_s = b.at.duration_since(a.at).as_secs_f64().max(1e-9);
        let each: Vec<f64> = a
            .servers_cpu
            .iter()
            .zip(&b.servers_cpu)
            .map(|(x, y)| y - x)
            .collect();
        let server_cpu_s: f64 = each.iter().sum();
        let redis_cpu_s = a.redis_cpu.zip(b.redis_cpu).map(|(x, y)| y - x);
        let gen_cpu_s = b.self_cpu - a.self_cpu;
        let (ha, hb) = (a.host, b.host);
        let total = hb.total.saturating_sub(ha.total).max(1) as f64;
        let steal = hb.steal.saturating_sub(ha.steal) as f64;
        let busy = (hb.total - hb.idle - hb.steal).saturating_sub(ha.total - ha.idle - ha.steal);
        let busy_s = busy as f64 / clk_tck();
        let measured = server_cpu_s + gen_cpu_s + redis_cpu_s.unwrap_or(0.0);
        Self {
            wall_s,
            server_cpu_s,
            server_cpu_util: server_cpu_s / wall_s,
            server_cpu_util_each: each.iter().map(|s| s / wall_s).collect(),
            redis_cpu_s,
            redis_cpu_util: redis_cpu_s.map(|s| s / wall_s),
            gen_cpu_util: gen_cpu_s / wall_s,
            steal_pct: 100.0 * steal / total,
            others_cpu_util: ((busy_s - measured) / wall_s).max(0.0),
        }
    }
}

/// Waits (up to `max_wait`) until processes other than the ones under test and this one use
/// fewer than `cores` cores over a second; returns what they used last. On a shared host this
/// keeps a neighbour's burst out of a measurement.
pub async fn wait_quiet(procs: &Procs, cores: f64, max_wait: std::time::Duration) -> f64 {
    let give_up = Instant::now() + max_wait;
    loop {
        let a = Snapshot::take(procs);
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let others = Usage::between(&a, &Snapshot::take(procs)).others_cpu_util;
        if others < cores || Instant::now() >= give_up {
            return others;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_cpu_and_rss_are_readable() {
        assert!(cpu_seconds(0).unwrap() >= 0.0);
        assert!(rss_bytes(std::process::id()).unwrap() > 0);
        assert!(fd_limit(std::process::id()).unwrap() > 0);
        let host = host_ticks();
        assert!(host.total > 0 && host.steal + host.idle <= host.total);
    }

    #[test]
    fn several_nodes_cost_the_sum_of_each() {
        let me = std::process::id();
        let procs = Procs {
            servers: vec![me, me],
            redis: Some(me),
            redis_url: None,
        };
        let a = Snapshot::take(&procs);
        let spin = Instant::now();
        while spin.elapsed().as_millis() < 50 {
            std::hint::black_box(host_ticks());
        }
        let u = Usage::between(&a, &Snapshot::take(&procs));
        assert_eq!(u.server_cpu_util_each.len(), 2);
        let sum: f64 = u.server_cpu_util_each.iter().sum();
        assert!((u.server_cpu_util - sum).abs() < 1e-9, "{u:?}");
        assert!(u.redis_cpu_s.is_some_and(|r| r >= 0.0), "{u:?}");
        let (total, each, redis) = procs.rss();
        assert_eq!(total, each[0] + each[1]);
        assert!(redis.is_some_and(|r| r > 0));
    }
}
