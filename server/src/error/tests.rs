use super::*;

#[test]
fn wire_codes_match_serde_and_index_matches_all() {
    for (i, code) in ErrorCode::ALL.iter().enumerate() {
        let json = serde_json::to_string(code).unwrap();
        assert_eq!(json, format!("\"{}\"", code.as_str()));
        assert_eq!(code.index(), i);
    }
}
