use super::unescaped;

#[test]
fn escaped_event_names_are_shown_as_sent() {
    assert_eq!(unescaped("note:on"), "note:on");
    assert_eq!(unescaped(r#"say \"hi\""#), r#"say "hi""#);
    assert_eq!(unescaped(r"caf\u00e9"), "café");
    assert_eq!(unescaped(r"a\/b\\c"), r"a/b\c");
    assert_eq!(unescaped(r"x\u0000"), "x\u{0}");
}
