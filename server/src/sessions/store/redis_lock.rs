//! A held room lock in Redis. Dropping it passes the lock straight to the next task of this node
//! waiting for the same room (with the room as just saved), or releases it in Redis. The hand-over
//! saves two round trips per change under load; it stops after a few hand-overs or milliseconds so
//! that other nodes get their turn.

use std::time::Duration;

use redis::aio::ConnectionManager;
use tokio::time::Instant;

use super::super::super::room::Room;
use super::super::local_queue::QueueTurn;
use super::scripts::RELEASE;

/// Most consecutive hand-overs on one node before the lock goes back to Redis.
const MAX_HANDOVERS: u32 = 16;
/// Longest a node keeps a room's lock through hand-overs.
const MAX_HOLD: Duration = Duration::from_millis(50);

/// The room's lock and its state as last saved, left for the next task in the node's queue.
pub struct Handoff {
    pub state: Vec<u8>,
    pub lock: RedisLock,
}

pub struct RedisLock {
    conn: ConnectionManager,
    key: String,
    pub(super) token: String,
    released: bool,
    /// This node's turn on the room, passed on when the lock is dropped.
    turn: Option<QueueTurn<Handoff>>,
    /// Members as last read or saved, to keep the cluster's seat count in step.
    pub(super) members: usize,
    /// The room as this holder saved it; None until it saves (then nothing is handed over).
    saved_state: Option<Vec<u8>>,
    handovers: u32,
    acquired_at: Instant,
}

impl RedisLock {
    pub(super) fn new(
        conn: ConnectionManager,
        key: String,
        token: String,
        turn: QueueTurn<Handoff>,
        room: &Room,
    ) -> RedisLock {
        RedisLock {
            conn,
            key,
            token,
            released: false,
            turn: Some(turn),
            members: room.members.len(),
            saved_state: None,
            handovers: 0,
            acquired_at: Instant::now(),
        }
    }

    /// The lock, handed over, now held for the task whose turn this is.
    pub(super) fn continued_by(mut self, turn: QueueTurn<Handoff>) -> RedisLock {
        self.turn = Some(turn);
        self
    }

    pub(super) fn saved(&mut self, members: usize, state: Vec<u8>) {
        self.members = members;
        self.saved_state = Some(state);
    }

    /// The lock went with its room (deleted): nothing to release.
    pub(super) fn forget(&mut self) {
        self.released = true;
    }

    /// Hands the lock to the next waiting task of this node, if there is one and the budget allows.
    fn hand_over(&mut self, turn: &mut QueueTurn<Handoff>) -> bool {
        let within_budget = self.handovers < MAX_HANDOVERS && self.acquired_at.elapsed() < MAX_HOLD;
        if turn.waiting() == 0 || !within_budget {
            return false;
        }
        let Some(state) = self.saved_state.take() else {
            return false;
        };
        let lock = RedisLock {
            conn: self.conn.clone(),
            key: std::mem::take(&mut self.key),
            token: std::mem::take(&mut self.token),
            released: false,
            turn: None,
            members: self.members,
            saved_state: None,
            handovers: self.handovers + 1,
            acquired_at: self.acquired_at,
        };
        turn.leave(Handoff { state, lock });
        self.released = true;
        true
    }
}

impl Drop for RedisLock {
    fn drop(&mut self) {
        let mut turn = self.turn.take();
        if self.released || turn.as_mut().is_some_and(|turn| self.hand_over(turn)) {
            return;
        }
        let (mut conn, key, token) = (self.conn.clone(), self.key.clone(), self.token.clone());
        tokio::spawn(async move {
            let released: Result<i64, _> =
                RELEASE.key(key).arg(token).invoke_async(&mut conn).await;
            if let Err(err) = released {
                tracing::debug!(%err, "room lock not released; it expires by itself");
            }
            // The next task of this node goes once the lock is free in Redis too.
            drop(turn);
        });
    }
}
