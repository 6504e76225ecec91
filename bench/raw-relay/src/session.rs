//! One connection's Socket.IO state and the four events: `session:create`, `session:join`,
//! `session:leave`, `event:broadcast`. Replies to the caller go to `out`; others get theirs
//! through their queues in [`Rooms`].

use std::sync::Arc;

use serde_json::value::RawValue;
use tokio_tungstenite::tungstenite::Message;

use crate::packet::{
    ack_frame, broadcast_frame, event_frame, parse_event, push_json_str, split_ack, string_field,
    Fields, User,
};
use crate::rooms::{
    code_str, name_json, normalize_code, random_id, Code, Member, RoomError, Rooms, Tx,
};

const CREATE: &str = "session:create";
const JOIN: &str = "session:join";
const LEAVE: &str = "session:leave";
const BROADCAST: &str = "event:broadcast";
const MAX_NAME_CHARS: usize = 32;
/// jam-server's default `--max-event-bytes`: event name + `data` text.
const MAX_EVENT_BYTES: usize = 65_536;

/// A failed request: wire code and human message.
type Fail = (&'static str, &'static str);
const INVALID: Fail = ("invalid_payload", "malformed payload");
const NOT_IN_ROOM: Fail = ("not_in_room", "not a member of this room");

impl From<RoomError> for Fail {
    fn from(e: RoomError) -> Self {
        match e {
            RoomError::NotFound => ("room_not_found", "room does not exist"),
            RoomError::TooMany => ("too_many_rooms", "the server has too many rooms"),
            RoomError::Internal => ("internal", "internal error"),
        }
    }
}

/// What the connection loop should do after a packet.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Close,
}

pub struct Session {
    conn: u64,
    rooms: Arc<Rooms>,
    /// This connection's own queue, handed to the rooms it joins.
    tx: Tx,
    connected: bool,
    /// Rooms joined, with this connection's participant id in each.
    memberships: Vec<(Code, Box<str>)>,
}

impl Session {
    pub fn new(conn: u64, rooms: Arc<Rooms>, tx: Tx) -> Self {
        Self {
            conn,
            rooms,
            tx,
            connected: false,
            memberships: Vec::new(),
        }
    }

    /// Handles one Socket.IO packet (the text after the Engine.IO `4`).
    pub fn on_packet(&mut self, packet: &str, out: &mut Vec<Message>) -> Flow {
        let Some(kind) = packet.bytes().next() else {
            return Flow::Continue;
        };
        let body = &packet[1..];
        match kind {
            b'0' => self.on_connect(body, out),
            b'1' => return Flow::Close,
            b'2' if self.connected => {
                let Some((ack, json)) = split_ack(body) else {
                    return Flow::Close;
                };
                // Like socket.io's decoder, a packet that does not parse ends the connection.
                let Ok(event) = parse_event(json) else {
                    return Flow::Close;
                };
                let result = match event.name.as_ref() {
                    CREATE => self.create(ack, out),
                    JOIN => self.join(ack, event.fields, out),
                    LEAVE => self.leave(ack, event.fields, out),
                    BROADCAST => self.broadcast(ack, event.fields, out),
                    _ => Err(("unknown_event", "unknown event")),
                };
                if let Err((code, message)) = result {
                    fail(out, ack, &event.name, code, message);
                }
            }
            _ => {} // acks from the client, binary packets: not used by this relay
        }
        Flow::Continue
    }

    fn on_connect(&mut self, body: &str, out: &mut Vec<Message>) {
        if let Some(nsp) = body
            .strip_prefix('/')
            .map(|r| r.split(',').next().unwrap_or(""))
        {
            if !nsp.is_empty() {
                let reply = format!("44/{nsp},{{\"message\":\"Invalid namespace\"}}");
                out.push(Message::Text(reply.into()));
                return;
            }
        }
        let Some(sid) = random_id(20) else { return };
        self.connected = true;
        out.push(Message::Text(format!("40{{\"sid\":\"{sid}\"}}").into()));
    }

    fn membership(&self, code: &Code) -> Option<&str> {
        self.memberships
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, id)| &**id)
    }

    fn create(&mut self, ack: Option<u64>, out: &mut Vec<Message>) -> Result<(), Fail> {
        let code = self.rooms.create()?;
        let payload = format!("{{\"roomCode\":\"{}\"}}", code_str(&code));
        reply(out, ack, Some("session:created"), &payload);
        Ok(())
    }

    fn join(
        &mut self,
        ack: Option<u64>,
        fields: Option<Fields>,
        out: &mut Vec<Message>,
    ) -> Result<(), Fail> {
        let fields = fields.ok_or(INVALID)?;
        let room = string_field(fields.room_code).ok_or(INVALID)?;
        let user = fields
            .user
            .and_then(|u| serde_json::from_str::<User>(u.get()).ok());
        let name = user.as_ref().ok_or(INVALID)?.name.trim();
        let chars = name.chars().count();
        if chars == 0 || chars > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err((
                "name_invalid",
                "name must be 1-32 characters without control characters",
            ));
        }
        let code = normalize_code(&room).ok_or(RoomError::NotFound)?;
        let (new, you) = match self.membership(&code) {
            Some(id) => (None, Box::from(id)),
            None => {
                let id = random_id(16).ok_or(RoomError::Internal)?;
                let member = Member {
                    conn: self.conn,
                    id: id.clone(),
                    name_json: name_json(name),
                    tx: self.tx.clone(),
                };
                (Some(member), id)
            }
        };
        let is_new = new.is_some();
        let joined = self.rooms.join(&code, new, &you)?;
        if is_new {
            self.memberships.push((code, you));
        }
        reply(out, ack, Some("session:joined"), &joined);
        Ok(())
    }

    fn leave(
        &mut self,
        ack: Option<u64>,
        fields: Option<Fields>,
        out: &mut Vec<Message>,
    ) -> Result<(), Fail> {
        let room = fields
            .and_then(|f| string_field(f.room_code))
            .ok_or(INVALID)?;
        let code = normalize_code(&room).ok_or(NOT_IN_ROOM)?;
        let index = self
            .memberships
            .iter()
            .position(|(c, _)| *c == code)
            .ok_or(NOT_IN_ROOM)?;
        let (code, id) = self.memberships.swap_remove(index);
        self.rooms.leave(&code, self.conn, &id);
        reply(
            out,
            ack,
            None,
            &format!("{{\"roomCode\":\"{}\"}}", code_str(&code)),
        );
        Ok(())
    }

    fn broadcast(
        &mut self,
        ack: Option<u64>,
        fields: Option<Fields>,
        out: &mut Vec<Message>,
    ) -> Result<(), Fail> {
        let fields = fields.ok_or(INVALID)?;
        let room = string_field(fields.room_code).ok_or(INVALID)?;
        let name = string_field(fields.event_name)
            .filter(|n| valid_event_name(n))
            .ok_or(INVALID)?;
        let data = fields.data.map_or("null", RawValue::get);
        if name.len() + data.len() > MAX_EVENT_BYTES {
            return Err(("payload_too_large", "event is too large"));
        }
        let code = normalize_code(&room).ok_or(NOT_IN_ROOM)?;
        let id = self.membership(&code).ok_or(NOT_IN_ROOM)?;
        // Built once; every recipient's clone shares the same bytes.
        let frame = broadcast_frame(&name, data, id, code_str(&code));
        let recipients = self.rooms.broadcast(&code, self.conn, &frame);
        let payload = format!(
            "{{\"roomCode\":\"{}\",\"recipients\":{recipients}}}",
            code_str(&code)
        );
        reply(out, ack, None, &payload);
        Ok(())
    }
}

impl Drop for Session {
    /// A connection that goes away leaves every room; the others hear `session:user-left`.
    fn drop(&mut self) {
        for (code, id) in self.memberships.drain(..) {
            self.rooms.leave(&code, self.conn, &id);
        }
    }
}

/// 1–64 characters of `A-Z a-z 0-9 : _ - .`: safe to write into JSON without escaping.
fn valid_event_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-' | b'.'))
}

/// The reply event (if any) and, when the client asked, the ack with the same payload.
fn reply(out: &mut Vec<Message>, ack: Option<u64>, event: Option<&str>, payload: &str) {
    if let Some(event) = event {
        out.push(event_frame(event, payload));
    }
    if let Some(id) = ack {
        out.push(ack_frame(id, payload));
    }
}

/// The `error` event, and `{error}` as the ack if one was asked for.
fn fail(out: &mut Vec<Message>, ack: Option<u64>, event: &str, code: &str, message: &str) {
    let mut payload = String::with_capacity(96);
    payload.push_str("{\"message\":");
    push_json_str(&mut payload, message);
    payload.push_str(",\"code\":\"");
    payload.push_str(code);
    payload.push_str("\",\"event\":");
    push_json_str(&mut payload, &event.chars().take(64).collect::<String>());
    payload.push('}');
    out.push(event_frame("error", &payload));
    if let Some(id) = ack {
        out.push(ack_frame(id, &format!("{{\"error\":{payload}}}")));
    }
}
