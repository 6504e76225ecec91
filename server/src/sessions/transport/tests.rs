use super::*;

const EPS: f64 = 1e-9;
const NOW: f64 = 1_700_000_000_000.0;
const LEAD: f64 = 200.0;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < EPS
}

#[test]
fn stopped_transport_sits_at_beat_zero() {
    let t = Transport::stopped(120.0);
    assert!(!t.playing);
    assert_eq!((t.started_at, t.start_beat), (0.0, 0.0));
    assert_eq!(t.beat_at(NOW), 0.0);
}

#[test]
fn beat_advances_at_bpm_per_minute() {
    let mut t = Transport::stopped(120.0);
    t.start(Some(NOW), 4.0, NOW, LEAD);
    assert!(close(t.beat_at(NOW), 4.0));
    assert!(close(t.beat_at(NOW + 500.0), 5.0));
    assert!(close(t.beat_at(NOW + 60_000.0), 124.0));
    // Before the scheduled start the beat counts in below the start beat.
    assert!(close(t.beat_at(NOW - 1_000.0), 2.0));
}

#[test]
fn stop_keeps_the_position_reached() {
    let mut t = Transport::stopped(90.0);
    t.start(Some(NOW), 0.0, NOW, LEAD);
    t.stop(NOW + 2_000.0);
    assert!(!t.playing);
    assert!(close(t.beat_at(NOW + 2_000.0), 3.0));
    assert!(close(t.beat_at(NOW + 99_000.0), 3.0));
    let before = t.clone();
    t.stop(NOW + 5_000.0);
    assert_eq!(t, before, "stopping twice changes nothing");
}

#[test]
fn stop_before_the_scheduled_start_keeps_the_start_beat() {
    let mut t = Transport::stopped(120.0);
    t.start(Some(NOW + 1_000.0), 8.0, NOW, LEAD);
    t.stop(NOW);
    assert!(close(t.beat_at(NOW + 5_000.0), 8.0));
}

#[test]
fn tempo_changes_land_on_a_beat_ahead_and_the_old_tempo_plays_until_then() {
    let mut t = Transport::stopped(120.0);
    t.start(Some(NOW), 0.0, NOW, LEAD);
    let changes = [
        (1_234.5, 90.0),
        (7_000.0, 180.25),
        (9_001.0, 20.0),
        (30_000.0, 300.0),
    ];
    for (offset, bpm) in changes {
        let now = NOW + offset;
        let before = t.clone();
        assert!(t.set_bpm(bpm, now, LEAD));
        let landing = t.started_at;
        assert!(landing >= now + LEAD, "lands {} ms ahead", landing - now);
        assert!(
            landing < now + LEAD + 60_000.0 / before.bpm,
            "on the first beat after the lead"
        );
        assert!(close(t.start_beat, t.start_beat.round()), "on a whole beat");
        for probe in [now, now + LEAD / 2.0, landing - 1.0] {
            assert!(
                close(t.beat_at(probe), before.beat_at(probe)),
                "old tempo until the landing"
            );
        }
        let next = t.beat_at(landing + 60_000.0 / bpm);
        assert!(
            (next - t.start_beat - 1.0).abs() < 1e-5,
            "then the new tempo"
        );
        assert_eq!(t.previous.map(|p| p.bpm), Some(before.bpm));
    }
}

#[test]
fn a_change_while_another_waits_keeps_its_landing_beat() {
    let mut t = Transport::stopped(120.0);
    t.start(Some(NOW), 0.0, NOW, LEAD);
    assert!(t.set_bpm(150.0, NOW + 1_100.0, LEAD));
    let landing = (t.started_at, t.start_beat);
    assert_eq!(landing, (NOW + 1_500.0, 3.0));
    assert!(t.set_bpm(90.0, NOW + 1_200.0, LEAD));
    assert_eq!(
        (t.started_at, t.start_beat, t.bpm),
        (landing.0, landing.1, 90.0)
    );
    assert_eq!(t.previous.map(|p| p.bpm), Some(120.0));
    t.settle(NOW + 1_500.0);
    assert_eq!(t.previous, None, "forgotten once landed");
}

#[test]
fn the_lead_covers_the_worst_round_trip_within_bounds() {
    assert_eq!(change_lead(None), 200.0);
    assert_eq!(change_lead(Some(40.0)), 200.0);
    assert_eq!(change_lead(Some(300.0)), 450.0);
    assert_eq!(change_lead(Some(5_000.0)), MAX_LEAD_MS);
}

#[test]
fn a_restart_without_a_time_lands_on_the_running_grid() {
    let mut t = Transport::stopped(120.0);
    t.start(None, 0.0, NOW, LEAD);
    assert_eq!(
        (t.started_at, t.previous),
        (NOW + LEAD, None),
        "from stopped: the lead"
    );
    t.start(None, 8.0, NOW + 2_100.0, LEAD);
    // Beats of the first grid fall every 500 ms from NOW + 200: the first ≥ NOW + 2 300 is + 2 700.
    assert_eq!((t.started_at, t.start_beat), (NOW + 2_700.0, 8.0));
    assert!(
        close(t.beat_at(NOW + 2_600.0), 4.8),
        "the old grid plays until then"
    );
    assert!(close(t.beat_at(NOW + 3_200.0), 9.0));
}

#[test]
fn stopping_while_a_change_waits_keeps_the_beat_reached_on_the_old_tempo() {
    let mut t = Transport::stopped(120.0);
    t.start(Some(NOW), 0.0, NOW, LEAD);
    assert!(t.set_bpm(60.0, NOW + 1_100.0, LEAD));
    t.stop(NOW + 1_300.0);
    assert!(close(t.start_beat, 2.6));
    assert_eq!((t.playing, t.previous), (false, None));
}

#[test]
fn same_tempo_is_not_a_change() {
    let mut t = Transport::stopped(120.0);
    t.start(Some(NOW), 0.0, NOW, LEAD);
    let before = t.clone();
    assert!(!t.set_bpm(120.0, NOW + 3_000.0, LEAD));
    assert_eq!(t, before);
}

#[test]
fn tempo_change_before_a_scheduled_start_keeps_the_anchor() {
    let mut t = Transport::stopped(120.0);
    t.start(Some(NOW + 1_000.0), 4.0, NOW, LEAD);
    assert!(t.set_bpm(60.0, NOW, LEAD));
    assert_eq!(
        (t.started_at, t.start_beat, t.bpm),
        (NOW + 1_000.0, 4.0, 60.0)
    );
    assert!(close(t.beat_at(NOW + 2_000.0), 5.0));
}

#[test]
fn tempo_change_while_stopped_only_changes_bpm() {
    let mut t = Transport::stopped(120.0);
    assert!(t.set_bpm(100.0, NOW, LEAD));
    assert_eq!(t, Transport::stopped(100.0));
}

#[test]
fn start_defaults_to_shortly_after_now_from_beat_zero() {
    assert_eq!(validate_start(None, None, NOW), Ok((None, 0.0)));
    assert_eq!(
        validate_start(Some(NOW - 10_000.0), Some(1e6), NOW),
        Ok((Some(NOW - 10_000.0), 1e6))
    );
    assert!(validate_start(Some(NOW + 60_000.0), Some(0.0), NOW).is_ok());
}

#[test]
fn start_time_must_be_finite_and_near_server_time() {
    for bad in [NOW - 10_001.0, NOW + 60_001.0, f64::NAN, f64::INFINITY, 0.0] {
        let err = validate_start(Some(bad), None, NOW).unwrap_err();
        assert_eq!(
            err,
            JamError::InvalidPayload(
                "transport.at must be within 10 s before and 60 s after server time".to_owned()
            )
        );
    }
}

#[test]
fn start_beat_must_be_finite_and_0_to_a_million() {
    for bad in [-0.5, 1e6 + 1.0, f64::NAN, f64::NEG_INFINITY] {
        match validate_start(None, Some(bad), NOW) {
            Err(JamError::InvalidPayload(m)) => assert!(m.starts_with("transport.startBeat")),
            other => panic!("{bad}: expected an error, got {other:?}"),
        }
    }
}
