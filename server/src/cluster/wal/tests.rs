use super::*;

#[test]
fn records_read_back_as_written_and_a_cut_entry_is_refused() {
    let records: Vec<Record> = vec![
        (
            "K7RMQ2".into(),
            3,
            vec![b"a\0x".to_vec(), vec![], vec![0; 300]],
        ),
        ("ABCDEF".into(), u64::MAX, vec![]),
    ];
    let mut bytes = Vec::new();
    for (code, epoch, events) in &records {
        encode_into(&mut bytes, code, *epoch, events);
    }
    assert_eq!(decode(&bytes), Some(records));
    assert_eq!(decode(&bytes[..bytes.len() - 1]), None);
    assert_eq!(decode(&[]), Some(vec![]));
}
