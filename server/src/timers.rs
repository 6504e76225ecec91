//! Work on a timer, each node on its own rooms: resume graces that ran out, empty rooms past their
//! TTL, and latency reports. What they send goes through `handlers::dispatch`, like every handler's.

use std::time::Duration;

use socketioxide::adapter::Adapter;
use socketioxide::SocketIo;

use crate::handlers;
use crate::sessions::Sweep;
use crate::state::SharedState;

/// How often rooms hear their members' latencies (when they changed).
const LATENCY_REPORT_PERIOD: Duration = Duration::from_secs(2);

/// Ends expired resume graces and deletes rooms that stayed empty past the TTL, a few times per
/// grace period or TTL, whichever is shorter.
pub async fn sweep<A: Adapter>(state: SharedState, io: SocketIo<A>) {
    let limits = state.sessions.limits();
    let shortest = limits.empty_room_ttl.min(limits.resume_grace);
    let period = (shortest / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        state.sessions.prune_counters();
        for code in state.sessions.rooms_to_sweep() {
            match state.sessions.sweep_room(&code).await {
                Sweep::Nothing => {}
                Sweep::Deleted => tracing::info!(room = %code, "room deleted (empty past its TTL)"),
                Sweep::Expired(delivery) => handlers::dispatch::deliver(&io, None, *delivery).await,
            }
        }
    }
}

/// Every 2 s, each room whose members' round trips changed hears the new figures.
pub async fn report_latency<A: Adapter>(state: SharedState, io: SocketIo<A>) {
    let mut interval = tokio::time::interval(LATENCY_REPORT_PERIOD);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        for report in state.sessions.latency_reports().await {
            handlers::dispatch::latency(&io, &report).await;
        }
    }
}
