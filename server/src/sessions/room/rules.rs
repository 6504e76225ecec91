//! What members do in a room once they are in: relay events, and the host's commands (hand over,
//! settings, transport, kick). Every change is sequenced into the room's event stream.

use tokio::time::Instant;

use super::{Room, Sequenced};
use crate::error::JamError;
use crate::protocol::{
    BroadcastEvent, LatencyReport, LeaveReason, ParticipantLatency, Role, RoomEvent,
    SettingsChanged, TransportState,
};
use crate::recording::StopReason;
use crate::relay_value::RelayValue;
use crate::sessions::settings::SettingsPatch;
use crate::sessions::transport::{change_lead, validate_start};
use crate::sessions::ConnId;

impl Room {
    /// Relays an event from member `conn` to the others; returns it and how many it goes to.
    pub(in crate::sessions) fn relay(
        &mut self,
        conn: &ConnId,
        event_name: String,
        data: RelayValue,
        now_ms: f64,
    ) -> Result<(Vec<Sequenced>, usize), JamError> {
        let index = self.member_index(conn)?;
        self.require_player(index)?;
        let sender_id = self.members[index].participant.id.clone();
        let recipients = self.members.iter().filter(|m| m.conn.is_some()).count() - 1;
        let limit_reached = self.recorder.offer(now_ms, &sender_id, &event_name, &data);
        let event = self.push(true, |room_code, seq| {
            RoomEvent::Broadcast(BroadcastEvent {
                event_name,
                data,
                sender_id,
                room_code,
                seq,
                server_time: now_ms,
            })
        });
        let mut events = vec![event];
        if limit_reached {
            events.extend(self.finish_take(now_ms, StopReason::Limit));
        }
        Ok((events, recipients))
    }

    /// The member index of `conn`, which must be the host to do `action`.
    pub(in crate::sessions) fn require_host(
        &self,
        conn: &ConnId,
        action: &'static str,
    ) -> Result<usize, JamError> {
        let index = self.member_index(conn)?;
        if self.host_id.as_deref() != Some(self.members[index].participant.id.as_str()) {
            return Err(JamError::Forbidden(action));
        }
        Ok(index)
    }

    pub(in crate::sessions) fn target_index(&self, user_id: &str) -> Result<usize, JamError> {
        self.index_of_id(user_id).ok_or_else(|| {
            JamError::InvalidPayload(format!("userId is not a participant of room {}", self.code))
        })
    }

    /// The host (member `host`) hands the host role to `user_id`.
    pub(super) fn transfer_host(
        &mut self,
        host: usize,
        user_id: &str,
    ) -> Result<Vec<Sequenced>, JamError> {
        let target = self.target_index(user_id)?;
        if target == host {
            return Ok(Vec::new());
        }
        if self.members[target].participant.role == Role::Listener {
            return Err(JamError::InvalidPayload(
                "a listener cannot host: invite them to play first".into(),
            ));
        }
        Ok(vec![self.set_host(user_id.to_owned())])
    }

    /// Applies a partial settings change (all or nothing); a tempo change re-anchors the transport.
    pub(super) fn update_settings(
        &mut self,
        host: usize,
        patch: &SettingsPatch,
        now_ms: f64,
    ) -> Result<Vec<Sequenced>, JamError> {
        let settings =
            self.settings
                .with_patch(patch, self.server_max_participants, self.players())?;
        let by = self.members[host].participant.id.clone();
        self.settings = settings.clone();
        let meter = self.meter();
        let lead = self.change_lead();
        let retimed = self.transport.set_bpm(self.settings.bpm, now_ms, lead);
        // A take hears the new tempo when the room does: on the beat the change lands on.
        let effective = match &self.transport.previous {
            Some(_) if retimed => self.transport.started_at,
            _ => now_ms,
        };
        self.recorder.meter_changed(effective, meter);
        let mut events = vec![self.push(false, |room_code, seq| {
            RoomEvent::SettingsChanged(SettingsChanged {
                settings,
                by,
                room_code,
                seq,
            })
        })];
        if retimed {
            events.push(self.push_transport_state());
        }
        Ok(events)
    }

    pub(super) fn start_transport(
        &mut self,
        at: Option<f64>,
        start_beat: Option<f64>,
        now_ms: f64,
    ) -> Result<Vec<Sequenced>, JamError> {
        let (at, start_beat) = validate_start(at, start_beat, now_ms)?;
        let lead = self.change_lead();
        self.transport.start(at, start_beat, now_ms, lead);
        Ok(vec![self.push_transport_state()])
    }

    pub(super) fn stop_transport(&mut self, now_ms: f64) -> Vec<Sequenced> {
        self.transport.stop(now_ms);
        vec![self.push_transport_state()]
    }

    fn push_transport_state(&mut self) -> Sequenced {
        let transport = self.transport.clone();
        self.push(false, |room_code, seq| {
            RoomEvent::TransportState(TransportState {
                transport,
                room_code,
                seq,
            })
        })
    }

    /// Removes `user_id` at the host's request; returns the kicked member's connection, if present.
    pub(super) fn kick(
        &mut self,
        host: usize,
        user_id: &str,
        now: Instant,
    ) -> Result<(Option<ConnId>, Vec<Sequenced>), JamError> {
        let target = self.target_index(user_id)?;
        if target == host {
            return Err(JamError::InvalidPayload(
                "the host cannot kick themselves".into(),
            ));
        }
        let target_conn = self.members[target].conn.clone();
        Ok((target_conn, self.remove(target, LeaveReason::Kicked, now)))
    }

    /// How far ahead a transport change lands so every member hears of it first.
    fn change_lead(&self) -> f64 {
        let worst = self
            .members
            .iter()
            .filter_map(|m| m.rtt_ms)
            .reduce(f64::max);
        change_lead(worst)
    }

    /// Records a member's measured round trip; the room hears about changes in the next report.
    pub(in crate::sessions) fn set_rtt(&mut self, conn: &ConnId, rtt_ms: f64) {
        if let Some(index) = self.index_of_conn(conn) {
            let rounded = (rtt_ms * 10.0).round() / 10.0;
            if self.members[index].rtt_ms != Some(rounded) {
                self.members[index].rtt_ms = Some(rounded);
                self.latency_dirty = true;
            }
        }
    }

    /// Every known round trip, if any changed since the last report.
    pub(in crate::sessions) fn take_latency_report(&mut self) -> Option<LatencyReport> {
        if !std::mem::take(&mut self.latency_dirty) {
            return None;
        }
        let participants = self
            .members
            .iter()
            .filter_map(|m| {
                let rtt_ms = m.rtt_ms?;
                Some(ParticipantLatency {
                    id: m.participant.id.clone(),
                    rtt_ms,
                })
            })
            .collect();
        Some(LatencyReport {
            room_code: self.code.clone(),
            participants,
        })
    }
}
