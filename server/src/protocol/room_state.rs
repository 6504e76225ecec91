//! The room's state as clients see it: its settings (and a partial update of them) and its shared
//! transport. Plain data here, like every wire type; their rules (a patch checked as a whole, the
//! transport's grid arithmetic) live with the SessionManager in `sessions/settings.rs` and
//! `sessions/transport/`, which import these, never the other way round.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::strict;

/// Room settings. Wire form camelCase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub bpm: f64,
    pub beats_per_bar: u8,
    pub beat_unit: u8,
    pub key: Option<String>,
    pub locked: bool,
    pub max_participants: u32,
}

/// Declares a patch: every field optional, left alone when absent and never `null` (a wrong type;
/// `strict::present`), so the attributes that say so are written once.
macro_rules! patch {
    ($(#[$meta:meta])* pub struct $name:ident {
        $($(#[ts_type = $ts:literal])? $field:ident: $ty:ty,)*
    }) => {
        $(#[$meta])*
        pub struct $name {
            $(
                #[serde(
                    default,
                    deserialize_with = "strict::present",
                    skip_serializing_if = "Option::is_none"
                )]
                #[ts(optional $(, type = $ts)?)]
                pub $field: Option<$ty>,
            )*
        }
    };
}

patch! {
    /// A partial update: absent fields are left alone; `null` is a wrong type, except for `key`,
    /// where it clears the key (`Some(None)`).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct SettingsPatch {
        bpm: f64,
        beats_per_bar: u8,
        beat_unit: u8,
        #[ts_type = "string | null"]
        key: Option<String>,
        locked: bool,
        max_participants: u32,
    }
}

/// A tempo grid: beat(t) = start_beat + (t − started_at)·bpm/60000.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Grid {
    pub bpm: f64,
    pub started_at: f64,
    pub start_beat: f64,
}

/// The shared musical transport. beat(t) = start_beat + (t − started_at)·bpm/60000 while playing;
/// before `started_at`, `previous` when it is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Transport {
    pub playing: bool,
    pub bpm: f64,
    /// Server time (ms since the UNIX epoch) at which the beat was `start_beat`.
    pub started_at: f64,
    pub start_beat: f64,
    /// While a change waits for its beat (`started_at` ahead): the grid that plays until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub previous: Option<Grid>,
}
