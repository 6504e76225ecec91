//! The exports: the SMF parses back (with midly) into what was played; the JSON is camelCase.

use midly::{Format, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind};

use crate::recording::tests::{data, meter, note_on, record, take, T0};
use crate::recording::*;

/// Each event of a track with its absolute tick (the running sum of deltas).
fn absolute<'a>(track: &[TrackEvent<'a>]) -> Vec<(u32, TrackEventKind<'a>)> {
    let mut tick = 0;
    track
        .iter()
        .map(|event| {
            tick += event.delta.as_int();
            (tick, event.kind)
        })
        .collect()
}

/// The channel messages of a track as (tick, channel, message).
fn messages(track: &[TrackEvent<'_>]) -> Vec<(u32, u8, MidiMessage)> {
    absolute(track)
        .into_iter()
        .filter_map(|(tick, kind)| match kind {
            TrackEventKind::Midi { channel, message } => Some((tick, channel.as_int(), message)),
            _ => None,
        })
        .collect()
}

fn metas<'a>(track: &[TrackEvent<'a>]) -> Vec<(u32, MetaMessage<'a>)> {
    absolute(track)
        .into_iter()
        .filter_map(|(tick, kind)| match kind {
            TrackEventKind::Meta(meta) => Some((tick, meta)),
            _ => None,
        })
        .collect()
}

fn on(key: u8, vel: u8) -> MidiMessage {
    MidiMessage::NoteOn {
        key: key.into(),
        vel: vel.into(),
    }
}

fn off(key: u8) -> MidiMessage {
    MidiMessage::NoteOff {
        key: key.into(),
        vel: 64.into(),
    }
}

/// Ann plays C4 on beat 3, then the tempo halves; Bob drums and is left hanging at the stop.
fn played() -> Take {
    let mut t = take(1_000);
    note_on(&mut t, T0 + 1_000.0, "a", 60);
    t.change_meter(
        T0 + 1_000.0,
        Meter {
            beats_per_bar: 3,
            ..meter(60.0)
        },
    );
    t.record(T0 + 2_000.0, "a", NOTE_OFF, &data(r#"{"note": 60}"#));
    let kick = data(r#"{"note": 36, "velocity": 90, "channel": 9}"#);
    t.record(T0 + 1_500.0, "b", NOTE_ON, &kick);
    t.record(T0 + 2_000.0, "b", PITCH_BEND, &data(r#"{"value": -8192}"#));
    let pedal = r#"{"controller": 64, "value": 127}"#;
    record(&mut t, T0 + 2_000.0, "b", CONTROL_CHANGE, pedal);
    t.participant_joined(T0 + 1_500.0, "c", "Cy");
    t.stop(T0 + 3_000.0, StopReason::Stopped);
    t
}

#[test]
fn the_smf_is_format_1_at_480_ppq_with_a_tempo_track() {
    let bytes = write_smf(&played());
    let smf = Smf::parse(&bytes).expect("a valid SMF");
    assert_eq!(smf.header.format, Format::Parallel);
    assert_eq!(smf.header.timing, Timing::Metrical(480.into()));
    assert_eq!(smf.tracks.len(), 3, "tempo, Ann, Bob (Cy played nothing)");
    let tempo = metas(&smf.tracks[0]);
    let expected = vec![
        (0, MetaMessage::Tempo(500_000.into())),
        (0, MetaMessage::TimeSignature(4, 2, 24, 8)),
        (0, MetaMessage::KeySignature(0, false)),
        (960, MetaMessage::Tempo(1_000_000.into())),
        (960, MetaMessage::TimeSignature(3, 2, 24, 8)),
        (1_200, MetaMessage::Marker(b"Cy joined")),
        (1_920, MetaMessage::EndOfTrack),
    ];
    assert_eq!(tempo, expected);
}

#[test]
fn each_participant_gets_a_named_track_with_notes_at_their_ticks() {
    let bytes = write_smf(&played());
    let smf = Smf::parse(&bytes).expect("a valid SMF");
    let ann = &smf.tracks[1];
    assert_eq!(
        ann[0].kind,
        TrackEventKind::Meta(MetaMessage::TrackName(b"Ann"))
    );
    let expected = vec![(960, 0, on(60, 100)), (1_440, 0, off(60))];
    assert_eq!(messages(ann), expected);
    let bob = &smf.tracks[2];
    assert_eq!(
        bob[0].kind,
        TrackEventKind::Meta(MetaMessage::TrackName(b"Bob"))
    );
    let bend = MidiMessage::PitchBend {
        bend: midly::PitchBend(0.into()),
    };
    let sustain = MidiMessage::Controller {
        controller: 64.into(),
        value: 127.into(),
    };
    let expected = vec![
        (1_200, 9, on(36, 90)),
        (1_440, 0, bend),
        (1_440, 0, sustain),
        (1_920, 9, off(36)),
    ];
    assert_eq!(
        messages(bob),
        expected,
        "drums on channel index 9, closed at the stop"
    );
    for track in &smf.tracks {
        let last = track.last().map(|e| e.kind);
        assert_eq!(last, Some(TrackEventKind::Meta(MetaMessage::EndOfTrack)));
    }
}

#[test]
fn an_empty_take_is_a_file_with_just_the_tempo_track() {
    let mut t = take(10);
    t.stop(T0 + 1_000.0, StopReason::Stopped);
    let bytes = write_smf(&t);
    let smf = Smf::parse(&bytes).expect("a valid SMF");
    assert_eq!(smf.tracks.len(), 1);
    let tempos = metas(&smf.tracks[0])
        .into_iter()
        .filter(|(_, m)| matches!(m, MetaMessage::Tempo(_)))
        .count();
    assert_eq!(tempos, 1);
}

#[test]
fn an_unrecognised_key_gets_no_key_signature_and_a_centred_bend_is_8192() {
    let mut t = Take::start(
        T0,
        Meter {
            key: Some("Lydian-ish".to_owned()),
            ..meter(90.0)
        },
        vec![],
        10,
    );
    t.record(T0, "x", PITCH_BEND, &data(r#"{"value": 0, "channel": 2}"#));
    let bytes = write_smf(&t);
    let smf = Smf::parse(&bytes).expect("a valid SMF");
    let keys = metas(&smf.tracks[0])
        .into_iter()
        .filter(|(_, m)| matches!(m, MetaMessage::KeySignature(..)))
        .count();
    assert_eq!(keys, 0);
    assert_eq!(smf.tracks.len(), 2, "the unknown sender still gets a track");
    assert_eq!(
        smf.tracks[1][0].kind,
        TrackEventKind::Meta(MetaMessage::TrackName(b"x"))
    );
    let centred = MidiMessage::PitchBend {
        bend: midly::PitchBend(8192.into()),
    };
    assert_eq!(messages(&smf.tracks[1]), vec![(0, 2, centred)]);
}

#[test]
fn take_json_is_camel_case_with_beats_and_ticks() {
    let json = serde_json::to_value(TakeJson::from_take(&played())).expect("serialize");
    assert_eq!(json["startedAt"], serde_json::json!(T0));
    assert_eq!(json["stoppedAt"], serde_json::json!(T0 + 3_000.0));
    assert_eq!(json["reason"], "stopped");
    assert_eq!(json["ppq"], 480);
    assert_eq!(json["invalid"], 0);
    let second = serde_json::json!({"at": T0 + 1_000.0, "bpm": 60.0, "beatsPerBar": 3,
        "beatUnit": 4, "key": "C", "tick": 960});
    assert_eq!(json["tempoMap"][1], second);
    assert_eq!(
        json["participants"][2],
        serde_json::json!({"id": "c", "name": "Cy"})
    );
    let first = serde_json::json!({"at": T0 + 1_000.0, "beat": 2.0, "tick": 960, "senderId": "a",
        "type": "note_on", "channel": 0, "note": 60, "velocity": 100});
    assert_eq!(json["events"][0], first);
    let bend = serde_json::json!({"at": T0 + 2_000.0, "beat": 3.0, "tick": 1_440, "senderId": "b",
        "type": "pitch_bend", "channel": 0, "value": -8192});
    assert_eq!(json["events"][3], bend);
    assert_eq!(json["events"][4]["type"], "control_change");
    assert_eq!(json["events"][5]["type"], "note_off");
}

#[test]
fn each_players_sound_is_a_program_change_on_their_melodic_channels_from_when_it_holds() {
    let mut t = take(1_000);
    t.program_changed(T0, "a", "Ann", 16);
    note_on(&mut t, T0 + 500.0, "a", 60);
    t.program_changed(T0 + 1_000.0, "a", "Ann", 33);
    t.program_changed(T0 + 1_000.0, "a", "Ann", 33); // the same sound again: nothing new
    note_on(&mut t, T0 + 1_500.0, "a", 62);
    let kick = data(r#"{"note": 36, "velocity": 90, "channel": 9}"#);
    t.record(T0 + 1_500.0, "a", NOTE_ON, &kick);
    t.stop(T0 + 2_000.0, StopReason::Stopped);
    let bytes = write_smf(&t);
    let smf = Smf::parse(&bytes).unwrap();
    let programs: Vec<(u32, u8, u8)> = messages(&smf.tracks[1])
        .into_iter()
        .filter_map(|(tick, channel, message)| match message {
            MidiMessage::ProgramChange { program } => Some((tick, channel, program.as_int())),
            _ => None,
        })
        .collect();
    // 120 bpm, PPQ 480: 1 s is 960 ticks. Drums (channel 9) get none.
    assert_eq!(programs, vec![(0, 0, 16), (960, 0, 33)]);
}
