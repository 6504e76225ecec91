//! What a cluster needs from the SessionManager, and what it does for it: rooms live in this node's
//! memory either way; with `--redis-url` a [`Replica`] (implemented in `cluster/`) keeps room codes
//! unique across nodes, writes each room's changes to Redis behind the room's back (never on the
//! path of a relayed event), and shares what every node must see (finished takes, wrong codes per
//! IP, the cluster's counts). The SessionManager knows this trait only, never Redis.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;

use super::room::{Room, Sequenced};
use crate::error::JamError;
use crate::recording::Take;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub trait Replica: Send + Sync {
    /// Takes `code` for a new room of this node; false when another node's room has it.
    fn reserve(&self, code: &str) -> BoxFuture<'_, Result<bool, JamError>>;

    /// A new room: queue its state for Redis. Never waits.
    fn created(&self, room: &Room);

    /// The room changed and `events` were sequenced: queue them, and the room's new state when one
    /// of them is more than a relayed event, for Redis. Never waits. (A change without events, such
    /// as a member's measured round trip, is not worth a write.)
    fn changed(&self, room: &Room, events: &[Sequenced]);

    /// The room was deleted: forget it.
    fn deleted(&self, room: &Room);

    /// Keeps a finished take where every node can serve it.
    fn keep_take(&self, room_code: &str, take_id: &str, take: Arc<Take>);

    /// A finished take kept by any node, and its room's code.
    fn take(&self, take_id: &str) -> BoxFuture<'_, Option<(String, Take)>>;

    /// The room's takes stay downloadable for `ttl` after the room ends.
    fn expire_takes(&self, take_ids: Vec<String>, ttl: std::time::Duration);

    /// Wrong room codes `ip` tried this minute, on any node.
    fn misses(&self, ip: IpAddr) -> BoxFuture<'_, Result<u32, JamError>>;

    /// Counts a wrong room code against `ip`.
    fn record_miss(&self, ip: IpAddr);

    /// The cluster's live rooms and seats, as last read (None until read once).
    fn cluster_counts(&self) -> Option<(usize, usize)>;
}
