//! `event:broadcast {roomCode, eventName, data}` → the same event, with the server's `senderId`,
//! `seq` and `serverTime`, to every other member of the room. The hot path.

use socketioxide::adapter::Adapter;

use super::dispatch;
use super::payload::Payload;
use super::responder::{Ctx, Responder};
use crate::protocol::{client, BroadcastAck, BroadcastRequest};

pub async fn handle<A: Adapter>(ctx: Ctx<A>, Payload(request): Payload<BroadcastRequest>) {
    let Some((r, request)) = Responder::accept(ctx, client::EVENT_BROADCAST, request).await else {
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
