//! Server → client payloads. Room-scoped events carry `roomCode` and a per-room `seq`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{server, Settings, Transport};
use crate::error::{ErrorCode, JamError};
use crate::relay_value::RelayValue;

/// What someone is in a room for: to play, or only to listen (and chat).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Player,
    Listener,
}

/// The sound a player's keys make on every page (synthesized there; the drum pads stay drums).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Instrument {
    #[default]
    Piano,
    ElectricPiano,
    Organ,
    SynthLead,
    Bass,
    Pad,
}

impl Instrument {
    /// Its General MIDI program (0-based), for a take's MIDI file.
    pub fn gm_program(self) -> u8 {
        match self {
            Instrument::Piano => 0,         // Acoustic Grand Piano
            Instrument::ElectricPiano => 4, // Electric Piano 1
            Instrument::Organ => 16,        // Drawbar Organ
            Instrument::SynthLead => 81,    // Lead 2 (sawtooth)
            Instrument::Bass => 33,         // Electric Bass (finger)
            Instrument::Pad => 89,          // Pad 2 (warm)
        }
    }
}

/// One person in a room. `id` is server-generated and opaque.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Participant {
    pub id: String,
    pub name: String,
    /// True while the connection is lost and the seat is held for a resume.
    pub away: bool,
    #[serde(default)]
    pub role: Role,
    #[serde(default)]
    pub instrument: Instrument,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionCreated {
    pub room_code: String,
}

/// The joining participant's own identity; the token is sent to nobody else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct You {
    pub id: String,
    pub resume_token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionJoined {
    pub room_code: String,
    /// Everyone in the room, the joiner included, in join order.
    pub participants: Vec<Participant>,
    pub you: You,
    pub host_id: Option<String>,
    pub settings: Settings,
    pub transport: Transport,
    /// The latest take's status (null before the first take).
    pub recording: Option<RecordingInfo>,
    /// The room's latest seq: the client's `lastSeq` starts here.
    #[ts(type = "number")]
    pub seq: u64,
    pub server_time: f64,
    /// The room's last chat messages (up to 50), oldest first.
    pub chat: Vec<ChatMessage>,
}

/// A room event missed while away, as it was sent.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MissedEvent {
    pub event: String,
    #[ts(type = "unknown")]
    pub data: Arc<RoomEvent>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionResumed {
    #[serde(flatten)]
    pub session: SessionJoined,
    pub missed: Vec<MissedEvent>,
    /// True when the replay buffer no longer held everything missed.
    pub gap: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserJoined {
    pub user: Participant,
    pub room_code: String,
    #[ts(type = "number")]
    pub seq: u64,
}

/// Why a participant left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    Left,
    Timeout,
    Kicked,
    RateLimited,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserLeft {
    pub user_id: String,
    pub room_code: String,
    #[ts(type = "number")]
    pub seq: u64,
    pub reason: LeaveReason,
}

/// `session:user-away` and `session:user-back`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserPresence {
    pub user_id: String,
    pub room_code: String,
    #[ts(type = "number")]
    pub seq: u64,
}

/// `session:user-updated`: a participant as they are now (their role or instrument changed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserUpdated {
    pub user: Participant,
    pub room_code: String,
    #[ts(type = "number")]
    pub seq: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HostChanged {
    pub host_id: String,
    pub room_code: String,
    #[ts(type = "number")]
    pub seq: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsChanged {
    pub settings: Settings,
    /// The participant who changed them.
    pub by: String,
    pub room_code: String,
    #[ts(type = "number")]
    pub seq: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TransportState {
    #[serde(flatten)]
    pub transport: Transport,
    pub room_code: String,
    #[ts(type = "number")]
    pub seq: u64,
}

/// A relayed event. `senderId` is always set by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BroadcastEvent {
    pub event_name: String,
    #[ts(type = "unknown")]
    pub data: RelayValue,
    pub sender_id: String,
    pub room_code: String,
    #[ts(type = "number")]
    pub seq: u64,
    /// Server time when it was relayed.
    pub server_time: f64,
}

/// Why a take ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TakeEnd {
    Stopped,
    Limit,
    RoomEnded,
}

/// Where recording stands: the current take, or the last one and its download link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecordingInfo {
    pub recording: bool,
    /// Server time the take started.
    pub started_at: f64,
    /// Musical events recorded so far.
    #[ts(type = "number")]
    pub events: u64,
    /// Relative link to the Standard MIDI File (add `?format=json` for JSON); once the take ends.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download_url: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<TakeEnd>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecordingState {
    #[serde(flatten)]
    pub info: RecordingInfo,
    pub room_code: String,
    #[ts(type = "number")]
    pub seq: u64,
}

/// Declares [`RoomEvent`] from one list of variants, payload types and event names: the enum, its
/// `seq`, its event name and the decoding of a stored one by name cannot disagree.
macro_rules! room_events {
    ($($variant:ident($payload:ty) = $name:path,)*) => {
        /// Every event that carries a room seq, as stored in the replay buffer.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum RoomEvent {
            $($variant($payload),)*
        }

        impl RoomEvent {
            /// The room sequence number it was given.
            pub fn seq(&self) -> u64 {
                match self {
                    $(RoomEvent::$variant(e) => e.seq,)*
                }
            }

            /// The Socket.IO event name this payload is sent under.
            pub fn name(&self) -> &'static str {
                match self {
                    $(RoomEvent::$variant(_) => $name,)*
                }
            }

            /// Reads back a payload stored under its event `name` (the untagged enum cannot say
            /// which it is by itself); none for a name that is not a room event.
            pub fn deserialize_named<'de, D: serde::Deserializer<'de>>(
                name: &str,
                payload: D,
            ) -> Option<Result<RoomEvent, D::Error>> {
                $(if name == $name {
                    return Some(<$payload>::deserialize(payload).map(RoomEvent::$variant));
                })*
                None
            }
        }
    };
}

room_events! {
    UserJoined(UserJoined) = server::USER_JOINED,
    UserLeft(UserLeft) = server::USER_LEFT,
    UserAway(UserPresence) = server::USER_AWAY,
    UserBack(UserPresence) = server::USER_BACK,
    HostChanged(HostChanged) = server::HOST_CHANGED,
    SettingsChanged(SettingsChanged) = server::SETTINGS_CHANGED,
    TransportState(TransportState) = server::TRANSPORT_STATE,
    RecordingState(RecordingState) = server::RECORDING_STATE,
    Broadcast(BroadcastEvent) = server::EVENT_BROADCAST,
    Chat(ChatMessage) = server::CHAT_MESSAGE,
    UserUpdated(UserUpdated) = server::USER_UPDATED,
}

/// `chat:message`: a line of chat, to everyone in the room, the sender included. `text` is shown
/// as text, never as markup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    pub room_code: String,
    #[ts(type = "number")]
    pub seq: u64,
    pub user_id: String,
    /// The sender's name when it was sent.
    pub name: String,
    pub text: String,
    pub server_time: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionKicked {
    pub room_code: String,
}

/// `server:closing`: this node is shutting down (a restart). Reconnect and resume: on a cluster
/// the seats are held for the resume grace.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServerClosing {
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantLatency {
    pub id: String,
    pub rtt_ms: f64,
}

/// `session:latency`: ephemeral (no seq, never replayed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LatencyReport {
    pub room_code: String,
    pub participants: Vec<ParticipantLatency>,
}

/// `clock:pong` (or the `clock:ping` ack): the client's t0 and the server's receive and send times.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ClockPong {
    pub t0: f64,
    pub t1: f64,
    pub t2: f64,
}

/// Ack payload for `session:leave` (it has no reply event).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeaveAck {
    pub room_code: String,
}

/// Ack payload for the room commands with no reply of their own (`event:broadcast`, host commands).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BroadcastAck {
    pub room_code: String,
    /// How many other members it was sent to.
    pub recipients: u32,
    /// The seq the server gave it.
    #[ts(type = "number")]
    pub seq: u64,
}

/// Ack payload for host commands (`transfer-host`, `update-settings`, `transport:*`, `kick`).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CommandAck {
    pub room_code: String,
    #[ts(type = "number")]
    pub seq: u64,
}

/// The `error` event: a human message, a stable code and the client event that caused it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ErrorPayload {
    pub message: String,
    pub code: ErrorCode,
    pub event: String,
    /// `moved` only: the public URL of the node that serves the room.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub url: Option<String>,
}

impl ErrorPayload {
    pub fn new(err: &JamError, event: &str) -> Self {
        ErrorPayload {
            message: err.to_string(),
            code: err.code(),
            event: event.to_owned(),
            url: err.url().map(str::to_owned),
        }
    }
}

/// What an ack carries when the request failed.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AckError {
    pub error: ErrorPayload,
}
