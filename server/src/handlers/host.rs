//! The host's commands: hand over, settings, transport start/stop, recording start/stop, kick. Each is acked with
//! `{roomCode, seq}`; everyone (host included) hears the resulting room events.

use socketioxide::adapter::Adapter;

use super::dispatch;
use super::payload::Payload;
use super::responder::{Ctx, Responder};
use crate::error::JamError;
use crate::protocol::{
    client, CommandAck, LeaveRequest, ParticipantRequest, SetRoleRequest, TransportStartRequest,
    UpdateSettingsRequest,
};
use crate::sessions::Delivery;

/// Sends the command's room events and acks with the latest seq.
pub(super) async fn finish<A: Adapter>(r: Responder<A>, outcome: Result<Delivery, JamError>) {
    match outcome {
        Ok(delivery) => {
            let ack = CommandAck {
                room_code: delivery.room_code.clone(),
                seq: delivery.latest_seq(),
            };
            dispatch::deliver(&r.io, Some(&r.socket), delivery).await;
            r.ack(&ack);
        }
        Err(err) => r.fail(err),
    }
}

pub async fn transfer_host<A: Adapter>(ctx: Ctx<A>, Payload(request): Payload<ParticipantRequest>) {
    let Some((r, req)) = Responder::accept(ctx, client::TRANSFER_HOST, request).await else {
        return;
    };
    let outcome = r
        .state
        .sessions
        .transfer_host(&r.conn, &req.room_code, &req.user_id)
        .await;
    finish(r, outcome).await;
}

pub async fn set_role<A: Adapter>(ctx: Ctx<A>, Payload(request): Payload<SetRoleRequest>) {
    let Some((r, req)) = Responder::accept(ctx, client::SET_ROLE, request).await else {
        return;
    };
    let outcome = r
        .state
        .sessions
        .set_role(&r.conn, &req.room_code, &req.user_id, req.role)
        .await;
    finish(r, outcome).await;
}

pub async fn update_settings<A: Adapter>(
    ctx: Ctx<A>,
    Payload(request): Payload<UpdateSettingsRequest>,
) {
    let Some((r, req)) = Responder::accept(ctx, client::UPDATE_SETTINGS, request).await else {
        return;
    };
    let outcome = r
        .state
        .sessions
        .update_settings(&r.conn, &req.room_code, &req.settings)
        .await;
    finish(r, outcome).await;
}

pub async fn transport_start<A: Adapter>(
    ctx: Ctx<A>,
    Payload(request): Payload<TransportStartRequest>,
) {
    let Some((r, req)) = Responder::accept(ctx, client::TRANSPORT_START, request).await else {
        return;
    };
    let sessions = &r.state.sessions;
    let outcome = sessions
        .start_transport(&r.conn, &req.room_code, req.at, req.start_beat)
        .await;
    finish(r, outcome).await;
}

pub async fn transport_stop<A: Adapter>(ctx: Ctx<A>, Payload(request): Payload<LeaveRequest>) {
    let Some((r, req)) = Responder::accept(ctx, client::TRANSPORT_STOP, request).await else {
        return;
    };
    let outcome = r
        .state
        .sessions
        .stop_transport(&r.conn, &req.room_code)
        .await;
    finish(r, outcome).await;
}

pub async fn kick<A: Adapter>(ctx: Ctx<A>, Payload(request): Payload<ParticipantRequest>) {
    let Some((r, req)) = Responder::accept(ctx, client::KICK, request).await else {
        return;
    };
    match r
        .state
        .sessions
        .kick(&r.conn, &req.room_code, &req.user_id)
        .await
    {
        Ok((target, delivery)) => {
            if let Some(target) = target {
                dispatch::kicked(&r.io, &target, &delivery.room_code).await;
            }
            finish(r, Ok(delivery)).await;
        }
        Err(err) => r.fail(err),
    }
}

pub async fn recording_start<A: Adapter>(ctx: Ctx<A>, Payload(request): Payload<LeaveRequest>) {
    let Some((r, req)) = Responder::accept(ctx, client::RECORDING_START, request).await else {
        return;
    };
    let outcome = r
        .state
        .sessions
        .start_recording(&r.conn, &req.room_code)
        .await;
    finish(r, outcome).await;
}

pub async fn recording_stop<A: Adapter>(ctx: Ctx<A>, Payload(request): Payload<LeaveRequest>) {
    let Some((r, req)) = Responder::accept(ctx, client::RECORDING_STOP, request).await else {
        return;
    };
    let outcome = r
        .state
        .sessions
        .stop_recording(&r.conn, &req.room_code)
        .await;
    finish(r, outcome).await;
}
