use super::*;

#[test]
fn alphabet_has_no_look_alikes() {
    for c in b"0O1IL" {
        assert!(!ROOM_CODE_ALPHABET.contains(c), "{}", *c as char);
    }
    assert_eq!(ROOM_CODE_ALPHABET.len(), 31);
}

#[test]
fn room_codes_are_six_alphabet_characters() {
    for _ in 0..1000 {
        let code = new_room_code().unwrap();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| ROOM_CODE_ALPHABET.contains(&b)));
    }
}

/// Uniformity: over 62 000 draws of 6 characters each letter appears ~12 000 times; a biased
/// sampler (modulo) would over-draw the first letters by ~3%. The bound is loose (≈ 6 sigma).
#[test]
fn room_code_characters_are_uniform() {
    let mut counts = [0usize; 31];
    for _ in 0..62_000 {
        for b in new_room_code().unwrap().bytes() {
            let i = ROOM_CODE_ALPHABET.iter().position(|&c| c == b).unwrap();
            counts[i] += 1;
        }
    }
    let expected = 62_000.0 * 6.0 / 31.0;
    for (i, &n) in counts.iter().enumerate() {
        let deviation = (n as f64 - expected).abs() / expected;
        assert!(
            deviation < 0.06,
            "char {i} drawn {n} times, expected {expected}"
        );
    }
}

#[test]
fn codes_match_case_insensitively_and_reject_garbage() {
    assert_eq!(normalize_room_code(" abc234 "), Some("ABC234".into()));
    assert_eq!(normalize_room_code("ABC23"), None);
    assert_eq!(
        normalize_room_code("ABC230"),
        None,
        "0 is not in the alphabet"
    );
    assert_eq!(normalize_room_code("ÄBC234"), None);
}

#[test]
fn resume_tokens_are_128_bit_hex_and_compare_exactly() {
    let token = new_resume_token().unwrap();
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(token, new_resume_token().unwrap());
    assert!(constant_time_eq(&token, &token.clone()));
    assert!(!constant_time_eq(&token, &token[..31]));
    let mut other = token.clone().into_bytes();
    other[31] = if other[31] == b'0' { b'1' } else { b'0' };
    assert!(!constant_time_eq(
        &token,
        std::str::from_utf8(&other).unwrap()
    ));
}

#[test]
fn participant_ids_are_distinct() {
    let ids: std::collections::HashSet<_> =
        (0..10_000).map(|_| new_participant_id().unwrap()).collect();
    assert_eq!(ids.len(), 10_000);
}
