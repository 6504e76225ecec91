//! Command-line options shared by every scenario.

use std::time::Duration;

use clap::Args;

use crate::procstat::Procs;

#[derive(Debug, Clone, Args)]
pub struct Common {
    /// The server under test, e.g. http://127.0.0.1:3031. fanout and saturate take several nodes
    /// (repeat the flag or separate with commas) and spread each room's members over them in turn.
    #[arg(
        long,
        global = true,
        value_delimiter = ',',
        default_value = "http://127.0.0.1:3031"
    )]
    pub url: Vec<String>,

    /// The server's process id, read from /proc for CPU time and RSS; with several nodes, give
    /// each one's (repeated or comma-separated): their CPU time and RSS are summed.
    #[arg(long, global = true, value_delimiter = ',', default_value = "0")]
    pub pid: Vec<u32>,

    /// Redis's process id, when the nodes share state through it: its CPU and RSS are reported
    /// apart from the servers' (and not counted as other processes' noise).
    #[arg(long, global = true)]
    pub redis_pid: Option<u32>,

    /// Redis the nodes share (e.g. redis://127.0.0.1:6379/): its `INFO commandstats` and `INFO cpu`
    /// are read at the edges of each measured window, for Redis commands and CPU per broadcast.
    #[arg(long, global = true)]
    pub redis_url: Option<String>,

    /// Name of the server in the RESULT line (jam-server, node-reference, raw-relay …).
    #[arg(long, global = true, default_value = "server")]
    pub label: String,

    /// Rooms being set up at once.
    #[arg(long, global = true, default_value_t = 64)]
    pub setup_concurrency: usize,
}

impl Common {
    /// The processes whose cost is measured.
    pub fn procs(&self) -> Procs {
        Procs {
            servers: self.pid.clone(),
            redis: self.redis_pid,
            redis_url: self.redis_url.clone(),
        }
    }

    /// The single server of a scenario that does not spread over nodes (idle, churn).
    pub fn single_url(&self, scenario: &str) -> anyhow::Result<&str> {
        match self.url.as_slice() {
            [url] => Ok(url),
            _ => anyhow::bail!(
                "{scenario} takes exactly one --url (fanout and saturate take several)"
            ),
        }
    }

    /// The first server's process id (idle reads one server's RSS and open-file limit).
    pub fn first_pid(&self) -> u32 {
        self.pid.first().copied().unwrap_or(0)
    }
}

/// A duration such as `15s`, `500ms`, `2m` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let value: f64 = num.parse().map_err(|_| format!("bad duration {s:?}"))?;
    let secs = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => return Err(format!("unknown unit in {s:?} (use ms, s or m)")),
    };
    if !(secs.is_finite() && secs >= 0.0) {
        return Err(format!("bad duration {s:?}"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_accept_ms_s_m_and_bare_seconds() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("3h").is_err());
    }
}
