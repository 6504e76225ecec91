//! Chat: a member's line of text to everyone in the room, the sender included. A room event (seq,
//! replayed on resume); the last `CHAT_HISTORY` come with `session:joined`.

use super::{Room, Sequenced};
use crate::error::JamError;
use crate::protocol::{ChatMessage, RoomEvent};

/// Messages a joiner gets with `session:joined`.
pub const CHAT_HISTORY: usize = 50;
/// The longest message, in characters, once trimmed.
pub const MAX_CHAT_CHARS: usize = 500;

/// The text as it is sent on: trimmed, 1–500 characters.
pub fn chat_text(text: &str) -> Result<String, JamError> {
    let text = text.trim();
    let chars = text.chars().count();
    if !(1..=MAX_CHAT_CHARS).contains(&chars) {
        return Err(JamError::InvalidPayload(format!(
            "text must be 1 to {MAX_CHAT_CHARS} characters once trimmed (got {chars})"
        )));
    }
    Ok(text.to_owned())
}

impl Room {
    /// `conn`'s member says `text` (already checked with [`chat_text`]).
    pub(in crate::sessions) fn chat(
        &mut self,
        conn: &super::ConnId,
        text: String,
        now_ms: f64,
    ) -> Result<Vec<Sequenced>, JamError> {
        let index = self.member_index(conn)?;
        let sender = &self.members[index].participant;
        let (user_id, name) = (sender.id.clone(), sender.name.clone());
        let event = self.push(false, |room_code, seq| {
            RoomEvent::Chat(ChatMessage {
                room_code,
                seq,
                user_id,
                name,
                text,
                server_time: now_ms,
            })
        });
        if let RoomEvent::Chat(message) = &*event.event {
            if self.chat.len() == CHAT_HISTORY {
                self.chat.pop_front();
            }
            self.chat.push_back(message.clone());
        }
        Ok(vec![event])
    }
}

#[cfg(test)]
mod tests;
