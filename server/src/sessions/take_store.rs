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
mod tests {
    use super::*;
    use crate::recording::{Meter, StopReason};

    fn take() -> Arc<Take> {
        let meter = Meter {
            bpm: 120.0,
            beats_per_bar: 4,
            beat_unit: 4,
            key: None,
        };
        let mut take = Take::start(0.0, meter, Vec::new(), 10);
        take.stop(1.0, StopReason::Stopped);
        Arc::new(take)
    }

    fn file_of(url: &str) -> &str {
        url.strip_prefix("/recordings/").unwrap()
    }

    #[test]
    fn a_genuine_link_finds_its_take_and_a_forged_one_does_not() {
        let store = TakeStore::new(Duration::from_secs(60));
        let id = store.new_take_id().unwrap();
        store.insert("ABCDEF", id.clone(), take());
        let url = store.download_url("ABCDEF", &id);
        let now = Instant::now();
        assert!(store.get(file_of(&url), now).is_some());
        assert!(store
            .get(file_of(&url).trim_end_matches(".mid"), now)
            .is_some());
        let other_room = store.download_url("ZZZZZZ", &id);
        assert!(
            store.get(file_of(&other_room), now).is_none(),
            "the mac binds the room"
        );
        assert!(store
            .get(&format!("{id}-00000000000000000000000000000000.mid"), now)
            .is_none());
        assert!(store.get("nonsense", now).is_none());
    }

    #[test]
    fn links_of_another_server_secret_do_not_work() {
        let (a, b) = (
            TakeStore::new(Duration::from_secs(60)),
            TakeStore::new(Duration::from_secs(60)),
        );
        b.insert("ABCDEF", "take1".into(), take());
        assert!(b
            .get(file_of(&a.download_url("ABCDEF", "take1")), Instant::now())
            .is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn a_take_lives_while_its_room_does_and_for_the_ttl_after() {
        let store = TakeStore::new(Duration::from_secs(3600));
        store.insert("ABCDEF", "take1".into(), take());
        let file = store.download_url("ABCDEF", "take1");
        tokio::time::advance(Duration::from_secs(10 * 3600)).await;
        assert!(
            store.get(file_of(&file), Instant::now()).is_some(),
            "the room still lives"
        );
        store.room_ended(&["take1".into()], Instant::now());
        tokio::time::advance(Duration::from_secs(3599)).await;
        assert!(store.get(file_of(&file), Instant::now()).is_some());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(store.get(file_of(&file), Instant::now()).is_none());
        store.prune(Instant::now());
        assert!(store.get(file_of(&file), Instant::now()).is_none());
    }
}
