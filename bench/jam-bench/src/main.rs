//! jam-bench: an open-loop load generator speaking Engine.IO v4 / Socket.IO v5 over raw
//! websockets, for jam-server and the peers it is compared with (see bench/README.md).
//!
//! Modules: `cli` (shared flags), `clock` (shared time origin), `proto` (packets), `client`
//! (handshake and acked requests), `setup` (rooms, spread over the server nodes), `load`
//! (open-loop phases), `stats` (histograms), `procstat` (/proc readings of the server nodes and
//! Redis), `redis_info` (Redis's own command and CPU counters), `report` (output), `summary` (tables across runs), `scenarios` (the four runs).

mod cli;
mod client;
mod clock;
mod load;
mod procstat;
mod proto;
mod redis_info;
mod report;
mod scenarios;
mod setup;
mod stats;
mod summary;

use clap::{Parser, Subcommand};

use scenarios::{churn, fanout, idle, saturate};

#[derive(Debug, Parser)]
#[command(
    name = "jam-bench",
    version,
    about = "Open-loop Socket.IO load generator"
)]
struct Cli {
    #[command(flatten)]
    common: cli::Common,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// R rooms x P participants sending at a fixed rate: throughput, latency, CPU cost.
    Fanout(fanout::FanoutArgs),
    /// Fan-out with the rate raised until delivery or p99 fails: the highest delivered/s.
    Saturate(saturate::SaturateArgs),
    /// N connections in rooms held open: RSS per connection and connections held.
    Idle(idle::IdleArgs),
    /// connect → create → join → broadcast → leave → close loops: cycles per CPU-second.
    Churn(churn::ChurnArgs),
    /// Medians and markdown tables from a file of RESULT lines (used by bench/run.sh).
    Summarize(summary::SummarizeArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Scenario::Summarize(args) = &cli.scenario {
        return summary::run(args);
    }
    clock::origin();
    procstat::raise_fd_limit();
    // One thread: the generator gets one core (taskset), and the shared stats stay uncontended.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let common = &cli.common;
    runtime.block_on(async {
        match &cli.scenario {
            Scenario::Fanout(a) => fanout::run(common, a).await,
            Scenario::Saturate(a) => saturate::run(common, a).await,
            Scenario::Idle(a) => idle::run(common, a).await,
            Scenario::Churn(a) => churn::run(common, a).await,
            Scenario::Summarize(a) => summary::run(a),
        }
    })?;
    // Connection tasks are still parked; dropping 100k of them one by one is slow and pointless.
    std::process::exit(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_url_and_pid_still_work_and_several_are_repeated_or_comma_separated() {
        let one = Cli::parse_from(["jam-bench", "fanout", "--url", "http://a:1", "--pid", "7"]);
        assert_eq!(one.common.url, ["http://a:1"]);
        assert_eq!(one.common.pid, [7]);
        assert_eq!(one.common.redis_pid, None);
        assert_eq!(one.common.redis_url, None);
        let args = "fanout --url http://a:1,http://b:2 --pid 7 --pid 8 --redis-pid 9";
        let two = Cli::parse_from(std::iter::once("jam-bench").chain(args.split(' ')));
        assert_eq!(two.common.url, ["http://a:1", "http://b:2"]);
        assert_eq!(two.common.pid, [7, 8]);
        assert_eq!(two.common.redis_pid, Some(9));
        assert!(two.common.single_url("idle").is_err());
        let default = Cli::parse_from(["jam-bench", "churn"]);
        assert_eq!(
            default.common.single_url("churn").ok(),
            Some("http://127.0.0.1:3031")
        );
    }
}
