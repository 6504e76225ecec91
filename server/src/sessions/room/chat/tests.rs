use super::*;

#[test]
fn text_is_trimmed_and_must_be_1_to_500_characters() {
    assert_eq!(chat_text("  hi there \n").unwrap(), "hi there");
    assert_eq!(chat_text(&"é".repeat(500)).unwrap().chars().count(), 500);
    for bad in ["", "   \n\t", &"x".repeat(501)] {
        assert!(matches!(chat_text(bad), Err(JamError::InvalidPayload(_))));
    }
}
