//! Socket.IO v5 packets inside Engine.IO v4 `4` messages: parsing an incoming event in one
//! `serde_json` pass (payload fields kept as `&RawValue`), and building outgoing frames as text.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio_tungstenite::tungstenite::Message;

/// A client event `[name, payload?, ...]`. Payload fields stay raw: one parse of the whole frame,
/// and a mistyped field becomes an `invalid_payload` reply instead of a parse failure.
pub struct Incoming<'a> {
    pub name: Cow<'a, str>,
    /// `None` when the payload is missing or not an object.
    pub fields: Option<Fields<'a>>,
}

/// The payload fields any of our events reads.
#[derive(Default)]
pub struct Fields<'a> {
    pub room_code: Option<&'a RawValue>,
    pub event_name: Option<&'a RawValue>,
    pub data: Option<&'a RawValue>,
    pub user: Option<&'a RawValue>,
}

/// A JSON string borrowed from the frame when it has no escapes.
#[derive(Deserialize)]
pub struct Str<'a>(#[serde(borrow)] pub Cow<'a, str>);

/// `{ "name": … }` inside `session:join`.
#[derive(Deserialize)]
pub struct User<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
}

/// Reads a raw field as a JSON string; `None` if absent or not a string.
pub fn string_field<'a>(raw: Option<&'a RawValue>) -> Option<Cow<'a, str>> {
    raw.and_then(|r| serde_json::from_str::<Str<'a>>(r.get()).ok())
        .map(|s| s.0)
}

/// Parses the JSON part of an event packet.
pub fn parse_event(json: &str) -> serde_json::Result<Incoming<'_>> {
    serde_json::from_str(json)
}

/// Splits a Socket.IO packet body (after its type digit) into ack id and JSON.
/// Only the root namespace is served, so a `/nsp,` prefix is accepted only for "/".
pub fn split_ack(body: &str) -> Option<(Option<u64>, &str)> {
    let body = body.strip_prefix("/,").unwrap_or(body);
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Some((None, body));
    }
    let id = body[..digits].parse().ok()?;
    Some((Some(id), &body[digits..]))
}

impl<'de> Deserialize<'de> for Incoming<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(IncomingVisitor)
    }
}

struct IncomingVisitor;

impl<'de> Visitor<'de> for IncomingVisitor {
    type Value = Incoming<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event array [name, payload]")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let Some(Str(name)) = seq.next_element::<Str<'de>>()? else {
            return Err(de::Error::invalid_length(0, &self));
        };
        let fields = seq.next_element::<Payload<'de>>()?.and_then(|p| p.0);
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Incoming { name, fields })
    }
}

/// Any JSON value; only an object yields fields.
struct Payload<'a>(Option<Fields<'a>>);

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum Field {
    RoomCode,
    EventName,
    Data,
    User,
    #[serde(other)]
    Other,
}

impl<'de> Deserialize<'de> for Payload<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PayloadVisitor)
    }
}

struct PayloadVisitor;

impl<'de> Visitor<'de> for PayloadVisitor {
    type Value = Payload<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Fields::default();
        while let Some(key) = map.next_key::<Field>()? {
            let slot = match key {
                Field::RoomCode => &mut fields.room_code,
                Field::EventName => &mut fields.event_name,
                Field::Data => &mut fields.data,
                Field::User => &mut fields.user,
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = Some(map.next_value::<&'de RawValue>()?);
        }
        Ok(Payload(Some(fields)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Payload(None))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Payload(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Payload(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Payload(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Payload(None))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Payload(None))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Payload(None))
    }
}

/// Appends `s` as a JSON string literal.
pub fn push_json_str(out: &mut String, s: &str) {
    // Serialising a &str cannot fail; the fallback keeps the output valid JSON regardless.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned()));
}

/// `42["name",payload]`: a server event. `name` must need no escaping (our constants).
pub fn event_frame(name: &str, payload: &str) -> Message {
    let mut s = String::with_capacity(8 + name.len() + payload.len());
    s.push_str("42[\"");
    s.push_str(name);
    s.push_str("\",");
    s.push_str(payload);
    s.push(']');
    Message::Text(s.into())
}

/// `43<id>[payload]`: the ack of client packet `id`.
pub fn ack_frame(id: u64, payload: &str) -> Message {
    Message::Text(format!("43{id}[{payload}]").into())
}

/// The outgoing `event:broadcast`, built once and shared by every recipient. `event_name`,
/// `sender_id` and `room_code` are validated to need no escaping; `data` is spliced verbatim.
pub fn broadcast_frame(event_name: &str, data: &str, sender_id: &str, room_code: &str) -> Message {
    const HEAD: &str = "42[\"event:broadcast\",{\"eventName\":\"";
    let mut s = String::with_capacity(HEAD.len() + 64 + event_name.len() + data.len());
    s.push_str(HEAD);
    s.push_str(event_name);
    s.push_str("\",\"data\":");
    s.push_str(data);
    s.push_str(",\"senderId\":\"");
    s.push_str(sender_id);
    s.push_str("\",\"roomCode\":\"");
    s.push_str(room_code);
    s.push_str("\"}]");
    Message::Text(s.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_broadcast_in_one_pass_keeping_data_raw() {
        let json = r#"["event:broadcast",{"data":{"t":1.50,"b":[1]},"roomCode":"ABCDEF","x":[{}],"eventName":"n"}]"#;
        let ev = parse_event(json).unwrap();
        assert_eq!(ev.name, "event:broadcast");
        let f = ev.fields.unwrap();
        assert_eq!(f.data.unwrap().get(), r#"{"t":1.50,"b":[1]}"#);
        assert_eq!(string_field(f.room_code).unwrap(), "ABCDEF");
        assert!(matches!(
            string_field(f.event_name).unwrap(),
            Cow::Borrowed("n")
        ));
    }

    #[test]
    fn non_object_or_missing_payload_gives_no_fields() {
        for json in [
            r#"["a"]"#,
            r#"["a","s"]"#,
            r#"["a",[1,{}]]"#,
            r#"["a",null]"#,
            r#"["a",1.5]"#,
        ] {
            let ev = parse_event(json).unwrap();
            assert_eq!(ev.name, "a");
            assert!(ev.fields.is_none(), "{json}");
        }
        assert!(parse_event(r#"[]"#).is_err());
        assert!(parse_event(r#"{"a":1}"#).is_err());
    }

    #[test]
    fn splits_ack_ids() {
        assert_eq!(split_ack(r#"12["a"]"#), Some((Some(12), r#"["a"]"#)));
        assert_eq!(split_ack(r#"["a"]"#), Some((None, r#"["a"]"#)));
        assert_eq!(split_ack(r#"/,7["a"]"#), Some((Some(7), r#"["a"]"#)));
    }

    #[test]
    fn broadcast_frame_splices_data() {
        let Message::Text(t) = broadcast_frame("note:on", r#"{"t":1}"#, "id", "ABCDEF") else {
            panic!("text frame")
        };
        let v: serde_json::Value = serde_json::from_str(&t[2..]).unwrap();
        assert_eq!(v[1]["data"]["t"], 1);
        assert_eq!(v[1]["senderId"], "id");
    }
}
