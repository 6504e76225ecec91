//! What nodes share besides rooms: who is alive (heartbeat keys), which node runs the timers (a
//! lease), and wrong room codes per IP.

use std::net::IpAddr;
use std::sync::LazyLock;
use std::time::Duration;

use redis::Script;

use super::{millis, unreachable, RedisStore, ROOM_KEY_TTL};
use crate::error::JamError;
use crate::recording::Take;

static LEASE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"local holder = redis.call('GET', KEYS[1])
          if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
          if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
          return 0",
    )
});

static COUNT_MISS: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"local n = redis.call('INCR', KEYS[1])
          if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
          return n",
    )
});

impl RedisStore {
    /// The cluster's recording-link secret: the first node's `candidate` wins, the others adopt it.
    pub async fn shared_secret(&self, candidate: [u8; 32]) -> Result<[u8; 32], redis::RedisError> {
        let key = self.key(&["link-secret"]);
        let mut conn = self.connection();
        let _: Option<String> = redis::cmd("SET")
            .arg(&key)
            .arg(&candidate[..])
            .arg("NX")
            .query_async(&mut conn)
            .await?;
        let stored: Vec<u8> = redis::cmd("GET").arg(&key).query_async(&mut conn).await?;
        stored.try_into().map_err(|_| {
            redis::RedisError::from((
                redis::ErrorKind::Parse,
                "the stored link secret is not 32 bytes",
            ))
        })
    }

    /// Keeps a finished take for every node, for as long as a room key lives (its room's end then
    /// shortens that to the recording TTL).
    pub async fn keep_take(
        &self,
        room_code: &str,
        take_id: &str,
        take: &Take,
    ) -> Result<(), JamError> {
        let bytes = rmp_serde::to_vec_named(&(room_code, take)).map_err(|_| JamError::Internal)?;
        redis::cmd("SET")
            .arg(self.key(&["take", take_id]))
            .arg(bytes)
            .arg("PX")
            .arg(millis(ROOM_KEY_TTL))
            .query_async::<()>(&mut self.connection())
            .await
            .map_err(unreachable)
    }

    /// A finished take and its room's code.
    pub async fn take(&self, take_id: &str) -> Result<Option<(String, Take)>, JamError> {
        let bytes: Option<Vec<u8>> = redis::cmd("GET")
            .arg(self.key(&["take", take_id]))
            .query_async(&mut self.connection())
            .await
            .map_err(unreachable)?;
        Ok(bytes.and_then(|bytes| rmp_serde::from_slice(&bytes).ok()))
    }

    pub async fn expire_takes(&self, take_ids: &[String], ttl: Duration) -> Result<(), JamError> {
        for take_id in take_ids {
            redis::cmd("PEXPIRE")
                .arg(self.key(&["take", take_id]))
                .arg(millis(ttl))
                .query_async::<()>(&mut self.connection())
                .await
                .map_err(unreachable)?;
        }
        Ok(())
    }

    /// Says this node is alive for `ttl`, and lists it among the nodes to watch.
    pub async fn heartbeat(&self, node_id: &str, ttl: Duration) -> Result<(), JamError> {
        redis::pipe()
            .atomic()
            .cmd("SET")
            .arg(self.key(&["node", node_id]))
            .arg(1)
            .arg("PX")
            .arg(millis(ttl))
            .ignore()
            .cmd("SADD")
            .arg(self.key(&["nodes"]))
            .arg(node_id)
            .ignore()
            .query_async::<()>(&mut self.connection())
            .await
            .map_err(unreachable)
    }

    /// Listed nodes whose heartbeat ran out.
    pub async fn dead_nodes(&self) -> Result<Vec<String>, JamError> {
        let listed: Vec<String> = redis::cmd("SMEMBERS")
            .arg(self.key(&["nodes"]))
            .query_async(&mut self.connection())
            .await
            .map_err(unreachable)?;
        let mut dead = Vec::new();
        for node in listed {
            if !self.is_alive(&node).await? {
                dead.push(node);
            }
        }
        Ok(dead)
    }

    pub async fn forget_nodes(&self, nodes: &[String]) -> Result<(), JamError> {
        redis::cmd("SREM")
            .arg(self.key(&["nodes"]))
            .arg(nodes)
            .query_async::<()>(&mut self.connection())
            .await
            .map_err(unreachable)
    }

    pub async fn is_alive(&self, node_id: &str) -> Result<bool, JamError> {
        redis::cmd("EXISTS")
            .arg(self.key(&["node", node_id]))
            .query_async(&mut self.connection())
            .await
            .map_err(unreachable)
    }

    /// Takes or keeps the lease `name` for `ttl`: one node at a time runs the cluster's timers.
    pub async fn hold_lease(&self, name: &str, node_id: &str, ttl: Duration) -> bool {
        let held: Result<i64, _> = LEASE
            .key(self.key(&["lease", name]))
            .arg(node_id)
            .arg(millis(ttl))
            .invoke_async(&mut self.connection())
            .await;
        held.is_ok_and(|held| held == 1)
    }

    /// Counts a wrong room code against `ip` for a minute.
    pub async fn record_miss(&self, ip: IpAddr) -> Result<(), JamError> {
        COUNT_MISS
            .key(self.key(&["misses", &ip.to_string()]))
            .arg(millis(Self::miss_window()))
            .invoke_async::<i64>(&mut self.connection())
            .await
            .map(|_| ())
            .map_err(unreachable)
    }

    /// Wrong room codes `ip` tried this minute, on any node.
    pub async fn misses(&self, ip: IpAddr) -> Result<u32, JamError> {
        let count: Option<u32> = redis::cmd("GET")
            .arg(self.key(&["misses", &ip.to_string()]))
            .query_async(&mut self.connection())
            .await
            .map_err(unreachable)?;
        Ok(count.unwrap_or(0))
    }
}
