//! The wire contract: Socket.IO event names and payload types. The seed's names and fields are fixed;
//! anything added here extends them (new fields, new events). TypeScript types for the web client are
//! generated from these structs (see `ts_types`), never written by hand.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, JamError};
use crate::relay_value::RelayValue;

/// Client → server event names.
pub mod client {
    pub const SESSION_CREATE: &str = "session:create";
    pub const SESSION_JOIN: &str = "session:join";
    pub const SESSION_LEAVE: &str = "session:leave";
    pub const EVENT_BROADCAST: &str = "event:broadcast";
}

/// Server → client event names.
pub mod server {
    pub const SESSION_CREATED: &str = "session:created";
    pub const SESSION_JOINED: &str = "session:joined";
    pub const USER_JOINED: &str = "session:user-joined";
    pub const USER_LEFT: &str = "session:user-left";
    pub const EVENT_BROADCAST: &str = "event:broadcast";
    pub const ERROR: &str = "error";
}

/// One person in a room. `id` is server-generated and opaque.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Participant {
    pub id: String,
    pub name: String,
}

/// What a joining client says about itself.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
pub struct UserInfo {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequest {
    pub room_code: String,
    pub user: UserInfo,
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeaveRequest {
    pub room_code: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BroadcastRequest {
    pub room_code: String,
    pub event_name: String,
    /// Any JSON value, binary attachments included; relayed as received.
    #[serde(default)]
    #[ts(type = "unknown")]
    pub data: RelayValue,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionCreated {
    pub room_code: String,
}

/// The joining participant's own identity (an addition to the seed's payload).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct You {
    pub id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionJoined {
    pub room_code: String,
    /// Everyone in the room, the joiner included, in join order.
    pub participants: Vec<Participant>,
    pub you: You,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserJoined {
    pub user: Participant,
    pub room_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserLeft {
    pub user_id: String,
    pub room_code: String,
}

/// A relayed event. `senderId` is always set by the server.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BroadcastEvent {
    pub event_name: String,
    #[ts(type = "unknown")]
    pub data: RelayValue,
    pub sender_id: String,
    pub room_code: String,
}

/// Ack payload for `session:leave` (it has no reply event).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeaveAck {
    pub room_code: String,
}

/// Ack payload for `event:broadcast`: how many other members it was sent to.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BroadcastAck {
    pub room_code: String,
    pub recipients: u32,
}

/// The `error` event: a human message, a stable code and the client event that caused it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ErrorPayload {
    pub message: String,
    pub code: ErrorCode,
    pub event: String,
}

impl ErrorPayload {
    pub fn new(err: &JamError, event: &str) -> Self {
        ErrorPayload {
            message: err.to_string(),
            code: err.code(),
            event: event.to_owned(),
        }
    }
}

/// What an ack carries when the request failed.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AckError {
    pub error: ErrorPayload,
}

/// Renders every wire type as one TypeScript module for `web/src/types/protocol.ts`.
pub fn ts_types() -> String {
    let cfg = ts_rs::Config::new();
    let decls = [
        ErrorCode::decl(&cfg),
        Participant::decl(&cfg),
        UserInfo::decl(&cfg),
        JoinRequest::decl(&cfg),
        LeaveRequest::decl(&cfg),
        BroadcastRequest::decl(&cfg),
        SessionCreated::decl(&cfg),
        You::decl(&cfg),
        SessionJoined::decl(&cfg),
        UserJoined::decl(&cfg),
        UserLeft::decl(&cfg),
        BroadcastEvent::decl(&cfg),
        LeaveAck::decl(&cfg),
        BroadcastAck::decl(&cfg),
        ErrorPayload::decl(&cfg),
        AckError::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from server/src/protocol.rs by ts-rs. Do not edit by hand:\n\
         // run `JAM_UPDATE_TYPES=1 cargo test -p jam-server ts_types` after changing the Rust types.\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.push_str(&event_name_constants());
    out
}

fn event_name_constants() -> String {
    let client = [
        ("SESSION_CREATE", client::SESSION_CREATE),
        ("SESSION_JOIN", client::SESSION_JOIN),
        ("SESSION_LEAVE", client::SESSION_LEAVE),
        ("EVENT_BROADCAST", client::EVENT_BROADCAST),
    ];
    let server = [
        ("SESSION_CREATED", server::SESSION_CREATED),
        ("SESSION_JOINED", server::SESSION_JOINED),
        ("USER_JOINED", server::USER_JOINED),
        ("USER_LEFT", server::USER_LEFT),
        ("EVENT_BROADCAST", server::EVENT_BROADCAST),
        ("ERROR", server::ERROR),
    ];
    let render = |name: &str, items: &[(&str, &str)]| {
        let body: String = items
            .iter()
            .map(|(k, v)| format!("  {k}: \"{v}\",\n"))
            .collect();
        format!("export const {name} = {{\n{body}}} as const;\n")
    };
    format!(
        "/** Client → server event names. */\n{}\n/** Server → client event names. */\n{}",
        render("ClientEvents", &client),
        render("ServerEvents", &server)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generated TypeScript must match the committed file, so the client never drifts from the server.
    #[test]
    fn ts_types_are_fresh() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/src/types/protocol.ts");
        let expected = ts_types();
        if std::env::var_os("JAM_UPDATE_TYPES").is_some() {
            std::fs::write(path, &expected).expect("write generated types");
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            actual == expected,
            "web/src/types/protocol.ts is stale: run `JAM_UPDATE_TYPES=1 cargo test -p jam-server ts_types`"
        );
    }

    #[test]
    fn broadcast_request_defaults_missing_data_to_null() {
        let req: BroadcastRequest =
            serde_json::from_str(r#"{"roomCode":"ABCDEF","eventName":"x"}"#).unwrap();
        assert_eq!(req.data, RelayValue::Null);
    }
}
