//! Room codes and participant ids, drawn uniformly from the OS CSPRNG.

use crate::error::JamError;

/// Room-code alphabet: upper-case letters and digits without the look-alikes 0/O and 1/I/L.
pub const ROOM_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const ROOM_CODE_LEN: usize = 6;

const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// 16 characters of 62: about 95 bits, so ids never collide in practice and cannot be guessed.
const ID_LEN: usize = 16;

/// A random string of `len` characters from `alphabet`, each uniform (rejection sampling, no modulo bias).
fn random_string(alphabet: &[u8], len: usize) -> Result<String, JamError> {
    // Bytes at or above the largest multiple of the alphabet size are rejected.
    let limit = 256 - (256 % alphabet.len());
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 32];
    while out.len() < len {
        getrandom::fill(&mut buf).map_err(|_| JamError::Internal)?;
        for &byte in buf.iter().filter(|&&b| (b as usize) < limit) {
            if out.len() == len {
                break;
            }
            out.push(alphabet[byte as usize % alphabet.len()] as char);
        }
    }
    Ok(out)
}

pub fn new_room_code() -> Result<String, JamError> {
    random_string(ROOM_CODE_ALPHABET, ROOM_CODE_LEN)
}

pub fn new_participant_id() -> Result<String, JamError> {
    random_string(ID_ALPHABET, ID_LEN)
}

/// A resume token: 128 random bits as 32 hex characters.
pub fn new_resume_token() -> Result<String, JamError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| JamError::Internal)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares secrets in time that depends only on their lengths, so a guesser learns nothing from timing.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Normalises what a user typed into a room code: trimmed and upper-cased, since codes are matched
/// case-insensitively. `None` when it cannot be a code at all.
pub fn normalize_room_code(input: &str) -> Option<String> {
    let code = input.trim().to_ascii_uppercase();
    let valid =
        code.len() == ROOM_CODE_LEN && code.bytes().all(|b| ROOM_CODE_ALPHABET.contains(&b));
    valid.then_some(code)
}

#[cfg(test)]
mod tests;
