//! The two ways a handler answers: a reply event (plus the ack when the client asked for one), or an
//! `error` event (plus an `{error}` ack). Sending fails only when the socket is already gone, which
//! needs no further handling.

use serde::Serialize;
use socketioxide::extract::{AckSender, SocketRef};
use socketioxide::ParserError;

use crate::app::AppState;
use crate::error::JamError;
use crate::protocol::{server, AckError, ErrorPayload};

/// Emits `event` with `payload` to this socket and acknowledges with the same payload.
pub fn event<T: Serialize>(socket: &SocketRef, ack: AckSender, event: &'static str, payload: &T) {
    if let Err(err) = socket.emit(event, payload) {
        tracing::debug!(sid = %socket.id, %err, event, "reply not sent");
    }
    ack_only(ack, payload);
}

/// Acknowledges without a reply event (for client events the seed gives no reply).
pub fn ack_only<T: Serialize>(ack: AckSender, payload: &T) {
    if let Err(err) = ack.send(payload) {
        tracing::debug!(%err, "ack not sent");
    }
}

/// Sends the `error` event for `err`, caused by client event `cause`, and counts it.
pub fn error(socket: &SocketRef, ack: AckSender, state: &AppState, cause: &str, err: &JamError) {
    state.metrics.error(err.code());
    tracing::debug!(sid = %socket.id, code = err.code().as_str(), cause, "error reply");
    let payload = ErrorPayload::new(err, cause);
    if let Err(err) = socket.emit(server::ERROR, &payload) {
        tracing::debug!(sid = %socket.id, %err, "error reply not sent");
    }
    ack_only(ack, &AckError { error: payload });
}

/// A payload that did not decode into the expected shape.
pub fn invalid_payload(err: ParserError) -> JamError {
    JamError::InvalidPayload(err.to_string())
}
