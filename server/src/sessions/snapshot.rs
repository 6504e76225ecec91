//! A room as another node can read it back: plain data with times as server ms (instants mean
//! nothing to other nodes), and room events encoded for the log. msgpack, because relayed `data`
//! may hold binary attachments that JSON cannot carry.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::room::{Member, Room, RoomConfig};
use super::settings::Settings;
use super::transport::Transport;
use crate::error::JamError;
use crate::protocol::{ChatMessage, Participant, RecordingInfo, RoomEvent};
use crate::recording::Take;

#[derive(Serialize, Deserialize)]
struct MemberRecord {
    participant: Participant,
    conn: Option<String>,
    node: String,
    token: String,
    away_since_ms: Option<f64>,
    rtt_ms: Option<f64>,
}

#[derive(Serialize, Deserialize)]
pub struct RoomRecord {
    code: String,
    members: Vec<MemberRecord>,
    host_id: Option<String>,
    settings: Settings,
    transport: Transport,
    seq: u64,
    server_max_participants: u32,
    empty_since_ms: Option<f64>,
    latency_dirty: bool,
    recording: Option<RecordingInfo>,
    /// The running take, whole: a cluster reads and writes it with the room while it records.
    active_take: Option<(String, Take)>,
    take_ids: Vec<String>,
    #[serde(default)]
    chat: Vec<ChatMessage>,
}

impl RoomRecord {
    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn of(room: &Room) -> RoomRecord {
        let clock = room.clock;
        RoomRecord {
            code: room.code.clone(),
            members: room
                .members
                .iter()
                .map(|m| MemberRecord {
                    participant: m.participant.clone(),
                    conn: m.conn.as_deref().map(str::to_owned),
                    node: m.node.to_string(),
                    token: m.token.clone(),
                    away_since_ms: m.away_since.map(|at| clock.ms_at(at)),
                    rtt_ms: m.rtt_ms,
                })
                .collect(),
            host_id: room.host_id.clone(),
            settings: room.settings.clone(),
            transport: room.transport.clone(),
            seq: room.seq,
            server_max_participants: room.server_max_participants,
            empty_since_ms: room.empty_since.map(|at| clock.ms_at(at)),
            latency_dirty: room.latency_dirty,
            recording: room.recorder.status(),
            active_take: room.recorder.active().cloned(),
            take_ids: room.recorder.take_ids().to_vec(),
            chat: room.chat.iter().cloned().collect(),
        }
    }

    /// The live room on this node; `replay` is what the store holds (oldest first), when it was read.
    pub fn into_room(self, config: &RoomConfig, replay: VecDeque<Arc<RoomEvent>>) -> Room {
        let clock = config.clock;
        let now = tokio::time::Instant::now();
        let mut room = Room::new(self.code, self.settings, config, now);
        room.members = self
            .members
            .into_iter()
            .map(|m| Member {
                participant: m.participant,
                conn: m.conn.map(Arc::from),
                node: Arc::from(m.node),
                token: m.token,
                away_since: m.away_since_ms.map(|ms| clock.instant_at(ms)),
                rtt_ms: m.rtt_ms,
            })
            .collect();
        room.host_id = self.host_id;
        room.transport = self.transport;
        room.seq = self.seq;
        room.replay = replay;
        room.server_max_participants = self.server_max_participants;
        room.empty_since = self.empty_since_ms.map(|ms| clock.instant_at(ms));
        room.latency_dirty = self.latency_dirty;
        room.chat = self.chat.into();
        room.recorder
            .restore(self.recording, self.active_take, self.take_ids);
        room
    }

    pub fn encode(&self) -> Result<Vec<u8>, JamError> {
        rmp_serde::to_vec_named(self).map_err(|_| JamError::Internal)
    }

    pub fn decode(bytes: &[u8]) -> Result<RoomRecord, JamError> {
        rmp_serde::from_slice(bytes).map_err(|err| {
            tracing::error!(%err, "a stored room could not be read");
            JamError::Internal
        })
    }
}

/// `name \0 msgpack(payload)`: the name says which payload type to read back.
pub fn encode_event(event: &RoomEvent) -> Result<Vec<u8>, JamError> {
    let mut bytes = event.name().as_bytes().to_vec();
    bytes.push(0);
    rmp_serde::encode::write_named(&mut bytes, event).map_err(|_| JamError::Internal)?;
    Ok(bytes)
}

pub fn decode_event(bytes: &[u8]) -> Option<RoomEvent> {
    let split = bytes.iter().position(|&b| b == 0)?;
    let (name, payload) = (&bytes[..split], &bytes[split + 1..]);
    let name = std::str::from_utf8(name).ok()?;
    let mut payload = rmp_serde::Deserializer::from_read_ref(payload);
    RoomEvent::deserialize_named(name, &mut payload)?.ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::BroadcastEvent;
    use crate::relay_value::RelayValue;

    #[test]
    fn a_broadcast_with_nested_binary_survives_the_replay_encoding() {
        let data: RelayValue = serde_json::from_str(r#"{"z":1,"a":{"b":[1,2]}}"#).unwrap();
        let RelayValue::Object(mut entries) = data else {
            unreachable!()
        };
        entries.push(("blob".into(), RelayValue::Binary(vec![0, 1, 255].into())));
        let event = RoomEvent::Broadcast(BroadcastEvent {
            sender_id: "u1".into(),
            room_code: "ABCDEF".into(),
            event_name: "note".into(),
            data: RelayValue::Object(entries),
            seq: 7,
            server_time: 1.5,
        });
        let decoded = decode_event(&encode_event(&event).unwrap()).unwrap();
        assert_eq!(decoded, event);
    }
}
