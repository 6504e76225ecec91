//! Socket.IO handlers, one module per client event. Each is thin: decode the payload, ask the
//! SessionManager, emit what it says. All socketioxide specifics stay in this module and `app.rs`.

mod broadcast;
mod create;
mod disconnect;
mod join;
mod leave;
mod reply;

use std::convert::Infallible;
use std::sync::Arc;

use socketioxide::extract::{AckSender, Event, SocketRef, State};

use crate::app::SharedState;
use crate::error::JamError;
use crate::protocol::client;
use crate::sessions::ConnId;

/// Runs as connect middleware, before the client is told it is connected: socketioxide spawns the
/// connect handler itself after sending the connect packet, so handlers registered there could miss
/// an event the client sends straight away (seen under load).
pub async fn register(
    socket: SocketRef,
    State(state): State<SharedState>,
) -> Result<(), Infallible> {
    state.metrics.connection_opened();
    tracing::info!(sid = %socket.id, transport = ?socket.transport_type(), "connection open");
    socket.on(client::SESSION_CREATE, create::handle);
    socket.on(client::SESSION_JOIN, join::handle);
    socket.on(client::SESSION_LEAVE, leave::handle);
    socket.on(client::EVENT_BROADCAST, broadcast::handle);
    socket.on_fallback(unknown_event);
    socket.on_disconnect(disconnect::handle);
    Ok(())
}

/// The connect handler proper: everything already happened in [`register`].
pub async fn on_connect(_socket: SocketRef) {}

/// Any event we do not know gets an error rather than silence, so client bugs show up.
async fn unknown_event(
    socket: SocketRef,
    Event(event): Event,
    ack: AckSender,
    State(state): State<SharedState>,
) {
    let shown: String = event.chars().take(64).collect();
    reply::error(
        &socket,
        ack,
        &state,
        &shown,
        &JamError::UnknownEvent(shown.clone()),
    );
}

/// The manager's opaque key for this connection.
fn conn_id(socket: &SocketRef) -> ConnId {
    Arc::from(socket.id.as_str())
}
