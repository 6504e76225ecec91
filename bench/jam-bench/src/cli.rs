//! Command-line options shared by every scenario.

use std::time::Duration;

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct Common {
    /// The server under test, e.g. http://127.0.0.1:3031.
    #[arg(long, global = true, default_value = "http://127.0.0.1:3031")]
    pub url: String,

    /// The server's process id, read from /proc for CPU time and RSS.
    #[arg(long, global = true, default_value_t = 0)]
    pub pid: u32,

    /// Name of the server in the RESULT line (jam-server, node-reference, raw-relay …).
    #[arg(long, global = true, default_value = "server")]
    pub label: String,

    /// Rooms being set up at once.
    #[arg(long, global = true, default_value_t = 64)]
    pub setup_concurrency: usize,
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
