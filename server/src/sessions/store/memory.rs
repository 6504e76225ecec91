//! Rooms of a single node: a sharded map of per-room async locks. A room's lock is a tokio Mutex
//! because it is held while its events are sent (across `.await`); the shard locks are std's and are
//! only held to look a room up.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use crate::sessions::room::Room;
use crate::sessions::shards::Sharded;

type RoomCell = Arc<AsyncMutex<Room>>;

#[derive(Default)]
pub struct MemoryRooms {
    rooms: Sharded<String, RoomCell>,
    count: AtomicUsize,
}

impl MemoryRooms {
    pub fn len(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn insert(&self, room: Room) -> bool {
        let mut shard = self.rooms.lock(room.code());
        if shard.contains_key(room.code()) {
            return false;
        }
        shard.insert(room.code().to_owned(), Arc::new(AsyncMutex::new(room)));
        self.count.fetch_add(1, Ordering::Relaxed);
        true
    }

    pub fn contains(&self, code: &str) -> bool {
        self.rooms.lock(code).contains_key(code)
    }

    pub async fn lock(&self, code: &str) -> Option<OwnedMutexGuard<Room>> {
        let cell = self.rooms.lock(code).get(code).cloned()?;
        let room = cell.lock_owned().await;
        // Deleted by someone who held it while we waited.
        (!room.is_deleted()).then_some(room)
    }

    pub fn remove(&self, code: &str) {
        if self.rooms.lock(code).remove(code).is_some() {
            self.count.fetch_sub(1, Ordering::Relaxed);
        }
    }

    pub fn codes(&self) -> Vec<String> {
        let mut codes = Vec::with_capacity(self.len());
        self.rooms
            .for_each_shard(|shard| codes.extend(shard.keys().cloned()));
        codes
    }
}
