//! What the timers and the metrics read: the live rooms, those due for a sweep or a latency report,
//! and the cluster's room and seat counts.

use super::{unreachable, RedisStore};
use crate::error::JamError;

impl RedisStore {
    pub async fn codes(&self) -> Result<Vec<String>, JamError> {
        self.members_of("rooms").await
    }

    /// Rooms whose members' round trips changed since their last report.
    pub async fn latency_codes(&self) -> Result<Vec<String>, JamError> {
        self.members_of("latency").await
    }

    async fn members_of(&self, set: &str) -> Result<Vec<String>, JamError> {
        redis::cmd("SMEMBERS")
            .arg(self.key(&[set]))
            .query_async(&mut self.conn.clone())
            .await
            .map_err(unreachable)
    }

    /// Rooms whose next deadline (a grace or the empty-room TTL) has come by `now_ms`.
    pub async fn due_codes(&self, now_ms: f64) -> Result<Vec<String>, JamError> {
        redis::cmd("ZRANGEBYSCORE")
            .arg(self.key(&["due"]))
            .arg("-inf")
            .arg(now_ms)
            .query_async(&mut self.conn.clone())
            .await
            .map_err(unreachable)
    }

    pub async fn room_count(&self) -> Result<usize, JamError> {
        redis::cmd("SCARD")
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
}
