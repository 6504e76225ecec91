//! The plain records a take is made of: musical events, participants and markers.

use serde::{Deserialize, Serialize};

/// A recorded musical event, with MIDI's ranges already checked. `channel` is 0-based (drums = 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TakeEventKind {
    NoteOn {
        channel: u8,
        note: u8,
        velocity: u8,
    },
    NoteOff {
        channel: u8,
        note: u8,
    },
    ControlChange {
        channel: u8,
        controller: u8,
        value: u8,
    },
    /// −8192..=8191, centre 0.
    PitchBend {
        channel: u8,
        value: i16,
    },
}

/// An event in the take; `sender` indexes `Take::participants` (an index, not the id, keeps 200 000
/// events from holding 200 000 strings).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct TakeEvent {
    pub at: f64,
    pub sender: usize,
    pub kind: TakeEventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Participant {
    pub id: String,
    pub name: String,
    /// General MIDI programs (0-based) from the server time on which they hold: their sound.
    #[serde(default)]
    pub programs: Vec<(f64, u8)>,
}

/// A text marker on the tempo track ("Ann joined").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Marker {
    pub at: f64,
    pub text: String,
}
