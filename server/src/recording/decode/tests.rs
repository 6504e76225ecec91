use super::*;

fn decoded(event_name: &str, json: &str) -> Decoded {
    let data: RelayValue = serde_json::from_str(json).expect("test json");
    decode(event_name, &data)
}

#[test]
fn recorded_names_decode_with_channel_defaulting_to_zero() {
    use TakeEventKind::*;
    let cases = [
        (
            NOTE_ON,
            r#"{"note": 60, "velocity": 100}"#,
            NoteOn {
                channel: 0,
                note: 60,
                velocity: 100,
            },
        ),
        (
            NOTE_OFF,
            r#"{"note": 36, "channel": 9}"#,
            NoteOff {
                channel: 9,
                note: 36,
            },
        ),
        (
            CONTROL_CHANGE,
            r#"{"controller": 64, "value": 127, "channel": null}"#,
            ControlChange {
                channel: 0,
                controller: 64,
                value: 127,
            },
        ),
        (
            PITCH_BEND,
            r#"{"value": -8192, "channel": 15}"#,
            PitchBend {
                channel: 15,
                value: -8192,
            },
        ),
    ];
    for (name, json, expected) in cases {
        assert_eq!(
            decoded(name, json),
            Decoded::Event(expected),
            "{name} {json}"
        );
    }
}

#[test]
fn whole_floats_count_as_integers() {
    let on = decoded(NOTE_ON, r#"{"note": 60.0, "velocity": 1e2}"#);
    assert!(matches!(
        on,
        Decoded::Event(TakeEventKind::NoteOn {
            note: 60,
            velocity: 100,
            ..
        })
    ));
}

#[test]
fn out_of_range_missing_or_mistyped_values_are_invalid() {
    let cases = [
        (NOTE_ON, r#"{"note": 128, "velocity": 100}"#),
        (NOTE_ON, r#"{"note": -1, "velocity": 100}"#),
        (NOTE_ON, r#"{"note": 60, "velocity": 128}"#),
        (NOTE_ON, r#"{"note": 60}"#),
        (NOTE_ON, r#"{"note": 60.5, "velocity": 100}"#),
        (NOTE_ON, r#"{"note": "60", "velocity": 100}"#),
        (NOTE_ON, r#"{"note": 60, "velocity": 100, "channel": 16}"#),
        (
            NOTE_ON,
            r#"{"note": 60, "velocity": 100, "channel": "drums"}"#,
        ),
        (NOTE_ON, r#"{"note": 1e300, "velocity": 100}"#),
        (NOTE_ON, r#"[60, 100]"#),
        (NOTE_ON, r#"null"#),
        (NOTE_OFF, r#"{"channel": 0}"#),
        (CONTROL_CHANGE, r#"{"controller": 128, "value": 0}"#),
        (CONTROL_CHANGE, r#"{"controller": 1, "value": 200}"#),
        (PITCH_BEND, r#"{"value": 8192}"#),
        (PITCH_BEND, r#"{"value": -8193}"#),
    ];
    for (name, json) in cases {
        assert_eq!(decoded(name, json), Decoded::Invalid, "{name} {json}");
    }
}

#[test]
fn other_names_are_not_recordable_whatever_their_data() {
    for name in ["chat:message", "note:ON", "note", ""] {
        let data = r#"{"note": 60, "velocity": 100}"#;
        assert_eq!(decoded(name, data), Decoded::NotRecordable, "{name}");
    }
}
