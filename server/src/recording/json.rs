//! A take as JSON (`?format=json`), for tools that would rather not parse MIDI: every event with its
//! server time, beat and tick, and the tempo map with the tick each entry starts at.

use serde::Serialize;

use super::event::{TakeEvent, TakeEventKind};
use super::take::{StopReason, Take};
use super::PPQ;

/// The whole take. Wire form camelCase.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TakeJson {
    pub started_at: f64,
    pub stopped_at: Option<f64>,
    pub reason: Option<StopReason>,
    pub ppq: u16,
    pub tempo_map: Vec<TempoJson>,
    pub participants: Vec<ParticipantJson>,
    pub events: Vec<EventJson>,
    /// Recordable events refused for out-of-range values.
    pub invalid: usize,
}

/// From `at` (server ms, tick `tick`) on, this tempo, meter and key hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TempoJson {
    pub at: f64,
    pub bpm: f64,
    pub beats_per_bar: u8,
    pub beat_unit: u8,
    pub key: Option<String>,
    pub tick: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParticipantJson {
    pub id: String,
    pub name: String,
}

/// One musical event. Fields that its type does not have are left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventJson {
    pub at: f64,
    /// 0-based beats since the take started.
    pub beat: f64,
    pub tick: u64,
    pub sender_id: String,
    /// `note_on`, `note_off`, `control_change` or `pitch_bend`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub channel: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub velocity: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controller: Option<u8>,
    /// The controller value (0–127) or the pitch bend (−8192..8191).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<i16>,
}

impl TakeJson {
    pub fn from_take(take: &Take) -> TakeJson {
        let tempo_map = take
            .tempo_map()
            .changes()
            .iter()
            .map(|change| TempoJson {
                at: change.at,
                bpm: change.meter.bpm,
                beats_per_bar: change.meter.beats_per_bar,
                beat_unit: change.meter.beat_unit,
                key: change.meter.key.clone(),
                tick: take.ticks_at(change.at),
            })
            .collect();
        let participants = take
            .participants()
            .iter()
            .map(|p| ParticipantJson {
                id: p.id.clone(),
                name: p.name.clone(),
            })
            .collect();
        TakeJson {
            started_at: take.started_at(),
            stopped_at: take.stopped_at(),
            reason: take.stop_reason(),
            ppq: PPQ,
            tempo_map,
            participants,
            events: take.events().iter().map(|e| event_json(take, e)).collect(),
            invalid: take.invalid_count(),
        }
    }
}

fn event_json(take: &Take, event: &TakeEvent) -> EventJson {
    let sender_id = take
        .participants()
        .get(event.sender)
        .map(|p| p.id.clone())
        .unwrap_or_default();
    let base = |kind, channel| EventJson {
        at: event.at,
        beat: take.beats_at(event.at),
        tick: take.ticks_at(event.at),
        sender_id,
        kind,
        channel,
        note: None,
        velocity: None,
        controller: None,
        value: None,
    };
    match event.kind {
        TakeEventKind::NoteOn {
            channel,
            note,
            velocity,
        } => EventJson {
            note: Some(note),
            velocity: Some(velocity),
            ..base("note_on", channel)
        },
        TakeEventKind::NoteOff { channel, note } => EventJson {
            note: Some(note),
            ..base("note_off", channel)
        },
        TakeEventKind::ControlChange {
            channel,
            controller,
            value,
        } => EventJson {
            controller: Some(controller),
            value: Some(i16::from(value)),
            ..base("control_change", channel)
        },
        TakeEventKind::PitchBend { channel, value } => EventJson {
            value: Some(value),
            ..base("pitch_bend", channel)
        },
    }
}
