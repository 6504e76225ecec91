use super::*;

#[test]
fn names_are_trimmed_and_bounded() {
    assert_eq!(display_name("  Ann  ").unwrap(), "Ann");
    assert_eq!(display_name(&"é".repeat(32)).unwrap().chars().count(), 32);
    assert_eq!(display_name(&"é".repeat(33)), Err(JamError::NameInvalid));
    assert_eq!(display_name("   "), Err(JamError::NameInvalid));
    assert_eq!(display_name("a\u{7}b"), Err(JamError::NameInvalid));
    assert_eq!(display_name("a\nb"), Err(JamError::NameInvalid));
}

#[test]
fn event_names_use_a_small_alphabet() {
    assert!(event_name("note:on").is_ok());
    assert!(event_name("a.b-c_d:9").is_ok());
    assert!(event_name(&"x".repeat(64)).is_ok());
    assert!(event_name(&"x".repeat(65)).is_err());
    assert!(event_name("").is_err());
    assert!(event_name("note on").is_err());
    assert!(event_name("nöte").is_err());
}
