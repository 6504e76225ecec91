//! Finished takes, kept for download: each behind an unguessable link (an HMAC of its room and id
//! under a secret drawn at server start), alive while its room lives and `--recording-ttl` after.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use tokio::time::Instant;

use super::connections::codes::{constant_time_eq, new_participant_id};
use super::shards::Sharded;
use crate::error::JamError;
use crate::recording::Take;

struct StoredTake {
    room_code: String,
    take: Arc<Take>,
    /// None while the room lives.
    expires_at: Option<Instant>,
}

pub struct TakeStore {
    secret: [u8; 32],
    ttl: Duration,
    takes: Sharded<String, StoredTake>,
}

impl TakeStore {
    /// Draws the link secret. Runs once at start; no OS random source means no server at all.
    pub fn new(ttl: Duration) -> TakeStore {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the OS random source is available at start");
        Self::with_secret(ttl, secret)
    }

    /// With the secret a cluster shares, so a link made on one node works on every node.
    pub fn with_secret(ttl: Duration, secret: [u8; 32]) -> TakeStore {
        TakeStore {
            secret,
            ttl,
            takes: Sharded::default(),
        }
    }

    /// A fresh take id (random, so links of different servers or restarts never collide).
    pub fn new_take_id(&self) -> Result<String, JamError> {
        new_participant_id()
    }

    /// The download path of a take: `/recordings/<id>-<mac>.mid`.
    pub fn download_url(&self, room_code: &str, take_id: &str) -> String {
        format!("/recordings/{take_id}-{}.mid", self.mac(room_code, take_id))
    }

    fn mac(&self, room_code: &str, take_id: &str) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret)
            .expect("HMAC takes keys of any length");
        mac.update(room_code.as_bytes());
        mac.update(b"/");
        mac.update(take_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn insert(&self, room_code: &str, take_id: String, take: Arc<Take>) {
        let stored = StoredTake {
            room_code: room_code.to_owned(),
            take,
            expires_at: None,
        };
        self.takes.lock(&take_id).insert(take_id, stored);
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Whether `mac` is the one this store's secret gives the take `take_id` of room `room_code`.
    pub fn is_genuine(&self, room_code: &str, take_id: &str, mac: &str) -> bool {
        constant_time_eq(&self.mac(room_code, take_id), mac)
    }

    /// The take a download file name (`<id>-<mac>.mid`) names, if the link is genuine and alive.
    pub fn get(&self, file_name: &str, now: Instant) -> Option<Arc<Take>> {
        let stem = file_name.strip_suffix(".mid").unwrap_or(file_name);
        let (take_id, mac) = stem.split_once('-')?;
        let shard = self.takes.lock(take_id);
        let stored = shard.get(take_id)?;
        let genuine = constant_time_eq(&self.mac(&stored.room_code, take_id), mac);
        let alive = stored.expires_at.is_none_or(|at| now < at);
        (genuine && alive).then(|| stored.take.clone())
    }

    /// The room is gone: its takes stay downloadable for the TTL from now.
    pub fn room_ended(&self, take_ids: &[String], now: Instant) {
        for take_id in take_ids {
            if let Some(stored) = self.takes.lock(take_id).get_mut(take_id) {
                stored.expires_at = Some(now + self.ttl);
            }
        }
    }

    pub fn prune(&self, now: Instant) {
        self.takes
            .for_each_shard(|shard| shard.retain(|_, s| s.expires_at.is_none_or(|at| now < at)));
    }
}

#[cfg(test)]
mod tests;
