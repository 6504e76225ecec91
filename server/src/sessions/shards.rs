//! A hash map split into independently locked shards, so that rooms (and connections) touched by
//! different clients rarely contend for the same lock.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::{Mutex, MutexGuard, PoisonError};

const SHARDS: usize = 32;

pub struct Sharded<K, V> {
    hasher: RandomState,
    shards: Box<[Mutex<HashMap<K, V>>]>,
}

impl<K: Hash + Eq, V> Default for Sharded<K, V> {
    fn default() -> Self {
        Sharded {
            hasher: RandomState::new(),
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }
}

impl<K: Hash + Eq, V> Sharded<K, V> {
    /// Locks the shard that holds `key`. The guard is std's: never hold it across an `.await`.
    pub fn lock<Q: Hash + ?Sized>(&self, key: &Q) -> MutexGuard<'_, HashMap<K, V>> {
        let index = self.hasher.hash_one(key) as usize % self.shards.len();
        lock(&self.shards[index])
    }

    /// Visits each shard in turn, locked one at a time.
    pub fn for_each_shard(&self, mut visit: impl FnMut(&mut HashMap<K, V>)) {
        for shard in self.shards.iter() {
            visit(&mut lock(shard));
        }
    }
}

/// A panic while a shard was locked leaves plain data behind, still consistent at the field level;
/// serving the other rooms beats poisoning the whole server.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
