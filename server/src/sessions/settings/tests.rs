use super::*;

fn patch(json: &str) -> SettingsPatch {
    serde_json::from_str(json).expect("valid patch json")
}

/// Applies a JSON patch to the defaults of a server allowing 8, with `members` in the room.
fn apply(json: &str, members: usize) -> Result<Settings, String> {
    match Settings::defaults(8).with_patch(&patch(json), 8, members) {
        Ok(s) => Ok(s),
        Err(JamError::InvalidPayload(m)) => Err(m),
        Err(other) => panic!("expected InvalidPayload, got {other:?}"),
    }
}

fn rejected(json: &str, field: &str) {
    match apply(json, 0) {
        Err(m) => assert!(m.starts_with(&format!("settings.{field} ")), "{json}: {m}"),
        Ok(s) => panic!("{json} was accepted: {s:?}"),
    }
}

#[test]
fn defaults_are_120_bpm_four_four_unlocked_at_server_max() {
    let json = serde_json::to_value(Settings::defaults(8)).expect("serialize");
    let expected = serde_json::json!({"bpm": 120.0, "beatsPerBar": 4, "beatUnit": 4,
        "key": null, "locked": false, "maxParticipants": 8});
    assert_eq!(json, expected, "camelCase wire form");
}

#[test]
fn key_absent_means_no_change_null_means_clear_string_means_set() {
    assert_eq!(patch(r#"{"bpm": 90}"#).key, None);
    assert_eq!(patch(r#"{"key": null}"#).key, Some(None));
    assert_eq!(patch(r#"{"key": "C"}"#).key, Some(Some("C".to_owned())));
    let s = Settings {
        key: Some("D".to_owned()),
        ..Settings::defaults(8)
    };
    let unchanged = s.with_patch(&patch("{}"), 8, 1);
    assert_eq!(unchanged.map(|s| s.key), Ok(Some("D".to_owned())));
    let cleared = s.with_patch(&patch(r#"{"key": null}"#), 8, 1);
    assert_eq!(cleared.map(|s| s.key), Ok(None));
}

#[test]
fn patch_round_trips_and_omits_absent_fields() {
    let p = patch(r#"{"key": null, "locked": true}"#);
    let json = serde_json::to_string(&p).expect("serialize");
    assert_eq!(json, r#"{"key":null,"locked":true}"#);
    assert_eq!(serde_json::from_str::<SettingsPatch>(&json).ok(), Some(p));
}

#[test]
fn wrong_types_and_out_of_range_integers_fail_to_decode_unknown_fields_are_ignored() {
    for bad in [
        r#"{"bpm": "fast"}"#,
        r#"{"beatUnit": 256}"#,
        r#"{"key": 5}"#,
    ] {
        assert!(serde_json::from_str::<SettingsPatch>(bad).is_err(), "{bad}");
    }
    assert_eq!(patch(r#"{"colour": "red"}"#), SettingsPatch::default());
}

#[test]
fn a_valid_patch_applies_every_field() {
    let s = apply(
        r#"{"bpm": 97.5, "beatsPerBar": 7, "beatUnit": 8, "key": "  F# minor ",
            "locked": true, "maxParticipants": 3}"#,
        3,
    );
    let expected = Settings {
        bpm: 97.5,
        beats_per_bar: 7,
        beat_unit: 8,
        key: Some("F# minor".to_owned()),
        locked: true,
        max_participants: 3,
    };
    assert_eq!(s, Ok(expected));
}

#[test]
fn bpm_must_be_finite_and_20_to_300() {
    let with_bpm = |bpm| SettingsPatch {
        bpm: Some(bpm),
        ..Default::default()
    };
    let s = Settings::defaults(8);
    for ok in [20.0, 300.0, 133.3] {
        assert_eq!(s.with_patch(&with_bpm(ok), 8, 0).map(|s| s.bpm), Ok(ok));
    }
    let expected = Err(JamError::InvalidPayload(
        "settings.bpm must be 20-300".to_owned(),
    ));
    for bad in [19.99, 300.01, -120.0, f64::NAN, f64::INFINITY] {
        assert_eq!(s.with_patch(&with_bpm(bad), 8, 0), expected, "{bad}");
    }
}

#[test]
fn meter_fields_are_bounded() {
    for ok in [r#"{"beatsPerBar": 1}"#, r#"{"beatsPerBar": 16}"#] {
        assert!(apply(ok, 0).is_ok(), "{ok}");
    }
    rejected(r#"{"beatsPerBar": 0}"#, "beatsPerBar");
    rejected(r#"{"beatsPerBar": 17}"#, "beatsPerBar");
    for unit in [2, 4, 8, 16] {
        let s = apply(&format!(r#"{{"beatUnit": {unit}}}"#), 0);
        assert_eq!(s.map(|s| s.beat_unit), Ok(unit));
    }
    for unit in [0, 1, 3, 32] {
        rejected(&format!(r#"{{"beatUnit": {unit}}}"#), "beatUnit");
    }
}

#[test]
fn keys_use_a_small_alphabet_and_are_trimmed() {
    for ok in [
        "C",
        "F# minor",
        "Bb",
        "E♭ major",
        "C♯-7",
        "  A  ",
        &"x".repeat(16),
    ] {
        let s = apply(&serde_json::json!({ "key": ok }).to_string(), 0);
        assert_eq!(s.map(|s| s.key), Ok(Some(ok.trim().to_owned())));
    }
    for bad in ["", "   ", &"x".repeat(17), "C<script>", "Ré", "C\nD", "D/F"] {
        rejected(&serde_json::json!({ "key": bad }).to_string(), "key");
    }
}

#[test]
fn max_participants_is_within_server_max_and_not_below_occupants() {
    let s = apply(r#"{"maxParticipants": 8}"#, 8);
    assert_eq!(s.map(|s| s.max_participants), Ok(8));
    let err = apply(r#"{"maxParticipants": 0}"#, 0);
    assert_eq!(err, Err("settings.maxParticipants must be 1-8".to_owned()));
    rejected(r#"{"maxParticipants": 9}"#, "maxParticipants");
    let err = apply(r#"{"maxParticipants": 2}"#, 3);
    let expected = "settings.maxParticipants must be at least 3 (people in the room)";
    assert_eq!(err, Err(expected.to_owned()));
}

#[test]
fn one_bad_field_rejects_the_whole_patch() {
    let s = Settings::defaults(8);
    let p = patch(r#"{"bpm": 90, "locked": true, "key": "C", "beatUnit": 5}"#);
    assert!(s.with_patch(&p, 8, 0).is_err());
    assert_eq!(s, Settings::defaults(8));
}
