//! Relaying, chat and profile changes, each on one locked room (the host's commands: host.rs).

use crate::error::JamError;
use crate::protocol::{BroadcastRequest, Instrument};
use crate::sessions::room::{Room, Sequenced};
use crate::sessions::{validate, ConnId, Delivery, SessionManager};

/// A relayed event and how many it went to.
pub struct Relayed {
    pub delivery: Delivery,
    pub recipients: usize,
    pub seq: u64,
}

impl Delivery {
    /// The seq of the last event in it (or the room's, when nothing changed).
    pub fn latest_seq(&self) -> u64 {
        self.events
            .last()
            .map_or(self.room.seq(), |e| e.event.seq())
    }
}

impl SessionManager {
    /// Checks and sequences one `event:broadcast`; the caller sends it to the others.
    pub async fn broadcast(
        &self,
        conn: &ConnId,
        request: BroadcastRequest,
    ) -> Result<Relayed, JamError> {
        validate::event_name(&request.event_name)?;
        let size = request.event_name.len() + request.data.encoded_len();
        if size > self.limits.max_event_bytes {
            return Err(JamError::PayloadTooLarge {
                size,
                limit: self.limits.max_event_bytes,
            });
        }
        let mut room = self
            .lock_room(&request.room_code, JamError::NotInRoom)
            .await?;
        let now_ms = self.now_ms();
        let (events, recipients) = room.relay(conn, request.event_name, request.data, now_ms)?;
        let seq = events.first().map_or(room.seq(), |e| e.event.seq());
        Ok(Relayed {
            delivery: self.deliver(room, events).await?,
            recipients,
            seq,
        })
    }

    /// Runs `run` on the room `room_code` names and hands over its events.
    async fn on_room(
        &self,
        room_code: &str,
        run: impl FnOnce(&mut Room) -> Result<Vec<Sequenced>, JamError>,
    ) -> Result<Delivery, JamError> {
        let mut room = self.lock_room(room_code, JamError::NotInRoom).await?;
        let events = run(&mut room)?;
        self.deliver(room, events).await
    }

    /// `chat:send`: a member's line of text to the whole room.
    pub async fn chat(
        &self,
        conn: &ConnId,
        room_code: &str,
        text: &str,
    ) -> Result<Delivery, JamError> {
        let text = crate::sessions::room::chat_text(text)?;
        let now_ms = self.now_ms();
        self.on_room(room_code, |room| room.chat(conn, text, now_ms))
            .await
    }

    /// `session:update-profile`: a member's new instrument.
    pub async fn update_profile(
        &self,
        conn: &ConnId,
        room_code: &str,
        instrument: Instrument,
    ) -> Result<Delivery, JamError> {
        let now_ms = self.now_ms();
        self.on_room(room_code, |room| {
            room.update_profile(conn, instrument, now_ms)
        })
        .await
    }

    /// Records the connection's measured round trip in every room it is in.
    pub async fn record_rtt(&self, conn: &ConnId, rtt_ms: f64) {
        if !rtt_ms.is_finite() || !(0.0..=60_000.0).contains(&rtt_ms) {
            return;
        }
        for code in self.conns.rooms_of(conn) {
            let locked = self.lock_room(&code, JamError::NotInRoom).await;
            if let Ok(mut room) = locked {
                room.set_rtt(conn, rtt_ms);
                let _ = self.deliver(room, Vec::new()).await;
            }
        }
    }
}
