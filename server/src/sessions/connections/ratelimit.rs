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
mod tests {
    use super::*;

    fn ms(t0: Instant, millis: u64) -> Instant {
        t0 + Duration::from_millis(millis)
    }

    #[test]
    fn bucket_allows_a_burst_then_refills_at_rate() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(10.0, 5.0, t0);
        assert!((0..5).all(|_| bucket.try_take(t0)));
        assert!(!bucket.try_take(t0));
        assert!(!bucket.try_take(ms(t0, 50)));
        assert!(bucket.try_take(ms(t0, 100)));
        assert!(!bucket.try_take(ms(t0, 100)));
        // 300 ms later: three more tokens, no more.
        let t = ms(t0, 400);
        assert_eq!((0..10).filter(|_| bucket.try_take(t)).count(), 3);
    }

    #[test]
    fn bucket_never_holds_more_than_burst() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(10.0, 3.0, t0);
        let t = t0 + Duration::from_secs(3600);
        assert_eq!((0..10).filter(|_| bucket.try_take(t)).count(), 3);
    }

    #[test]
    fn bucket_ignores_time_going_backwards() {
        let t0 = Instant::now();
        let later = ms(t0, 1000);
        let mut bucket = TokenBucket::new(1.0, 1.0, later);
        assert!(bucket.try_take(later));
        assert!(!bucket.try_take(t0));
        assert!(!bucket.try_take(ms(t0, 1500)));
        assert!(bucket.try_take(ms(t0, 2000)));
    }

    #[test]
    fn drops_notify_at_most_once_per_second() {
        let t0 = Instant::now();
        let mut limiter = EventLimiter::new(1.0, 1.0, Duration::from_secs(10), t0);
        assert_eq!(limiter.check(t0), RateDecision::Allow);
        assert_eq!(limiter.check(t0), RateDecision::Drop { notify: true });
        assert_eq!(
            limiter.check(ms(t0, 10)),
            RateDecision::Drop { notify: false }
        );
        assert_eq!(
            limiter.check(ms(t0, 999)),
            RateDecision::Drop { notify: false }
        );
        // The token refilled at 1000 ms is spent at once; the next drop may notify again.
        assert_eq!(limiter.check(ms(t0, 1000)), RateDecision::Allow);
        assert_eq!(
            limiter.check(ms(t0, 1001)),
            RateDecision::Drop { notify: true }
        );
        assert_eq!(
            limiter.check(ms(t0, 1500)),
            RateDecision::Drop { notify: false }
        );
    }

    #[test]
    fn disconnects_after_ten_seconds_of_continuous_excess() {
        let t0 = Instant::now();
        // Almost no refill: every event after the first is excess.
        let mut limiter = EventLimiter::new(0.001, 1.0, Duration::from_secs(10), t0);
        assert_eq!(limiter.check(t0), RateDecision::Allow);
        for step in 1..100 {
            let decision = limiter.check(ms(t0, step * 100));
            assert!(matches!(decision, RateDecision::Drop { .. }), "{step}");
        }
        assert!(matches!(
            limiter.check(ms(t0, 10_099)),
            RateDecision::Drop { .. }
        ));
        assert_eq!(limiter.check(ms(t0, 10_100)), RateDecision::Disconnect);
    }

    #[test]
    fn a_steady_flood_is_continuous_excess_even_when_refills_let_some_through() {
        let t0 = Instant::now();
        let mut limiter = EventLimiter::new(1.0, 1.0, Duration::from_secs(10), t0);
        assert_eq!(limiter.check(t0), RateDecision::Allow);
        // Flood every 100 ms: one event a second still gets through, but the drops never stop.
        let mut disconnected_at = None;
        for step in 1..=200 {
            if limiter.check(ms(t0, step * 100)) == RateDecision::Disconnect {
                disconnected_at = Some(step * 100);
                break;
            }
        }
        let at = disconnected_at.expect("a 10 s flood disconnects");
        assert!((10_000..=10_200).contains(&at), "disconnected at {at} ms");
    }

    #[test]
    fn a_second_without_drops_ends_the_excess_streak() {
        let t0 = Instant::now();
        let mut limiter = EventLimiter::new(1.0, 1.0, Duration::from_secs(10), t0);
        // Bursts of three every 2 s for 30 s: each burst overruns, but there is calm between them.
        for burst in 0..15 {
            for i in 0..3 {
                let decision = limiter.check(ms(t0, burst * 2_000 + i));
                assert_ne!(decision, RateDecision::Disconnect, "burst {burst}");
            }
        }
    }

    #[test]
    fn window_counter_blocks_at_the_limit_until_the_window_ends() {
        let t0 = Instant::now();
        let minute = Duration::from_secs(60);
        let mut counter = WindowCounter::new(3, minute);
        assert!(!counter.is_blocked(t0));
        counter.record(t0);
        counter.record(ms(t0, 10_000));
        assert!(!counter.is_blocked(ms(t0, 10_000)));
        counter.record(ms(t0, 20_000));
        assert!(counter.is_blocked(ms(t0, 20_000)));
        assert!(counter.is_blocked(ms(t0, 59_999)));
        assert!(!counter.is_blocked(t0 + minute));
        // A new window starts at the next counted event.
        counter.record(ms(t0, 70_000));
        assert!(!counter.is_blocked(ms(t0, 70_000)));
        counter.record(ms(t0, 71_000));
        counter.record(ms(t0, 129_000));
        assert!(counter.is_blocked(ms(t0, 129_999)));
        assert!(!counter.is_blocked(ms(t0, 130_000)));
    }

    /// The same bucket on tokio's paused clock, the way the server uses it (Instant::now()).
    #[tokio::test(start_paused = true)]
    async fn the_bucket_refills_at_its_rate_on_paused_time() {
        let mut bucket = TokenBucket::new(10.0, 3.0, Instant::now());
        for _ in 0..3 {
            assert!(bucket.try_take(Instant::now()));
        }
        assert!(!bucket.try_take(Instant::now()), "the burst is spent");
        tokio::time::advance(Duration::from_millis(99)).await;
        assert!(!bucket.try_take(Instant::now()), "not yet a whole token");
        tokio::time::advance(Duration::from_millis(1)).await;
        assert!(
            bucket.try_take(Instant::now()),
            "one token after 100 ms at 10/s"
        );
        tokio::time::advance(Duration::from_secs(60)).await;
        for _ in 0..3 {
            assert!(bucket.try_take(Instant::now()));
        }
        assert!(
            !bucket.try_take(Instant::now()),
            "refill stops at the burst size"
        );
    }
}
