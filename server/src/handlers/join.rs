//! `session:join {roomCode, user:{name}}` → `session:joined` to the joiner and
//! `session:user-joined` to everyone else in the room.

use socketioxide::extract::{AckSender, SocketRef, State, TryData};

use super::{conn_id, disconnect, reply};
use crate::app::SharedState;
use crate::protocol::{client, server, JoinRequest, SessionJoined, UserJoined, You};

pub async fn handle(
    socket: SocketRef,
    TryData(request): TryData<JoinRequest>,
    ack: AckSender,
    State(state): State<SharedState>,
) {
    let request = match request {
        Ok(request) => request,
        Err(err) => {
            let err = reply::invalid_payload(err);
            return reply::error(&socket, ack, &state, client::SESSION_JOIN, &err);
        }
    };
    let conn = conn_id(&socket);
    let joined = match state
        .sessions
        .join(&conn, &request.room_code, &request.user.name)
    {
        Ok(joined) => joined,
        Err(err) => return reply::error(&socket, ack, &state, client::SESSION_JOIN, &err),
    };
    // The socket may have gone while we were joining; its disconnect handler may already have run,
    // so undo here rather than leave a ghost member behind.
    if !socket.connected() {
        return disconnect::leave_all(&socket, &state).await;
    }
    // Join the transport room first so that nothing sent to the room from now on is missed.
    socket.join(joined.room_code.clone());
    if joined.newly_joined {
        let notice = UserJoined {
            user: joined.you.clone(),
            room_code: joined.room_code.clone(),
        };
        if let Err(err) = socket
            .to(joined.room_code.clone())
            .emit(server::USER_JOINED, &notice)
            .await
        {
            tracing::debug!(%err, "user-joined not fully delivered");
        }
    }
    let payload = SessionJoined {
        room_code: joined.room_code,
        participants: joined.participants,
        you: You { id: joined.you.id },
    };
    reply::event(&socket, ack, server::SESSION_JOINED, &payload);
}
