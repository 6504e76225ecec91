//! A room to and from its [`RoomRecord`], the plain data another node reads back (times as server
//! ms: instants mean nothing to other nodes). Here, inside `room/`, because it reads and restores
//! every private field.

use std::collections::VecDeque;
use std::sync::Arc;

use super::{Member, Room, RoomConfig};
use crate::protocol::RoomEvent;
use crate::sessions::snapshot::{MemberRecord, RoomRecord};

impl Room {
    /// The room as another node reads it back.
    pub(in crate::sessions) fn to_record(&self) -> RoomRecord {
        let clock = self.clock;
        RoomRecord {
            code: self.code.clone(),
            members: self
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
            host_id: self.host_id.clone(),
            settings: self.settings.clone(),
            transport: self.transport.clone(),
            seq: self.seq,
            server_max_participants: self.server_max_participants,
            empty_since_ms: self.empty_since.map(|at| clock.ms_at(at)),
            latency_dirty: self.latency_dirty,
            recording: self.recorder.status(),
            active_take: self.recorder.active().cloned(),
            take_ids: self.recorder.take_ids().to_vec(),
            chat: self.chat.iter().cloned().collect(),
        }
    }

    /// The live room on this node from its record; `replay` is what the store holds (oldest first).
    pub(in crate::sessions) fn from_record(
        record: RoomRecord,
        config: &RoomConfig,
        replay: VecDeque<Arc<RoomEvent>>,
    ) -> Room {
        let clock = config.clock;
        let now = tokio::time::Instant::now();
        let mut room = Room::new(record.code, record.settings, config, now);
        room.members = record
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
        room.host_id = record.host_id;
        room.transport = record.transport;
        room.seq = record.seq;
        room.replay = replay;
        room.server_max_participants = record.server_max_participants;
        room.empty_since = record.empty_since_ms.map(|ms| clock.instant_at(ms));
        room.latency_dirty = record.latency_dirty;
        room.chat = record.chat.into();
        room.recorder
            .restore(record.recording, record.active_take, record.take_ids);
        room
    }
}
