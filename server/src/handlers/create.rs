//! `session:create` → `session:created {roomCode}`. The creator joins separately, as in the seed.

use socketioxide::extract::{AckSender, SocketRef, State};

use super::reply;
use crate::app::SharedState;
use crate::protocol::{client, server, SessionCreated};

pub async fn handle(socket: SocketRef, ack: AckSender, State(state): State<SharedState>) {
    match state.sessions.create_room() {
        Ok(room_code) => {
            tracing::info!(room = %room_code, sid = %socket.id, "room created");
            let payload = SessionCreated { room_code };
            reply::event(&socket, ack, server::SESSION_CREATED, &payload);
        }
        Err(err) => reply::error(&socket, ack, &state, client::SESSION_CREATE, &err),
    }
}
