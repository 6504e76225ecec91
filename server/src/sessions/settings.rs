//! Room settings and their partial updates. Validation lives here so a patch is checked as a whole and
//! either applies completely or changes nothing.

use crate::error::JamError;
pub use crate::protocol::{Settings, SettingsPatch};

pub const MIN_BPM: f64 = 20.0;
pub const MAX_BPM: f64 = 300.0;
pub const MAX_BEATS_PER_BAR: u8 = 16;
pub const BEAT_UNITS: [u8; 4] = [2, 4, 8, 16];
pub const MAX_KEY_CHARS: usize = 16;

impl Settings {
    /// Defaults: bpm 120, 4/4, key None, unlocked, max_participants = server_max.
    pub fn defaults(server_max: u32) -> Settings {
        Settings {
            bpm: 120.0,
            beats_per_bar: 4,
            beat_unit: 4,
            key: None,
            locked: false,
            max_participants: server_max,
        }
    }

    /// Validates every field of `patch` before applying any, so a bad field changes nothing.
    /// `current_members` keeps a room from shrinking below its occupants.
    pub fn with_patch(
        &self,
        patch: &SettingsPatch,
        server_max: u32,
        current_members: usize,
    ) -> Result<Settings, JamError> {
        let mut next = self.clone();
        if let Some(bpm) = patch.bpm {
            let ok = bpm.is_finite() && (MIN_BPM..=MAX_BPM).contains(&bpm);
            ensure(ok, || format!("settings.bpm must be {MIN_BPM}-{MAX_BPM}"))?;
            next.bpm = bpm;
        }
        if let Some(beats) = patch.beats_per_bar {
            let ok = (1..=MAX_BEATS_PER_BAR).contains(&beats);
            ensure(ok, || {
                format!("settings.beatsPerBar must be 1-{MAX_BEATS_PER_BAR}")
            })?;
            next.beats_per_bar = beats;
        }
        if let Some(unit) = patch.beat_unit {
            let ok = BEAT_UNITS.contains(&unit);
            ensure(ok, || "settings.beatUnit must be 2, 4, 8 or 16".to_owned())?;
            next.beat_unit = unit;
        }
        if let Some(key) = &patch.key {
            next.key = key.as_deref().map(key_name).transpose()?;
        }
        if let Some(locked) = patch.locked {
            next.locked = locked;
        }
        if let Some(max) = patch.max_participants {
            let ok = (1..=server_max).contains(&max);
            ensure(ok, || {
                format!("settings.maxParticipants must be 1-{server_max}")
            })?;
            // A u32 that does not fit in usize is above any possible member count.
            let ok = usize::try_from(max).map_or(true, |m| m >= current_members);
            ensure(ok, || {
                format!("settings.maxParticipants must be at least {current_members} (people in the room)")
            })?;
            next.max_participants = max;
        }
        Ok(next)
    }
}

/// The message is built only on failure: most patches are valid.
fn ensure(ok: bool, message: impl FnOnce() -> String) -> Result<(), JamError> {
    if ok {
        Ok(())
    } else {
        Err(JamError::InvalidPayload(message()))
    }
}

/// A key name such as "C", "F# minor", "Bb" or "E♭ major": trimmed, 1–16 characters of ASCII letters,
/// digits, space, `#`, `♯`, `♭` and `-`. A small alphabet keeps it safe to show anywhere.
fn key_name(raw: &str) -> Result<String, JamError> {
    let key = raw.trim();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, ' ' | '#' | '♯' | '♭' | '-');
    let chars = key.chars().count();
    let ok = (1..=MAX_KEY_CHARS).contains(&chars) && key.chars().all(allowed);
    ensure(ok, || {
        format!("settings.key must be null or 1-{MAX_KEY_CHARS} characters of letters, digits, space, # ♯ ♭ -")
    })?;
    Ok(key.to_owned())
}

#[cfg(test)]
mod tests;
