//! Client → server payloads. Unknown fields are ignored; missing required ones are `invalid_payload`.
//! Each payload and nested object must be a JSON object, and an optional field present as `null` is
//! mistyped (see [`strict`](super::strict)); handlers decode through [`Object`](super::strict::Object).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::strict;
use super::{Instrument, Role, SettingsPatch};
use crate::relay_value::RelayValue;

/// What a joining client says about itself; `role` defaults to `"player"`.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
pub struct UserInfo {
    pub name: String,
    #[serde(default, deserialize_with = "strict::present")]
    #[ts(optional)]
    pub role: Option<Role>,
}

/// `session:create`: the payload is optional (the seed sends none).
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
pub struct CreateRequest {
    #[serde(default, deserialize_with = "strict::present_object")]
    #[ts(optional)]
    pub settings: Option<SettingsPatch>,
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequest {
    pub room_code: String,
    #[serde(deserialize_with = "strict::object")]
    pub user: UserInfo,
}

/// A request that names only a room: `session:leave`, `transport:stop`.
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

/// `chat:send`: `text` is trimmed and must then be 1–500 characters.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatSendRequest {
    pub room_code: String,
    pub text: String,
}

/// `session:update-profile`: a member changes what they are to the room (their instrument).
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateProfileRequest {
    pub room_code: String,
    pub instrument: Instrument,
}

/// `session:set-role` (host only): makes a listener a player, or a player a listener.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetRoleRequest {
    pub room_code: String,
    pub user_id: String,
    pub role: Role,
}

/// `session:transfer-host` and `session:kick`: the host acting on another participant.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantRequest {
    pub room_code: String,
    pub user_id: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateSettingsRequest {
    pub room_code: String,
    #[serde(deserialize_with = "strict::object")]
    pub settings: SettingsPatch,
}

/// `clock:ping`: `t0` is the client's send time (its own clock); `rttMs` its last measured round trip.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClockPing {
    pub t0: f64,
    #[serde(default, deserialize_with = "strict::present")]
    #[ts(optional)]
    pub rtt_ms: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TransportStartRequest {
    pub room_code: String,
    /// Server time to start at; default now + 200 ms.
    #[serde(default, deserialize_with = "strict::present")]
    #[ts(optional)]
    pub at: Option<f64>,
    #[serde(default, deserialize_with = "strict::present")]
    #[ts(optional)]
    pub start_beat: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResumeRequest {
    pub room_code: String,
    pub resume_token: String,
    /// The last room `seq` the client saw; events after it are replayed.
    #[ts(type = "number")]
    pub last_seq: u64,
}
