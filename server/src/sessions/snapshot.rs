//! A room as another node can read it back: plain data with times as server ms (instants mean
//! nothing to other nodes), and room events encoded for the log. msgpack, because relayed `data`
//! may hold binary attachments that JSON cannot carry.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::room::{Room, RoomConfig};
use super::settings::Settings;
use super::transport::Transport;
use crate::error::JamError;
use crate::protocol::{ChatMessage, Participant, RecordingInfo, RoomEvent};
use crate::recording::Take;

#[derive(Serialize, Deserialize)]
pub(in crate::sessions) struct MemberRecord {
    pub(in crate::sessions) participant: Participant,
    pub(in crate::sessions) conn: Option<String>,
    pub(in crate::sessions) node: String,
    pub(in crate::sessions) token: String,
    pub(in crate::sessions) away_since_ms: Option<f64>,
    pub(in crate::sessions) rtt_ms: Option<f64>,
}

#[derive(Serialize, Deserialize)]
pub struct RoomRecord {
    pub(in crate::sessions) code: String,
    pub(in crate::sessions) members: Vec<MemberRecord>,
    pub(in crate::sessions) host_id: Option<String>,
    pub(in crate::sessions) settings: Settings,
    pub(in crate::sessions) transport: Transport,
    pub(in crate::sessions) seq: u64,
    pub(in crate::sessions) server_max_participants: u32,
    pub(in crate::sessions) empty_since_ms: Option<f64>,
    pub(in crate::sessions) latency_dirty: bool,
    pub(in crate::sessions) recording: Option<RecordingInfo>,
    /// The running take, whole: a cluster reads and writes it with the room while it records.
    pub(in crate::sessions) active_take: Option<(String, Take)>,
    pub(in crate::sessions) take_ids: Vec<String>,
    #[serde(default)]
    pub(in crate::sessions) chat: Vec<ChatMessage>,
}

impl RoomRecord {
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The room as another node reads it back.
    pub fn of(room: &Room) -> RoomRecord {
        room.to_record()
    }

    /// The live room on this node; `replay` is what the store holds (oldest first), when it was read.
    pub fn into_room(self, config: &RoomConfig, replay: VecDeque<Arc<RoomEvent>>) -> Room {
        Room::from_record(self, config, replay)
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
mod tests;
