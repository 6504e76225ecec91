//! Rate limiting primitives. Every method takes the current time as an argument instead of reading a
//! clock, so callers decide what "now" is and tests can step time without sleeping.

use std::time::Duration;

use tokio::time::Instant;

/// Absorbs float rounding in refills, so e.g. 100 ms at 10 tokens/s always yields a whole token.
const TOKEN_EPSILON: f64 = 1e-9;
/// A client being dropped hears about it at most this often, so the notices are no flood themselves.
const NOTIFY_INTERVAL: Duration = Duration::from_secs(1);
/// A second without a dropped event ends an excess streak.
const STREAK_BREAK: Duration = Duration::from_secs(1);

/// Token bucket: `rate` tokens/s refill, capacity `burst`. Starts full, so a client may send a burst
/// right after connecting.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(rate: f64, burst: f64, now: Instant) -> Self {
        TokenBucket {
            rate,
            burst,
            tokens: burst,
            last: now,
        }
    }

    /// Takes one token if available. A `now` earlier than a previous call adds nothing.
    pub fn try_take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.last = self.last.max(now);
        if self.tokens + TOKEN_EPSILON >= 1.0 {
            self.tokens = (self.tokens - 1.0).max(0.0);
            true
        } else {
            false
        }
    }
}

/// What the per-connection limiter says about one incoming event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allow,
    /// Dropped; `notify` is true at most once per second (send `rate_limited` then).
    Drop {
        notify: bool,
    },
    /// Excess has been continuous for at least the disconnect window: disconnect the client.
    Disconnect,
}

/// Per-connection event limiter: a token bucket plus "continuous excess" tracking. The excess streak
/// starts at the first dropped event and lasts while drops keep coming; it ends once a whole second
/// passes without one. A client that keeps overrunning for the whole window (even if a refilled token
/// lets an event through now and then) is misbehaving rather than bursty, so it is cut off.
#[derive(Debug, Clone)]
pub struct EventLimiter {
    bucket: TokenBucket,
    disconnect_after: Duration,
    excess_since: Option<Instant>,
    last_drop: Option<Instant>,
    last_notified: Option<Instant>,
}

impl EventLimiter {
    pub fn new(rate: f64, burst: f64, disconnect_after: Duration, now: Instant) -> Self {
        EventLimiter {
            bucket: TokenBucket::new(rate, burst, now),
            disconnect_after,
            excess_since: None,
            last_drop: None,
            last_notified: None,
        }
    }

    pub fn check(&mut self, now: Instant) -> RateDecision {
        let calm = self
            .last_drop
            .is_none_or(|last| now.saturating_duration_since(last) >= STREAK_BREAK);
        if calm {
            self.excess_since = None;
        }
        if self.bucket.try_take(now) {
            return RateDecision::Allow;
        }
        self.last_drop = Some(now);
        let since = *self.excess_since.get_or_insert(now);
        if now.saturating_duration_since(since) >= self.disconnect_after {
            return RateDecision::Disconnect;
        }
        let notify = self
            .last_notified
            .is_none_or(|last| now.saturating_duration_since(last) >= NOTIFY_INTERVAL);
        if notify {
            self.last_notified = Some(now);
        }
        RateDecision::Drop { notify }
    }
}

/// Counts events in a fixed window that starts at the first counted event and lasts `window`;
/// blocked once `limit` have been counted, until that window ends.
#[derive(Debug, Clone)]
pub struct WindowCounter {
    limit: u32,
    window: Duration,
    started: Option<Instant>,
    count: u32,
}

impl WindowCounter {
    pub fn new(limit: u32, window: Duration) -> Self {
        WindowCounter {
            limit,
            window,
            started: None,
            count: 0,
        }
    }

    /// Counts one event, starting a new window if the old one has ended.
    pub fn record(&mut self, now: Instant) {
        if !self.in_window(now) {
            self.started = Some(now);
            self.count = 0;
        }
        self.count = self.count.saturating_add(1);
    }

    /// True when `limit` events have been counted and the window is not yet over.
    pub fn is_blocked(&self, now: Instant) -> bool {
        self.in_window(now) && self.count >= self.limit
    }

    /// True while the current window runs (a counter that is not active can be forgotten).
    pub fn is_active(&self, now: Instant) -> bool {
        self.in_window(now)
    }

    fn in_window(&self, now: Instant) -> bool {
        self.started
            .is_some_and(|start| now.saturating_duration_since(start) < self.window)
    }
}

#[cfg(test)]
mod tests;
