//! The host's commands: one table of event → payload → [`HostCommand`], one handler for all of
//! them. Each is acked with `{roomCode, seq}`; everyone (host included) hears the resulting room
//! events, and a kicked participant is told. A new command is a row here (its wire type and event
//! name in protocol/), a variant and its rule in sessions/room/command.rs.

use serde::de::DeserializeOwned;
use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;

use super::dispatch;
use super::payload::Payload;
use super::responder::{Ctx, Responder};
use crate::error::JamError;
use crate::protocol::{
    client, CommandAck, LeaveRequest, ParticipantRequest, SetRoleRequest, TransportStartRequest,
    UpdateSettingsRequest,
};
use crate::sessions::{Delivery, HostCommand};

/// A host command's wire form read as the room it names and the command.
type Reading<R> = fn(R) -> (String, HostCommand);

/// Registers every host command's event on `socket`.
pub(super) fn register<A: Adapter>(socket: &SocketRef<A>) {
    on::<A, ParticipantRequest>(socket, client::TRANSFER_HOST, |r| {
        let user_id = r.user_id;
        (r.room_code, HostCommand::TransferHost { user_id })
    });
    on::<A, SetRoleRequest>(socket, client::SET_ROLE, |r| {
        let (user_id, role) = (r.user_id, r.role);
        (r.room_code, HostCommand::SetRole { user_id, role })
    });
    on::<A, UpdateSettingsRequest>(socket, client::UPDATE_SETTINGS, |r| {
        (r.room_code, HostCommand::UpdateSettings(r.settings))
    });
    on::<A, TransportStartRequest>(socket, client::TRANSPORT_START, |r| {
        let (at, start_beat) = (r.at, r.start_beat);
        (r.room_code, HostCommand::StartTransport { at, start_beat })
    });
    on::<A, LeaveRequest>(socket, client::TRANSPORT_STOP, |r| {
        (r.room_code, HostCommand::StopTransport)
    });
    on::<A, LeaveRequest>(socket, client::RECORDING_START, |r| {
        (r.room_code, HostCommand::StartRecording)
    });
    on::<A, LeaveRequest>(socket, client::RECORDING_STOP, |r| {
        (r.room_code, HostCommand::StopRecording)
    });
    on::<A, ParticipantRequest>(socket, client::KICK, |r| {
        let user_id = r.user_id;
        (r.room_code, HostCommand::Kick { user_id })
    });
}

fn on<A: Adapter, R: DeserializeOwned + Send + Sync + 'static>(
    socket: &SocketRef<A>,
    event: &'static str,
    read: Reading<R>,
) {
    socket.on(event, move |ctx: Ctx<A>, Payload(request): Payload<R>| {
        handle(ctx, event, request, read)
    });
}

/// Runs one host command and answers it.
async fn handle<A: Adapter, R>(
    ctx: Ctx<A>,
    event: &'static str,
    request: Result<R, socketioxide::ParserError>,
    read: Reading<R>,
) {
    let Some((r, request)) = Responder::accept(ctx, event, request).await else {
        return;
    };
    let (room_code, command) = read(request);
    match r
        .state
        .sessions
        .command(&r.conn, &room_code, &command)
        .await
    {
        Ok(done) => {
            if let Some(removed) = &done.removed {
                dispatch::kicked(&r.io, removed, &done.delivery.room_code).await;
            }
            finish(r, Ok(done.delivery)).await;
        }
        Err(err) => r.fail(err),
    }
}

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
