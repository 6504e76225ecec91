use super::*;

#[test]
fn major_keys_map_to_their_sharps_and_flats() {
    let cases = [
        ("C", 0),
        ("G", 1),
        ("D major", 2),
        ("F#", 6),
        ("C♯", 7),
        ("F", -1),
        ("Bb", -2),
        ("E♭", -3),
        ("Ab maj", -4),
        ("Cb", -7),
        (" e ", 4),
    ];
    for (key, sharps) in cases {
        assert_eq!(key_signature(key), Some((sharps, false)), "{key}");
    }
}

#[test]
fn minor_keys_share_the_signature_of_their_relative_major() {
    let cases = [
        ("A minor", 0),
        ("Am", 0),
        ("Dm", -1),
        ("E min", 1),
        ("C# minor", 4),
        ("F#m", 3),
        ("Bb minor", -5),
        ("E♭ minor", -6),
        ("A#-minor", 7),
    ];
    for (key, sharps) in cases {
        assert_eq!(key_signature(key), Some((sharps, true)), "{key}");
    }
}

#[test]
fn anything_else_has_no_key_signature() {
    for key in [
        "", "H", "X minor", "C dorian", "G# major", "Fb", "Dbm7", "C♯-7", "CM", "Cbb",
    ] {
        assert_eq!(key_signature(key), None, "{key}");
    }
}
