//! Validation of client-supplied names and event fields, kept apart from the manager so the rules
//! are in one place and each has its own test.

use crate::error::JamError;

pub const MAX_NAME_CHARS: usize = 32;
pub const MAX_EVENT_NAME_LEN: usize = 64;

/// A display name: 1–32 characters after trimming, no control characters. Returns the trimmed name.
pub fn display_name(raw: &str) -> Result<String, JamError> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(JamError::NameInvalid);
    }
    Ok(name.to_owned())
}

/// An event name: 1–64 characters of `A-Z a-z 0-9 : _ - .`.
pub fn event_name(name: &str) -> Result<(), JamError> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-' | b'.');
    if name.is_empty() || name.len() > MAX_EVENT_NAME_LEN || !name.bytes().all(allowed) {
        return Err(JamError::InvalidPayload(format!(
            "eventName must be 1-{MAX_EVENT_NAME_LEN} characters of A-Z a-z 0-9 : _ - ."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
