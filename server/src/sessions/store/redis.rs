//! Rooms in Redis, shared by every node. Each change is decided under a per-room lock key (SET NX
//! with a TTL, so a node that dies holding it blocks the room for seconds, not forever); reading the
//! room with the lock and writing it back with its new replay events are single Lua scripts, so a
//! node that lost its lock can never overwrite a room. See docs/operations.md for the keys.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::Script;

use super::super::codes::new_resume_token;
use super::super::room::{Room, RoomConfig, Sequenced};
use super::record::{decode_event, encode_event, RoomRecord};
use super::WithReplay;
use crate::error::JamError;

/// A room key lives this long after its last change; the sweeper deletes empty rooms much sooner.
const ROOM_KEY_TTL: Duration = Duration::from_secs(24 * 3600);
/// A lock outlives any honest holder (a change and its sends take milliseconds).
const LOCK_TTL: Duration = Duration::from_secs(10);
/// How long a command waits for a busy room before it answers `unavailable`.
const LOCK_WAIT: Duration = Duration::from_secs(5);
/// How long a wrong room code counts against its IP.
const MISS_WINDOW: Duration = Duration::from_secs(60);

const UNREACHABLE: JamError = JamError::Unavailable("the shared session store is unreachable");

static ACQUIRE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('EXISTS', KEYS[2]) == 0 then return {-1, '', {}} end
          if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0, '', {}} end
          local replay = {}
          if ARGV[3] == '1' then replay = redis.call('LRANGE', KEYS[3], 0, -1) end
          return {1, redis.call('GET', KEYS[2]), replay}",
    )
});

static SAVE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0, 0} end
          redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
          local capacity = tonumber(ARGV[4])
          if capacity > 0 and #ARGV > 5 then
            for i = 6, #ARGV do redis.call('RPUSH', KEYS[3], ARGV[i]) end
            redis.call('LTRIM', KEYS[3], -capacity, -1)
          end
          redis.call('PEXPIRE', KEYS[3], ARGV[3])
          return {1, redis.call('INCRBY', KEYS[4], ARGV[5])}",
    )
});

static DELETE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
          redis.call('DEL', KEYS[2], KEYS[3], KEYS[1])
          redis.call('SREM', KEYS[4], ARGV[2])
          return 1",
    )
});

static RELEASE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
          return 0",
    )
});

static INSERT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
          redis.call('SADD', KEYS[2], ARGV[3])
          return 1",
    )
});

/// A held room lock; dropping it releases the lock in the background.
pub struct RedisLock {
    conn: ConnectionManager,
    key: String,
    token: String,
    released: bool,
    /// Members as last read or saved, to keep the cluster's seat count in step.
    members: AtomicUsize,
}

impl Drop for RedisLock {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        let (mut conn, key, token) = (self.conn.clone(), self.key.clone(), self.token.clone());
        tokio::spawn(async move {
            let released: Result<i64, _> =
                RELEASE.key(key).arg(token).invoke_async(&mut conn).await;
            if let Err(err) = released {
                tracing::debug!(%err, "room lock not released; it expires by itself");
            }
        });
    }
}

pub struct RedisStore {
    conn: ConnectionManager,
    prefix: String,
}

/// Any Redis failure is the client's `unavailable`; the details go to the log.
fn unreachable(err: redis::RedisError) -> JamError {
    tracing::warn!(%err, "redis request failed");
    UNREACHABLE
}

fn millis(duration: Duration) -> u64 {
    duration.as_millis().try_into().unwrap_or(u64::MAX)
}

impl RedisStore {
    /// Connects (failing fast when Redis is not there); the connection reconnects by itself later.
    pub async fn connect(url: &str, prefix: &str) -> Result<RedisStore, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_with_config(client, config).await?;
        Ok(RedisStore {
            conn,
            prefix: prefix.to_owned(),
        })
    }

    pub(super) fn key(&self, parts: &[&str]) -> String {
        let mut key = self.prefix.clone();
        for part in parts {
            key.push(':');
            key.push_str(part);
        }
        key
    }

    fn room_keys(&self, code: &str) -> [String; 3] {
        [
            self.key(&["room", code, "lock"]),
            self.key(&["room", code]),
            self.key(&["room", code, "replay"]),
        ]
    }

    pub async fn insert(&self, room: &Room) -> Result<bool, JamError> {
        let state = RoomRecord::of(room).encode()?;
        let inserted: i64 = INSERT
            .key(self.key(&["room", &room.code]))
            .key(self.key(&["rooms"]))
            .arg(state)
            .arg(millis(ROOM_KEY_TTL))
            .arg(&room.code)
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(unreachable)?;
        Ok(inserted == 1)
    }

    pub async fn lock(
        &self,
        code: &str,
        replay: WithReplay,
        config: &RoomConfig,
    ) -> Result<Option<(Room, RedisLock)>, JamError> {
        let [lock_key, state_key, replay_key] = self.room_keys(code);
        let token = new_resume_token()?;
        let deadline = tokio::time::Instant::now() + LOCK_WAIT;
        let mut pause = Duration::from_millis(1);
        loop {
            let (status, state, events): (i64, Vec<u8>, Vec<Vec<u8>>) = ACQUIRE
                .key(&lock_key)
                .key(&state_key)
                .key(&replay_key)
                .arg(&token)
                .arg(millis(LOCK_TTL))
                .arg(if replay == WithReplay::Yes { "1" } else { "0" })
                .invoke_async(&mut self.conn.clone())
                .await
                .map_err(unreachable)?;
            match status {
                1 => {
                    let replay: VecDeque<_> = events
                        .iter()
                        .filter_map(|bytes| decode_event(bytes).map(Arc::new))
                        .collect();
                    let room = RoomRecord::decode(&state)?.into_room(config, replay);
                    let lock = RedisLock {
                        conn: self.conn.clone(),
                        key: lock_key,
                        token,
                        released: false,
                        members: AtomicUsize::new(room.members.len()),
                    };
                    return Ok(Some((room, lock)));
                }
                -1 => {
                    self.forget(code).await;
                    return Ok(None);
                }
                _ if tokio::time::Instant::now() >= deadline => {
                    return Err(JamError::Unavailable("the room is busy; try again"))
                }
                _ => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(20));
                }
            }
        }
    }

    /// A code in the room set whose room expired: drop it from the set.
    async fn forget(&self, code: &str) {
        let _: Result<i64, _> = redis::cmd("SREM")
            .arg(self.key(&["rooms"]))
            .arg(code)
            .query_async(&mut self.conn.clone())
            .await;
    }

    /// Writes the room back with its new events; returns the cluster's seat count after it.
    pub async fn save(
        &self,
        room: &Room,
        lock: &RedisLock,
        events: &[Sequenced],
    ) -> Result<i64, JamError> {
        let [lock_key, state_key, replay_key] = self.room_keys(&room.code);
        let before = lock.members.load(Ordering::Relaxed);
        let seats_delta = room.members.len() as i64 - before as i64;
        let mut save = SAVE.key(lock_key);
        save.key(state_key)
            .key(replay_key)
            .key(self.key(&["seats"]))
            .arg(&lock.token)
            .arg(RoomRecord::of(room).encode()?)
            .arg(millis(ROOM_KEY_TTL))
            .arg(room.replay_capacity)
            .arg(seats_delta);
        for sequenced in events {
            save.arg(encode_event(&sequenced.event)?);
        }
        let (saved, seats): (i64, i64) = save
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(unreachable)?;
        if saved != 1 {
            tracing::warn!(room = %room.code, "room lock expired before its change was saved");
            return Err(JamError::Unavailable("the room was busy; try again"));
        }
        lock.members.store(room.members.len(), Ordering::Relaxed);
        Ok(seats)
    }

    pub async fn delete(&self, code: &str, mut lock: RedisLock) -> Result<(), JamError> {
        let [lock_key, state_key, replay_key] = self.room_keys(code);
        let _: i64 = DELETE
            .key(lock_key)
            .key(state_key)
            .key(replay_key)
            .key(self.key(&["rooms"]))
            .arg(&lock.token)
            .arg(code)
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(unreachable)?;
        lock.released = true;
        Ok(())
    }

    pub async fn codes(&self) -> Result<Vec<String>, JamError> {
        redis::cmd("SMEMBERS")
            .arg(self.key(&["rooms"]))
            .query_async(&mut self.conn.clone())
            .await
            .map_err(unreachable)
    }

    /// Seats held in every room of the cluster (present or away).
    pub async fn seat_count(&self) -> Result<i64, JamError> {
        let seats: Option<i64> = redis::cmd("GET")
            .arg(self.key(&["seats"]))
            .query_async(&mut self.conn.clone())
            .await
            .map_err(unreachable)?;
        Ok(seats.unwrap_or(0))
    }

    /// True when Redis answers.
    pub async fn ping(&self) -> bool {
        let pong: Result<String, _> = redis::cmd("PING").query_async(&mut self.conn.clone()).await;
        pong.is_ok()
    }

    pub(super) fn connection(&self) -> ConnectionManager {
        self.conn.clone()
    }

    pub(super) fn miss_window() -> Duration {
        MISS_WINDOW
    }
}

#[path = "redis_cluster.rs"]
mod cluster;
