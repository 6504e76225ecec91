//! Turns a relayed event's name and `data` into a MIDI event. Relaying never looks inside `data`;
//! recording does, so values are checked here against MIDI's ranges and a bad one is refused (and
//! counted) rather than written into a file that players would choke on.

use std::ops::RangeInclusive;

use super::event::TakeEventKind;
use crate::relay_value::RelayValue;

/// Relayed event names that are recorded; every other name is relayed but not recorded.
pub const NOTE_ON: &str = "note:on";
pub const NOTE_OFF: &str = "note:off";
pub const CONTROL_CHANGE: &str = "control:change";
pub const PITCH_BEND: &str = "pitch:bend";

const U7: RangeInclusive<i64> = 0..=127;
const CHANNELS: RangeInclusive<i64> = 0..=15;
const BEND: RangeInclusive<i64> = -8192..=8191;
/// Beyond this an f64 no longer holds every integer exactly; far outside every MIDI range anyway.
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

/// What one relayed event means for a take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decoded {
    /// Not one of the recorded names.
    NotRecordable,
    /// A recorded name whose `data` is not a valid MIDI event.
    Invalid,
    Event(TakeEventKind),
}

/// Decodes `data` of a relayed `event_name`: an object such as `{note, velocity, channel?}`.
pub(super) fn decode(event_name: &str, data: &RelayValue) -> Decoded {
    let parse: fn(&[(String, RelayValue)]) -> Option<TakeEventKind> = match event_name {
        NOTE_ON => note_on,
        NOTE_OFF => note_off,
        CONTROL_CHANGE => control_change,
        PITCH_BEND => pitch_bend,
        _ => return Decoded::NotRecordable,
    };
    let RelayValue::Object(fields) = data else {
        return Decoded::Invalid;
    };
    parse(fields).map_or(Decoded::Invalid, Decoded::Event)
}

fn note_on(fields: &[(String, RelayValue)]) -> Option<TakeEventKind> {
    Some(TakeEventKind::NoteOn {
        channel: channel(fields)?,
        note: u7(fields, "note")?,
        velocity: u7(fields, "velocity")?,
    })
}

fn note_off(fields: &[(String, RelayValue)]) -> Option<TakeEventKind> {
    Some(TakeEventKind::NoteOff {
        channel: channel(fields)?,
        note: u7(fields, "note")?,
    })
}

fn control_change(fields: &[(String, RelayValue)]) -> Option<TakeEventKind> {
    Some(TakeEventKind::ControlChange {
        channel: channel(fields)?,
        controller: u7(fields, "controller")?,
        value: u7(fields, "value")?,
    })
}

fn pitch_bend(fields: &[(String, RelayValue)]) -> Option<TakeEventKind> {
    let value = int_in(field(fields, "value")?, BEND)?;
    Some(TakeEventKind::PitchBend {
        channel: channel(fields)?,
        value: i16::try_from(value).ok()?,
    })
}

/// `channel` is optional: absent or `null` means channel 0 (MIDI's channel 1).
fn channel(fields: &[(String, RelayValue)]) -> Option<u8> {
    match field(fields, "channel") {
        None | Some(RelayValue::Null) => Some(0),
        Some(value) => u8::try_from(int_in(value, CHANNELS)?).ok(),
    }
}

/// A required 7-bit field (note, velocity, controller, value).
fn u7(fields: &[(String, RelayValue)], key: &str) -> Option<u8> {
    u8::try_from(int_in(field(fields, key)?, U7)?).ok()
}

/// The value of `key`; the last duplicate wins, as with `JSON.parse` in the browser that sent it.
fn field<'a>(fields: &'a [(String, RelayValue)], key: &str) -> Option<&'a RelayValue> {
    fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// An integer within `range`. `60.0` counts as 60 (JavaScript has one number type); `60.5`, strings
/// and everything else do not.
fn int_in(value: &RelayValue, range: RangeInclusive<i64>) -> Option<i64> {
    let RelayValue::Number(number) = value else {
        return None;
    };
    let int = number.as_i64().or_else(|| {
        let f = number.as_f64()?;
        // The bound makes the cast exact; `fract` rules out 60.5.
        (f.fract() == 0.0 && f.abs() <= MAX_EXACT).then_some(f as i64)
    })?;
    range.contains(&int).then_some(int)
}

#[cfg(test)]
mod tests;
