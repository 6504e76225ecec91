//! Work on a timer: resume graces that ran out, members of dead nodes, empty rooms past their TTL,
//! and latency reports. On a cluster one node at a time holds the lease to do it, so every
//! `user-left` and `user-away` is decided (and sent) once.

use std::time::Duration;

use tokio::time::Instant;

use socketioxide::adapter::Adapter;
use socketioxide::SocketIo;

use crate::app::SharedState;
use crate::handlers;
use crate::protocol::server;
use crate::sessions::store::SessionStore;
use crate::sessions::Sweep;

/// How often rooms hear their members' latencies (when they changed).
const LATENCY_REPORT_PERIOD: Duration = Duration::from_secs(2);

/// True when this node runs the timers now: always alone, on a cluster while it holds the lease
/// `name` (it is taken over by another node when this one stops renewing it).
async fn runs_timers(state: &SharedState, name: &str, period: Duration) -> bool {
    match state.sessions.store() {
        SessionStore::Memory(_) => true,
        SessionStore::Redis(store) => {
            let ttl = (period * 3).max(Duration::from_secs(1));
            store.hold_lease(name, state.sessions.node_id(), ttl).await
        }
    }
}

/// Ends expired resume graces and deletes rooms that stayed empty past the TTL, a few times per
/// grace period or TTL, whichever is shorter.
///
/// A node whose heartbeat is missing counts as dead only once this node has reached Redis without a
/// failure for a whole `node_ttl`: right after an outage, the other nodes have not yet had the chance
/// to renew their heartbeats, and their members are still connected.
pub async fn sweep<A: Adapter>(state: SharedState, io: SocketIo<A>, node_ttl: Duration) {
    let limits = state.sessions.limits();
    let shortest = limits.empty_room_ttl.min(limits.resume_grace);
    let period = (shortest / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut reachable_since = Instant::now();
    loop {
        interval.tick().await;
        state.sessions.prune_counters();
        if !state.sessions.refresh_counts().await {
            reachable_since = Instant::now();
            continue;
        }
        if !runs_timers(&state, "sweeper", period).await {
            continue;
        }
        let judge_nodes = reachable_since.elapsed() >= node_ttl;
        let Ok((codes, mut nodes)) = state.sessions.rooms_to_sweep(judge_nodes).await else {
            reachable_since = Instant::now();
            continue;
        };
        for code in codes {
            match state.sessions.sweep_room(&code, &mut nodes).await {
                Sweep::Nothing => {}
                Sweep::Deleted => tracing::info!(room = %code, "room deleted (empty past its TTL)"),
                Sweep::Expired(delivery) => handlers::dispatch::deliver(&io, None, *delivery).await,
            }
        }
        state.sessions.finish_sweep(nodes).await;
    }
}

/// Every 2 s, each room whose members' round trips changed hears the new figures.
pub async fn report_latency<A: Adapter>(state: SharedState, io: SocketIo<A>) {
    let mut interval = tokio::time::interval(LATENCY_REPORT_PERIOD);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if !runs_timers(&state, "latency", LATENCY_REPORT_PERIOD).await {
            continue;
        }
        for report in state.sessions.latency_reports().await {
            let room = report.room_code.clone();
            let Some(root) = handlers::dispatch::root(&io) else {
                return;
            };
            if let Err(err) = root.to(room).emit(server::LATENCY, &report).await {
                tracing::debug!(%err, "latency report not fully delivered");
            }
        }
    }
}
