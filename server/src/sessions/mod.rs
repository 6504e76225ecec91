//! The SessionManager: rooms, their participants and each connection's memberships. It knows nothing
//! of sockets: callers pass an opaque connection id and get back plain data describing what happened,
//! which the handlers turn into emits.

mod codes;
mod shards;
mod validate;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::JamError;
use crate::protocol::Participant;
use shards::Sharded;

pub use codes::{normalize_room_code, ROOM_CODE_ALPHABET, ROOM_CODE_LEN};

/// Opaque identity of one client connection (the handlers use the socket id).
pub type ConnId = Arc<str>;

/// Limits an operator sets; see `config.rs` for their flags and defaults.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_participants: usize,
    pub max_rooms_per_socket: usize,
    pub max_rooms: usize,
    pub max_event_bytes: usize,
    pub empty_room_ttl: Duration,
}

struct Room {
    /// In join order; small (≤ max_participants), so a Vec beats a map.
    members: Vec<Participant>,
    /// Set while the room has nobody in it; the sweeper deletes it once this is older than the TTL.
    empty_since: Option<Instant>,
}

impl Room {
    fn participants(&self) -> Vec<Participant> {
        self.members.clone()
    }
}

struct Membership {
    room_code: String,
    participant_id: String,
}

/// Result of a successful join.
#[derive(Debug, Clone, PartialEq)]
pub struct Joined {
    pub room_code: String,
    pub you: Participant,
    pub participants: Vec<Participant>,
    /// False when the connection was already in the room: no `user-joined` is due then.
    pub newly_joined: bool,
}

/// A participant removed from a room: the others are owed a `user-left`.
#[derive(Debug, Clone, PartialEq)]
pub struct Left {
    pub room_code: String,
    pub user_id: String,
}

/// Permission to relay one event, with the server-assigned sender id.
#[derive(Debug, Clone, PartialEq)]
pub struct Relay {
    pub room_code: String,
    pub sender_id: String,
    /// Members other than the sender at the time of the check.
    pub recipients: usize,
}

/// Lock order, to stay deadlock-free: a connection's shard before a room's shard, never the reverse.
pub struct SessionManager {
    limits: Limits,
    rooms: Sharded<String, Room>,
    conns: Sharded<ConnId, Vec<Membership>>,
    room_count: AtomicUsize,
    participant_count: AtomicUsize,
}

impl SessionManager {
    pub fn new(limits: Limits) -> Self {
        SessionManager {
            limits,
            rooms: Sharded::default(),
            conns: Sharded::default(),
            room_count: AtomicUsize::new(0),
            participant_count: AtomicUsize::new(0),
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn room_count(&self) -> usize {
        self.room_count.load(Ordering::Relaxed)
    }

    pub fn participant_count(&self) -> usize {
        self.participant_count.load(Ordering::Relaxed)
    }

    /// Creates an empty room with a fresh code, unique among live rooms.
    pub fn create_room(&self) -> Result<String, JamError> {
        if self.room_count() >= self.limits.max_rooms {
            return Err(JamError::TooManyRooms(self.limits.max_rooms));
        }
        // 31^6 ≈ 887 million codes: a collision is rare, a long run of them means something is wrong.
        for _ in 0..32 {
            let code = codes::new_room_code()?;
            let mut shard = self.rooms.lock(&code);
            if shard.contains_key(&code) {
                continue;
            }
            let room = Room {
                members: Vec::new(),
                empty_since: Some(Instant::now()),
            };
            shard.insert(code.clone(), room);
            self.room_count.fetch_add(1, Ordering::Relaxed);
            return Ok(code);
        }
        Err(JamError::Internal)
    }

    /// Adds the connection to a room under `name`; joining again returns the same identity.
    pub fn join(&self, conn: &ConnId, room_code: &str, name: &str) -> Result<Joined, JamError> {
        let name = validate::display_name(name)?;
        let code = normalize_room_code(room_code)
            .ok_or_else(|| JamError::RoomNotFound(shown(room_code)))?;
        let mut conns = self.conns.lock(conn);
        let memberships = conns.get(conn).map(Vec::as_slice).unwrap_or_default();
        let existing = memberships.iter().find(|m| m.room_code == code);
        if existing.is_none() && memberships.len() >= self.limits.max_rooms_per_socket {
            return Err(JamError::TooManyRooms(self.limits.max_rooms_per_socket));
        }
        let mut rooms = self.rooms.lock(&code);
        let room = rooms
            .get_mut(&code)
            .ok_or_else(|| JamError::RoomNotFound(code.clone()))?;
        if let Some(membership) = existing {
            let you = room
                .members
                .iter()
                .find(|p| p.id == membership.participant_id)
                .cloned()
                .ok_or(JamError::Internal)?;
            let participants = room.participants();
            return Ok(Joined {
                room_code: code,
                you,
                participants,
                newly_joined: false,
            });
        }
        if room.members.len() >= self.limits.max_participants {
            return Err(JamError::RoomFull {
                code,
                limit: self.limits.max_participants,
            });
        }
        let you = Participant {
            id: codes::new_participant_id()?,
            name,
        };
        room.members.push(you.clone());
        room.empty_since = None;
        let participants = room.participants();
        drop(rooms);
        let membership = Membership {
            room_code: code.clone(),
            participant_id: you.id.clone(),
        };
        conns.entry(conn.clone()).or_default().push(membership);
        self.participant_count.fetch_add(1, Ordering::Relaxed);
        Ok(Joined {
            room_code: code,
            you,
            participants,
            newly_joined: true,
        })
    }

    /// Removes the connection from one room.
    pub fn leave(&self, conn: &ConnId, room_code: &str) -> Result<Left, JamError> {
        let code =
            normalize_room_code(room_code).ok_or_else(|| JamError::NotInRoom(shown(room_code)))?;
        let mut conns = self.conns.lock(conn);
        let memberships = conns
            .get_mut(conn)
            .ok_or_else(|| JamError::NotInRoom(code.clone()))?;
        let index = memberships
            .iter()
            .position(|m| m.room_code == code)
            .ok_or_else(|| JamError::NotInRoom(code.clone()))?;
        let membership = memberships.swap_remove(index);
        if memberships.is_empty() {
            conns.remove(conn);
        }
        Ok(self.remove_member(membership))
    }

    /// Removes the connection from every room it is in (it went away, for whatever reason).
    pub fn disconnect(&self, conn: &ConnId) -> Vec<Left> {
        let memberships = self.conns.lock(conn).remove(conn).unwrap_or_default();
        memberships
            .into_iter()
            .map(|membership| self.remove_member(membership))
            .collect()
    }

    fn remove_member(&self, membership: Membership) -> Left {
        let mut rooms = self.rooms.lock(&membership.room_code);
        if let Some(room) = rooms.get_mut(&membership.room_code) {
            let before = room.members.len();
            room.members.retain(|p| p.id != membership.participant_id);
            if room.members.len() < before {
                self.participant_count.fetch_sub(1, Ordering::Relaxed);
            }
            if room.members.is_empty() {
                room.empty_since = Some(Instant::now());
            }
        }
        Left {
            room_code: membership.room_code,
            user_id: membership.participant_id,
        }
    }

    /// Checks that `conn` may relay this event to `room_code`, and says who it is from.
    pub fn authorize_broadcast(
        &self,
        conn: &ConnId,
        room_code: &str,
        event_name: &str,
        data_len: usize,
    ) -> Result<Relay, JamError> {
        validate::event_name(event_name)?;
        let size = event_name.len() + data_len;
        if size > self.limits.max_event_bytes {
            return Err(JamError::PayloadTooLarge {
                size,
                limit: self.limits.max_event_bytes,
            });
        }
        let code =
            normalize_room_code(room_code).ok_or_else(|| JamError::NotInRoom(shown(room_code)))?;
        let conns = self.conns.lock(conn);
        let sender_id = conns
            .get(conn)
            .and_then(|ms| ms.iter().find(|m| m.room_code == code))
            .map(|m| m.participant_id.clone())
            .ok_or_else(|| JamError::NotInRoom(code.clone()))?;
        let recipients = self
            .rooms
            .lock(&code)
            .get(&code)
            .map_or(0, |room| room.members.len().saturating_sub(1));
        Ok(Relay {
            room_code: code,
            sender_id,
            recipients,
        })
    }

    /// Deletes rooms that have been empty for at least the TTL; returns their codes.
    pub fn sweep_empty_rooms(&self) -> Vec<String> {
        let now = Instant::now();
        let ttl = self.limits.empty_room_ttl;
        let mut deleted = Vec::new();
        self.rooms.for_each_shard(|shard| {
            shard.retain(|code, room| {
                let expired = room.empty_since.is_some_and(|since| now >= since + ttl);
                if expired {
                    deleted.push(code.clone());
                }
                !expired
            });
        });
        self.room_count.fetch_sub(deleted.len(), Ordering::Relaxed);
        deleted
    }
}

/// Client input echoed in an error message, cut short so a huge string cannot bloat the reply.
fn shown(input: &str) -> String {
    input.chars().take(16).collect()
}

#[cfg(test)]
mod tests;
