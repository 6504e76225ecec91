//! Key names as rooms store them ("C", "F#", "Bb", "E♭ major", "A minor", "Dm") → a MIDI key
//! signature. Room keys are free text, so anything not recognised simply gets no key signature.

/// Position on the circle of fifths of each natural note's major key (C = 0, G = 1 sharp, F = 1 flat).
fn natural_fifths(letter: char) -> Option<i8> {
    match letter.to_ascii_uppercase() {
        'F' => Some(-1),
        'C' => Some(0),
        'G' => Some(1),
        'D' => Some(2),
        'A' => Some(3),
        'E' => Some(4),
        'B' => Some(5),
        _ => None,
    }
}

/// `(sharps if > 0 or flats if < 0, minor)`, as in MIDI's key signature meta event; `None` when `key`
/// is not a standard key (including theoretical ones such as G# major, which need 8 sharps).
pub(crate) fn key_signature(key: &str) -> Option<(i8, bool)> {
    let mut chars = key.trim().chars();
    let mut fifths = natural_fifths(chars.next()?)?;
    let mut rest = chars.as_str();
    let mut after_accidental = rest.chars();
    // Raising a tonic by a semitone adds 7 sharps; lowering it, 7 flats.
    match after_accidental.next() {
        Some('#' | '♯') => {
            fifths += 7;
            rest = after_accidental.as_str();
        }
        Some('b' | '♭') => {
            fifths -= 7;
            rest = after_accidental.as_str();
        }
        _ => {}
    }
    let minor = mode_is_minor(rest)?;
    // A minor key has the signature of the major key a minor third above: three fifths lower.
    if minor {
        fifths -= 3;
    }
    (-7..=7).contains(&fifths).then_some((fifths, minor))
}

/// The mode after the tonic: nothing or "major"/"maj" → major; "minor"/"min"/"m" → minor.
fn mode_is_minor(rest: &str) -> Option<bool> {
    let mode = rest.trim_start_matches([' ', '-']).trim_end();
    if mode == "m" {
        return Some(true);
    }
    match mode.to_ascii_lowercase().as_str() {
        "" | "maj" | "major" => Some(false),
        "min" | "minor" => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
