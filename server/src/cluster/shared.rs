//! What every node shares besides rooms: the recording-link secret, finished takes (a link works on
//! any node), and wrong room codes per IP (the guessing limit holds across nodes).

use std::net::IpAddr;
use std::sync::LazyLock;
use std::time::Duration;

use redis::Script;

use super::redis::{millis, unreachable, Redis};
use crate::error::JamError;
use crate::recording::Take;

/// A finished take is kept this long while its room lives; its room's end shortens it.
const TAKE_TTL: Duration = Duration::from_secs(24 * 3600);
/// How long a wrong room code counts against its IP.
pub const MISS_WINDOW: Duration = Duration::from_secs(60);

static COUNT_MISS: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"local n = redis.call('INCR', KEYS[1])
          if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
          return n",
    )
});

impl Redis {
    /// The cluster's recording-link secret: the first node's `candidate` wins, the others adopt it.
    pub async fn shared_secret(&self, candidate: [u8; 32]) -> Result<[u8; 32], redis::RedisError> {
        let key = self.key(&["link-secret"]);
        let mut conn = self.conn();
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

    /// Keeps a finished take for every node.
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
            .arg(millis(TAKE_TTL))
            .query_async::<()>(&mut self.conn())
            .await
            .map_err(unreachable)
    }

    /// A finished take and its room's code.
    pub async fn take(&self, take_id: &str) -> Result<Option<(String, Take)>, JamError> {
        let bytes: Option<Vec<u8>> = redis::cmd("GET")
            .arg(self.key(&["take", take_id]))
            .query_async(&mut self.conn())
            .await
            .map_err(unreachable)?;
        Ok(bytes.and_then(|bytes| rmp_serde::from_slice(&bytes).ok()))
    }

    pub async fn expire_takes(&self, take_ids: &[String], ttl: Duration) -> Result<(), JamError> {
        let mut pipe = redis::pipe();
        for take_id in take_ids {
            pipe.cmd("PEXPIRE")
                .arg(self.key(&["take", take_id]))
                .arg(millis(ttl))
                .ignore();
        }
        pipe.query_async::<()>(&mut self.conn())
            .await
            .map_err(unreachable)
    }

    /// Counts a wrong room code against `ip` for a minute.
    pub async fn record_miss(&self, ip: IpAddr) -> Result<(), JamError> {
        COUNT_MISS
            .key(self.key(&["misses", &ip.to_string()]))
            .arg(millis(MISS_WINDOW))
            .invoke_async::<i64>(&mut self.conn())
            .await
            .map(|_| ())
            .map_err(unreachable)
    }

    /// Wrong room codes `ip` tried this minute, on any node.
    pub async fn misses(&self, ip: IpAddr) -> Result<u32, JamError> {
        let count: Option<u32> = redis::cmd("GET")
            .arg(self.key(&["misses", &ip.to_string()]))
            .query_async(&mut self.conn())
            .await
            .map_err(unreachable)?;
        Ok(count.unwrap_or(0))
    }
}
