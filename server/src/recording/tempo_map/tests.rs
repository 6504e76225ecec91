use super::*;

const T0: f64 = 1_700_000_000_000.0;

fn meter(bpm: f64) -> Meter {
    Meter {
        bpm,
        beats_per_bar: 4,
        beat_unit: 4,
        key: None,
    }
}

#[test]
fn ticks_at_120_bpm_are_960_per_second() {
    let map = TempoMap::new(T0, meter(120.0));
    assert_eq!(map.ticks_at(T0), 0);
    assert_eq!(map.ticks_at(T0 + 500.0), 480);
    assert_eq!(map.ticks_at(T0 + 1_000.0), 960, "beat 3 of the take");
    assert_eq!(map.beats_at(T0 + 1_000.0), 2.0);
}

#[test]
fn a_tempo_change_applies_from_its_time_on() {
    let mut map = TempoMap::new(T0, meter(120.0));
    map.change(T0 + 1_000.0, meter(60.0));
    assert_eq!(map.ticks_at(T0 + 1_000.0), 960);
    assert_eq!(map.ticks_at(T0 + 2_000.0), 960 + 480);
    map.change(T0 + 2_000.0, meter(240.0));
    assert_eq!(map.ticks_at(T0 + 2_250.0), 960 + 480 + 480);
    assert_eq!(map.changes().len(), 3);
}

#[test]
fn times_before_the_start_clamp_to_zero() {
    let map = TempoMap::new(T0, meter(90.0));
    assert_eq!(map.ticks_at(T0 - 5_000.0), 0);
    assert_eq!(map.ticks_at(f64::NAN), 0);
    assert_eq!(map.beats_at(f64::NEG_INFINITY), 0.0);
}

#[test]
fn same_meter_is_no_change_and_same_moment_replaces() {
    let mut map = TempoMap::new(T0, meter(120.0));
    map.change(T0 + 10.0, meter(120.0));
    assert_eq!(map.changes().len(), 1);
    map.change(T0 + 10.0, meter(100.0));
    map.change(T0 + 10.0, meter(60.0));
    assert_eq!(map.changes().len(), 2);
    assert_eq!(map.changes()[1].meter.bpm, 60.0);
}

#[test]
fn a_change_dated_before_the_last_applies_at_the_last() {
    let mut map = TempoMap::new(T0, meter(120.0));
    map.change(T0 + 1_000.0, meter(60.0));
    map.change(T0 + 500.0, meter(30.0));
    assert_eq!(map.changes().len(), 2);
    assert_eq!(map.changes()[1].meter.bpm, 30.0);
    assert_eq!(map.ticks_at(T0 + 3_000.0), 960 + 480);
}

#[test]
fn an_unusable_tempo_falls_back_to_120() {
    let map = TempoMap::new(T0, meter(f64::NAN));
    assert_eq!(map.changes()[0].meter.bpm, 120.0);
    assert_eq!(map.ticks_at(T0 + 1_000.0), 960);
}
