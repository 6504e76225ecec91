//! Fan-out: R rooms × P participants, each sending at r events/s; every event reaches the P − 1
//! others. Measures delivered/s, delivery ratio, latency and deliveries per server CPU-second.

use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Args;
use serde_json::json;

use crate::cli::{parse_duration, Common};
use crate::client::Target;
use crate::load::Load;
use crate::report::{self, PhaseReport};
use crate::setup::{build_rooms, Built};

#[derive(Debug, Clone, Args)]
pub struct FanoutArgs {
    /// Rooms.
    #[arg(long, default_value_t = 100)]
    pub rooms: usize,
    /// Participants per room (all of them send).
    #[arg(long, default_value_t = 5)]
    pub per_room: usize,
    /// Events per second each participant sends.
    #[arg(long, default_value_t = 20.0)]
    pub rate: f64,
    /// Load before the measured window.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    pub warmup: Duration,
    /// The measured window.
    #[arg(long, default_value = "15s", value_parser = parse_duration)]
    pub duration: Duration,
    /// How long to wait after the window for deliveries still in flight.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    pub drain: Duration,
    /// Scenario name in the RESULT line (bench/run.sh's `cluster` runs are fan-out runs).
    #[arg(long, default_value = "fanout")]
    pub scenario_name: String,
}

/// Connects `rooms × per_room` clients in full rooms, failing if any room could not be built.
/// With several `--url`s, each room's members are spread over the nodes in turn.
pub async fn setup(common: &Common, rooms: usize, per_room: usize) -> anyhow::Result<Load> {
    let targets = (common.url.iter().map(|u| Target::parse(u))).collect::<Result<Vec<_>, _>>()?;
    let t0 = Instant::now();
    let sizes = vec![per_room; rooms];
    let built: Built = build_rooms(&targets, &sizes, common.setup_concurrency).await;
    if built.failed_rooms > 0 || built.skipped_rooms > 0 {
        bail!(
            "{} of {rooms} rooms failed to set up: {}",
            built.failed_rooms + built.skipped_rooms,
            built.first_error.unwrap_or_default()
        );
    }
    let connections = built.connections();
    let load = Load::start(built.rooms, per_room, targets.len());
    println!(
        "setup: {rooms} rooms x {per_room} = {connections} connections joined in {:.1} s, over {} node(s)",
        t0.elapsed().as_secs_f64(),
        targets.len(),
    );
    if targets.len() > 1 {
        println!(
            "setup: {} joins answered moved and followed; connections per node {:?}",
            load.moved_joins, load.per_node
        );
    }
    Ok(load)
}

pub async fn run(common: &Common, args: &FanoutArgs) -> anyhow::Result<()> {
    let load = setup(common, args.rooms, args.per_room).await?;
    let run = load
        .run_phase(
            &common.procs(),
            args.rate,
            args.warmup,
            args.duration,
            args.drain,
        )
        .await;
    let rep = PhaseReport::new(&run, args.rate, load.connections);
    rep.print(&format!("{}[{}]", args.scenario_name, common.label));
    let extra = json!({
        "rooms": args.rooms,
        "per_room": args.per_room,
        "warmup_s": args.warmup.as_secs_f64(),
        "duration_s": args.duration.as_secs_f64(),
        "moved_joins": load.moved_joins,
        "connections_each": load.per_node,
    });
    report::emit(
        &args.scenario_name,
        &common.label,
        super::merge(&rep, extra),
    );
    Ok(())
}
