use super::*;
use crate::protocol::BroadcastEvent;
use crate::relay_value::RelayValue;

#[test]
fn a_broadcast_with_nested_binary_survives_the_replay_encoding() {
    let data: RelayValue = serde_json::from_str(r#"{"z":1,"a":{"b":[1,2]}}"#).unwrap();
    let RelayValue::Object(mut entries) = data else {
        unreachable!()
    };
    entries.push(("blob".into(), RelayValue::Binary(vec![0, 1, 255].into())));
    let event = RoomEvent::Broadcast(BroadcastEvent {
        sender_id: "u1".into(),
        room_code: "ABCDEF".into(),
        event_name: "note".into(),
        data: RelayValue::Object(entries),
        seq: 7,
        server_time: 1.5,
    });
    let decoded = decode_event(&encode_event(&event).unwrap()).unwrap();
    assert_eq!(decoded, event);
}
