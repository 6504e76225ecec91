//! Recording in a room: the host starts and stops takes; while one runs, relayed notes, tempo and
//! meter changes, joins and leaves go into it. A finished take goes to the store behind its link.

use std::sync::Arc;

use super::{Room, Sequenced};
use crate::error::JamError;
use crate::protocol::{Participant, RecordingInfo, RecordingState, RoomEvent, TakeEnd};
use crate::recording::{Meter, RecordOutcome, StopReason, Take};
use crate::relay_value::RelayValue;
use crate::sessions::take_store::TakeStore;

/// A room's recording state.
pub struct Recorder {
    store: Arc<TakeStore>,
    max_events: usize,
    active: Option<(String, Take)>,
    last: Option<RecordingInfo>,
    /// Every take this room made, so they can be given their TTL when the room ends.
    take_ids: Vec<String>,
    /// Takes finished since the room was locked: a shared store keeps them for every node.
    finished: Vec<(String, Arc<Take>)>,
}

impl Recorder {
    pub fn new(store: Arc<TakeStore>, max_events: usize) -> Recorder {
        Recorder {
            store,
            max_events,
            active: None,
            last: None,
            take_ids: Vec::new(),
            finished: Vec::new(),
        }
    }

    pub fn status(&self) -> Option<RecordingInfo> {
        self.last.clone()
    }

    /// Picks up what another node left in the shared store.
    pub fn restore(
        &mut self,
        last: Option<RecordingInfo>,
        active: Option<(String, Take)>,
        take_ids: Vec<String>,
    ) {
        self.last = last;
        self.active = active;
        self.take_ids = take_ids;
    }

    pub fn active(&self) -> Option<&(String, Take)> {
        self.active.as_ref()
    }

    /// How long a take stays downloadable after its room ends.
    pub fn take_ttl(&self) -> std::time::Duration {
        self.store.ttl()
    }

    pub fn take_ids(&self) -> &[String] {
        &self.take_ids
    }

    /// Takes finished since the last call (for a shared store to keep).
    pub fn drain_finished(&mut self) -> Vec<(String, Arc<Take>)> {
        std::mem::take(&mut self.finished)
    }

    pub fn is_recording(&self) -> bool {
        self.active.is_some()
    }

    /// Offers a relayed event to the running take; true when that take just reached its limit.
    pub fn offer(&mut self, at: f64, sender_id: &str, event_name: &str, data: &RelayValue) -> bool {
        let Some((_, take)) = self.active.as_mut() else {
            return false;
        };
        take.record(at, sender_id, event_name, data) == RecordOutcome::LimitReached
    }

    pub fn meter_changed(&mut self, at: f64, meter: Meter) {
        if let Some((_, take)) = self.active.as_mut() {
            take.change_meter(at, meter);
        }
    }

    pub fn joined(&mut self, at: f64, participant: &Participant) {
        if let Some((_, take)) = self.active.as_mut() {
            take.participant_joined(at, &participant.id, &participant.name);
            let program = participant.instrument.gm_program();
            take.program_changed(at, &participant.id, &participant.name, program);
        }
    }

    /// A player changed their sound: their track gets a program change there.
    pub fn instrument_changed(&mut self, at: f64, participant: &Participant) {
        if let Some((_, take)) = self.active.as_mut() {
            let program = participant.instrument.gm_program();
            take.program_changed(at, &participant.id, &participant.name, program);
        }
    }

    pub fn left(&mut self, at: f64, id: &str) {
        if let Some((_, take)) = self.active.as_mut() {
            take.participant_left(at, id);
        }
    }

    /// The room is gone: its takes live on for the TTL.
    pub fn room_ended(&self, now: tokio::time::Instant) {
        self.store.room_ended(&self.take_ids, now);
    }
}

fn take_end(reason: StopReason) -> TakeEnd {
    match reason {
        StopReason::Stopped => TakeEnd::Stopped,
        StopReason::Limit => TakeEnd::Limit,
        StopReason::RoomEnded => TakeEnd::RoomEnded,
    }
}

impl Room {
    pub(in crate::sessions) fn meter(&self) -> Meter {
        Meter {
            bpm: self.settings.bpm,
            beats_per_bar: self.settings.beats_per_bar,
            beat_unit: self.settings.beat_unit,
            key: self.settings.key.clone(),
        }
    }

    pub(super) fn start_recording(&mut self, now_ms: f64) -> Result<Vec<Sequenced>, JamError> {
        if self.recorder.is_recording() {
            return Ok(Vec::new());
        }
        let id = self.recorder.store.new_take_id()?;
        let present = self
            .members
            .iter()
            .map(|m| (m.participant.id.clone(), m.participant.name.clone()));
        let mut take = Take::start(
            now_ms,
            self.meter(),
            present.collect(),
            self.recorder.max_events,
        );
        for member in &self.members {
            let p = &member.participant;
            take.program_changed(now_ms, &p.id, &p.name, p.instrument.gm_program());
        }
        self.recorder.active = Some((id, take));
        let info = RecordingInfo {
            recording: true,
            started_at: now_ms,
            events: 0,
            download_url: None,
            reason: None,
        };
        Ok(vec![self.push_recording_state(info)])
    }

    pub(super) fn stop_recording(&mut self, now_ms: f64) -> Vec<Sequenced> {
        self.finish_take(now_ms, StopReason::Stopped)
            .into_iter()
            .collect()
    }

    /// Closes the running take (if any), stores it behind its link and tells the room.
    pub(in crate::sessions) fn finish_take(
        &mut self,
        now_ms: f64,
        reason: StopReason,
    ) -> Option<Sequenced> {
        let (id, mut take) = self.recorder.active.take()?;
        take.stop(now_ms, reason);
        let reason = take.stop_reason().unwrap_or(reason);
        let info = RecordingInfo {
            recording: false,
            started_at: take.started_at(),
            events: take.event_count() as u64,
            download_url: Some(self.recorder.store.download_url(&self.code, &id)),
            reason: Some(take_end(reason)),
        };
        let take = Arc::new(take);
        self.recorder
            .store
            .insert(&self.code, id.clone(), take.clone());
        self.recorder.finished.push((id.clone(), take));
        self.recorder.take_ids.push(id);
        Some(self.push_recording_state(info))
    }

    fn push_recording_state(&mut self, info: RecordingInfo) -> Sequenced {
        self.recorder.last = Some(info.clone());
        self.push(false, |room_code, seq| {
            RoomEvent::RecordingState(RecordingState {
                info,
                room_code,
                seq,
            })
        })
    }
}
