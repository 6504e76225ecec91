//! Counters and latency histograms for one measured phase, and their summary.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

use hdrhistogram::Histogram;
use serde::Serialize;

/// Recorded values are µs; anything slower than a minute is clamped to a minute.
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

/// Filled by every connection task. The runtime is single-threaded, so the mutexes are never
/// contended; they exist only to make the shared state `Sync`.
pub struct Stats {
    pub sent: AtomicU64,
    pub delivered: AtomicU64,
    /// Deliveries due to, and made to, members on another server node than the sender's.
    pub expected_cross: AtomicU64,
    pub delivered_cross: AtomicU64,
    latency: Mutex<Histogram<u64>>,
    cross_latency: Mutex<Histogram<u64>>,
    lag: Mutex<Histogram<u64>>,
    /// `error` events the server sent during the phase, and the first one.
    pub errors: AtomicU64,
    pub first_error: Mutex<Option<String>>,
}

impl Default for Stats {
    fn default() -> Self {
        Self {
            sent: AtomicU64::new(0),
            delivered: AtomicU64::new(0),
            expected_cross: AtomicU64::new(0),
            delivered_cross: AtomicU64::new(0),
            latency: Mutex::new(histogram()),
            cross_latency: Mutex::new(histogram()),
            lag: Mutex::new(histogram()),
            errors: AtomicU64::new(0),
            first_error: Mutex::new(None),
        }
    }
}

impl Stats {
    /// A send stamped `t` went out at `now` (both µs), due to `cross_peers` members on other nodes.
    pub fn on_send(&self, t: u64, now: u64, cross_peers: u64) {
        self.sent.fetch_add(1, Relaxed);
        self.expected_cross.fetch_add(cross_peers, Relaxed);
        record(&self.lag, now.saturating_sub(t));
    }

    /// One delivery with the given latency (µs); `cross` when it crossed from another node.
    pub fn on_delivery(&self, latency_us: u64, cross: bool) {
        self.delivered.fetch_add(1, Relaxed);
        record(&self.latency, latency_us);
        if cross {
            self.delivered_cross.fetch_add(1, Relaxed);
            record(&self.cross_latency, latency_us);
        }
    }

    /// The server refused something with an `error` event (`packet` is its text).
    pub fn on_error(&self, packet: &str) {
        self.errors.fetch_add(1, Relaxed);
        let mut first = self.first_error.lock().unwrap_or_else(|e| e.into_inner());
        first.get_or_insert_with(|| packet.chars().take(200).collect());
    }

    pub fn first_error(&self) -> Option<String> {
        self.first_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn latency(&self) -> Latency {
        Latency::of(&self.latency.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Latency of the deliveries that crossed nodes only.
    pub fn cross_latency(&self) -> Latency {
        Latency::of(&self.cross_latency.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// p99 of how late the generator sent against its schedule: high means the generator fell behind.
    pub fn send_lag_p99_ms(&self) -> f64 {
        let lag = self.lag.lock().unwrap_or_else(|e| e.into_inner());
        ms(lag.value_at_quantile(0.99))
    }
}

fn record(h: &Mutex<Histogram<u64>>, us: u64) {
    let mut h = h.lock().unwrap_or_else(|e| e.into_inner());
    h.saturating_record(us.max(1));
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Latency {
    pub fn of(h: &Histogram<u64>) -> Self {
        if h.is_empty() {
            return Self::default();
        }
        Self {
            p50_ms: ms(h.value_at_quantile(0.5)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            p999_ms: ms(h.value_at_quantile(0.999)),
            max_ms: ms(h.max()),
            mean_ms: h.mean() / 1000.0,
        }
    }
}

/// A histogram that a single task owns (churn cycle times).
pub fn local_histogram() -> Histogram<u64> {
    histogram()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_reported_in_milliseconds() {
        let s = Stats::default();
        for us in 1..=1000 {
            s.on_delivery(us * 10, us > 900);
        }
        s.on_send(100, 2100, 0);
        let l = s.latency();
        assert!((l.p50_ms - 5.0).abs() < 0.1, "{l:?}");
        assert!((l.max_ms - 10.0).abs() < 0.1, "{l:?}");
        assert!((s.send_lag_p99_ms() - 2.0).abs() < 0.01);
        assert_eq!(s.delivered.load(Relaxed), 1000);
        assert_eq!(s.delivered_cross.load(Relaxed), 100);
        assert!(s.cross_latency().p50_ms > 9.0);
    }
}
