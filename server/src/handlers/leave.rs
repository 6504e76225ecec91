//! `session:leave {roomCode}` → `session:user-left` to the others; acked with `{roomCode}`.

use socketioxide::extract::{AckSender, SocketRef, State, TryData};

use super::{conn_id, disconnect, reply};
use crate::app::SharedState;
use crate::protocol::{client, LeaveAck, LeaveRequest};

pub async fn handle(
    socket: SocketRef,
    TryData(request): TryData<LeaveRequest>,
    ack: AckSender,
    State(state): State<SharedState>,
) {
    let request = match request {
        Ok(request) => request,
        Err(err) => {
            let err = reply::invalid_payload(err);
            return reply::error(&socket, ack, &state, client::SESSION_LEAVE, &err);
        }
    };
    match state.sessions.leave(&conn_id(&socket), &request.room_code) {
        Ok(left) => {
            socket.leave(left.room_code.clone());
            let room_code = left.room_code.clone();
            disconnect::announce_left(&socket, left).await;
            reply::ack_only(ack, &LeaveAck { room_code });
        }
        Err(err) => reply::error(&socket, ack, &state, client::SESSION_LEAVE, &err),
    }
}
