use super::*;

#[test]
fn json_round_trip_keeps_key_order() {
    let text = r#"{"z":1,"a":[true,null,"s",-2.5],"m":{"y":0,"b":1}}"#;
    let value: RelayValue = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&value).unwrap(), text);
}

#[test]
fn encoded_len_matches_plain_json_length() {
    let text = r#"{"note":60,"velocity":100,"tags":["a","bc"],"on":true,"x":null,"f":1.5}"#;
    let value: RelayValue = serde_json::from_str(text).unwrap();
    assert_eq!(value.encoded_len(), text.len());
}

#[test]
fn binary_counts_its_bytes() {
    let value = RelayValue::Binary(Bytes::from_static(&[1, 2, 3]));
    assert_eq!(value.encoded_len(), 3);
}
