//! `clock:ping {t0, rttMs?}` → `{t0, t1, t2}` (as the ack, or as `clock:pong` without one): the
//! server's receive and send times, for the client's offset estimate.

use std::convert::Infallible;
use std::sync::Arc;

use socketioxide::adapter::Adapter;
use socketioxide::handler::{FromMessageParts, Value};
use socketioxide::socket::Socket;

use super::payload::Payload;
use super::responder::{Ctx, Responder};
use crate::protocol::{client, server, ClockPing, ClockPong};

/// Whether the client asked for an ack with this event.
pub struct AckRequested(pub bool);

impl<A: Adapter> FromMessageParts<A> for AckRequested {
    type Error = Infallible;
    fn from_message_parts(
        _: &Arc<Socket<A>>,
        _: &mut Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        Ok(AckRequested(ack_id.is_some()))
    }
}

pub async fn ping<A: Adapter>(
    ctx: Ctx<A>,
    Payload(request): Payload<ClockPing>,
    AckRequested(wants_ack): AckRequested,
) {
    let t1 = ctx.server_now();
    let Some((r, ping)) = Responder::accept(ctx, client::CLOCK_PING, request).await else {
        return;
    };
    if let Some(rtt_ms) = ping.rtt_ms {
        r.state.sessions.record_rtt(&r.conn, rtt_ms).await;
    }
    let pong = ClockPong {
        t0: ping.t0,
        t1,
        t2: r.state.sessions.now_ms(),
    };
    if wants_ack {
        r.ack(&pong);
    } else {
        r.reply(server::CLOCK_PONG, &pong);
    }
}
