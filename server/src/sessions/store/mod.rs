//! Where rooms live: in this process's memory (one node), or in Redis, shared by every node of a
//! cluster. Either way a room is worked on under a lock held until its events are sent, so every
//! member sees them in `seq` order; with Redis the lock is a key every node respects, and the room is
//! read when locked and written back (with its new replay events) before anything is sent.

mod local_queue;
mod memory;
mod record;
pub mod redis;

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use tokio::sync::OwnedMutexGuard;

use super::room::{Room, RoomConfig, Sequenced};
use crate::error::JamError;
pub use memory::MemoryRooms;
use redis::{RedisLock, RedisStore};

/// The session store: rooms by code, and the few counters that must be shared by a cluster.
pub enum SessionStore {
    Memory(MemoryRooms),
    Redis(Arc<RedisStore>),
}

/// A locked room. Dropping it releases the lock; changes reach other nodes only through `save`.
pub struct RoomGuard(Held);

enum Held {
    Local(OwnedMutexGuard<Room>),
    Shared(Box<Room>, RedisLock),
}

impl Deref for RoomGuard {
    type Target = Room;
    fn deref(&self) -> &Room {
        match &self.0 {
            Held::Local(room) => room,
            Held::Shared(room, _) => room,
        }
    }
}

impl DerefMut for RoomGuard {
    fn deref_mut(&mut self) -> &mut Room {
        match &mut self.0 {
            Held::Local(room) => room,
            Held::Shared(room, _) => room,
        }
    }
}

/// Whether a lock must also read the replay buffer (only a resume needs it).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum WithReplay {
    Yes,
    No,
}

impl SessionStore {
    pub fn is_shared(&self) -> bool {
        matches!(self, SessionStore::Redis(_))
    }

    /// Stores a new room unless its code is taken; false when it is. `due_ms`: when the sweep must
    /// look at it (a shared store sweeps only rooms that are due).
    pub async fn insert(&self, room: Room, due_ms: f64) -> Result<bool, JamError> {
        match self {
            SessionStore::Memory(rooms) => Ok(rooms.insert(room)),
            SessionStore::Redis(store) => store.insert(&room, due_ms).await,
        }
    }

    /// Locks the room `code` names; None when there is no such live room.
    pub async fn lock(
        &self,
        code: &str,
        replay: WithReplay,
        config: &RoomConfig,
    ) -> Result<Option<RoomGuard>, JamError> {
        match self {
            SessionStore::Memory(rooms) => Ok(rooms
                .lock(code)
                .await
                .map(|room| RoomGuard(Held::Local(room)))),
            SessionStore::Redis(store) => {
                let locked = store.lock(code, replay, config).await?;
                Ok(locked.map(|(room, lock)| RoomGuard(Held::Shared(Box::new(room), lock))))
            }
        }
    }

    /// Makes the room's changes and new events visible to the other nodes (nothing to do in memory);
    /// with Redis, returns the cluster's seat count after the change.
    pub async fn save(
        &self,
        room: &mut RoomGuard,
        events: &[Sequenced],
        due_ms: Option<f64>,
    ) -> Result<Option<i64>, JamError> {
        match (&mut room.0, self) {
            (Held::Shared(room, lock), SessionStore::Redis(store)) => {
                let seats = store.save(room, lock, events, due_ms).await?;
                for (take_id, take) in room.recorder.drain_finished() {
                    store.keep_take(&room.code, &take_id, &take).await?;
                }
                Ok(Some(seats))
            }
            (Held::Local(room), _) => {
                room.recorder.drain_finished();
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    /// Deletes the locked room for good.
    pub async fn delete(&self, mut room: RoomGuard) -> Result<(), JamError> {
        room.deleted = true;
        match (room.0, self) {
            (Held::Local(room), SessionStore::Memory(rooms)) => {
                rooms.remove(&room.code);
                Ok(())
            }
            (Held::Shared(room, lock), SessionStore::Redis(store)) => {
                let take_ttl = room.recorder.take_ttl();
                store.delete(&room.code, lock).await?;
                store.expire_takes(room.recorder.take_ids(), take_ttl).await
            }
            _ => Err(JamError::Internal),
        }
    }

    /// Codes of every live room.
    pub async fn codes(&self) -> Result<Vec<String>, JamError> {
        match self {
            SessionStore::Memory(rooms) => Ok(rooms.codes()),
            SessionStore::Redis(store) => store.codes().await,
        }
    }
}

#[cfg(test)]
pub(super) mod tests;
