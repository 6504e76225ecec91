//! `session:create`, `session:join`, `session:resume`, `session:leave`: getting into and out of rooms.

use socketioxide::adapter::Adapter;

use super::dispatch;
use super::payload::{OptionalPayload, Payload};
use super::responder::{Ctx, Responder};
use crate::cluster::Route;
use crate::error::JamError;
use crate::protocol::{
    client, server, CreateRequest, JoinRequest, LeaveAck, LeaveRequest, ResumeRequest,
    SessionCreated,
};

/// `session:create {settings?}` → `session:created {roomCode}`. The creator joins separately.
pub async fn create<A: Adapter>(
    ctx: Ctx<A>,
    OptionalPayload(request): OptionalPayload<CreateRequest>,
) {
    let Some((r, request)) = Responder::accept(ctx, client::SESSION_CREATE, request).await else {
        return;
    };
    let settings = request.and_then(|request| request.settings);
    match r
        .state
        .sessions
        .create_room(&r.conn, settings.as_ref())
        .await
    {
        Ok(room_code) => {
            tracing::info!(room = %room_code, sid = %r.socket.id, "room created");
            r.reply(server::SESSION_CREATED, &SessionCreated { room_code });
        }
        Err(err) => r.fail(err),
    }
}

/// `session:join` → `session:joined` to the joiner, `session:user-joined` to the others.
pub async fn join<A: Adapter>(ctx: Ctx<A>, Payload(request): Payload<JoinRequest>) {
    let Some((r, request)) = Responder::accept(ctx, client::SESSION_JOIN, request).await else {
        return;
    };
    if let Err(err) = served_here(&r, &request.room_code).await {
        return r.fail(err);
    }
    let joined = match r
        .state
        .sessions
        .join_as(
            &r.conn,
            &request.room_code,
            &request.user.name,
            request.user.role.unwrap_or_default(),
        )
        .await
    {
        Ok(joined) => joined,
        Err(err) => return r.fail(err),
    };
    // The room is locked until the delivery is dropped: tell the others first, then subscribe the
    // joiner, so it neither hears its own user-joined nor misses anything sent after its join.
    let code = joined.delivery.room_code.clone();
    durable(&r).await;
    dispatch::deliver(&r.io, Some(&r.socket), joined.delivery).await;
    r.socket.join(code);
    r.reply(server::SESSION_JOINED, &joined.session);
}

/// `session:resume` → `session:resumed` (with the missed events) to the client, `user-back` to the others.
pub async fn resume<A: Adapter>(ctx: Ctx<A>, Payload(request): Payload<ResumeRequest>) {
    let Some((r, request)) = Responder::accept(ctx, client::SESSION_RESUME, request).await else {
        return;
    };
    if let Err(err) = served_here(&r, &request.room_code).await {
        return r.fail(err);
    }
    let outcome = match r.state.sessions.resume(&r.conn, &request).await {
        Ok(outcome) => outcome,
        Err(err) => return r.fail(err),
    };
    let code = outcome.delivery.room_code.clone();
    if let Some(previous) = &outcome.previous_conn {
        dispatch::taken_over(&r.io, previous, &code).await;
    }
    durable(&r).await;
    dispatch::deliver(&r.io, Some(&r.socket), outcome.delivery).await;
    r.socket.join(code);
    r.reply(server::SESSION_RESUMED, &outcome.resumed);
}

/// `session:leave` → `session:user-left` to the others; acked with `{roomCode}`.
pub async fn leave<A: Adapter>(ctx: Ctx<A>, Payload(request): Payload<LeaveRequest>) {
    let Some((r, request)) = Responder::accept(ctx, client::SESSION_LEAVE, request).await else {
        return;
    };
    match r.state.sessions.leave(&r.conn, &request.room_code).await {
        Ok(delivery) => {
            let room_code = delivery.room_code.clone();
            r.socket.leave(room_code.clone());
            dispatch::deliver(&r.io, Some(&r.socket), delivery).await;
            r.ack(&LeaveAck { room_code });
        }
        Err(err) => r.fail(err),
    }
}

/// On a cluster, a room is joined and resumed on the node that owns it: `moved` names that node
/// (this one may first take the room over, when its owner is gone).
async fn served_here<A: Adapter>(r: &Responder<A>, room_code: &str) -> Result<(), JamError> {
    let Some(cluster) = &r.state.cluster else {
        return Ok(());
    };
    match cluster.route(&r.state.sessions, room_code).await? {
        (Route::Moved(url), _) => Err(JamError::Moved(url)),
        // A takeover's away events reach nobody here yet: they are kept for the resumes.
        (Route::Here | Route::Missing, _takeover) => Ok(()),
    }
}

/// On a cluster, a seat is acknowledged once it is in Redis: the client's token must survive this
/// node's crash (the room's broadcasts are written behind its back and never wait). The room stays
/// locked meanwhile (a few ms), so the client's snapshot still comes before any live event.
async fn durable<A: Adapter>(r: &Responder<A>) {
    if let Some(cluster) = &r.state.cluster {
        cluster.durable().await;
    }
}
