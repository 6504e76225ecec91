//! One take: the recorded events with their server time and sender, the tempo map, who was there, and
//! whether (and why) it has stopped. Plain data fed by the room; the exports read it.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::decode::{decode, Decoded};
pub use super::event::TakeEventKind;
use super::event::{Marker, Participant, TakeEvent};
use super::tempo_map::TempoMap;
use super::Meter;
use crate::relay_value::RelayValue;

/// Why a take stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    Stopped,
    Limit,
    RoomEnded,
}

/// What `Take::record` did with one relayed event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordOutcome {
    Recorded,
    /// Not a recordable event name.
    Ignored,
    /// A recordable name with bad values: counted, not recorded.
    Invalid,
    /// The take just hit `max_events` and closed itself.
    LimitReached,
    /// The take was already closed.
    Closed,
}

/// What the room reports when a take ends.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TakeSummary {
    pub started_at: f64,
    pub stopped_at: Option<f64>,
    pub events: usize,
    pub invalid: usize,
    pub reason: Option<StopReason>,
}

/// A note that is sounding: (sender, channel, note).
type NoteKey = (usize, u8, u8);

/// A recording in progress or finished. See the module docs. Serializable so that a cluster can
/// keep it in Redis.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Take {
    started_at: f64,
    stopped_at: Option<f64>,
    reason: Option<StopReason>,
    max_events: usize,
    tempo: TempoMap,
    /// In join order; senders unknown at record time are added (named by id) when first heard.
    participants: Vec<Participant>,
    by_id: HashMap<String, usize>,
    events: Vec<TakeEvent>,
    markers: Vec<Marker>,
    /// Notes on without their off yet, with the time they started; a BTreeMap so that the note-offs
    /// added at stop come out in a stable order.
    #[serde(with = "as_pairs")]
    sounding: BTreeMap<NoteKey, f64>,
    invalid: usize,
}

impl Take {
    /// Opens a take at `started_at` (server ms) with the room's meter; `participants` = (id, name)
    /// present at the start, in join order.
    pub fn start(
        started_at: f64,
        meter: Meter,
        participants: Vec<(String, String)>,
        max_events: usize,
    ) -> Take {
        let mut take = Take {
            started_at,
            stopped_at: None,
            reason: None,
            max_events,
            tempo: TempoMap::new(started_at, meter),
            participants: Vec::with_capacity(participants.len()),
            by_id: HashMap::with_capacity(participants.len()),
            events: Vec::new(),
            markers: Vec::new(),
            sounding: BTreeMap::new(),
            invalid: 0,
        };
        for (id, name) in participants {
            take.participant(&id, &name);
        }
        take
    }

    /// Offers one relayed event: `event_name` as relayed ("note:on" …) and its `data`.
    pub fn record(
        &mut self,
        at: f64,
        sender_id: &str,
        event_name: &str,
        data: &RelayValue,
    ) -> RecordOutcome {
        if !self.is_recording() {
            return RecordOutcome::Closed;
        }
        let kind = match decode(event_name, data) {
            Decoded::NotRecordable => return RecordOutcome::Ignored,
            Decoded::Invalid => {
                self.invalid += 1;
                return RecordOutcome::Invalid;
            }
            Decoded::Event(kind) => kind,
        };
        // Only reachable with `max_events` 0: nothing may be recorded.
        if self.events.len() >= self.max_events {
            self.stop(at, StopReason::Limit);
            return RecordOutcome::LimitReached;
        }
        let sender = self.participant(sender_id, sender_id);
        self.track_sounding(at, sender, kind);
        self.events.push(TakeEvent { at, sender, kind });
        if self.events.len() >= self.max_events {
            self.stop(at, StopReason::Limit);
            return RecordOutcome::LimitReached;
        }
        RecordOutcome::Recorded
    }

    /// Tempo/meter/key change at `at` (only the fields that changed matter; pass the full new Meter).
    pub fn change_meter(&mut self, at: f64, meter: Meter) {
        if self.is_recording() {
            self.tempo.change(at, meter);
        }
    }

    /// Someone joined mid-take: a marker, and a name for their track. A rejoin under the same id keeps
    /// one track and takes the new name.
    pub fn participant_joined(&mut self, at: f64, id: &str, name: &str) {
        if !self.is_recording() {
            return;
        }
        let index = self.participant(id, name);
        self.participants[index].name = name.to_owned();
        self.marker(at, index, "joined");
    }

    /// A participant's sound from `at` on (a General MIDI program): a program change on their track.
    pub fn program_changed(&mut self, at: f64, id: &str, name: &str, program: u8) {
        if !self.is_recording() {
            return;
        }
        let index = self.participant(id, name);
        let programs = &mut self.participants[index].programs;
        if programs.last().map(|&(_, p)| p) != Some(program) {
            programs.push((at.max(self.started_at), program));
        }
    }

    /// Someone left: a marker. Their track stays (and takes any events still relayed for them).
    pub fn participant_left(&mut self, at: f64, id: &str) {
        if self.is_recording() {
            let index = self.participant(id, id);
            self.marker(at, index, "left");
        }
    }

    /// Closes the take at `at`: hanging notes (note:on without a matching note:off for the same
    /// sender, channel and note) get a note-off at `at`. Idempotent: the first stop's time and reason
    /// stay.
    pub fn stop(&mut self, at: f64, reason: StopReason) {
        if !self.is_recording() {
            return;
        }
        for ((sender, channel, note), on_at) in std::mem::take(&mut self.sounding) {
            // Never before its note-on, even if the clock stepped back: the file would swap them.
            let at = at.max(on_at);
            let kind = TakeEventKind::NoteOff { channel, note };
            self.events.push(TakeEvent { at, sender, kind });
        }
        self.stopped_at = Some(at);
        self.reason = Some(reason);
    }

    pub fn is_recording(&self) -> bool {
        self.stopped_at.is_none()
    }

    pub fn started_at(&self) -> f64 {
        self.started_at
    }

    pub fn stopped_at(&self) -> Option<f64> {
        self.stopped_at
    }

    pub fn stop_reason(&self) -> Option<StopReason> {
        self.reason
    }

    /// Musical events in the take (not tempo changes or markers), the note-offs added at stop included:
    /// the number of events the exports contain.
    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    /// Recordable events refused for out-of-range values.
    pub fn invalid_count(&self) -> usize {
        self.invalid
    }

    pub fn summary(&self) -> TakeSummary {
        TakeSummary {
            started_at: self.started_at,
            stopped_at: self.stopped_at,
            events: self.event_count(),
            invalid: self.invalid,
            reason: self.reason,
        }
    }

    /// Ticks (PPQ 480) at server time `at` through the tempo map.
    pub fn ticks_at(&self, at: f64) -> u64 {
        self.tempo.ticks_at(at)
    }

    /// 0-based beats since the start (beat 1 of the take = 0.0).
    pub fn beats_at(&self, at: f64) -> f64 {
        self.tempo.beats_at(at)
    }

    pub(crate) fn tempo_map(&self) -> &TempoMap {
        &self.tempo
    }

    pub(crate) fn participants(&self) -> &[Participant] {
        &self.participants
    }

    pub(crate) fn events(&self) -> &[TakeEvent] {
        &self.events
    }

    pub(crate) fn markers(&self) -> &[Marker] {
        &self.markers
    }

    /// The index of participant `id`, adding them (as `name`) when new.
    fn participant(&mut self, id: &str, name: &str) -> usize {
        if let Some(&index) = self.by_id.get(id) {
            return index;
        }
        let index = self.participants.len();
        self.participants.push(Participant {
            id: id.to_owned(),
            name: name.to_owned(),
            programs: Vec::new(),
        });
        self.by_id.insert(id.to_owned(), index);
        index
    }

    fn marker(&mut self, at: f64, index: usize, what: &str) {
        let text = format!("{} {what}", self.participants[index].name);
        self.markers.push(Marker { at, text });
    }

    /// Keeps `sounding` current. A note-on with velocity 0 is a note-off, by MIDI convention.
    fn track_sounding(&mut self, at: f64, sender: usize, kind: TakeEventKind) {
        match kind {
            TakeEventKind::NoteOn {
                channel,
                note,
                velocity,
            } if velocity > 0 => {
                self.sounding.entry((sender, channel, note)).or_insert(at);
            }
            TakeEventKind::NoteOn { channel, note, .. }
            | TakeEventKind::NoteOff { channel, note } => {
                self.sounding.remove(&(sender, channel, note));
            }
            TakeEventKind::ControlChange { .. } | TakeEventKind::PitchBend { .. } => {}
        }
    }
}

/// A map with tuple keys as a list of pairs: msgpack and JSON maps want simple keys.
mod as_pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(map.iter())
    }

    pub fn deserialize<'de, K, V, D>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}
