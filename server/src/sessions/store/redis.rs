//! Rooms in Redis, shared by every node. Each change is decided under a per-room lock key (SET NX
//! with a TTL, so a node that dies holding it blocks the room for seconds, not forever); reading the
//! room with the lock and writing it back with its new replay events are single Lua scripts, so a
//! node that lost its lock can never overwrite a room. See docs/operations.md for the keys.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::super::codes::new_resume_token;
use super::super::room::{Room, RoomConfig, Sequenced};
use super::local_queue::{LocalQueues, QueueTurn};
use super::record::{decode_event, encode_event, RoomRecord};
use super::WithReplay;
use crate::error::JamError;
use crate::protocol::RoomEvent;
use scripts::{ACQUIRE, DELETE, INSERT, SAVE};

/// A room key lives this long after its last change; the sweeper deletes empty rooms much sooner.
const ROOM_KEY_TTL: Duration = Duration::from_secs(24 * 3600);
/// A lock outlives any honest holder (a change and its sends take milliseconds).
const LOCK_TTL: Duration = Duration::from_secs(10);
/// How long a command waits for a busy room before it answers `unavailable`.
const LOCK_WAIT: Duration = Duration::from_secs(5);
/// How long a wrong room code counts against its IP.
const MISS_WINDOW: Duration = Duration::from_secs(60);

const UNREACHABLE: JamError = JamError::Unavailable("the shared session store is unreachable");
const BUSY: JamError = JamError::Unavailable("the room is busy; try again");

fn decode_replay(events: &[Vec<u8>]) -> VecDeque<Arc<RoomEvent>> {
    events
        .iter()
        .filter_map(|bytes| decode_event(bytes).map(Arc::new))
        .collect()
}

pub struct RedisStore {
    conn: ConnectionManager,
    prefix: String,
    queues: Arc<LocalQueues<Handoff>>,
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
            queues: Arc::default(),
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

    /// Stores a new room unless its code is taken; `due_ms` is when the sweep must look at it.
    pub async fn insert(&self, room: &Room, due_ms: f64) -> Result<bool, JamError> {
        let state = RoomRecord::of(room).encode()?;
        let inserted: i64 = INSERT
            .key(self.key(&["room", &room.code]))
            .key(self.key(&["rooms"]))
            .key(self.key(&["due"]))
            .arg(state)
            .arg(millis(ROOM_KEY_TTL))
            .arg(&room.code)
            .arg(due_ms)
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(unreachable)?;
        Ok(inserted == 1)
    }

    /// Locks the room for this task: waits for this node's turn on it, then takes the lock the
    /// previous task handed over, or acquires it in Redis.
    pub async fn lock(
        &self,
        code: &str,
        replay: WithReplay,
        config: &RoomConfig,
    ) -> Result<Option<(Room, RedisLock)>, JamError> {
        let deadline = tokio::time::Instant::now() + LOCK_WAIT;
        let Some(mut turn) = self.queues.wait_turn(code, deadline).await else {
            return Err(BUSY);
        };
        let Some(Handoff { state, lock }) = turn.take_left() else {
            return self.acquire(code, replay, config, turn, deadline).await;
        };
        // The previous task of this node kept the lock for us: the room is as it saved it.
        let replay = match replay {
            WithReplay::Yes => self.replay(code).await?,
            WithReplay::No => VecDeque::new(),
        };
        let room = RoomRecord::decode(&state)?.into_room(config, replay);
        Ok(Some((room, lock.continued_by(turn))))
    }

    /// Takes the room's lock in Redis and reads the room, retrying while another node holds it.
    async fn acquire(
        &self,
        code: &str,
        replay: WithReplay,
        config: &RoomConfig,
        turn: QueueTurn<Handoff>,
        deadline: tokio::time::Instant,
    ) -> Result<Option<(Room, RedisLock)>, JamError> {
        let [lock_key, state_key, replay_key] = self.room_keys(code);
        let token = new_resume_token()?;
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
                    let room =
                        RoomRecord::decode(&state)?.into_room(config, decode_replay(&events));
                    let lock = RedisLock::new(self.conn.clone(), lock_key, token, turn, &room);
                    return Ok(Some((room, lock)));
                }
                -1 => {
                    self.forget(code).await;
                    return Ok(None);
                }
                _ if tokio::time::Instant::now() >= deadline => return Err(BUSY),
                _ => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(8));
                }
            }
        }
    }

    /// The room's replay buffer, oldest first.
    async fn replay(&self, code: &str) -> Result<VecDeque<Arc<RoomEvent>>, JamError> {
        let events: Vec<Vec<u8>> = redis::cmd("LRANGE")
            .arg(self.key(&["room", code, "replay"]))
            .arg(0)
            .arg(-1)
            .query_async(&mut self.conn.clone())
            .await
            .map_err(unreachable)?;
        Ok(decode_replay(&events))
    }

    /// A code in the room set whose room expired: drop it from the set.
    async fn forget(&self, code: &str) {
        let _: Result<i64, _> = redis::cmd("SREM")
            .arg(self.key(&["rooms"]))
            .arg(code)
            .query_async(&mut self.conn.clone())
            .await;
    }

    /// Writes the room back with its new events, and when the sweep must next look at it
    /// (`due_ms`); returns the cluster's seat count after it.
    pub async fn save(
        &self,
        room: &Room,
        lock: &mut RedisLock,
        events: &[Sequenced],
        due_ms: Option<f64>,
    ) -> Result<i64, JamError> {
        let [lock_key, state_key, replay_key] = self.room_keys(&room.code);
        let seats_delta = room.members.len() as i64 - lock.members as i64;
        let state = RoomRecord::of(room).encode()?;
        let mut save = SAVE.key(lock_key);
        save.key(state_key)
            .key(replay_key)
            .key(self.key(&["seats"]))
            .key(self.key(&["due"]))
            .key(self.key(&["latency"]))
            .arg(&lock.token)
            .arg(&state)
            .arg(millis(ROOM_KEY_TTL))
            .arg(room.replay_capacity)
            .arg(seats_delta)
            .arg(due_ms.map(|ms| ms.to_string()).unwrap_or_default())
            .arg(if room.latency_dirty { "1" } else { "0" })
            .arg(&room.code);
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
        lock.saved(room.members.len(), state);
        Ok(seats)
    }

    pub async fn delete(&self, code: &str, mut lock: RedisLock) -> Result<(), JamError> {
        let [lock_key, state_key, replay_key] = self.room_keys(code);
        let _: i64 = DELETE
            .key(lock_key)
            .key(state_key)
            .key(replay_key)
            .key(self.key(&["rooms"]))
            .key(self.key(&["due"]))
            .key(self.key(&["latency"]))
            .arg(&lock.token)
            .arg(code)
            .invoke_async(&mut self.conn.clone())
            .await
            .map_err(unreachable)?;
        lock.forget();
        Ok(())
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
#[path = "redis_lists.rs"]
mod lists;
#[path = "redis_lock.rs"]
mod lock;
#[path = "redis_scripts.rs"]
mod scripts;
use lock::Handoff;
pub use lock::RedisLock;
