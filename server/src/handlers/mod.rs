//! Socket.IO handlers, one function per client event. Each is thin: pass the rate limit, decode the
//! payload, ask the SessionManager, send what it says (through `dispatch`). socketioxide is used
//! here and in `app.rs`; `timers.rs` holds a `SocketIo` only to hand it to `dispatch`.

mod broadcast;
mod chat;
pub mod client_ip;
mod clock;
pub mod disconnect;
pub mod dispatch;
mod host;
mod payload;
mod responder;
mod session;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{Event, SocketRef};

use crate::error::JamError;
use crate::protocol::client;
use crate::sessions::ConnId;
use crate::state::SharedState;
use responder::{Ctx, Responder};
use socketioxide::extract::State;

/// Runs as connect middleware, before the client is told it is connected: socketioxide spawns the
/// connect handler itself after sending the connect packet, so handlers registered there could miss
/// an event the client sends straight away (seen under load).
pub async fn register<A: Adapter>(
    socket: SocketRef<A>,
    State(state): State<SharedState>,
) -> Result<(), Infallible> {
    state.metrics.connection_opened();
    let parts = socket.req_parts();
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let forwarded = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok());
    let ip = peer.map(|peer| client_ip::client_ip(peer, forwarded, &state.trusted_proxies));
    tracing::info!(sid = %socket.id, transport = ?socket.transport_type(), ?ip, "connection open");
    state.sessions.connections().open(&conn_id(&socket), ip);
    socket.on(client::SESSION_CREATE, session::create::<A>);
    socket.on(client::SESSION_JOIN, session::join::<A>);
    socket.on(client::SESSION_RESUME, session::resume::<A>);
    socket.on(client::SESSION_LEAVE, session::leave::<A>);
    socket.on(client::EVENT_BROADCAST, broadcast::handle::<A>);
    host::register(&socket);
    socket.on(client::CLOCK_PING, clock::ping::<A>);
    socket.on(client::CHAT_SEND, chat::send::<A>);
    socket.on(client::UPDATE_PROFILE, chat::update_profile::<A>);
    socket.on_fallback(unknown_event::<A>);
    socket.on_disconnect(disconnect::handle::<A>);
    Ok(())
}

/// The connect handler proper: everything already happened in [`register`].
pub async fn on_connect<A: Adapter>(_socket: SocketRef<A>) {}

/// Any event we do not know gets an error rather than silence, so client bugs show up.
async fn unknown_event<A: Adapter>(ctx: Ctx<A>, Event(event): Event) {
    let Some(r) = Responder::admit(ctx, "unknown").await else {
        return;
    };
    let shown: String = unescaped(&event).chars().take(64).collect();
    r.fail_for(&shown, JamError::UnknownEvent(shown.clone()));
}

/// The parser hands over a name written with JSON escapes as written (`say \"hi\"`, see
/// vendor/README.md); the client is shown the name it sent.
fn unescaped(name: &str) -> String {
    if !name.contains('\\') {
        return name.to_owned();
    }
    serde_json::from_str(&format!("\"{name}\"")).unwrap_or_else(|_| name.to_owned())
}

/// The manager's opaque key for this connection.
fn conn_id<A: Adapter>(socket: &SocketRef<A>) -> ConnId {
    Arc::from(socket.id.as_str())
}

#[cfg(test)]
mod tests;
