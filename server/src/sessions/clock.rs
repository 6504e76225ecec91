//! Server time for clients to sync against. It reads the wall clock once and then only counts a monotonic
//! clock, so an NTP step or a manual clock change never makes the shared transport jump.

use std::time::{SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// Server time in ms since the UNIX epoch (f64, microsecond resolution) from a monotonic clock anchored
/// once at creation. Uses tokio's `Instant` so tests can pause and advance it.
#[derive(Debug, Clone, Copy)]
pub struct ServerClock {
    anchor_ms: f64,
    anchor: Instant,
}

impl ServerClock {
    pub fn new() -> Self {
        // Reading both back to back keeps the two anchors within microseconds of each other.
        let anchor = Instant::now();
        // A wall clock set before 1970 is broken; epoch 0 still gives a usable monotonic time.
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        ServerClock {
            anchor_ms: since_epoch.as_secs_f64() * 1000.0,
            anchor,
        }
    }

    /// Milliseconds since the UNIX epoch, rounded to microseconds so the wire value stays short.
    /// Non-decreasing: elapsed time never goes back, and rounding preserves order.
    pub fn now_ms(&self) -> f64 {
        let ms = self.anchor_ms + self.anchor.elapsed().as_secs_f64() * 1000.0;
        (ms * 1000.0).round() / 1000.0
    }

    /// The server time of a past (or future) instant, for storing it where other nodes read it.
    pub fn ms_at(&self, instant: Instant) -> f64 {
        let now = Instant::now();
        let now_ms = self.now_ms();
        if instant <= now {
            now_ms - (now - instant).as_secs_f64() * 1000.0
        } else {
            now_ms + (instant - now).as_secs_f64() * 1000.0
        }
    }

    /// The instant at server time `ms` (another node's stamp): clocks of nodes agree to their NTP.
    pub fn instant_at(&self, ms: f64) -> Instant {
        let now = Instant::now();
        let delta =
            std::time::Duration::from_secs_f64((self.now_ms() - ms).abs().min(1e9) / 1000.0);
        if ms <= self.now_ms() {
            now.checked_sub(delta).unwrap_or(now)
        } else {
            now + delta
        }
    }
}

impl Default for ServerClock {
    fn default() -> Self {
        ServerClock::new()
    }
}

#[cfg(test)]
mod tests;
