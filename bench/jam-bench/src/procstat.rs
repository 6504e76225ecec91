//! What the server costs, read from /proc: CPU time (utime + stime), RSS, and the host's steal time.

use std::fs;
use std::time::Instant;

use anyhow::{anyhow, Context};

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

/// A reading taken at the edge of a measured window.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot {
    at: Instant,
    server_cpu: f64,
    self_cpu: f64,
    host: HostTicks,
}

impl Snapshot {
    pub fn take(pid: u32) -> Self {
        Self {
            at: Instant::now(),
            server_cpu: cpu_seconds(pid).unwrap_or(f64::NAN),
            self_cpu: cpu_seconds(0).unwrap_or(f64::NAN),
            host: host_ticks(),
        }
    }
}

/// What happened between two snapshots.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Usage {
    pub wall_s: f64,
    pub server_cpu_s: f64,
    /// Server CPU time / wall time (1.0 = one full core).
    pub server_cpu_util: f64,
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
        let server_cpu_s = b.server_cpu - a.server_cpu;
        let gen_cpu_s = b.self_cpu - a.self_cpu;
        let (ha, hb) = (a.host, b.host);
        let total = hb.total.saturating_sub(ha.total).max(1) as f64;
        let steal = hb.steal.saturating_sub(ha.steal) as f64;
        let busy = (hb.total - hb.idle - hb.steal).saturating_sub(ha.total - ha.idle - ha.steal);
        let busy_s = busy as f64 / clk_tck();
        Self {
            wall_s,
            server_cpu_s,
            server_cpu_util: server_cpu_s / wall_s,
            gen_cpu_util: gen_cpu_s / wall_s,
            steal_pct: 100.0 * steal / total,
            others_cpu_util: ((busy_s - server_cpu_s - gen_cpu_s) / wall_s).max(0.0),
        }
    }
}

/// Waits (up to `max_wait`) until processes other than the server and this one use fewer than
/// `cores` cores over a second; returns what they used last. On a shared host this keeps a
/// neighbour's burst out of a measurement.
pub async fn wait_quiet(pid: u32, cores: f64, max_wait: std::time::Duration) -> f64 {
    let give_up = Instant::now() + max_wait;
    loop {
        let a = Snapshot::take(pid);
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let others = Usage::between(&a, &Snapshot::take(pid)).others_cpu_util;
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
}
