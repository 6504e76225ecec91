//! A connection going away, for any reason: it leaves every room and the others hear `user-left`.

use socketioxide::extract::{SocketRef, State};
use socketioxide::socket::DisconnectReason;

use super::conn_id;
use crate::app::{AppState, SharedState};
use crate::protocol::{server, UserLeft};
use crate::sessions::Left;

pub async fn handle(socket: SocketRef, reason: DisconnectReason, State(state): State<SharedState>) {
    state.metrics.connection_closed();
    tracing::info!(sid = %socket.id, ?reason, "connection closed");
    leave_all(&socket, &state).await;
}

/// Removes the connection from all its rooms and tells each room.
pub async fn leave_all(socket: &SocketRef, state: &AppState) {
    for left in state.sessions.disconnect(&conn_id(socket)) {
        announce_left(socket, left).await;
    }
}

/// Sends `session:user-left` to the room's other members.
pub async fn announce_left(socket: &SocketRef, left: Left) {
    let notice = UserLeft {
        user_id: left.user_id,
        room_code: left.room_code,
    };
    if let Err(err) = socket
        .to(notice.room_code.clone())
        .emit(server::USER_LEFT, &notice)
        .await
    {
        tracing::debug!(%err, "user-left not fully delivered");
    }
}
