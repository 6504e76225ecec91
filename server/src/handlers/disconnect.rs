//! A connection going away. A goodbye (`disconnect()`) gives up its seats at once; a dropped
//! transport holds them for a resume (`user-away`, then `user-left` when the grace ends).

use socketioxide::extract::{SocketRef, State};
use socketioxide::socket::DisconnectReason;
use socketioxide::SocketIo;

use super::{conn_id, dispatch};
use crate::app::SharedState;
use crate::sessions::Departure;

pub async fn handle(
    socket: SocketRef,
    io: SocketIo,
    reason: DisconnectReason,
    State(state): State<SharedState>,
) {
    state.metrics.connection_closed();
    tracing::info!(sid = %socket.id, ?reason, "connection closed");
    let how = departure(reason);
    let conn = conn_id(&socket);
    for code in state.sessions.close_connection(&conn) {
        if let Some(delivery) = state.sessions.depart(&conn, &code, how).await {
            dispatch::deliver(&io, Some(&socket), delivery).await;
        }
    }
}

fn departure(reason: DisconnectReason) -> Departure {
    match reason {
        DisconnectReason::ClientNSDisconnect | DisconnectReason::ClosingServer => {
            Departure::Explicit
        }
        // Transport loss, ping timeout, bad packets, or a seat taken over by a resume elsewhere.
        _ => Departure::Abrupt,
    }
}
