//! Take behaviour: what is recorded, refused, ignored; limits; stopping; time → ticks.

use super::*;
use crate::relay_value::RelayValue;

pub(super) const T0: f64 = 1_700_000_000_000.0;

pub(super) fn meter(bpm: f64) -> Meter {
    Meter {
        bpm,
        beats_per_bar: 4,
        beat_unit: 4,
        key: Some("C".to_owned()),
    }
}

pub(super) fn data(json: &str) -> RelayValue {
    serde_json::from_str(json).expect("test json")
}

/// A take at 120 bpm with Ann ("a") and Bob ("b") present.
pub(super) fn take(max_events: usize) -> Take {
    let people = vec![
        ("a".to_owned(), "Ann".to_owned()),
        ("b".to_owned(), "Bob".to_owned()),
    ];
    Take::start(T0, meter(120.0), people, max_events)
}

/// Records event `name` with `json` data from `sender` at `at`.
pub(super) fn record(
    take: &mut Take,
    at: f64,
    sender: &str,
    name: &str,
    json: &str,
) -> RecordOutcome {
    take.record(at, sender, name, &data(json))
}

pub(super) fn note_on(take: &mut Take, at: f64, sender: &str, note: u8) -> RecordOutcome {
    let json = format!(r#"{{"note": {note}, "velocity": 100}}"#);
    take.record(at, sender, NOTE_ON, &data(&json))
}

#[test]
fn ms_become_ticks_through_the_tempo_map() {
    let mut t = take(100);
    assert_eq!(t.ticks_at(T0 + 1_000.0), 960, "120 bpm: 1000 ms = 2 beats");
    t.change_meter(T0 + 1_000.0, meter(60.0));
    assert_eq!(t.ticks_at(T0 + 2_000.0), 960 + 480, "then 60 bpm");
    assert_eq!(t.beats_at(T0 + 2_000.0), 3.0);
    assert_eq!(t.ticks_at(T0 - 1.0), 0, "before the start clamps to 0");
}

#[test]
fn a_note_on_beat_3_at_120_bpm_is_at_tick_960() {
    let mut t = take(100);
    assert_eq!(
        note_on(&mut t, T0 + 1_000.0, "a", 60),
        RecordOutcome::Recorded
    );
    let e = t.events()[0];
    assert_eq!(t.ticks_at(e.at), 960);
    assert_eq!(t.beats_at(e.at), 2.0, "beat 3 is 2.0 beats after beat 1");
}

#[test]
fn stop_closes_hanging_notes_at_the_stop_time() {
    let mut t = take(100);
    note_on(&mut t, T0 + 10.0, "a", 60);
    note_on(&mut t, T0 + 20.0, "a", 64);
    note_on(&mut t, T0 + 30.0, "b", 60);
    t.record(T0 + 40.0, "a", NOTE_OFF, &data(r#"{"note": 60}"#));
    // Velocity 0 is a note-off, by MIDI convention.
    record(
        &mut t,
        T0 + 50.0,
        "b",
        NOTE_ON,
        r#"{"note": 60, "velocity": 0}"#,
    );
    t.stop(T0 + 500.0, StopReason::Stopped);
    assert_eq!(t.event_count(), 6, "5 recorded + 1 closing note-off");
    let closer = t.events()[5];
    assert_eq!(closer.at, T0 + 500.0);
    assert_eq!(closer.sender, 0);
    assert_eq!(
        closer.kind,
        TakeEventKind::NoteOff {
            channel: 0,
            note: 64
        }
    );
    assert_eq!(t.stopped_at(), Some(T0 + 500.0));
    assert_eq!(t.stop_reason(), Some(StopReason::Stopped));
    assert!(!t.is_recording());
}

#[test]
fn stop_is_idempotent_and_keeps_the_first_reason() {
    let mut t = take(100);
    note_on(&mut t, T0 + 10.0, "a", 60);
    t.stop(T0 + 100.0, StopReason::RoomEnded);
    t.stop(T0 + 200.0, StopReason::Stopped);
    assert_eq!(t.event_count(), 2);
    assert_eq!(t.stopped_at(), Some(T0 + 100.0));
    assert_eq!(t.stop_reason(), Some(StopReason::RoomEnded));
}

#[test]
fn the_take_closes_itself_at_max_events() {
    let mut t = take(3);
    assert_eq!(note_on(&mut t, T0 + 1.0, "a", 60), RecordOutcome::Recorded);
    assert_eq!(note_on(&mut t, T0 + 2.0, "a", 61), RecordOutcome::Recorded);
    assert_eq!(
        note_on(&mut t, T0 + 3.0, "a", 62),
        RecordOutcome::LimitReached
    );
    assert!(!t.is_recording());
    assert_eq!(t.stop_reason(), Some(StopReason::Limit));
    assert_eq!(t.stopped_at(), Some(T0 + 3.0));
    assert_eq!(note_on(&mut t, T0 + 4.0, "a", 63), RecordOutcome::Closed);
    let ignored = t.record(T0 + 5.0, "a", "chat", &RelayValue::Null);
    assert_eq!(ignored, RecordOutcome::Closed);
    // The three notes, each closed at the limit.
    assert_eq!(t.event_count(), 6);
    t.stop(T0 + 9.0, StopReason::Stopped);
    assert_eq!(t.stop_reason(), Some(StopReason::Limit));
}

#[test]
fn max_events_zero_records_nothing() {
    let mut t = take(0);
    assert_eq!(
        note_on(&mut t, T0 + 1.0, "a", 60),
        RecordOutcome::LimitReached
    );
    assert_eq!(t.event_count(), 0);
    assert_eq!(t.stop_reason(), Some(StopReason::Limit));
}

#[test]
fn out_of_range_values_are_counted_not_recorded() {
    let mut t = take(100);
    let bad = [
        (NOTE_ON, r#"{"note": 128, "velocity": 1}"#),
        (NOTE_ON, r#"{"note": 60, "velocity": 100, "channel": 16}"#),
        (CONTROL_CHANGE, r#"{"controller": 7, "value": 128}"#),
        (PITCH_BEND, r#"{"value": 9000}"#),
        (NOTE_OFF, r#""60""#),
    ];
    for (name, json) in bad {
        assert_eq!(
            t.record(T0, "a", name, &data(json)),
            RecordOutcome::Invalid,
            "{json}"
        );
    }
    assert_eq!(t.invalid_count(), 5);
    assert_eq!(t.event_count(), 0);
    assert!(
        t.is_recording(),
        "invalid events do not count toward the limit"
    );
}

#[test]
fn other_event_names_are_ignored() {
    let mut t = take(100);
    for name in ["chat:message", "cursor:move", "note:bend"] {
        let outcome = t.record(T0, "a", name, &data(r#"{"note": 60, "velocity": 1}"#));
        assert_eq!(outcome, RecordOutcome::Ignored, "{name}");
    }
    assert_eq!((t.event_count(), t.invalid_count()), (0, 0));
}

#[test]
fn the_drum_channel_is_kept() {
    let mut t = take(100);
    let drums = data(r#"{"note": 36, "velocity": 90, "channel": 9}"#);
    assert_eq!(
        t.record(T0 + 5.0, "b", NOTE_ON, &drums),
        RecordOutcome::Recorded
    );
    let expected = TakeEventKind::NoteOn {
        channel: 9,
        note: 36,
        velocity: 90,
    };
    assert_eq!(t.events()[0].kind, expected);
}

#[test]
fn unknown_senders_get_a_participant_named_by_id_and_leavers_keep_theirs() {
    let mut t = take(100);
    note_on(&mut t, T0 + 1.0, "zed", 60);
    t.participant_left(T0 + 2.0, "a");
    note_on(&mut t, T0 + 3.0, "a", 62);
    t.participant_joined(T0 + 4.0, "c", "Cy");
    let people: Vec<_> = t
        .participants()
        .iter()
        .map(|p| (&*p.id, &*p.name))
        .collect();
    assert_eq!(
        people,
        [("a", "Ann"), ("b", "Bob"), ("zed", "zed"), ("c", "Cy")]
    );
    assert_eq!(
        t.events()[1].sender,
        0,
        "Ann's note after leaving is still hers"
    );
    let markers: Vec<_> = t.markers().iter().map(|m| m.text.as_str()).collect();
    assert_eq!(markers, ["Ann left", "Cy joined"]);
}

#[test]
fn a_closed_take_changes_no_more() {
    let mut t = take(100);
    t.stop(T0 + 10.0, StopReason::Stopped);
    t.change_meter(T0 + 20.0, meter(90.0));
    t.participant_joined(T0 + 20.0, "c", "Cy");
    t.participant_left(T0 + 20.0, "a");
    assert_eq!(t.tempo_map().changes().len(), 1);
    assert!(t.markers().is_empty());
    assert_eq!(t.participants().len(), 2);
}

#[test]
fn summary_reports_counts_and_reason() {
    let mut t = take(100);
    note_on(&mut t, T0 + 1.0, "a", 60);
    t.record(
        T0 + 2.0,
        "a",
        NOTE_ON,
        &data(r#"{"note": 200, "velocity": 1}"#),
    );
    t.stop(T0 + 3.0, StopReason::Stopped);
    let expected = TakeSummary {
        started_at: T0,
        stopped_at: Some(T0 + 3.0),
        events: 2,
        invalid: 1,
        reason: Some(StopReason::Stopped),
    };
    assert_eq!(t.summary(), expected);
    let json = serde_json::to_value(t.summary()).expect("serialize");
    assert_eq!(json["stoppedAt"], serde_json::json!(T0 + 3.0));
    assert_eq!(json["reason"], "stopped");
}
