//! Idle: N connections in rooms of 10 held open (pings answered) for a while. Measures the
//! server's RSS per connection and how many connections it held.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use serde::Serialize;

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

/// What one idle run found.
#[derive(Debug, Serialize)]
struct IdleReport {
    connections: usize,
    room_size: usize,
    opened: u64,
    /// Connections still open at the end of the hold.
    held: u64,
    failed_rooms: usize,
    skipped_rooms: usize,
    first_error: Option<String>,
    setup_s: f64,
    pings_answered: u64,
    rss_base_bytes: u64,
    rss_after_setup_bytes: u64,
    rss_end_bytes: u64,
    /// (RSS at the end − RSS before any connection) / held.
    rss_per_conn_bytes: f64,
    gen_fd_limit: u64,
    server_fd_limit: u64,
    #[serde(flatten)]
    usage: Usage,
}

pub async fn run(common: &Common, args: &IdleArgs) -> anyhow::Result<()> {
    let target = Target::parse(common.single_url("idle")?)?;
    let label = format!("idle[{}]", common.label);
    let (pid, procs) = (common.first_pid(), common.procs());
    let gen_fd_limit = fd_limit(std::process::id()).unwrap_or(0);
    let server_fd_limit = fd_limit(pid).unwrap_or(0);
    if args.connections as u64 + 64 > gen_fd_limit.min(server_fd_limit) {
        println!(
            "{label}: note: open-file limits (generator {gen_fd_limit}, server {server_fd_limit}) cap the connections below {}",
            args.connections
        );
    }
    let rss_base_bytes = rss_bytes(pid)?;
    let t0 = Instant::now();
    let built = build_rooms(
        std::slice::from_ref(&target),
        &sizes(args.connections, args.room_size),
        common.setup_concurrency,
    )
    .await;
    let setup_s = t0.elapsed().as_secs_f64();
    let opened = built.connections() as u64;
    println!(
        "{label}: {opened} of {} connections joined in {setup_s:.1} s ({} rooms failed, {} skipped{})",
        args.connections,
        built.failed_rooms,
        built.skipped_rooms,
        built.first_error.as_deref().map(|e| format!("; first error: {e}")).unwrap_or_default(),
    );
    let alive = Arc::new(AtomicU64::new(opened));
    let pongs = Arc::new(AtomicU64::new(0));
    for conn in built.rooms.into_iter().flat_map(|r| r.conns) {
        tokio::spawn(hold(conn, alive.clone(), pongs.clone()));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after_setup_bytes = rss_bytes(pid)?;
    let a = Snapshot::take(&procs);
    tokio::time::sleep(args.hold).await;
    let b = Snapshot::take(&procs);
    let rss_end_bytes = rss_bytes(pid)?;
    let held = alive.load(Relaxed);
    let rep = IdleReport {
        connections: args.connections,
        room_size: args.room_size,
        opened,
        held,
        failed_rooms: built.failed_rooms,
        skipped_rooms: built.skipped_rooms,
        first_error: built.first_error,
        setup_s,
        pings_answered: pongs.load(Relaxed),
        rss_base_bytes,
        rss_after_setup_bytes,
        rss_end_bytes,
        rss_per_conn_bytes: ratio(
            rss_end_bytes.saturating_sub(rss_base_bytes) as f64,
            held as f64,
        ),
        gen_fd_limit,
        server_fd_limit,
        usage: Usage::between(&a, &b),
    };
    print(&label, &rep);
    report::emit("idle", &common.label, serde_json::to_value(&rep)?);
    Ok(())
}

fn print(label: &str, rep: &IdleReport) {
    let u = &rep.usage;
    println!(
        "{label}: held {} for {:.0} s ({} pings answered); server RSS {:.1} MiB -> {:.1} MiB = {:.0} bytes/connection",
        rep.held, u.wall_s, rep.pings_answered, mib(rep.rss_base_bytes), mib(rep.rss_end_bytes), rep.rss_per_conn_bytes,
    );
    println!(
        "{label}:   server CPU {:.2}% while idle; steal {:.2}%, other processes {:.0}% CPU",
        100.0 * u.server_cpu_util,
        u.steal_pct,
        100.0 * u.others_cpu_util,
    );
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
