use super::Entry;

#[test]
fn entries_read_back_as_written() {
    let entry = Entry {
        owner: "a1b2".into(),
        epoch: 7,
    };
    assert_eq!(Entry::parse(&entry.render()), Some(entry));
    let released = Entry::parse(":3").unwrap();
    assert_eq!(released.owner, "");
    assert_eq!(released.epoch, 3);
    assert_eq!(Entry::parse("nonsense"), None);
}
