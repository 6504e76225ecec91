//! Recording takes: while a room records, relayed notes, controllers and pitch bends are kept with their
//! server time and sender, together with the tempo map (tempo, meter and key changes) and who came and
//! went. A closed take exports as a Standard MIDI File ([`write_smf`]) or as JSON ([`TakeJson`]).
//!
//! Pure data: no sockets, no HTTP, no locks. The room owns a [`Take`] and feeds it; the HTTP layer
//! reads it. Server times (ms since the UNIX epoch) become ticks through the tempo map, so a note
//! lands on the beat it was played on even after a tempo change.
//!
//! Submodules: `take` (the take itself), `event` (what it holds), `decode` (relayed `data` → MIDI values, validated),
//! `tempo_map` (ms → beats → ticks), `key` (key names → key signatures), `midi` and `json` (exports).

mod decode;
mod event;
mod json;
mod key;
mod midi;
mod take;
mod tempo_map;

#[cfg(test)]
mod tests;

pub use decode::{CONTROL_CHANGE, NOTE_OFF, NOTE_ON, PITCH_BEND};
pub use json::TakeJson;
pub use midi::write_smf;
pub use take::{RecordOutcome, StopReason, Take, TakeEventKind, TakeSummary};

/// Ticks per quarter note in every export: fine enough for any human timing, and the common default.
pub const PPQ: u16 = 480;

/// Musical context at a moment: what the tempo track needs.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Meter {
    pub bpm: f64,
    pub beats_per_bar: u8,
    pub beat_unit: u8,
    pub key: Option<String>,
}
