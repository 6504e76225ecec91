//! `event:broadcast {roomCode, eventName, data}` → the same event, with the server's `senderId`, to
//! every other member of the room. The hot path: one decode, one membership check, one emit.

use socketioxide::extract::{AckSender, SocketRef, State, TryData};

use super::{conn_id, reply};
use crate::app::SharedState;
use crate::protocol::{client, server, BroadcastAck, BroadcastEvent, BroadcastRequest};

pub async fn handle(
    socket: SocketRef,
    TryData(request): TryData<BroadcastRequest>,
    ack: AckSender,
    State(state): State<SharedState>,
) {
    let request = match request {
        Ok(request) => request,
        Err(err) => {
            let err = reply::invalid_payload(err);
            return reply::error(&socket, ack, &state, client::EVENT_BROADCAST, &err);
        }
    };
    let size = request.data.encoded_len();
    let relay = match state.sessions.authorize_broadcast(
        &conn_id(&socket),
        &request.room_code,
        &request.event_name,
        size,
    ) {
        Ok(relay) => relay,
        Err(err) => return reply::error(&socket, ack, &state, client::EVENT_BROADCAST, &err),
    };
    let event = BroadcastEvent {
        event_name: request.event_name,
        data: request.data,
        sender_id: relay.sender_id,
        room_code: relay.room_code,
    };
    if let Err(err) = socket
        .to(event.room_code.clone())
        .emit(server::EVENT_BROADCAST, &event)
        .await
    {
        tracing::debug!(%err, "broadcast not fully delivered");
    }
    state.metrics.event_relayed(relay.recipients);
    let recipients = u32::try_from(relay.recipients).unwrap_or(u32::MAX);
    reply::ack_only(
        ack,
        &BroadcastAck {
            room_code: event.room_code,
            recipients,
        },
    );
}
