//! `jam-bench summarize`: turns the RESULT lines of many runs into medians, a markdown table per
//! scenario with jam-server's ratios to the peers, and a JSON file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use serde_json::{json, Value};

mod commands;

#[derive(Debug, Clone, Args)]
pub struct SummarizeArgs {
    /// File with one RESULT json object per line.
    #[arg(long)]
    pub input: PathBuf,
    /// Markdown output (also printed to stdout).
    #[arg(long)]
    pub markdown: Option<PathBuf>,
    /// JSON output: medians and every run.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Free text put under the title (machine, date, settings).
    #[arg(long, default_value = "")]
    pub note: String,
}

/// (column title, JSON path, decimals); the first metric of each scenario is its headline.
type Metric = (&'static str, &'static str, usize);

fn metrics(scenario: &str) -> &'static [Metric] {
    match scenario {
        "fanout" => &[
            ("deliveries/CPU-s", "deliveries_per_cpu_s", 0),
            ("delivered/s", "delivered_per_s", 0),
            ("delivery ratio", "delivery_ratio", 4),
            ("p50 ms", "latency.p50_ms", 2),
            ("p99 ms", "latency.p99_ms", 2),
            ("p99.9 ms", "latency.p999_ms", 2),
            ("server CPU", "server_cpu_util", 2),
            ("RSS MiB", "server_rss_mib", 1),
        ],
        "cluster" => &[
            ("deliveries/CPU-s (servers)", "deliveries_per_cpu_s", 0),
            ("server µs/delivery", "server_cpu_us_per_delivery", 2),
            ("delivered/s", "delivered_per_s", 0),
            ("delivery ratio", "delivery_ratio", 4),
            ("p50 ms", "latency.p50_ms", 2),
            ("p99 ms", "latency.p99_ms", 2),
            ("Redis cmds/broadcast", "redis.commands_per_broadcast", 3),
            ("Redis µs/broadcast", "redis.cpu_us_per_broadcast", 2),
            (
                "deliveries/CPU-s (servers + Redis)",
                "deliveries_per_total_cpu_s",
                0,
            ),
            ("server CPU", "server_cpu_util", 2),
            ("Redis CPU", "redis_cpu_util", 2),
            ("RSS MiB (servers)", "server_rss_mib", 1),
            ("moved joins", "moved_joins", 0),
        ],
        "saturate" => &[
            ("best delivered/s", "best_delivered_per_s", 0),
            ("at rate/s", "best_rate", 1),
            ("p99 ms there", "best.latency.p99_ms", 2),
            ("server CPU there", "best.server_cpu_util", 2),
            ("generator CPU", "best.gen_cpu_util", 2),
        ],
        "idle" => &[
            ("RSS bytes/conn (lower is better)", "rss_per_conn_bytes", 0),
            ("held", "held", 0),
            ("of", "connections", 0),
            ("idle server CPU", "server_cpu_util", 3),
        ],
        "churn" => &[
            ("cycles/CPU-s", "cycles_per_cpu_s", 0),
            ("cycles/s", "cycles_per_s", 0),
            ("cycle p99 ms", "cycle_latency.p99_ms", 2),
            ("server CPU", "server_cpu_util", 2),
            ("errors", "errors", 0),
        ],
        _ => &[],
    }
}

const ORDER: [&str; 5] = ["fanout", "saturate", "churn", "idle", "cluster"];
const OURS: &str = "jam-server";
const PEERS: [&str; 2] = ["node-reference", "raw-relay"];

fn lookup(v: &Value, path: &str) -> Option<f64> {
    if path == "server_rss_mib" {
        return lookup(v, "server_rss_bytes").map(|b| b / 1048576.0);
    }
    path.split('.')
        .try_fold(v, |v, key| v.get(key))
        .and_then(Value::as_f64)
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    xs.retain(|x| x.is_finite());
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(xs[n / 2]),
        _ => Some((xs[n / 2 - 1] + xs[n / 2]) / 2.0),
    }
}

fn text(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "–".to_owned(), |x| format!("{x:.decimals$}"))
}

pub fn run(args: &SummarizeArgs) -> anyhow::Result<()> {
    let input = fs::read_to_string(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let runs: Vec<Value> = input
        .lines()
        .filter_map(|l| serde_json::from_str(l.trim_start_matches("RESULT ")).ok())
        .collect();
    // scenario → server → runs, in the order servers first appear.
    let mut groups: BTreeMap<&str, Vec<(&str, Vec<&Value>)>> = BTreeMap::new();
    for run in &runs {
        let get = |k| run.get(k).and_then(Value::as_str).unwrap_or("?");
        let servers = groups.entry(get("scenario")).or_default();
        match servers.iter_mut().find(|(s, _)| *s == get("server")) {
            Some((_, list)) => list.push(run),
            None => servers.push((get("server"), vec![run])),
        }
    }
    let mut md = String::from("# Jam Session benchmark results\n\n");
    if !args.note.is_empty() {
        let _ = writeln!(md, "{}\n", args.note);
    }
    let mut medians = json!({});
    for scenario in ORDER.iter().filter(|s| groups.contains_key(*s)) {
        let table = scenario_table(scenario, &groups[scenario], &mut medians);
        md.push_str(&table);
    }
    md.push_str(&runs_table(&runs));
    print!("{md}");
    if let Some(path) = &args.markdown {
        fs::write(path, &md)?;
    }
    if let Some(path) = &args.json {
        let out = json!({ "note": args.note, "medians": medians, "runs": runs });
        fs::write(path, serde_json::to_string_pretty(&out)? + "\n")?;
    }
    Ok(())
}

fn scenario_table(scenario: &str, servers: &[(&str, Vec<&Value>)], out: &mut Value) -> String {
    let cols = metrics(scenario);
    let mut md = format!("## {scenario}\n\n| server | runs |");
    for (title, _, _) in cols {
        let _ = write!(md, " {title} |");
    }
    md.push_str("\n|---|---|");
    md.push_str(&"---:|".repeat(cols.len()));
    md.push('\n');
    let mut meds: BTreeMap<&str, Vec<Option<f64>>> = BTreeMap::new();
    for (server, list) in servers {
        let row: Vec<Option<f64>> = cols
            .iter()
            .map(|(_, path, _)| median(list.iter().filter_map(|r| lookup(r, path)).collect()))
            .collect();
        let _ = write!(md, "| {server} | {} |", list.len());
        for ((_, path, decimals), v) in cols.iter().zip(&row) {
            let _ = write!(md, " {} |", text(*v, *decimals));
            out[scenario][*server][*path] = json!(v);
        }
        md.push('\n');
        meds.insert(server, row);
    }
    if scenario == "cluster" {
        // Each setup against the first (one node in memory).
        if let Some((base, _)) = servers.first() {
            for (server, _) in servers.iter().skip(1) {
                let title = format!("{server} ÷ {base}");
                ratio_row(&mut md, &title, &meds[server], &[(base, &meds[base])]);
            }
        }
        md.push_str(&commands::table(servers, &mut out[scenario]));
    } else if let Some(ours) = meds.get(OURS) {
        let peers: Vec<(&str, &Vec<Option<f64>>)> = PEERS
            .iter()
            .filter_map(|p| meds.get(p).map(|m| (*p, m)))
            .collect();
        if !peers.is_empty() {
            ratio_row(&mut md, &format!("{OURS} ÷ peer"), ours, &peers);
        }
    }
    md.push('\n');
    md
}

/// `| title | | a/b× peer, … |` for every column.
fn ratio_row(
    md: &mut String,
    title: &str,
    row: &[Option<f64>],
    peers: &[(&str, &Vec<Option<f64>>)],
) {
    let _ = write!(md, "| {title} | |");
    for (i, a) in row.iter().enumerate() {
        let cell: Vec<String> = peers
            .iter()
            .filter_map(|(p, m)| match (a, m[i]) {
                (Some(a), Some(b)) if b != 0.0 => Some(format!("{:.2}× {}", a / b, short(p))),
                _ => None,
            })
            .collect();
        let _ = write!(md, " {} |", cell.join(", "));
    }
    md.push('\n');
}

fn short(server: &str) -> &str {
    match server {
        "node-reference" => "Node",
        "raw-relay" => "raw",
        s => s,
    }
}

/// Every run in order, with the neighbours' noise next to it.
fn runs_table(runs: &[Value]) -> String {
    let mut md = String::from(
        "## Runs\n\n| # | scenario | server | headline | steal % | other processes (cores) |\n|---|---|---|---:|---:|---:|\n",
    );
    for (i, run) in runs.iter().enumerate() {
        let scenario = run.get("scenario").and_then(Value::as_str).unwrap_or("?");
        let server = run.get("server").and_then(Value::as_str).unwrap_or("?");
        let headline = metrics(scenario)
            .first()
            .map(|(title, path, d)| format!("{} {title}", text(lookup(run, path), *d)))
            .unwrap_or_default();
        let _ = writeln!(
            md,
            "| {} | {scenario} | {server} | {headline} | {} | {} |",
            i + 1,
            text(lookup(run, "steal_pct"), 2),
            text(lookup(run, "others_cpu_util"), 2),
        );
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_nested_paths() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
        let v = json!({"latency": {"p99_ms": 1.5}});
        assert_eq!(lookup(&v, "latency.p99_ms"), Some(1.5));
        assert_eq!(lookup(&v, "latency.nope"), None);
    }
}
