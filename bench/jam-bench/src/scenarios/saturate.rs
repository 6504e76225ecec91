//! Saturation: the fan-out load with the per-connection rate raised step by step until delivery
//! falls below the target ratio or p99 exceeds its limit; reports the highest delivered/s sustained.

use std::time::Duration;

use clap::Args;
use serde_json::json;

use crate::cli::{parse_duration, Common};
use crate::load::Load;
use crate::procstat::{wait_quiet, Procs};
use crate::report::{self, PhaseReport};

#[derive(Debug, Clone, Args)]
pub struct SaturateArgs {
    #[arg(long, default_value_t = 100)]
    pub rooms: usize,
    #[arg(long, default_value_t = 5)]
    pub per_room: usize,
    /// First rate (events/s per participant).
    #[arg(long, default_value_t = 20.0)]
    pub start_rate: f64,
    /// Each step multiplies the rate by this.
    #[arg(long, default_value_t = 1.4)]
    pub step_factor: f64,
    /// Stop raising past this rate.
    #[arg(long, default_value_t = 4000.0)]
    pub max_rate: f64,
    /// A step passes while at least this share of deliveries arrives …
    #[arg(long, default_value_t = 0.999)]
    pub min_delivery: f64,
    /// … and p99 latency stays at or below this (ms).
    #[arg(long, default_value_t = 50.0)]
    pub max_p99_ms: f64,
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    pub warmup: Duration,
    /// Measured window of each step.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub step: Duration,
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub drain: Duration,
    /// Times a failing step is run again before the search stops.
    #[arg(long, default_value_t = 1)]
    pub retries: u32,
    /// Before each step, wait until other processes use fewer cores than this …
    #[arg(long, default_value_t = 0.3)]
    pub quiet_cores: f64,
    /// … but no longer than this.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub quiet_wait: Duration,
}

async fn step(
    load: &Load,
    procs: &Procs,
    rate: f64,
    args: &SaturateArgs,
    label: &str,
) -> PhaseReport {
    let others = wait_quiet(procs, args.quiet_cores, args.quiet_wait).await;
    if others >= args.quiet_cores {
        println!("{label}:   other processes still use {others:.2} cores; measuring anyway");
    }
    let run = load
        .run_phase(procs, rate, args.warmup, args.step, args.drain)
        .await;
    let rep = PhaseReport::new(&run, rate, load.connections);
    rep.print(label);
    rep
}

/// Why a step fails, if it does.
fn verdict(rep: &PhaseReport, args: &SaturateArgs) -> Option<&'static str> {
    if rep.delivery_ratio < args.min_delivery {
        Some("delivery")
    } else if rep.latency.p99_ms > args.max_p99_ms {
        Some("p99")
    } else {
        None
    }
}

pub async fn run(common: &Common, args: &SaturateArgs) -> anyhow::Result<()> {
    let load = super::fanout::setup(common, args.rooms, args.per_room).await?;
    let label = format!("saturate[{}]", common.label);
    let procs = common.procs();
    let mut best: Option<PhaseReport> = None;
    let mut steps = Vec::new();
    let mut stop = "max_rate";
    let mut rate = args.start_rate;
    while rate <= args.max_rate {
        let mut rep = step(&load, &procs, rate, args, &label).await;
        let mut failure = verdict(&rep, args);
        // One noisy step (a neighbour's burst on a shared host) should not end the search.
        for _ in 0..args.retries {
            let Some(why) = failure else { break };
            println!("{label}:   failed by {why}; trying the same rate again");
            rep = step(&load, &procs, rate, args, &label).await;
            failure = verdict(&rep, args);
        }
        steps.push(rep.clone());
        if let Some(why) = failure {
            stop = why;
            break;
        }
        if best
            .as_ref()
            .is_none_or(|b| rep.delivered_per_s > b.delivered_per_s)
        {
            best = Some(rep);
        }
        rate *= args.step_factor;
    }
    let (best_rate, best_dps) = best
        .as_ref()
        .map_or((0.0, 0.0), |b| (b.rate, b.delivered_per_s));
    // When the generator's core was busy at the last step, the limit found may be ours.
    let generator_limited = steps.last().is_some_and(|s| s.gen_cpu_util > 0.9);
    println!(
        "{label}: best {best_dps:.0} deliveries/s at {best_rate:.1} events/s per participant; stopped by {stop}{}",
        if generator_limited { " (generator near 100% CPU)" } else { "" }
    );
    let metrics = json!({
        "rooms": args.rooms,
        "per_room": args.per_room,
        "moved_joins": load.moved_joins,
        "connections_each": load.per_node,
        "best_delivered_per_s": best_dps,
        "best_rate": best_rate,
        "best": best,
        "stopped_by": stop,
        "generator_limited": generator_limited,
        "steal_pct": steps.iter().map(|s| s.steal_pct).fold(0.0, f64::max),
        "others_cpu_util": steps.iter().map(|s| s.others_cpu_util).fold(0.0, f64::max),
        "steps": steps,
    });
    report::emit("saturate", &common.label, metrics);
    Ok(())
}
