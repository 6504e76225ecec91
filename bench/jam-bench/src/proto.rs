//! Engine.IO v4 / Socket.IO v5 text packets, just enough for the benchmark. The receive path for
//! broadcasts is a byte scan (no JSON parse) so that the generator is not the bottleneck.

use anyhow::{anyhow, Context};
use serde_json::Value;

/// Engine.IO ping from the server (the client answers [`PONG`]).
pub const PING: &str = "2";
pub const PONG: &str = "3";
/// Socket.IO connect to the default namespace.
pub const CONNECT: &str = "40";

pub const CREATE: &str = "session:create";
pub const JOIN: &str = "session:join";
pub const LEAVE: &str = "session:leave";
pub const BROADCAST: &str = "event:broadcast";

const BROADCAST_PREFIX: &str = "42[\"event:broadcast\"";
/// The server's `error` event (a refused request, e.g. `unavailable` when a room stays busy).
pub const ERROR_PREFIX: &str = "42[\"error\"";

/// A Socket.IO event packet: `42[<name>,<payload>]`, with `<id>` after `42` when an ack is wanted.
pub fn event(name: &str, ack_id: Option<u64>, payload: Option<&str>) -> String {
    let id = ack_id.map(|i| i.to_string()).unwrap_or_default();
    match payload {
        Some(p) => format!("42{id}[\"{name}\",{p}]"),
        None => format!("42{id}[\"{name}\"]"),
    }
}

/// The join payload for room `code` with participant name `name`.
pub fn join_payload(code: &str, name: &str) -> String {
    format!("{{\"roomCode\":\"{code}\",\"user\":{{\"name\":\"{name}\"}}}}")
}

/// The leave payload for room `code`.
pub fn leave_payload(code: &str) -> String {
    format!("{{\"roomCode\":\"{code}\"}}")
}

/// An open-loop broadcast carrying its send stamp `t` (µs since the clock origin) and sender `s`.
pub fn broadcast(code: &str, t: u64, sender: usize) -> String {
    format!(
        "42[\"{BROADCAST}\",{{\"roomCode\":\"{code}\",\"eventName\":\"note:on\",\"data\":{{\"t\":{t},\"s\":{sender}}}}}]"
    )
}

/// If `msg` is a relayed `event:broadcast`, the send stamp in its `data.t`.
pub fn broadcast_stamp(msg: &str) -> Option<u64> {
    if !msg.starts_with(BROADCAST_PREFIX) {
        return None;
    }
    let rest = &msg[BROADCAST_PREFIX.len()..];
    let data = rest.find("\"data\":").map_or(rest, |i| &rest[i..]);
    let at = data.find("\"t\":")? + 4;
    parse_number(data[at..].trim_start())
}

/// If `msg` is a relayed `event:broadcast`, the sender index in its `data.s`.
pub fn broadcast_sender(msg: &str) -> Option<u64> {
    let rest = msg.strip_prefix(BROADCAST_PREFIX)?;
    let data = &rest[rest.find("\"data\":")?..];
    let at = data.find("\"s\":")? + 4;
    parse_number(data[at..].trim_start())
}

/// Leading JSON number as an integer (a float such as `123.0` or `1.2e6` is accepted and truncated).
fn parse_number(s: &str) -> Option<u64> {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')))
        .unwrap_or(s.len());
    let num = &s[..end];
    num.parse::<u64>()
        .ok()
        .or_else(|| num.parse::<f64>().ok().map(|f| f as u64))
}

/// If `msg` is a Socket.IO ack (`43<id>[…]`), its id and the JSON array text.
pub fn ack(msg: &str) -> Option<(u64, &str)> {
    let body = msg.strip_prefix("43")?;
    let body = strip_namespace(body);
    let digits = body.find(|c: char| !c.is_ascii_digit())?;
    let id = body[..digits].parse().ok()?;
    Some((id, &body[digits..]))
}

/// Socket.IO packets may carry `/nsp,` before the id; only `/` is used here, but tolerate it.
fn strip_namespace(body: &str) -> &str {
    if body.starts_with('/') {
        body.find(',').map_or(body, |i| &body[i + 1..])
    } else {
        body
    }
}

/// The first argument of an ack as sent, an `{ "error": … }` reply included.
pub fn ack_first(array: &str) -> anyhow::Result<Value> {
    let mut args: Vec<Value> = serde_json::from_str(array).context("ack is not a JSON array")?;
    if args.is_empty() {
        return Ok(Value::Null);
    }
    Ok(args.swap_remove(0))
}

/// `reply` itself, or an error when it is an `{ "error": … }` reply.
pub fn accepted(reply: Value) -> anyhow::Result<Value> {
    match reply.get("error") {
        Some(err) => Err(anyhow!("server refused: {err}")),
        None => Ok(reply),
    }
}

/// If `reply` is a cluster's `moved` refusal (`{"error":{"code":"moved","url":…}}`), the URL of
/// the node that serves the room.
pub fn moved_url(reply: &Value) -> Option<&str> {
    let err = reply.get("error")?;
    if err.get("code").and_then(Value::as_str) != Some("moved") {
        return None;
    }
    err.get("url").and_then(Value::as_str)
}

/// The `roomCode` field of an ack value.
pub fn room_code(v: &Value) -> anyhow::Result<String> {
    v.get("roomCode")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("reply has no roomCode: {v}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamp_is_read_from_data_t_whatever_the_key_order() {
        let jam = r#"42["event:broadcast",{"eventName":"note:on","data":{"t":123456,"s":3},"senderId":"x","roomCode":"ABC234","seq":7,"serverTime":1.5}]"#;
        assert_eq!(broadcast_stamp(jam), Some(123456));
        let other =
            r#"42["event:broadcast",{"roomCode":"ABC234","senderId":"t","data":{"s":1,"t":99.0}}]"#;
        assert_eq!(broadcast_stamp(other), Some(99));
        assert_eq!(broadcast_sender(jam), Some(3));
        assert_eq!(broadcast_sender(other), Some(1));
        assert_eq!(broadcast_stamp(r#"42["session:joined",{"t":1}]"#), None);
    }

    #[test]
    fn acks_are_split_into_id_and_arguments() {
        assert_eq!(
            ack(r#"4312[{"roomCode":"ABC234"}]"#),
            Some((12, r#"[{"roomCode":"ABC234"}]"#))
        );
        assert_eq!(ack(r#"43/,5[null]"#), Some((5, "[null]")));
        assert_eq!(ack("42[\"x\"]"), None);
        let v = accepted(ack_first(r#"[{"roomCode":"ABC234"}]"#).unwrap()).unwrap();
        assert_eq!(room_code(&v).unwrap(), "ABC234");
        let full = ack_first(r#"[{"error":{"code":"room_full"}}]"#).unwrap();
        assert!(accepted(full).is_err());
    }

    #[test]
    fn a_moved_refusal_names_the_owner_and_other_refusals_do_not() {
        let moved = ack_first(
            r#"[{"error":{"message":"served elsewhere","code":"moved","event":"session:join","url":"http://127.0.0.1:41235/"}}]"#,
        )
        .unwrap();
        assert_eq!(moved_url(&moved), Some("http://127.0.0.1:41235/"));
        assert!(accepted(moved).is_err());
        let full = ack_first(r#"[{"error":{"code":"room_full","url":"http://x/"}}]"#).unwrap();
        assert_eq!(moved_url(&full), None);
        assert_eq!(moved_url(&serde_json::json!({"roomCode": "ABC234"})), None);
    }

    #[test]
    fn packets_are_framed_as_socket_io_events() {
        assert_eq!(event(CREATE, Some(1), None), r#"421["session:create"]"#);
        let b = broadcast("ABC234", 42, 7);
        assert_eq!(broadcast_stamp(&b), Some(42));
        assert_eq!(broadcast_sender(&b), Some(7));
        assert!(r#"42["error",{"code":"unavailable"}]"#.starts_with(ERROR_PREFIX));
    }
}
