//! The wire contract: Socket.IO event names and payload types. The seed's names and fields are fixed;
//! anything added here extends them (new fields, new events). TypeScript types for the web client are
//! generated from these types (see `ts_types`), never written by hand.

mod events;
mod requests;
mod room_state;
pub mod strict;
mod typescript;

pub use events::*;
pub use requests::*;
pub use room_state::*;
pub use typescript::ts_types;

/// Declares event-name constants and `ALL` (each constant's name and value, for the generated
/// TypeScript) from one list.
macro_rules! event_names {
    ($($name:ident = $value:literal;)*) => {
        $(pub const $name: &str = $value;)*

        /// Name and constant, for the generated TypeScript.
        pub const ALL: &[(&str, &str)] = &[$((stringify!($name), $name),)*];
    };
}

/// Client → server event names.
pub mod client {
    event_names! {
        SESSION_CREATE = "session:create";
        SESSION_JOIN = "session:join";
        SESSION_LEAVE = "session:leave";
        EVENT_BROADCAST = "event:broadcast";
        SESSION_RESUME = "session:resume";
        TRANSFER_HOST = "session:transfer-host";
        UPDATE_SETTINGS = "session:update-settings";
        KICK = "session:kick";
        CLOCK_PING = "clock:ping";
        TRANSPORT_START = "transport:start";
        TRANSPORT_STOP = "transport:stop";
        RECORDING_START = "recording:start";
        RECORDING_STOP = "recording:stop";
        CHAT_SEND = "chat:send";
        SET_ROLE = "session:set-role";
        UPDATE_PROFILE = "session:update-profile";
    }
}

/// Server → client event names.
pub mod server {
    event_names! {
        SESSION_CREATED = "session:created";
        SESSION_JOINED = "session:joined";
        SESSION_RESUMED = "session:resumed";
        USER_JOINED = "session:user-joined";
        USER_LEFT = "session:user-left";
        USER_AWAY = "session:user-away";
        USER_BACK = "session:user-back";
        HOST_CHANGED = "session:host-changed";
        SETTINGS_CHANGED = "session:settings-changed";
        KICKED = "session:kicked";
        LATENCY = "session:latency";
        TRANSPORT_STATE = "transport:state";
        RECORDING_STATE = "recording:state";
        CLOCK_PONG = "clock:pong";
        EVENT_BROADCAST = "event:broadcast";
        ERROR = "error";
        CLOSING = "server:closing";
        CHAT_MESSAGE = "chat:message";
        USER_UPDATED = "session:user-updated";
    }
}
