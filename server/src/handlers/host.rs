//! The host's commands: hand over, settings, transport start/stop, kick. Each is acked with
//! `{roomCode, seq}`; everyone (host included) hears the resulting room events.

use socketioxide::extract::{AckSender, SocketRef, TryData};
use socketioxide::SocketIo;

use super::dispatch;
use super::responder::Responder;
use crate::app::SharedState;
use crate::error::JamError;
use crate::protocol::{
    client, CommandAck, LeaveRequest, ParticipantRequest, TransportStartRequest,
    UpdateSettingsRequest,
};
use crate::sessions::Delivery;
use socketioxide::extract::State;

/// Sends the command's room events and acks with the latest seq.
async fn finish(r: Responder, outcome: Result<Delivery, JamError>) {
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

pub async fn transfer_host(
    socket: SocketRef,
    io: SocketIo,
    TryData(request): TryData<ParticipantRequest>,
    ack: AckSender,
    State(state): State<SharedState>,
) {
    let Some(r) = Responder::admit(socket, io, ack, state, client::TRANSFER_HOST).await else {
        return;
    };
    let Ok((r, req)) = r.decoded(request) else {
        return;
    };
    let outcome = r
        .state
        .sessions
        .transfer_host(&r.conn, &req.room_code, &req.user_id)
        .await;
    finish(r, outcome).await;
}

pub async fn update_settings(
    socket: SocketRef,
    io: SocketIo,
    TryData(request): TryData<UpdateSettingsRequest>,
    ack: AckSender,
    State(state): State<SharedState>,
) {
    let Some(r) = Responder::admit(socket, io, ack, state, client::UPDATE_SETTINGS).await else {
        return;
    };
    let Ok((r, req)) = r.decoded(request) else {
        return;
    };
    let outcome = r
        .state
        .sessions
        .update_settings(&r.conn, &req.room_code, &req.settings)
        .await;
    finish(r, outcome).await;
}

pub async fn transport_start(
    socket: SocketRef,
    io: SocketIo,
    TryData(request): TryData<TransportStartRequest>,
    ack: AckSender,
    State(state): State<SharedState>,
) {
    let Some(r) = Responder::admit(socket, io, ack, state, client::TRANSPORT_START).await else {
        return;
    };
    let Ok((r, req)) = r.decoded(request) else {
        return;
    };
    let sessions = &r.state.sessions;
    let outcome = sessions
        .start_transport(&r.conn, &req.room_code, req.at, req.start_beat)
        .await;
    finish(r, outcome).await;
}

pub async fn transport_stop(
    socket: SocketRef,
    io: SocketIo,
    TryData(request): TryData<LeaveRequest>,
    ack: AckSender,
    State(state): State<SharedState>,
) {
    let Some(r) = Responder::admit(socket, io, ack, state, client::TRANSPORT_STOP).await else {
        return;
    };
    let Ok((r, req)) = r.decoded(request) else {
        return;
    };
    let outcome = r
        .state
        .sessions
        .stop_transport(&r.conn, &req.room_code)
        .await;
    finish(r, outcome).await;
}

pub async fn kick(
    socket: SocketRef,
    io: SocketIo,
    TryData(request): TryData<ParticipantRequest>,
    ack: AckSender,
    State(state): State<SharedState>,
) {
    let Some(r) = Responder::admit(socket, io, ack, state, client::KICK).await else {
        return;
    };
    let Ok((r, req)) = r.decoded(request) else {
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
                dispatch::kicked(&r.io, &target, &delivery.room_code);
            }
            finish(r, Ok(delivery)).await;
        }
        Err(err) => r.fail(err),
    }
}
