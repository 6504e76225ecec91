//! Rooms changing hands between cluster nodes: one restored from its snapshot and log when the node
//! that held it is gone (or released it on its way down), and every room read for a last snapshot
//! before this node releases them. Only plain data crosses this boundary; Redis is `cluster/`'s.

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::time::Instant;

use crate::error::JamError;
use crate::protocol::RoomEvent;
use crate::sessions::snapshot::RoomRecord;
use crate::sessions::{Delivery, Room, SessionManager};

/// After a node died, seqs go on this far past the last one known, so none that it may have given
/// to an event it relayed but never wrote down is ever given again.
pub const SEQ_JUMP_AFTER_CRASH: u64 = 1 << 20;

/// How the previous holder let the room go.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Handover {
    /// It wrote everything down and released the room (a graceful shutdown).
    Released,
    /// It died: what it relayed last may be missing.
    Crashed,
}

impl SessionManager {
    /// Makes the room held elsewhere until now this node's: every member is away (their connections
    /// were on the other node) until they resume here. Returns the away events to send (nobody here
    /// hears them yet; they are kept for the resumes).
    pub async fn adopt(
        &self,
        record: RoomRecord,
        replay: VecDeque<Arc<RoomEvent>>,
        handover: Handover,
    ) -> Result<Option<Delivery>, JamError> {
        let mut room = record.into_room(&self.room_config, replay);
        room.continue_sequence((handover == Handover::Crashed).then_some(SEQ_JUMP_AFTER_CRASH));
        let code = room.code().to_owned();
        let seats = room.len();
        if !self.store.adopt(room) {
            return Ok(None); // adopted already, by a request that raced this one
        }
        self.participant_count
            .fetch_add(seats, std::sync::atomic::Ordering::Relaxed);
        let Some(mut room) = self.store.lock(&code).await else {
            return Ok(None);
        };
        let events = room.mark_dead_nodes_away(|_| true, Instant::now());
        self.deliver(room, events).await.map(Some)
    }

    /// True when the room `code` is in this node's memory.
    pub fn holds(&self, code: &str) -> bool {
        self.store.holds(code)
    }

    /// Hands every room of this node over (a graceful shutdown): `visit` sees each one, locked, for
    /// a last time, and then the room is gone from here, so nothing more is relayed or acknowledged
    /// in it after that last look.
    pub async fn hand_over_rooms(&self, mut visit: impl FnMut(&Room)) {
        for code in self.store.codes() {
            if let Some(mut room) = self.store.lock(&code).await {
                visit(&room);
                room.mark_deleted();
                self.store.forget(&code);
            }
        }
    }
}
