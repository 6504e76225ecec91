use std::time::Duration;

use super::*;

fn wall_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("test machine clock is after 1970")
        .as_secs_f64()
        * 1000.0
}

#[test]
fn starts_at_wall_clock_time() {
    let clock = ServerClock::new();
    assert!((clock.now_ms() - wall_ms()).abs() < 1000.0);
}

#[test]
fn never_goes_backwards() {
    let clock = ServerClock::default();
    let mut last = clock.now_ms();
    for _ in 0..100_000 {
        let now = clock.now_ms();
        assert!(now >= last, "{now} < {last}");
        last = now;
    }
}

#[test]
fn has_at_most_microsecond_digits() {
    let now = ServerClock::new().now_ms();
    assert_eq!((now * 1000.0).round() / 1000.0, now);
}

#[tokio::test(start_paused = true)]
async fn advances_with_the_monotonic_clock() {
    let clock = ServerClock::new();
    let before = clock.now_ms();
    tokio::time::advance(Duration::from_millis(1500)).await;
    let elapsed = clock.now_ms() - before;
    assert!((elapsed - 1500.0).abs() <= 1.0, "elapsed {elapsed}");
}
