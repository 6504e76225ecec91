//! What Redis itself counts: `INFO commandstats` (calls per command, those made from scripts
//! included) and `INFO cpu` (`used_cpu_sys + used_cpu_user`), read over a plain TCP connection at
//! the edges of a measured window, so a run can say what one broadcast costs Redis. RESP needs
//! only a request array and a bulk-string reply, so no client library.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use serde::Serialize;

const TIMEOUT: Duration = Duration::from_secs(2);

/// jam-bench's own `INFO` calls: left out of the commands counted.
const OWN_COMMAND: &str = "info";

/// Redis's counters at one moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RedisStats {
    /// Calls per command (`get`, `rpush`, `evalsha`, `client|setname` …), since Redis started.
    pub calls: BTreeMap<String, u64>,
    /// used_cpu_sys + used_cpu_user, seconds.
    pub cpu_s: f64,
}

/// Reads the counters of the Redis at `url` (`redis://[user:password@]host:port[/db]` or `host:port`).
pub fn read(url: &str) -> anyhow::Result<RedisStats> {
    let (auth, host_port) = split_url(url);
    let addr = host_port
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve {host_port}"))?
        .next()
        .ok_or_else(|| anyhow!("{host_port} has no address"))?;
    let stream = TcpStream::connect_timeout(&addr, TIMEOUT).context("connect to Redis")?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let mut conn = BufReader::new(stream);
    if let Some(args) = auth {
        command(&mut conn, &args)?;
    }
    let commandstats = command(&mut conn, &["INFO", "commandstats"])?;
    let cpu = command(&mut conn, &["INFO", "cpu"])?;
    Ok(RedisStats {
        calls: parse_commandstats(&commandstats),
        cpu_s: parse_cpu(&cpu)?,
    })
}

/// `AUTH` arguments (when the URL has a password) and `host:port`.
fn split_url(url: &str) -> (Option<Vec<&str>>, &str) {
    let rest = url.strip_prefix("redis://").unwrap_or(url);
    let rest = rest.split('/').next().unwrap_or(rest);
    match rest.rsplit_once('@') {
        Some((userinfo, host_port)) => {
            let auth = match userinfo.split_once(':') {
                Some(("", password)) => vec!["AUTH", password],
                Some((user, password)) => vec!["AUTH", user, password],
                None => vec!["AUTH", userinfo],
            };
            (Some(auth), host_port)
        }
        None => (None, rest),
    }
}

/// Sends one command and returns its reply (a bulk or simple string).
fn command(conn: &mut BufReader<TcpStream>, args: &[&str]) -> anyhow::Result<String> {
    let mut req = format!("*{}\r\n", args.len());
    for a in args {
        req.push_str(&format!("${}\r\n{a}\r\n", a.len()));
    }
    conn.get_mut().write_all(req.as_bytes())?;
    let mut line = String::new();
    conn.read_line(&mut line)?;
    let line = line.trim_end();
    match line.split_at(line.len().min(1)) {
        ("$", len) => {
            let len: usize = len.parse().with_context(|| format!("bad reply {line:?}"))?;
            let mut body = vec![0; len + 2];
            conn.read_exact(&mut body)?;
            body.truncate(len);
            Ok(String::from_utf8_lossy(&body).into_owned())
        }
        ("+", text) => Ok(text.to_owned()),
        ("-", err) => bail!("Redis refused {}: {err}", args[0]),
        _ => bail!("unexpected Redis reply {line:?}"),
    }
}

/// `cmdstat_rpush:calls=12,usec=40,…` lines → {"rpush": 12}.
fn parse_commandstats(text: &str) -> BTreeMap<String, u64> {
    text.lines()
        .filter_map(|l| {
            let (name, fields) = l.trim().strip_prefix("cmdstat_")?.split_once(':')?;
            let calls = fields
                .split(',')
                .find_map(|f| f.strip_prefix("calls="))?
                .parse()
                .ok()?;
            Some((name.to_owned(), calls))
        })
        .collect()
}

fn parse_cpu(text: &str) -> anyhow::Result<f64> {
    let field = |key: &str| -> anyhow::Result<f64> {
        let line = text.lines().find_map(|l| l.trim().strip_prefix(key));
        let value = line.ok_or_else(|| anyhow!("INFO cpu has no {key}"))?;
        value.parse().with_context(|| format!("bad {key}{value}"))
    };
    Ok(field("used_cpu_sys:")? + field("used_cpu_user:")?)
}

/// What Redis did between two readings, per broadcast sent in that window.
#[derive(Debug, Clone, Serialize)]
pub struct RedisCost {
    /// Broadcasts sent in the window (the measured sends).
    pub broadcasts: u64,
    /// Commands executed, every command called from a script included, jam-bench's INFO excluded.
    pub commands: u64,
    pub commands_per_broadcast: f64,
    /// Redis CPU time by its own account (used_cpu_sys + used_cpu_user).
    pub cpu_s: f64,
    pub cpu_us_per_broadcast: f64,
    /// Calls of each command that ran in the window.
    pub by_command: BTreeMap<String, u64>,
}

impl RedisCost {
    pub fn between(a: &RedisStats, b: &RedisStats, broadcasts: u64) -> Self {
        let by_command: BTreeMap<String, u64> = b
            .calls
            .iter()
            .filter(|(name, _)| name.as_str() != OWN_COMMAND)
            .map(|(name, &n)| {
                (
                    name.clone(),
                    n.saturating_sub(a.calls.get(name).copied().unwrap_or(0)),
                )
            })
            .filter(|&(_, n)| n > 0)
            .collect();
        let commands = by_command.values().sum();
        let cpu_s = b.cpu_s - a.cpu_s;
        let per = |x: f64| {
            if broadcasts > 0 {
                x / broadcasts as f64
            } else {
                0.0
            }
        };
        Self {
            broadcasts,
            commands,
            commands_per_broadcast: per(commands as f64),
            cpu_s,
            cpu_us_per_broadcast: per(cpu_s * 1e6),
            by_command,
        }
    }

    /// `rpush 0.50, evalsha 0.01, …`: the busiest commands first.
    pub fn top(&self, n: usize) -> String {
        let mut by: Vec<(&String, &u64)> = self.by_command.iter().collect();
        by.sort_by(|x, y| y.1.cmp(x.1));
        let per = |c: u64| c as f64 / self.broadcasts.max(1) as f64;
        let parts: Vec<String> = by
            .iter()
            .take(n)
            .map(|(k, &c)| format!("{k} {:.3}", per(c)))
            .collect();
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATS: &str = "# Commandstats\r\ncmdstat_rpush:calls=120,usec=300,usec_per_call=2.50,rejected_calls=0,failed_calls=0\r\ncmdstat_info:calls=4,usec=90,usec_per_call=22.5,rejected_calls=0,failed_calls=0\r\ncmdstat_client|setname:calls=2,usec=1,usec_per_call=0.5,rejected_calls=0,failed_calls=0\r\n";

    #[test]
    fn commandstats_and_cpu_are_parsed_from_info_text() {
        let calls = parse_commandstats(STATS);
        assert_eq!(calls.get("rpush"), Some(&120));
        assert_eq!(calls.get("client|setname"), Some(&2));
        let cpu = "# CPU\r\nused_cpu_sys:1.250000\r\nused_cpu_user:0.750000\r\nused_cpu_sys_children:9.0\r\n";
        assert!((parse_cpu(cpu).unwrap() - 2.0).abs() < 1e-9);
        assert!(parse_cpu("# CPU\r\n").is_err());
    }

    #[test]
    fn cost_per_broadcast_leaves_our_own_info_calls_out() {
        let a = RedisStats {
            calls: parse_commandstats(STATS),
            cpu_s: 1.0,
        };
        let mut b = a.clone();
        *b.calls.get_mut("rpush").unwrap() += 50;
        *b.calls.get_mut("info").unwrap() += 3;
        b.calls.insert("evalsha".into(), 10);
        b.cpu_s = 1.0003;
        let cost = RedisCost::between(&a, &b, 100);
        assert_eq!(cost.commands, 60);
        assert!((cost.commands_per_broadcast - 0.6).abs() < 1e-9);
        assert!((cost.cpu_us_per_broadcast - 3.0).abs() < 1e-6);
        assert_eq!(cost.by_command.len(), 2);
        assert_eq!(cost.top(1), "rpush 0.500");
    }

    #[test]
    fn info_is_asked_over_resp_and_both_replies_are_read() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut out = stream;
            let cpu = "used_cpu_sys:0.5\r\nused_cpu_user:0.25\r\n";
            let mut asked = Vec::new();
            for reply in [STATS, cpu] {
                // *2 $4 INFO $<n> <section>: five lines.
                let mut request = String::new();
                for _ in 0..5 {
                    reader.read_line(&mut request).unwrap();
                }
                asked.push(request.lines().last().unwrap().to_owned());
                write!(out, "${}\r\n{reply}\r\n", reply.len()).unwrap();
            }
            asked
        });
        let stats = read(&format!("redis://{addr}/")).unwrap();
        assert_eq!(server.join().unwrap(), ["commandstats", "cpu"]);
        assert_eq!(stats.calls.get("rpush"), Some(&120));
        assert!((stats.cpu_s - 0.75).abs() < 1e-9);
    }

    #[test]
    fn urls_give_the_address_and_any_password() {
        assert_eq!(
            split_url("redis://127.0.0.1:6379/"),
            (None, "127.0.0.1:6379")
        );
        assert_eq!(split_url("127.0.0.1:7000"), (None, "127.0.0.1:7000"));
        let (auth, at) = split_url("redis://:s3cret@h:1/0");
        assert_eq!((auth, at), (Some(vec!["AUTH", "s3cret"]), "h:1"));
        let (auth, _) = split_url("redis://u:p@h:1");
        assert_eq!(auth, Some(vec!["AUTH", "u", "p"]));
    }
}
