//! One process-wide monotonic origin: senders stamp events with µs since it and receivers (in the
//! same process) subtract, so latency needs no clock sync.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

static ORIGIN: OnceLock<Instant> = OnceLock::new();

/// The origin; call once early so it predates every stamp.
pub fn origin() -> Instant {
    *ORIGIN.get_or_init(Instant::now)
}

/// Microseconds since the origin.
pub fn now_us() -> u64 {
    origin().elapsed().as_micros() as u64
}

/// The `Instant` that is `us` microseconds after the origin.
pub fn instant_at(us: u64) -> Instant {
    origin() + Duration::from_micros(us)
}
