//! The wire contract: Socket.IO event names and payload types. The seed's names and fields are fixed;
//! anything added here extends them (new fields, new events). TypeScript types for the web client are
//! generated from these types (see `ts_types`), never written by hand.

mod events;
mod requests;
pub mod strict;
mod typescript;

pub use events::*;
pub use requests::*;
pub use typescript::ts_types;

/// Client → server event names.
pub mod client {
    pub const SESSION_CREATE: &str = "session:create";
    pub const SESSION_JOIN: &str = "session:join";
    pub const SESSION_LEAVE: &str = "session:leave";
    pub const EVENT_BROADCAST: &str = "event:broadcast";
    pub const SESSION_RESUME: &str = "session:resume";
    pub const TRANSFER_HOST: &str = "session:transfer-host";
    pub const UPDATE_SETTINGS: &str = "session:update-settings";
    pub const KICK: &str = "session:kick";
    pub const CLOCK_PING: &str = "clock:ping";
    pub const TRANSPORT_START: &str = "transport:start";
    pub const TRANSPORT_STOP: &str = "transport:stop";
    pub const RECORDING_START: &str = "recording:start";
    pub const RECORDING_STOP: &str = "recording:stop";
    pub const CHAT_SEND: &str = "chat:send";
    pub const SET_ROLE: &str = "session:set-role";
    pub const UPDATE_PROFILE: &str = "session:update-profile";

    /// Name and constant, for the generated TypeScript.
    pub const ALL: [(&str, &str); 16] = [
        ("SESSION_CREATE", SESSION_CREATE),
        ("SESSION_JOIN", SESSION_JOIN),
        ("SESSION_LEAVE", SESSION_LEAVE),
        ("EVENT_BROADCAST", EVENT_BROADCAST),
        ("SESSION_RESUME", SESSION_RESUME),
        ("TRANSFER_HOST", TRANSFER_HOST),
        ("UPDATE_SETTINGS", UPDATE_SETTINGS),
        ("KICK", KICK),
        ("CLOCK_PING", CLOCK_PING),
        ("TRANSPORT_START", TRANSPORT_START),
        ("TRANSPORT_STOP", TRANSPORT_STOP),
        ("RECORDING_START", RECORDING_START),
        ("RECORDING_STOP", RECORDING_STOP),
        ("CHAT_SEND", CHAT_SEND),
        ("SET_ROLE", SET_ROLE),
        ("UPDATE_PROFILE", UPDATE_PROFILE),
    ];
}

/// Server → client event names.
pub mod server {
    pub const SESSION_CREATED: &str = "session:created";
    pub const SESSION_JOINED: &str = "session:joined";
    pub const SESSION_RESUMED: &str = "session:resumed";
    pub const USER_JOINED: &str = "session:user-joined";
    pub const USER_LEFT: &str = "session:user-left";
    pub const USER_AWAY: &str = "session:user-away";
    pub const USER_BACK: &str = "session:user-back";
    pub const HOST_CHANGED: &str = "session:host-changed";
    pub const SETTINGS_CHANGED: &str = "session:settings-changed";
    pub const KICKED: &str = "session:kicked";
    pub const LATENCY: &str = "session:latency";
    pub const TRANSPORT_STATE: &str = "transport:state";
    pub const RECORDING_STATE: &str = "recording:state";
    pub const CLOCK_PONG: &str = "clock:pong";
    pub const EVENT_BROADCAST: &str = "event:broadcast";
    pub const ERROR: &str = "error";
    pub const CLOSING: &str = "server:closing";
    pub const CHAT_MESSAGE: &str = "chat:message";
    pub const USER_UPDATED: &str = "session:user-updated";

    /// Name and constant, for the generated TypeScript.
    pub const ALL: [(&str, &str); 19] = [
        ("SESSION_CREATED", SESSION_CREATED),
        ("SESSION_JOINED", SESSION_JOINED),
        ("SESSION_RESUMED", SESSION_RESUMED),
        ("USER_JOINED", USER_JOINED),
        ("USER_LEFT", USER_LEFT),
        ("USER_AWAY", USER_AWAY),
        ("USER_BACK", USER_BACK),
        ("HOST_CHANGED", HOST_CHANGED),
        ("SETTINGS_CHANGED", SETTINGS_CHANGED),
        ("KICKED", KICKED),
        ("LATENCY", LATENCY),
        ("TRANSPORT_STATE", TRANSPORT_STATE),
        ("RECORDING_STATE", RECORDING_STATE),
        ("CLOCK_PONG", CLOCK_PONG),
        ("EVENT_BROADCAST", EVENT_BROADCAST),
        ("ERROR", ERROR),
        ("CLOSING", CLOSING),
        ("CHAT_MESSAGE", CHAT_MESSAGE),
        ("USER_UPDATED", USER_UPDATED),
    ];
}

impl RoomEvent {
    /// The room sequence number it was given.
    pub fn seq(&self) -> u64 {
        match self {
            RoomEvent::UserJoined(e) => e.seq,
            RoomEvent::UserLeft(e) => e.seq,
            RoomEvent::UserAway(e) | RoomEvent::UserBack(e) => e.seq,
            RoomEvent::HostChanged(e) => e.seq,
            RoomEvent::SettingsChanged(e) => e.seq,
            RoomEvent::TransportState(e) => e.seq,
            RoomEvent::RecordingState(e) => e.seq,
            RoomEvent::Broadcast(e) => e.seq,
            RoomEvent::Chat(e) => e.seq,
            RoomEvent::UserUpdated(e) => e.seq,
        }
    }

    /// The Socket.IO event name this payload is sent under.
    pub fn name(&self) -> &'static str {
        match self {
            RoomEvent::UserJoined(_) => server::USER_JOINED,
            RoomEvent::UserLeft(_) => server::USER_LEFT,
            RoomEvent::UserAway(_) => server::USER_AWAY,
            RoomEvent::UserBack(_) => server::USER_BACK,
            RoomEvent::HostChanged(_) => server::HOST_CHANGED,
            RoomEvent::SettingsChanged(_) => server::SETTINGS_CHANGED,
            RoomEvent::TransportState(_) => server::TRANSPORT_STATE,
            RoomEvent::RecordingState(_) => server::RECORDING_STATE,
            RoomEvent::Broadcast(_) => server::EVENT_BROADCAST,
            RoomEvent::Chat(_) => server::CHAT_MESSAGE,
            RoomEvent::UserUpdated(_) => server::USER_UPDATED,
        }
    }
}
