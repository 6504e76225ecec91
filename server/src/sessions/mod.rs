//! The SessionManager: rooms, their participants and each connection's memberships and limits. It
//! knows nothing of sockets: callers pass an opaque connection id and get back plain data saying what
//! to send. Room-scoped results come as a [`Delivery`], which keeps the room locked until its events
//! are sent, so every member receives them in `seq` order. Rooms live in this node's memory; on a
//! cluster a [`Replica`] hears of each change (see `replica.rs`).
//!
//! - `manager/`: the manager's methods, by what they do (membership, relay, host commands,
//!   housekeeping, takeovers); this file holds its state and the helpers they share.
//! - `room/`: one room — its state (private) and its rules; `room::HostCommand` the host's commands.
//! - `connections/`: per-connection limits and bookkeeping: rooms joined, event rate, room creation,
//!   code guessing, and the codes themselves.
//! - `store/`: where rooms live (one async lock per room), `replica.rs`: what a cluster plugs in.
//! - `settings.rs`, `transport/`, `clock.rs`: the rules of a room's settings, transport and time.
//! - `take_store.rs`: finished takes kept for download (a take's content: crate::recording).
//! - `snapshot.rs`: a room and its events as another node reads them back.

pub mod clock;
mod connections;
mod manager;
pub mod replica;
mod room;
pub mod settings;
mod shards;
pub mod snapshot;
pub mod store;
mod take_store;
pub mod transport;
mod validate;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::JamError;
use clock::ServerClock;
use connections::Connections;
use replica::Replica;
use room::RoomConfig;
use settings::{Settings, SettingsPatch};
use store::{RoomGuard, SessionStore};
use take_store::TakeStore;

pub use connections::codes::{normalize_room_code, ROOM_CODE_ALPHABET, ROOM_CODE_LEN};
pub use connections::ratelimit;
pub use connections::RateDecision;
pub use manager::{takeover, Commanded, Departure, ResumeOutcome, Sweep};
pub use room::{HostCommand, Now, Resumed, Room, Sequenced};

/// Opaque identity of one client connection (the handlers use the socket id).
pub type ConnId = Arc<str>;

/// Limits an operator sets; see `config.rs` for their flags and defaults.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_participants: usize,
    pub max_listeners: usize,
    pub max_rooms_per_socket: usize,
    pub max_rooms: usize,
    pub max_event_bytes: usize,
    pub empty_room_ttl: Duration,
    pub replay_buffer: usize,
    pub resume_grace: Duration,
    pub rate_limit: f64,
    pub rate_burst: f64,
    /// Continuous excess over the rate limit for this long disconnects the client.
    pub rate_disconnect_after: Duration,
    pub max_creates_per_minute: u32,
    /// Wrong room codes per minute, per connection and per IP, before every join is refused.
    pub max_code_misses_per_minute: u32,
    /// Musical events one take may hold before it stops itself.
    pub max_recording_events: usize,
    /// How long a take stays downloadable after its room ends.
    pub recording_ttl: Duration,
}

/// Room events to send, with the room held locked until they are sent (drop it after sending).
pub struct Delivery {
    pub room_code: String,
    pub events: Vec<Sequenced>,
    room: RoomGuard,
}

/// Result of a successful join.
pub struct Joined {
    pub session: crate::protocol::SessionJoined,
    /// False when the connection was already in the room: nobody else is told again.
    pub newly_joined: bool,
    pub delivery: Delivery,
}

pub struct SessionManager {
    limits: Limits,
    clock: ServerClock,
    room_config: RoomConfig,
    takes: Arc<TakeStore>,
    store: SessionStore,
    conns: Connections,
    /// Seats held in this node's rooms.
    participant_count: AtomicUsize,
}

impl SessionManager {
    /// A single node keeping its rooms in memory.
    pub fn new(limits: Limits) -> Self {
        Self::with_replica(limits, None, "local", None)
    }

    /// A node of a cluster when `replica` is given; `node_id` tells this node's members apart and
    /// `link_secret` (shared by the cluster) signs recording links.
    pub fn with_replica(
        limits: Limits,
        replica: Option<Arc<dyn Replica>>,
        node_id: &str,
        link_secret: Option<[u8; 32]>,
    ) -> Self {
        let store = SessionStore::new(replica);
        let clock = ServerClock::new();
        let takes = Arc::new(match link_secret {
            Some(secret) => TakeStore::with_secret(limits.recording_ttl, secret),
            None => TakeStore::new(limits.recording_ttl),
        });
        let room_config = RoomConfig {
            replay_capacity: limits.replay_buffer,
            takes: takes.clone(),
            max_recording_events: limits.max_recording_events,
            max_listeners: limits.max_listeners,
            clock,
            node_id: Arc::from(node_id),
        };
        SessionManager {
            conns: Connections::new(&limits),
            limits,
            clock,
            room_config,
            takes,
            store,
            participant_count: AtomicUsize::new(0),
        }
    }

    pub fn store(&self) -> &SessionStore {
        &self.store
    }

    pub fn node_id(&self) -> &str {
        &self.room_config.node_id
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Live rooms (on a cluster: in the whole cluster, as last read, or this node's until then).
    pub fn room_count(&self) -> usize {
        self.cluster_counts()
            .map_or(self.store.len(), |(rooms, _)| rooms)
    }

    /// Seats held, present or away (on a cluster: likewise).
    pub fn participant_count(&self) -> usize {
        self.cluster_counts()
            .map_or(self.local_participant_count(), |(_, seats)| seats)
    }

    /// Seats held in this node's rooms.
    pub fn local_participant_count(&self) -> usize {
        self.participant_count.load(Ordering::Relaxed)
    }

    /// Rooms in this node's memory.
    pub fn local_room_count(&self) -> usize {
        self.store.len()
    }

    fn cluster_counts(&self) -> Option<(usize, usize)> {
        self.store.replica()?.cluster_counts()
    }

    /// Server time, ms since the UNIX epoch, from a monotonic clock.
    pub fn now_ms(&self) -> f64 {
        self.clock.now_ms()
    }

    pub fn connections(&self) -> &Connections {
        &self.conns
    }

    /// The finished take a download link names, while the link is alive.
    pub async fn take_for_download(&self, file_name: &str) -> Option<Arc<crate::recording::Take>> {
        if let Some(take) = self.takes.get(file_name, Instant::now()) {
            return Some(take);
        }
        let replica = self.store.replica()?;
        let stem = file_name.strip_suffix(".mid").unwrap_or(file_name);
        let (take_id, mac) = stem.split_once('-')?;
        let (room_code, take) = replica.take(take_id).await?;
        self.takes
            .is_genuine(&room_code, take_id, mac)
            .then(|| Arc::new(take))
    }

    /// Creates an empty room with a fresh code, unique among live rooms.
    pub async fn create_room(
        &self,
        conn: &ConnId,
        patch: Option<&SettingsPatch>,
    ) -> Result<String, JamError> {
        let server_max = u32::try_from(self.limits.max_participants).unwrap_or(u32::MAX);
        let defaults = Settings::defaults(server_max);
        let settings = match patch {
            Some(patch) => defaults.with_patch(patch, server_max, 0)?,
            None => defaults,
        };
        if self.room_count() >= self.limits.max_rooms {
            return Err(JamError::TooManyRooms(self.limits.max_rooms));
        }
        self.conns.record_create(conn, Instant::now())?;
        // 31^6 ≈ 887 million codes: a collision is rare, a long run of them means something is wrong.
        for _ in 0..32 {
            let code = connections::codes::new_room_code()?;
            let room = Room::new(
                code.clone(),
                settings.clone(),
                &self.room_config,
                Instant::now(),
            );
            if self.store.insert(room).await? {
                return Ok(code);
            }
        }
        Err(JamError::Internal)
    }

    /// Locks the room `input` names; `missing` makes the error for a code no live room has.
    async fn lock_room(
        &self,
        input: &str,
        missing: fn(String) -> JamError,
    ) -> Result<RoomGuard, JamError> {
        let code = normalize_room_code(input).ok_or_else(|| missing(shown(input)))?;
        let room = self.store.lock(&code).await;
        room.ok_or_else(|| missing(code))
    }

    /// Runs `change` on the room and keeps the participant gauge in step with it.
    fn tracked<R>(&self, room: &mut Room, change: impl FnOnce(&mut Room) -> R) -> R {
        let before = room.len();
        let result = change(room);
        let after = room.len();
        if after > before {
            self.participant_count
                .fetch_add(after - before, Ordering::Relaxed);
        } else {
            self.participant_count
                .fetch_sub(before - after, Ordering::Relaxed);
        }
        result
    }

    /// Tells the replica (if any) of the room's change and hands over its events, room still locked.
    async fn deliver(&self, room: RoomGuard, events: Vec<Sequenced>) -> Result<Delivery, JamError> {
        let mut room = room;
        self.store.save(&mut room, &events);
        Ok(Delivery {
            room_code: room.code().to_owned(),
            events,
            room,
        })
    }
}

/// Client input echoed in an error message, cut short so a huge string cannot bloat the reply.
fn shown(input: &str) -> String {
    input.chars().take(16).collect()
}

#[cfg(test)]
mod tests;
