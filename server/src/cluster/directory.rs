//! Who is alive and who holds which room. A node's heartbeat key holds its public URL (and its room
//! and seat counts beside it); a room's directory entry names its owner and an epoch, `node:epoch`
//! (`:epoch` once released). Taking a room over is a compare-and-set on that entry that bumps the
//! epoch, and each epoch writes its own snapshot and log keys, so a node that lost a room can never
//! overwrite what its successor reads or writes.

use std::sync::LazyLock;
use std::time::Duration;

use redis::Script;

use super::redis::{millis, unreachable, Redis};
use super::wal::WAL_KEY_TTL;
use crate::error::JamError;

/// Room keys outlive their last write by this much; a live room's snapshots renew them.
pub const ROOM_KEY_TTL: Duration = Duration::from_secs(24 * 3600);
/// The keys of an epoch that was taken over stay readable this long.
pub const OLD_EPOCH_TTL: Duration = Duration::from_secs(60);

/// KEYS dir; ARGV expected entry, new owner, ttl ms. Returns the new epoch, or -1 when the entry
/// changed meanwhile.
static CLAIM: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
          local epoch = tonumber(string.match(ARGV[1], ':(%d+)$')) + 1
          redis.call('SET', KEYS[1], ARGV[2] .. ':' .. epoch, 'PX', ARGV[3])
          return epoch",
    )
});

/// KEYS dir; ARGV expected entry, replacement ('' deletes). 1 when done, 0 when not ours.
static REPLACE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
          if ARGV[2] == '' then redis.call('DEL', KEYS[1])
          else redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') end
          return 1",
    )
});

/// A room's directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Empty once released.
    pub owner: String,
    pub epoch: u64,
}

impl Entry {
    fn parse(raw: &str) -> Option<Entry> {
        let (owner, epoch) = raw.rsplit_once(':')?;
        Some(Entry {
            owner: owner.to_owned(),
            epoch: epoch.parse().ok()?,
        })
    }

    pub fn render(&self) -> String {
        format!("{}:{}", self.owner, self.epoch)
    }
}

impl Redis {
    pub fn dir_key(&self, code: &str) -> String {
        self.key(&["dir", code])
    }

    /// The snapshot and log keys of one epoch of a room.
    pub fn room_keys(&self, code: &str, epoch: u64) -> (String, String) {
        let epoch = epoch.to_string();
        (
            self.key(&["room", code, &epoch, "snap"]),
            self.key(&["room", code, &epoch, "log"]),
        )
    }

    /// Takes `code` for a new room of `node` (epoch 1); false when the code is in use.
    pub async fn reserve(&self, code: &str, node: &str) -> Result<bool, JamError> {
        let set: Option<String> = redis::cmd("SET")
            .arg(self.dir_key(code))
            .arg(format!("{node}:1"))
            .arg("NX")
            .arg("PX")
            .arg(millis(ROOM_KEY_TTL))
            .query_async(&mut self.conn())
            .await
            .map_err(unreachable)?;
        Ok(set.is_some())
    }

    pub async fn entry(&self, code: &str) -> Result<Option<Entry>, JamError> {
        let raw: Option<String> = redis::cmd("GET")
            .arg(self.dir_key(code))
            .query_async(&mut self.conn())
            .await
            .map_err(unreachable)?;
        Ok(raw.as_deref().and_then(Entry::parse))
    }

    /// Makes `node` the owner if the entry is still `seen`; the new epoch, or None when it changed.
    pub async fn claim(
        &self,
        code: &str,
        seen: &Entry,
        node: &str,
    ) -> Result<Option<u64>, JamError> {
        let epoch: i64 = CLAIM
            .key(self.dir_key(code))
            .arg(seen.render())
            .arg(node)
            .arg(millis(ROOM_KEY_TTL))
            .invoke_async(&mut self.conn())
            .await
            .map_err(unreachable)?;
        Ok(u64::try_from(epoch).ok())
    }

    /// Replaces the entry if it is still `seen`: released (`Some("")` owner) or deleted (None).
    pub async fn replace(
        &self,
        code: &str,
        seen: &Entry,
        next: Option<&Entry>,
    ) -> Result<bool, JamError> {
        let done: i64 = REPLACE
            .key(self.dir_key(code))
            .arg(seen.render())
            .arg(next.map(Entry::render).unwrap_or_default())
            .invoke_async(&mut self.conn())
            .await
            .map_err(unreachable)?;
        Ok(done == 1)
    }

    /// This node is alive for `ttl`, reachable at `url`, and holds `rooms` rooms and `seats` seats.
    pub async fn heartbeat(
        &self,
        node: &str,
        url: &str,
        counts: (usize, usize),
        ttl: Duration,
    ) -> Result<(), JamError> {
        redis::pipe()
            .cmd("SET")
            .arg(self.key(&["node", node]))
            .arg(url)
            .arg("PX")
            .arg(millis(ttl))
            .ignore()
            .cmd("SET")
            .arg(self.key(&["node", node, "counts"]))
            .arg(format!("{} {}", counts.0, counts.1))
            .arg("PX")
            .arg(millis(ttl))
            .ignore()
            .cmd("SADD")
            .arg(self.key(&["nodes"]))
            .arg(node)
            .ignore()
            .cmd("PEXPIRE")
            .arg(self.wal_key(node))
            .arg(millis(WAL_KEY_TTL))
            .ignore()
            .query_async::<()>(&mut self.conn())
            .await
            .map_err(unreachable)
    }

    /// The public URL of `node`, while its heartbeat lives.
    pub async fn node_url(&self, node: &str) -> Result<Option<String>, JamError> {
        redis::cmd("GET")
            .arg(self.key(&["node", node]))
            .query_async(&mut self.conn())
            .await
            .map_err(unreachable)
    }

    /// The cluster's rooms and seats: the sums of the live nodes' counts (dead nodes are dropped
    /// from the list).
    pub async fn cluster_counts(&self) -> Result<(usize, usize), JamError> {
        let nodes: Vec<String> = redis::cmd("SMEMBERS")
            .arg(self.key(&["nodes"]))
            .query_async(&mut self.conn())
            .await
            .map_err(unreachable)?;
        if nodes.is_empty() {
            return Ok((0, 0));
        }
        let keys: Vec<String> = nodes
            .iter()
            .map(|n| self.key(&["node", n, "counts"]))
            .collect();
        let counts: Vec<Option<String>> = redis::cmd("MGET")
            .arg(&keys)
            .query_async(&mut self.conn())
            .await
            .map_err(unreachable)?;
        let mut total = (0, 0);
        let mut dead = Vec::new();
        for (node, count) in nodes.iter().zip(counts) {
            let Some((rooms, seats)) = count.as_deref().and_then(|c| c.split_once(' ')) else {
                dead.push(node.clone());
                continue;
            };
            total.0 += rooms.parse::<usize>().unwrap_or(0);
            total.1 += seats.parse::<usize>().unwrap_or(0);
        }
        if !dead.is_empty() {
            let _: Result<(), _> = redis::cmd("SREM")
                .arg(self.key(&["nodes"]))
                .arg(&dead)
                .query_async(&mut self.conn())
                .await;
        }
        Ok(total)
    }
}

#[cfg(test)]
mod tests;
