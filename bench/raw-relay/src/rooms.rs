//! Room registry: code → members, each with the sender half of its connection's outgoing queue.
//!
//! One `std::sync::Mutex` around the map: it is never held across an `.await` (sending on an
//! unbounded channel does not block), critical sections are short, and the benchmark runs the
//! relay on one core, where sharding would buy nothing.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;
use tokio_tungstenite::tungstenite::Message;

use crate::packet::{event_frame, push_json_str};

pub const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Live rooms (empty ones included) the server holds: as many as the benchmark lets jam-server hold
/// (`--max-rooms 1000000`), so that churn runs measure relaying, not this limit.
const MAX_ROOMS: usize = 1_000_000;

/// A room code: 6 bytes from [`CODE_ALPHABET`].
pub type Code = [u8; 6];
pub type Tx = UnboundedSender<Message>;

pub fn code_str(code: &Code) -> &str {
    std::str::from_utf8(code).unwrap_or("")
}

/// Trims and upper-cases; `None` if the input cannot be a code.
pub fn normalize_code(input: &str) -> Option<Code> {
    let bytes = input.trim().as_bytes();
    let mut code = [0u8; 6];
    if bytes.len() != code.len() {
        return None;
    }
    for (slot, b) in code.iter_mut().zip(bytes) {
        *slot = b.to_ascii_uppercase();
        if !CODE_ALPHABET.contains(slot) {
            return None;
        }
    }
    Some(code)
}

/// `len` characters drawn uniformly from `alphabet` with the OS CSPRNG (rejection sampling).
pub fn random_string(alphabet: &[u8], len: usize) -> Option<String> {
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 32];
    while out.len() < len {
        getrandom::fill(&mut buf).ok()?;
        for &b in buf.iter().filter(|&&b| usize::from(b) < limit) {
            if out.len() < len {
                out.push(char::from(alphabet[usize::from(b) % alphabet.len()]));
            }
        }
    }
    Some(out)
}

/// A fresh participant or session id: 16 (or `len`) alphanumeric characters.
pub fn random_id(len: usize) -> Option<Box<str>> {
    random_string(ID_ALPHABET, len).map(String::into_boxed_str)
}

pub struct Member {
    pub conn: u64,
    pub id: Box<str>,
    /// The name as a JSON string literal, escaped once at join.
    pub name_json: Box<str>,
    pub tx: Tx,
}

struct Room {
    members: Vec<Member>,
    empty_since: Option<Instant>,
}

#[derive(Default)]
pub struct Rooms {
    map: Mutex<HashMap<Code, Room>>,
}

/// Why a room operation failed; the wire code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomError {
    NotFound,
    TooMany,
    Internal,
}

impl Rooms {
    fn lock(&self) -> MutexGuard<'_, HashMap<Code, Room>> {
        // A panic while holding the lock cannot leave the map half-updated in a way that
        // matters to a benchmark relay, so a poisoned lock is simply taken over.
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Creates an empty room with a fresh code.
    pub fn create(&self) -> Result<Code, RoomError> {
        let mut map = self.lock();
        if map.len() >= MAX_ROOMS {
            return Err(RoomError::TooMany);
        }
        for _ in 0..16 {
            let s = random_string(CODE_ALPHABET, 6).ok_or(RoomError::Internal)?;
            let code: Code = s.as_bytes().try_into().map_err(|_| RoomError::Internal)?;
            if let Entry::Vacant(slot) = map.entry(code) {
                slot.insert(Room {
                    members: Vec::new(),
                    empty_since: Some(Instant::now()),
                });
                return Ok(code);
            }
        }
        Err(RoomError::Internal)
    }

    /// Adds `new` (unless this is a re-join, `None`), tells the others, and returns the
    /// `session:joined` payload for `you`.
    pub fn join(&self, code: &Code, new: Option<Member>, you: &str) -> Result<String, RoomError> {
        let mut map = self.lock();
        let room = map.get_mut(code).ok_or(RoomError::NotFound)?;
        if let Some(member) = new {
            let mut notice = String::with_capacity(80);
            notice.push_str("{\"user\":{\"id\":\"");
            notice.push_str(&member.id);
            notice.push_str("\",\"name\":");
            notice.push_str(&member.name_json);
            notice.push_str("},\"roomCode\":\"");
            notice.push_str(code_str(code));
            notice.push_str("\"}");
            let frame = event_frame("session:user-joined", &notice);
            for other in &room.members {
                let _ = other.tx.send(frame.clone());
            }
            room.members.push(member);
            room.empty_since = None;
        }
        let mut joined = String::with_capacity(64 + room.members.len() * 48);
        joined.push_str("{\"roomCode\":\"");
        joined.push_str(code_str(code));
        joined.push_str("\",\"participants\":[");
        for (i, m) in room.members.iter().enumerate() {
            if i > 0 {
                joined.push(',');
            }
            joined.push_str("{\"id\":\"");
            joined.push_str(&m.id);
            joined.push_str("\",\"name\":");
            joined.push_str(&m.name_json);
            joined.push('}');
        }
        joined.push_str("],\"you\":{\"id\":\"");
        joined.push_str(you);
        joined.push_str("\"}}");
        Ok(joined)
    }

    /// Removes connection `conn` from the room and tells the others.
    pub fn leave(&self, code: &Code, conn: u64, id: &str) {
        let mut map = self.lock();
        let Some(room) = map.get_mut(code) else {
            return;
        };
        room.members.retain(|m| m.conn != conn);
        if room.members.is_empty() {
            room.empty_since = Some(Instant::now());
            return;
        }
        let mut notice = String::with_capacity(48);
        notice.push_str("{\"userId\":\"");
        notice.push_str(id);
        notice.push_str("\",\"roomCode\":\"");
        notice.push_str(code_str(code));
        notice.push_str("\"}");
        let frame = event_frame("session:user-left", &notice);
        for other in &room.members {
            let _ = other.tx.send(frame.clone());
        }
    }

    /// Queues `frame` (a cheap clone: shared bytes) to every member but `conn`; returns how many.
    pub fn broadcast(&self, code: &Code, conn: u64, frame: &Message) -> usize {
        let map = self.lock();
        let Some(room) = map.get(code) else { return 0 };
        let mut sent = 0;
        for other in room.members.iter().filter(|m| m.conn != conn) {
            let _ = other.tx.send(frame.clone());
            sent += 1;
        }
        sent
    }

    /// Deletes rooms that have been empty for at least `ttl`.
    pub fn sweep(&self, ttl: Duration) {
        let now = Instant::now();
        self.lock()
            .retain(|_, room| room.empty_since.is_none_or(|t| now.duration_since(t) < ttl));
    }
}

/// `name` made JSON once, for every later participant list.
pub fn name_json(name: &str) -> Box<str> {
    let mut s = String::with_capacity(name.len() + 2);
    push_json_str(&mut s, name);
    s.into_boxed_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_normalize_and_draw_from_the_alphabet() {
        assert_eq!(normalize_code(" k7rmq2 "), Some(*b"K7RMQ2"));
        assert_eq!(normalize_code("K7RMQ0"), None);
        assert_eq!(normalize_code("K7RMQ"), None);
        let s = random_string(CODE_ALPHABET, 6).unwrap();
        assert!(s.bytes().all(|b| CODE_ALPHABET.contains(&b)) && s.len() == 6);
    }

    #[test]
    fn broadcast_skips_the_sender_and_leave_notifies_the_rest() {
        let rooms = Rooms::default();
        let code = rooms.create().unwrap();
        let (tx1, mut rx1) = tokio::sync::mpsc::unbounded_channel();
        let (tx2, mut rx2) = tokio::sync::mpsc::unbounded_channel();
        let m = |conn, id: &str, tx| Member {
            conn,
            id: id.into(),
            name_json: name_json("n"),
            tx,
        };
        rooms.join(&code, Some(m(1, "a", tx1)), "a").unwrap();
        let joined = rooms.join(&code, Some(m(2, "b", tx2)), "b").unwrap();
        assert!(joined.contains(r#"[{"id":"a","name":"n"},{"id":"b","name":"n"}]"#));
        assert!(rx1.try_recv().is_ok()); // user-joined
        let frame = Message::Text("x".into());
        assert_eq!(rooms.broadcast(&code, 1, &frame), 1);
        assert_eq!(rx2.try_recv().unwrap(), frame);
        assert!(rx1.try_recv().is_err());
        rooms.leave(&code, 2, "b");
        assert!(rx1
            .try_recv()
            .unwrap()
            .to_text()
            .unwrap()
            .contains("session:user-left"));
        assert_eq!(
            rooms.join(&Code::default(), None, "a"),
            Err(RoomError::NotFound)
        );
    }
}
