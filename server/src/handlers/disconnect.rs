//! A connection going away. A goodbye (`disconnect()`) gives up its seats at once; a dropped
//! transport holds them for a resume (`user-away`, then `user-left` when the grace ends).

use socketioxide::adapter::Adapter;
use socketioxide::extract::{SocketRef, State};
use socketioxide::socket::DisconnectReason;
use socketioxide::SocketIo;

use super::dispatch;
use crate::sessions::Departure;
use crate::state::SharedState;

pub async fn handle<A: Adapter>(
    socket: SocketRef<A>,
    io: SocketIo<A>,
    reason: DisconnectReason,
    State(state): State<SharedState>,
) {
    state.metrics.connection_closed();
    if reason == DisconnectReason::BufferFull {
        state.metrics.slow_consumer();
        tracing::warn!(sid = %socket.id, "closing a slow consumer: its send buffer is full (--send-buffer); its seats are held for a resume");
    } else {
        tracing::info!(sid = %socket.id, ?reason, "connection closed");
    }
    let how = departure(reason, state.cluster.is_some());
    dispatch::depart_all(&io, &state.sessions, &socket, how).await;
}

/// On a cluster, a node shutting down (a rolling restart) holds its clients' seats: they resume on
/// another node. A single node going down takes its rooms with it, so there is nothing to hold.
fn departure(reason: DisconnectReason, cluster: bool) -> Departure {
    match reason {
        DisconnectReason::ClosingServer if cluster => Departure::Abrupt,
        DisconnectReason::ClientNSDisconnect | DisconnectReason::ClosingServer => {
            Departure::Explicit
        }
        // Transport loss, ping timeout, bad packets, a full send buffer, or a seat taken over by a
        // resume elsewhere.
        _ => Departure::Abrupt,
    }
}
