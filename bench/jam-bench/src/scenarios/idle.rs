//! Idle: N connections in rooms of 10 held open (pings answered) for a while. Measures the
//! server's RSS per connection and how many connections it held.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::json;

use crate::cli::{parse_duration, Common};
use crate::client::{Conn, Target};
use crate::procstat::{fd_limit, rss_bytes, Snapshot, Usage};
use crate::proto;
use crate::report::{self, mib, ratio};
use crate::setup::{build_rooms, sizes};

#[derive(Debug, Clone, Args)]
pub struct IdleArgs {
    /// Connections to open.
    #[arg(long, default_value_t = 10_000)]
    pub connections: usize,
    /// Members per room.
    #[arg(long, default_value_t = 10)]
    pub room_size: usize,
    /// How long to hold them once all are joined.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    pub hold: Duration,
}

pub async fn run(common: &Common, args: &IdleArgs) -> anyhow::Result<()> {
    let target = Target::parse(&common.url)?;
    let label = format!("idle[{}]", common.label);
    let gen_fds = fd_limit(std::process::id()).unwrap_or(0);
    let server_fds = fd_limit(common.pid).unwrap_or(0);
    if args.connections as u64 + 64 > gen_fds.min(server_fds) {
        println!("{label}: note: open-file limits (generator {gen_fds}, server {server_fds}) cap the connections below {}", args.connections);
    }
    let base_rss = rss_bytes(common.pid)?;
    let t0 = Instant::now();
    let plan = sizes(args.connections, args.room_size);
    let built = build_rooms(&target, &plan, common.setup_concurrency).await;
    let opened = built.connections() as u64;
    let setup_s = t0.elapsed().as_secs_f64();
    println!(
        "{label}: {opened} of {} connections joined in {setup_s:.1} s ({} rooms failed, {} skipped{})",
        args.connections,
        built.failed_rooms,
        built.skipped_rooms,
        built
            .first_error
            .as_deref()
            .map(|e| format!("; first error: {e}"))
            .unwrap_or_default(),
    );
    let alive = Arc::new(AtomicU64::new(opened));
    let pongs = Arc::new(AtomicU64::new(0));
    for room in built.rooms {
        for conn in room.conns {
            tokio::spawn(hold(conn, alive.clone(), pongs.clone()));
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_setup = rss_bytes(common.pid)?;
    let a = Snapshot::take(common.pid);
    tokio::time::sleep(args.hold).await;
    let b = Snapshot::take(common.pid);
    let rss_end = rss_bytes(common.pid)?;
    let held = alive.load(Relaxed);
    let per_conn = ratio(rss_end.saturating_sub(base_rss) as f64, held as f64);
    let usage = Usage::between(&a, &b);
    println!(
        "{label}: held {held} for {:.0} s ({} pings answered); server RSS {:.1} MiB -> {:.1} MiB = {per_conn:.0} bytes/connection; server CPU {:.2}% while idle; steal {:.2}%",
        usage.wall_s,
        pongs.load(Relaxed),
        mib(base_rss),
        mib(rss_end),
        100.0 * usage.server_cpu_util,
        usage.steal_pct,
    );
    let metrics = json!({
        "connections": args.connections,
        "room_size": args.room_size,
        "opened": opened,
        "held": held,
        "failed_rooms": built.failed_rooms,
        "skipped_rooms": built.skipped_rooms,
        "first_error": built.first_error,
        "setup_s": setup_s,
        "hold_s": usage.wall_s,
        "pings_answered": pongs.load(Relaxed),
        "rss_base_bytes": base_rss,
        "rss_after_setup_bytes": rss_setup,
        "rss_end_bytes": rss_end,
        "rss_per_conn_bytes": per_conn,
        "server_cpu_util": usage.server_cpu_util,
        "gen_fd_limit": gen_fds,
        "server_fd_limit": server_fds,
        "steal_pct": usage.steal_pct,
        "others_cpu_util": usage.others_cpu_util,
    });
    report::emit("idle", &common.label, metrics);
    Ok(())
}

/// Keeps one connection open, answering Engine.IO pings, until the server drops it.
async fn hold(mut conn: Conn, alive: Arc<AtomicU64>, pongs: Arc<AtomicU64>) {
    loop {
        match conn.next_text().await {
            Ok(msg) if msg == proto::PING => {
                if conn.send(proto::PONG).await.is_err() {
                    break;
                }
                pongs.fetch_add(1, Relaxed);
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    alive.fetch_sub(1, Relaxed);
}
