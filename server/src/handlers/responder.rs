//! `Responder`: one incoming event's way back to its client — the rate-limit gate, the reply event
//! (plus the ack when the client asked for one), or the `error` event (plus an `{error}` ack).
//! Sending fails only when the socket is already gone, which needs no further handling.

use std::sync::Arc;

use serde::Serialize;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, SocketRef, State, StateNotFound};
use socketioxide::handler::{FromMessageParts, Value};
use socketioxide::socket::Socket;
use socketioxide::{ParserError, SocketIo};
use tokio::time::Instant;

use super::{conn_id, dispatch};
use crate::error::JamError;
use crate::protocol::{server, AckError, ErrorPayload};
use crate::sessions::{ConnId, Departure, RateDecision};
use crate::state::SharedState;

pub struct Responder<A: Adapter> {
    pub socket: SocketRef<A>,
    pub io: SocketIo<A>,
    pub state: SharedState,
    pub conn: ConnId,
    ack: AckSender<A>,
    /// The client event being answered.
    event: &'static str,
}

/// Everything a handler needs about an incoming event besides its payload, as one extractor.
pub struct Ctx<A: Adapter> {
    socket: SocketRef<A>,
    io: SocketIo<A>,
    ack: AckSender<A>,
    state: SharedState,
}

impl<A: Adapter> FromMessageParts<A> for Ctx<A> {
    type Error = StateNotFound<SharedState>;
    fn from_message_parts(
        socket: &Arc<Socket<A>>,
        value: &mut Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Self::Error> {
        let Ok(io) = SocketIo::<A>::from_message_parts(socket, value, ack_id);
        let Ok(ack) = AckSender::<A>::from_message_parts(socket, value, ack_id);
        let Ok(socket_ref) = SocketRef::<A>::from_message_parts(socket, value, ack_id);
        let State(state) = State::<SharedState>::from_message_parts(socket, value, ack_id)?;
        Ok(Ctx {
            socket: socket_ref,
            io,
            ack,
            state,
        })
    }
}

impl<A: Adapter> Ctx<A> {
    /// Server time now, for stamping an event's arrival before anything else runs.
    pub fn server_now(&self) -> f64 {
        self.state.sessions.now_ms()
    }
}

impl<A: Adapter> Responder<A> {
    /// Passes the event through the connection's rate limit and decodes its payload; otherwise
    /// answers (rate_limited, or invalid_payload) and returns None.
    pub async fn accept<T>(
        ctx: Ctx<A>,
        event: &'static str,
        payload: Result<T, ParserError>,
    ) -> Option<(Responder<A>, T)> {
        let responder = Responder::admit(ctx, event).await?;
        match payload {
            Ok(payload) => Some((responder, payload)),
            Err(err) => {
                responder.fail(JamError::InvalidPayload(err.to_string()));
                None
            }
        }
    }

    /// Lets the event through the connection's rate limit, or answers (and maybe disconnects) instead.
    pub async fn admit(ctx: Ctx<A>, event: &'static str) -> Option<Responder<A>> {
        let Ctx {
            socket,
            io,
            ack,
            state,
        } = ctx;
        let conn = conn_id(&socket);
        let decision = state
            .sessions
            .connections()
            .check_rate(&conn, Instant::now());
        let responder = Responder {
            socket,
            io,
            state,
            conn,
            ack,
            event,
        };
        match decision {
            RateDecision::Allow => Some(responder),
            RateDecision::Drop { notify } => {
                responder.refuse_rate_limited(notify);
                None
            }
            RateDecision::Disconnect => {
                responder.cut_off().await;
                None
            }
        }
    }

    /// A dropped event: the ack (if asked for) always says why; the `error` event at most once a second.
    fn refuse_rate_limited(self, notify: bool) {
        let err = JamError::RateLimited("too many events; some were dropped");
        self.state.metrics.error(err.code());
        let payload = ErrorPayload::new(&err, self.event);
        if notify {
            let _ = self.socket.emit(server::ERROR, &payload);
        }
        let _ = self.ack.send(&AckError { error: payload });
    }

    /// Flooding for longer than `--rate-disconnect-after`: leave every room at once, then close the
    /// connection.
    async fn cut_off(self) {
        tracing::warn!(sid = %self.socket.id, "disconnecting a client that kept exceeding the rate limit");
        let err = JamError::RateLimited("disconnected for sending too many events");
        let _ = self
            .socket
            .emit(server::ERROR, &ErrorPayload::new(&err, self.event));
        let sessions = &self.state.sessions;
        dispatch::depart_all(&self.io, sessions, &self.socket, Departure::RateLimited).await;
        let _ = self.socket.disconnect();
    }

    /// Emits `event` with `payload` to this client and acknowledges with the same payload.
    pub fn reply<T: Serialize>(self, event: &'static str, payload: &T) {
        if let Err(err) = self.socket.emit(event, payload) {
            tracing::debug!(sid = %self.socket.id, %err, event, "reply not sent");
        }
        self.ack(payload);
    }

    /// Acknowledges without a reply event (for client events that have none).
    pub fn ack<T: Serialize>(self, payload: &T) {
        if let Err(err) = self.ack.send(payload) {
            tracing::debug!(%err, "ack not sent");
        }
    }

    /// Sends the `error` event for `err` (and the `{error}` ack), and counts it.
    pub fn fail(self, err: JamError) {
        let event = self.event;
        self.fail_for(event, err);
    }

    /// Like `fail`, naming `event` as the cause (for events without a constant name).
    pub fn fail_for(self, event: &str, err: JamError) {
        self.state.metrics.error(err.code());
        tracing::debug!(sid = %self.socket.id, code = err.code().as_str(), event, "error reply");
        let payload = ErrorPayload::new(&err, event);
        if let Err(err) = self.socket.emit(server::ERROR, &payload) {
            tracing::debug!(%err, "error reply not sent");
        }
        let _ = self.ack.send(&AckError { error: payload });
    }
}
