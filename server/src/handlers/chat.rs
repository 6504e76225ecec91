//! A member's own words and looks: `chat:send {roomCode, text}` → `chat:message` to everyone in the
//! room, the sender included; `session:update-profile {roomCode, instrument}` →
//! `session:user-updated`. Both acked with `{roomCode, seq}`.

use socketioxide::adapter::Adapter;

use super::host::finish;
use super::payload::Payload;
use super::responder::{Ctx, Responder};
use crate::protocol::{client, ChatSendRequest, UpdateProfileRequest};

pub async fn send<A: Adapter>(ctx: Ctx<A>, Payload(request): Payload<ChatSendRequest>) {
    let Some((r, req)) = Responder::accept(ctx, client::CHAT_SEND, request).await else {
        return;
    };
    let outcome = r
        .state
        .sessions
        .chat(&r.conn, &req.room_code, &req.text)
        .await;
    finish(r, outcome).await;
}

pub async fn update_profile<A: Adapter>(
    ctx: Ctx<A>,
    Payload(request): Payload<UpdateProfileRequest>,
) {
    let Some((r, req)) = Responder::accept(ctx, client::UPDATE_PROFILE, request).await else {
        return;
    };
    let outcome = r
        .state
        .sessions
        .update_profile(&r.conn, &req.room_code, req.instrument)
        .await;
    finish(r, outcome).await;
}
