//! A take as a Standard MIDI File: format 1, PPQ 480. Track 0 holds the tempo map (tempo, time and key
//! signatures) and a marker per join and leave; then one track per participant who played, named after
//! them, with each event on the channel it was played on.

use midly::num::{u14, u24, u28, u4, u7};
use midly::{
    Format, Header, MetaMessage, MidiMessage, PitchBend, Smf, Timing, Track, TrackEvent,
    TrackEventKind,
};

use super::event::TakeEventKind;
use super::key::key_signature;
use super::take::Take;
use super::{Meter, PPQ};

/// MIDI clocks per metronome click and 32nd notes per quarter: the values every sequencer writes.
const CLOCKS_PER_CLICK: u8 = 24;
const THIRTY_SECONDS_PER_QUARTER: u8 = 8;
/// Release velocity for note-offs: the wire `note:off` has none, and 64 is MIDI's "no velocity" value.
const RELEASE_VELOCITY: u8 = 64;
/// General MIDI's percussion channel, 0-based.
const DRUM_CHANNEL: u8 = 9;
/// Pitch-bend centre: the wire's signed −8192..8191 becomes MIDI's unsigned 0..16383.
const BEND_CENTRE: i16 = 8192;

/// An event at an absolute tick, before delta times are worked out.
type Timed<'a> = (u64, TrackEventKind<'a>);

/// The take as SMF bytes. A take without events is a valid file with only the tempo track.
pub fn write_smf(take: &Take) -> Vec<u8> {
    let header = Header::new(Format::Parallel, Timing::Metrical(PPQ.into()));
    let mut smf = Smf::new(header);
    let end = end_tick(take);
    smf.tracks.push(into_track(tempo_track(take), end));
    let by_participant = events_by_participant(take);
    for (participant, events) in take.participants().iter().zip(by_participant) {
        if events.is_empty() {
            continue;
        }
        let mut timed = vec![(0, meta(MetaMessage::TrackName(participant.name.as_bytes())))];
        timed.extend(program_changes(take, &participant.programs, &events));
        timed.extend(events);
        smf.tracks.push(into_track(timed, end));
    }
    let mut buf = Vec::new();
    // Writing to memory cannot fail on I/O; midly refuses only absurd sizes (over 65 535 tracks).
    if let Err(err) = smf.write_std(&mut buf) {
        tracing::error!(%err, "could not write a take as MIDI");
        buf.clear();
    }
    buf
}

/// Where every track ends: the stop (or, while recording, the last event).
fn end_tick(take: &Take) -> u64 {
    let last_event = take.events().last().map(|e| e.at);
    let end = take
        .stopped_at()
        .or(last_event)
        .unwrap_or(take.started_at());
    take.ticks_at(end)
}

/// Track 0: at each tempo map entry, what changed; plus the join/leave markers.
fn tempo_track(take: &Take) -> Vec<Timed<'_>> {
    let mut timed = Vec::new();
    let mut previous: Option<&Meter> = None;
    for change in take.tempo_map().changes() {
        let tick = take.ticks_at(change.at);
        timed.extend(meter_events(previous, &change.meter).map(|kind| (tick, kind)));
        previous = Some(&change.meter);
    }
    for marker in take.markers() {
        let kind = meta(MetaMessage::Marker(marker.text.as_bytes()));
        timed.push((take.ticks_at(marker.at), kind));
    }
    timed
}

/// The meta events for `meter` where it differs from `previous` (all of them for the first).
fn meter_events<'a>(
    previous: Option<&Meter>,
    meter: &Meter,
) -> impl Iterator<Item = TrackEventKind<'a>> {
    let changed = |same: fn(&Meter, &Meter) -> bool| previous.is_none_or(|p| !same(p, meter));
    let tempo = changed(|a, b| a.bpm == b.bpm).then(|| tempo(meter.bpm));
    let signature =
        changed(|a, b| (a.beats_per_bar, a.beat_unit) == (b.beats_per_bar, b.beat_unit))
            .then(|| time_signature(meter.beats_per_bar, meter.beat_unit));
    let key = changed(|a, b| a.key == b.key)
        .then(|| meter.key.as_deref().and_then(key_signature))
        .flatten()
        .map(|(sharps, minor)| meta(MetaMessage::KeySignature(sharps, minor)));
    [tempo, signature, key].into_iter().flatten()
}

/// Set-tempo: microseconds per quarter note, rounded, within what the 24-bit field holds.
fn tempo<'a>(bpm: f64) -> TrackEventKind<'a> {
    let micros = (60_000_000.0 / bpm)
        .round()
        .clamp(1.0, f64::from(u24::max_value().as_int()));
    meta(MetaMessage::Tempo(u24::new(micros as u32)))
}

/// Time signature with the denominator as a power of two, as MIDI writes it.
fn time_signature<'a>(beats_per_bar: u8, beat_unit: u8) -> TrackEventKind<'a> {
    // Rooms allow only 2, 4, 8 and 16; anything else would not be a power of two, so say quarters.
    let unit = if beat_unit.is_power_of_two() {
        beat_unit
    } else {
        4
    };
    let log2 = u8::try_from(unit.trailing_zeros()).unwrap_or(2);
    meta(MetaMessage::TimeSignature(
        beats_per_bar,
        log2,
        CLOCKS_PER_CLICK,
        THIRTY_SECONDS_PER_QUARTER,
    ))
}

/// The participant's sound as program changes, on every melodic channel their events use (drums,
/// channel 10, have none), each at the tick from which it holds.
fn program_changes<'a>(
    take: &Take,
    programs: &[(f64, u8)],
    events: &[Timed<'a>],
) -> Vec<Timed<'a>> {
    let mut channels: Vec<u4> = events
        .iter()
        .filter_map(|(_, kind)| match kind {
            TrackEventKind::Midi { channel, .. } if channel.as_int() != DRUM_CHANNEL => {
                Some(*channel)
            }
            _ => None,
        })
        .collect();
    channels.sort_unstable_by_key(|c| c.as_int());
    channels.dedup();
    let mut timed = Vec::new();
    for &(at, program) in programs {
        let tick = take.ticks_at(at);
        for &channel in &channels {
            let message = MidiMessage::ProgramChange {
                program: u7::new(program & 0x7f),
            };
            timed.push((tick, TrackEventKind::Midi { channel, message }));
        }
    }
    timed
}

/// Each participant's events at their ticks, in the order they were recorded.
fn events_by_participant(take: &Take) -> Vec<Vec<Timed<'static>>> {
    let mut buckets = vec![Vec::new(); take.participants().len()];
    for event in take.events() {
        if let Some(bucket) = buckets.get_mut(event.sender) {
            bucket.push((take.ticks_at(event.at), midi_event(event.kind)));
        }
    }
    buckets
}

/// A recorded event as a channel message; its values were range-checked when recorded.
fn midi_event<'a>(kind: TakeEventKind) -> TrackEventKind<'a> {
    let (channel, message) = match kind {
        TakeEventKind::NoteOn {
            channel,
            note,
            velocity,
        } => (
            channel,
            MidiMessage::NoteOn {
                key: u7::new(note),
                vel: u7::new(velocity),
            },
        ),
        TakeEventKind::NoteOff { channel, note } => (
            channel,
            MidiMessage::NoteOff {
                key: u7::new(note),
                vel: u7::new(RELEASE_VELOCITY),
            },
        ),
        TakeEventKind::ControlChange {
            channel,
            controller,
            value,
        } => (
            channel,
            MidiMessage::Controller {
                controller: u7::new(controller),
                value: u7::new(value),
            },
        ),
        TakeEventKind::PitchBend { channel, value } => {
            let raw = u16::try_from(value.saturating_add(BEND_CENTRE)).unwrap_or(0);
            (
                channel,
                MidiMessage::PitchBend {
                    bend: PitchBend(u14::new(raw)),
                },
            )
        }
    };
    TrackEventKind::Midi {
        channel: u4::new(channel),
        message,
    }
}

fn meta(message: MetaMessage<'_>) -> TrackEventKind<'_> {
    TrackEventKind::Meta(message)
}

/// Sorts by tick (stable, so same-tick events keep their recorded order), turns ticks into deltas and
/// closes the track at `end` (or its last event, if later).
fn into_track(mut timed: Vec<Timed<'_>>, end: u64) -> Track<'_> {
    timed.sort_by_key(|(tick, _)| *tick);
    let last = timed.last().map_or(0, |(tick, _)| *tick);
    timed.push((end.max(last), meta(MetaMessage::EndOfTrack)));
    let mut previous = 0;
    timed
        .into_iter()
        .map(|(tick, kind)| {
            let delta = tick - previous;
            previous = tick;
            TrackEvent {
                delta: delta_time(delta),
                kind,
            }
        })
        .collect()
}

/// A delta time fits 28 bits: 31 hours at 300 bpm. A longer silence is shortened to that rather than
/// wrapped around.
fn delta_time(ticks: u64) -> u28 {
    u32::try_from(ticks)
        .ok()
        .and_then(u28::try_from)
        .unwrap_or(u28::max_value())
}

#[cfg(test)]
mod tests;
