//! Sending what the SessionManager decided: a room's sequenced events (while the room is still
//! locked, so they go out in seq order), and the per-connection consequences of a command. Every
//! member of a room is connected to this node (on a cluster, its owner), so all of it is local.

use std::str::FromStr;

use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;
use socketioxide::operators::BroadcastOperators;
use socketioxide::socket::Sid;
use socketioxide::SocketIo;

use crate::protocol::{server, LatencyReport, SessionKicked};
use crate::sessions::{Delivery, Departure, SessionManager};

/// Sends each event to the room — to everyone, or to everyone but `actor` when the event says so —
/// then releases the room.
pub async fn deliver<A: Adapter>(
    io: &SocketIo<A>,
    actor: Option<&SocketRef<A>>,
    delivery: Delivery,
) {
    let code = delivery.room_code.as_str();
    for sequenced in &delivery.events {
        let event = &*sequenced.event;
        let sent = match (actor.filter(|_| sequenced.to_others), root(io)) {
            (Some(socket), _) => socket.to(code.to_owned()).emit(event.name(), event).await,
            (None, Some(root)) => root.to(code.to_owned()).emit(event.name(), event).await,
            (None, None) => Ok(()),
        };
        if let Err(err) = sent {
            tracing::debug!(%err, room = code, "room event not fully delivered");
        }
    }
    drop(delivery);
}

/// A room's latency report, to everyone in it (it carries no seq: nothing to keep in order).
pub async fn latency<A: Adapter>(io: &SocketIo<A>, report: &LatencyReport) {
    let Some(root) = root(io) else {
        return;
    };
    let room = report.room_code.clone();
    if let Err(err) = root.to(room).emit(server::LATENCY, report).await {
        tracing::debug!(%err, "latency report not fully delivered");
    }
}

/// The root namespace, or None once the server is closing (socketioxide's `io.to` would panic then,
/// and handlers of connections that were closing can still be running).
pub fn root<A: Adapter>(io: &SocketIo<A>) -> Option<BroadcastOperators<A>> {
    io.of("/")
}

/// The socket behind a connection id, if it is connected to this node.
pub fn socket_of<A: Adapter>(io: &SocketIo<A>, conn: &str) -> Option<SocketRef<A>> {
    root(io)?.get_socket(Sid::from_str(conn).ok()?)
}

/// A kicked participant: it stops receiving the room's events and is told why.
pub async fn kicked<A: Adapter>(io: &SocketIo<A>, conn: &str, room_code: &str) {
    let notice = SessionKicked {
        room_code: room_code.to_owned(),
    };
    if let Some(socket) = leave_room(io, conn, room_code) {
        if let Err(err) = socket.emit(server::KICKED, &notice) {
            tracing::debug!(%err, "kick notice not sent");
        }
    }
}

/// A seat taken over by a resume: the old connection stops receiving the room's events and closes.
pub async fn taken_over<A: Adapter>(io: &SocketIo<A>, conn: &str, room_code: &str) {
    tracing::info!(
        sid = conn,
        room = room_code,
        "closing a connection whose seat was resumed elsewhere"
    );
    if let Some(socket) = leave_room(io, conn, room_code) {
        let _ = socket.disconnect();
    }
}

/// The socket behind `conn`, if it is connected to this node, taken out of the room's broadcasts.
fn leave_room<A: Adapter>(io: &SocketIo<A>, conn: &str, room_code: &str) -> Option<SocketRef<A>> {
    let socket = socket_of(io, conn)?;
    socket.leave(room_code.to_owned());
    Some(socket)
}

/// A connection going away (`how`): it gives up or holds its seat in every room it was in, stops
/// receiving their broadcasts, and each room hears of it.
pub async fn depart_all<A: Adapter>(
    io: &SocketIo<A>,
    sessions: &SessionManager,
    socket: &SocketRef<A>,
    how: Departure,
) {
    let conn = super::conn_id(socket);
    for code in sessions.close_connection(&conn) {
        if let Some(delivery) = sessions.depart(&conn, &code, how).await {
            socket.leave(code);
            deliver(io, None, delivery).await;
        }
    }
}

#[cfg(test)]
mod tests;
