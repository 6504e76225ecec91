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
    let drop = |notify| RateDecision::Drop { notify };
    // The token refilled at 1000 ms is spent at once; the next drop may notify again.
    let steps = [
        (0, RateDecision::Allow),
        (0, drop(true)),
        (10, drop(false)),
        (999, drop(false)),
        (1000, RateDecision::Allow),
        (1001, drop(true)),
        (1500, drop(false)),
    ];
    for (at, expected) in steps {
        assert_eq!(limiter.check(ms(t0, at)), expected, "at {at} ms");
    }
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
