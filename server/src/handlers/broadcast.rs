//! `event:broadcast {roomCode, eventName, data}` → the same event, with the server's `senderId`,
//! `seq` and `serverTime`, to every other member of the room. The hot path.

use socketioxide::extract::{AckSender, SocketRef, TryData};
use socketioxide::SocketIo;

use super::dispatch;
use super::responder::Responder;
use crate::app::SharedState;
use crate::protocol::{client, BroadcastAck, BroadcastRequest};
use socketioxide::extract::State;

pub async fn handle(
    socket: SocketRef,
    io: SocketIo,
    TryData(request): TryData<BroadcastRequest>,
    ack: AckSender,
    State(state): State<SharedState>,
) {
    let Some(r) = Responder::admit(socket, io, ack, state, client::EVENT_BROADCAST).await else {
        return;
    };
    let Ok((r, request)) = r.decoded(request) else {
        return;
    };
    let relayed = match r.state.sessions.broadcast(&r.conn, request).await {
        Ok(relayed) => relayed,
        Err(err) => return r.fail(err),
    };
    let room_code = relayed.delivery.room_code.clone();
    dispatch::deliver(&r.io, Some(&r.socket), relayed.delivery).await;
    r.state.metrics.event_relayed(relayed.recipients);
    let recipients = u32::try_from(relayed.recipients).unwrap_or(u32::MAX);
    r.ack(&BroadcastAck {
        room_code,
        recipients,
        seq: relayed.seq,
    });
}
