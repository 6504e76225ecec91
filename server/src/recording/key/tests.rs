use super::*;

/// Major keys map to their sharps (+) or flats (−); a minor key shares its relative major's.
#[test]
fn keys_map_to_their_sharps_and_flats_and_minor_ones_to_their_relative_majors() {
    let major = [
        "C 0",
        "G 1",
        "D major 2",
        "F# 6",
        "C♯ 7",
        "F -1",
        "Bb -2",
        "E♭ -3",
        "Ab maj -4",
        "Cb -7",
    ];
    let minor = [
        "A minor 0",
        "Am 0",
        "Dm -1",
        "E min 1",
        "C# minor 4",
        "F#m 3",
        "Bb minor -5",
        "E♭ minor -6",
        "A#-minor 7",
    ];
    for (cases, is_minor) in [(&major[..], false), (&minor[..], true)] {
        for case in cases {
            let (key, sharps) = case.rsplit_once(' ').unwrap();
            let sharps: i8 = sharps.parse().unwrap();
            assert_eq!(key_signature(key), Some((sharps, is_minor)), "{key}");
        }
    }
    assert_eq!(key_signature(" e "), Some((4, false)), "trimmed, any case");
}

#[test]
fn anything_else_has_no_key_signature() {
    for key in [
        "", "H", "X minor", "C dorian", "G# major", "Fb", "Dbm7", "C♯-7", "CM", "Cbb",
    ] {
        assert_eq!(key_signature(key), None, "{key}");
    }
}
