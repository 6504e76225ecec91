//! Where rooms live: in this node's memory, one async lock per room held until the room's events are
//! sent, so every member sees them in `seq` order. On a cluster, a [`Replica`] is told of every
//! change after it is made (and keeps room codes unique across nodes); it never holds the room up.

mod memory;

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use tokio::sync::OwnedMutexGuard;

use super::replica::Replica;
use super::room::{Room, Sequenced};
use crate::error::JamError;
pub use memory::MemoryRooms;

/// The session store: this node's rooms, and the cluster's replica when there is one.
pub struct SessionStore {
    rooms: MemoryRooms,
    replica: Option<Arc<dyn Replica>>,
}

/// A locked room. Dropping it releases the lock.
pub struct RoomGuard(OwnedMutexGuard<Room>);

impl Deref for RoomGuard {
    type Target = Room;
    fn deref(&self) -> &Room {
        &self.0
    }
}

impl DerefMut for RoomGuard {
    fn deref_mut(&mut self) -> &mut Room {
        &mut self.0
    }
}

impl SessionStore {
    pub fn new(replica: Option<Arc<dyn Replica>>) -> Self {
        SessionStore {
            rooms: MemoryRooms::default(),
            replica,
        }
    }

    /// True on a cluster node.
    pub fn is_shared(&self) -> bool {
        self.replica.is_some()
    }

    pub fn replica(&self) -> Option<&Arc<dyn Replica>> {
        self.replica.as_ref()
    }

    /// Rooms in this node's memory.
    pub fn len(&self) -> usize {
        self.rooms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rooms.is_empty()
    }

    /// Stores a new room unless its code is taken (here or, on a cluster, by another node's room).
    pub async fn insert(&self, room: Room) -> Result<bool, JamError> {
        if let Some(replica) = &self.replica {
            if !replica.reserve(room.code()).await? {
                return Ok(false);
            }
            replica.created(&room);
        }
        Ok(self.rooms.insert(room))
    }

    /// A room restored by the cluster (taken over from a node that is gone): kept as it is.
    pub fn adopt(&self, room: Room) -> bool {
        self.rooms.insert(room)
    }

    /// Locks the room `code` names; None when this node has no such live room.
    pub async fn lock(&self, code: &str) -> Option<RoomGuard> {
        self.rooms.lock(code).await.map(RoomGuard)
    }

    /// True when the room is in this node's memory.
    pub fn holds(&self, code: &str) -> bool {
        self.rooms.contains(code)
    }

    /// Tells the replica of the room's change and new events; hands finished takes over to it.
    pub fn save(&self, room: &mut RoomGuard, events: &[Sequenced]) {
        let finished = room.drain_finished_takes();
        if let Some(replica) = &self.replica {
            replica.changed(room, events);
            for (take_id, take) in finished {
                replica.keep_take(room.code(), &take_id, take);
            }
        }
    }

    /// Deletes the locked room for good.
    pub fn delete(&self, mut room: RoomGuard) {
        room.mark_deleted();
        self.rooms.remove(room.code());
        if let Some(replica) = &self.replica {
            replica.deleted(&room);
            let ttl = room.recorder().take_ttl();
            replica.expire_takes(room.recorder().take_ids().to_vec(), ttl);
        }
    }

    /// Drops the room from this node's memory without telling the replica (it was handed over).
    pub fn forget(&self, code: &str) {
        self.rooms.remove(code);
    }

    /// Codes of every room in this node's memory.
    pub fn codes(&self) -> Vec<String> {
        self.rooms.codes()
    }
}
