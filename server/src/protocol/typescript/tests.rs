use super::*;

/// The generated TypeScript must match the committed file, so the client never drifts from the server.
#[test]
fn ts_types_are_fresh() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/src/types/protocol.ts");
    let expected = ts_types();
    if std::env::var_os("JAM_UPDATE_TYPES").is_some() {
        std::fs::write(path, &expected).expect("write generated types");
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "web/src/types/protocol.ts is stale: run `JAM_UPDATE_TYPES=1 cargo test -p jam-server ts_types`"
    );
}

#[test]
fn broadcast_request_defaults_missing_data_to_null() {
    let req: BroadcastRequest =
        serde_json::from_str(r#"{"roomCode":"ABCDEF","eventName":"x"}"#).unwrap();
    assert_eq!(req.data, crate::relay_value::RelayValue::Null);
}
