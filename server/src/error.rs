//! The one error type every client-facing failure goes through, so that each has a stable wire code.

use serde::Serialize;
use ts_rs::TS;

/// Declares [`ErrorCode`] from one list of variants and wire codes: the enum, its serde names,
/// [`ErrorCode::ALL`] and [`ErrorCode::as_str`] cannot disagree.
macro_rules! error_codes {
    ($($variant:ident => $wire:literal,)*) => {
        /// Stable machine codes sent in `error.code`. Never rename a variant's wire form: clients
        /// match on it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
        pub enum ErrorCode {
            $(#[serde(rename = $wire)] $variant,)*
        }

        impl ErrorCode {
            /// Every code, in wire order; used to render per-code metrics.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                }
            }
        }
    };
}

error_codes! {
    InvalidPayload => "invalid_payload",
    RoomNotFound => "room_not_found",
    NotInRoom => "not_in_room",
    NameInvalid => "name_invalid",
    PayloadTooLarge => "payload_too_large",
    RoomFull => "room_full",
    TooManyRooms => "too_many_rooms",
    UnknownEvent => "unknown_event",
    Forbidden => "forbidden",
    RoomLocked => "room_locked",
    ResumeFailed => "resume_failed",
    RateLimited => "rate_limited",
    Unavailable => "unavailable",
    Moved => "moved",
    ListenOnly => "listen_only",
    Internal => "internal",
}

impl ErrorCode {
    /// Position in [`ErrorCode::ALL`], for array-indexed counters.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Everything that can go wrong on behalf of a client. The message is for humans; `code()` is the contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JamError {
    #[error("invalid payload: {0}")]
    InvalidPayload(String),
    #[error("room {0} does not exist")]
    RoomNotFound(String),
    #[error("you are not in room {0}")]
    NotInRoom(String),
    #[error("name must be 1-32 characters without control characters")]
    NameInvalid,
    #[error("event of {size} bytes exceeds the limit of {limit} bytes")]
    PayloadTooLarge { size: usize, limit: usize },
    #[error("room {code} is full ({limit} participants)")]
    RoomFull { code: String, limit: usize },
    #[error("room {code} has no room for more listeners ({limit})")]
    ListenersFull { code: String, limit: usize },
    #[error("you are listening in room {0}: the host can invite you to play")]
    ListenOnly(String),
    #[error("too many rooms: the limit is {0}")]
    TooManyRooms(usize),
    #[error("too many new rooms: at most {0} a minute per connection")]
    TooManyCreates(u32),
    #[error("unknown event {0:?}")]
    UnknownEvent(String),
    #[error("only the host may {0}")]
    Forbidden(&'static str),
    #[error("room {0} is locked: the host has closed it to new participants")]
    RoomLocked(String),
    #[error("cannot resume: the token is unknown or has expired; join again")]
    ResumeFailed,
    #[error("slow down: {0}")]
    RateLimited(&'static str),
    /// The shared store (Redis) could not be reached or did not answer in time: try again.
    #[error("temporarily unavailable: {0}")]
    Unavailable(&'static str),
    /// Cluster: the room is served by another node, at this public URL.
    #[error("the room is served at {0}")]
    Moved(String),
    #[error("internal error")]
    Internal,
}

impl JamError {
    /// Where to go instead, for `moved`.
    pub fn url(&self) -> Option<&str> {
        match self {
            JamError::Moved(url) => Some(url),
            _ => None,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            JamError::InvalidPayload(_) => ErrorCode::InvalidPayload,
            JamError::RoomNotFound(_) => ErrorCode::RoomNotFound,
            JamError::NotInRoom(_) => ErrorCode::NotInRoom,
            JamError::NameInvalid => ErrorCode::NameInvalid,
            JamError::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            JamError::RoomFull { .. } | JamError::ListenersFull { .. } => ErrorCode::RoomFull,
            JamError::ListenOnly(_) => ErrorCode::ListenOnly,
            JamError::TooManyRooms(_) | JamError::TooManyCreates(_) => ErrorCode::TooManyRooms,
            JamError::UnknownEvent(_) => ErrorCode::UnknownEvent,
            JamError::Forbidden(_) => ErrorCode::Forbidden,
            JamError::RoomLocked(_) => ErrorCode::RoomLocked,
            JamError::ResumeFailed => ErrorCode::ResumeFailed,
            JamError::RateLimited(_) => ErrorCode::RateLimited,
            JamError::Unavailable(_) => ErrorCode::Unavailable,
            JamError::Moved(_) => ErrorCode::Moved,
            JamError::Internal => ErrorCode::Internal,
        }
    }
}

#[cfg(test)]
mod tests;
