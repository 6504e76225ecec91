//! The seed's flow end to end over real sockets, mini-redis style: the real server runs in-process
//! on 127.0.0.1:0 and hand-written Socket.IO clients (`support`) talk to it over websockets, as the
//! TypeScript tests in web/ do through socket.io-client. Event names and payloads are spelled out as
//! docs/protocol.md has them, so that a change to the wire contract fails here.

mod common;
mod support;

use common::TestServer;
use serde_json::{json, Value};
use support::{within, Client};

/// The characters room codes are drawn from (docs/protocol.md, "Room codes").
const CODE_ALPHABET: &str = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A room built the seed's way: A created it and joined first (so A is host), then B joined and A
/// heard about it. Each test gets its own server, so tests share no state.
struct Room {
    server: TestServer,
    a: Client,
    b: Client,
    code: String,
    a_id: String,
    b_id: String,
    /// B's `session:joined` snapshot.
    b_joined: Value,
    /// The `session:user-joined` A heard for B.
    b_announced: Value,
}

impl Room {
    async fn open() -> Self {
        let server = TestServer::start().await;
        let mut a = Client::connect(server.addr).await;
        let code = create(&mut a).await;
        let a_id = id_of(&join(&mut a, &code, "Ann").await);
        let mut b = Client::connect(server.addr).await;
        let b_joined = join(&mut b, &code, "Ben").await;
        let b_id = id_of(&b_joined);
        let b_announced = a.event("session:user-joined").await;
        Room {
            server,
            a,
            b,
            code,
            a_id,
            b_id,
            b_joined,
            b_announced,
        }
    }

    /// `event:broadcast` of a middle C from B, with an ack; returns the ack.
    async fn b_plays_middle_c(&mut self) -> Value {
        let payload = json!({"roomCode": self.code, "eventName": "note:on", "data": middle_c()});
        self.b.call("event:broadcast", payload).await
    }

    /// Disconnects both clients, then stops the server (see [`stop`]).
    async fn close(self) {
        self.a.close().await;
        self.b.close().await;
        stop(self.server).await;
    }
}

/// Fires the shutdown future given to `jam_server::run` and checks that `run` returns `Ok`.
async fn stop(mut server: TestServer) {
    server.trigger_shutdown();
    let result = within("run to return after shutdown", &mut server.handle)
        .await
        .expect("the server task panicked");
    assert!(result.is_ok(), "run returned {result:?}");
}

/// `session:create` with an ack; returns the room code.
async fn create(client: &mut Client) -> String {
    let reply = client.call_bare("session:create").await;
    text(&reply["roomCode"], &reply)
}

/// `session:join {roomCode, user: {name}}` with an ack; returns the `session:joined` snapshot.
async fn join(client: &mut Client, code: &str, name: &str) -> Value {
    let payload = json!({"roomCode": code, "user": {"name": name}});
    let reply = client.call("session:join", payload).await;
    assert!(
        reply.get("error").is_none(),
        "session:join refused: {reply}"
    );
    reply
}

/// The joiner's own participant id in a `session:joined` snapshot.
fn id_of(joined: &Value) -> String {
    text(&joined["you"]["id"], joined)
}

/// `(id, name)` of each participant in a snapshot, in its order.
fn participants(snapshot: &Value) -> Vec<(String, String)> {
    let list = snapshot["participants"].as_array();
    let list = list.unwrap_or_else(|| panic!("no participants in {snapshot}"));
    let pairs = list
        .iter()
        .map(|p| (text(&p["id"], p), text(&p["name"], p)));
    pairs.collect()
}

/// `value` as a string, failing the test with the `whole` payload it came from otherwise.
fn text(value: &Value, whole: &Value) -> String {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string in {whole}"));
    text.to_owned()
}

fn middle_c() -> Value {
    json!({"note": 60, "velocity": 100})
}

/// A new room's code (six characters of the code alphabet) comes back in the ack and again in
/// the `session:created` reply event.
#[tokio::test]
async fn creating_a_room_answers_its_code_by_ack_and_event() {
    let server = TestServer::start().await;
    let mut a = Client::connect(server.addr).await;
    let code = create(&mut a).await;
    assert_eq!(code.len(), 6, "{code:?}");
    assert!(code.chars().all(|c| CODE_ALPHABET.contains(c)), "{code:?}");
    let created = a.event("session:created").await;
    assert_eq!(created["roomCode"], code.as_str(), "{created}");
    a.close().await;
    stop(server).await;
}

/// The first to join a created (empty) room is its only participant and its host.
#[tokio::test]
async fn the_first_to_join_a_room_is_its_host() {
    let server = TestServer::start().await;
    let mut a = Client::connect(server.addr).await;
    let code = create(&mut a).await;
    let joined = join(&mut a, &code, "Ann").await;
    let me = id_of(&joined);
    assert_eq!(joined["roomCode"], code.as_str(), "{joined}");
    assert_eq!(participants(&joined), [(me.clone(), "Ann".to_owned())]);
    assert_eq!(joined["hostId"], me.as_str(), "{joined}");
    let event = a.event("session:joined").await;
    assert_eq!(
        event["you"]["id"],
        me.as_str(),
        "the reply event differs: {event}"
    );
    a.close().await;
    stop(server).await;
}

/// A joiner is announced to the members already there, and its snapshot lists everyone in join
/// order; the host stays who it was.
#[tokio::test]
async fn members_hear_who_joins_and_the_joiner_sees_everyone() {
    let room = Room::open().await;
    let heard = &room.b_announced;
    assert_eq!(heard["user"]["id"], room.b_id.as_str(), "{heard}");
    assert_eq!(heard["user"]["name"], "Ben", "{heard}");
    assert_eq!(heard["roomCode"], room.code.as_str(), "{heard}");
    assert!(heard["seq"].is_u64(), "{heard}");
    let expected = [
        (room.a_id.clone(), "Ann".to_owned()),
        (room.b_id.clone(), "Ben".to_owned()),
    ];
    assert_eq!(participants(&room.b_joined), expected);
    assert_eq!(room.b_joined["hostId"], room.a_id.as_str());
    room.close().await;
}

/// A broadcast reaches the other members with its eventName and data intact and the sender's
/// id, set by the server; the sender gets an ack, not an echo.
#[tokio::test]
async fn a_broadcast_reaches_the_other_members_with_the_senders_id() {
    let mut room = Room::open().await;
    let ack = room.b_plays_middle_c().await;
    assert_eq!(ack["roomCode"], room.code.as_str(), "{ack}");
    assert_eq!(ack["recipients"], 1, "{ack}");
    let heard = room.a.event("event:broadcast").await;
    assert_eq!(heard["eventName"], "note:on", "{heard}");
    assert_eq!(heard["data"], middle_c(), "{heard}");
    assert_eq!(heard["senderId"], room.b_id.as_str(), "{heard}");
    assert_eq!(heard["roomCode"], room.code.as_str(), "{heard}");
    assert_eq!(heard["seq"], ack["seq"], "{heard} vs {ack}");
    let echoed = room.b.kept_events().contains(&"event:broadcast");
    assert!(!echoed, "the sender got its own broadcast back");
    room.close().await;
}

/// A payload of the wrong shape is refused with an `error` event `invalid_payload` naming the
/// event, and changes nothing: nobody joins, nothing is relayed, no room event is spent.
#[tokio::test]
async fn a_malformed_payload_is_refused_with_invalid_payload_and_changes_nothing() {
    let mut room = Room::open().await;
    let mut c = Client::connect(room.server.addr).await;
    let bad_joins = [
        json!(42),
        json!([room.code, {"name": "Cai"}]),
        json!({"roomCode": room.code, "user": "Cai"}),
    ];
    for bad in bad_joins {
        c.emit("session:join", bad.clone()).await;
        assert_invalid_payload(c.event("error").await, "session:join", &bad);
    }
    room.b.emit("event:broadcast", json!(60)).await;
    assert_invalid_payload(room.b.event("error").await, "event:broadcast", &json!(60));

    // The room's next event is B's next broadcast, heard by A alone: C did not join, and B's
    // refused broadcast was neither relayed nor numbered.
    let ack = room.b_plays_middle_c().await;
    assert_eq!(ack["recipients"], 1, "{ack}");
    let heard = room.a.event("event:broadcast").await;
    let joined_seq = room.b_announced["seq"].as_u64().expect("user-joined seq");
    assert_eq!(heard["seq"], joined_seq + 1, "{heard}");
    assert_eq!(heard["data"], middle_c(), "{heard}");
    let kept = room.a.kept_events();
    assert!(!kept.contains(&"session:user-joined"), "A heard: {kept:?}");
    c.close().await;
    room.close().await;
}

fn assert_invalid_payload(error: Value, event: &str, sent: &Value) {
    assert_eq!(
        error["code"], "invalid_payload",
        "{event} {sent} gave {error}"
    );
    assert_eq!(error["event"], event, "{error}");
    assert!(error["message"].is_string(), "{error}");
}

/// `session:leave` is acked with the room code, and the remaining members hear `user-left` with
/// the leaver's id and reason `left`.
#[tokio::test]
async fn members_hear_who_leaves() {
    let mut room = Room::open().await;
    let ack = room
        .b
        .call("session:leave", json!({"roomCode": room.code}))
        .await;
    assert_eq!(ack["roomCode"], room.code.as_str(), "{ack}");
    let left = room.a.event("session:user-left").await;
    assert_eq!(left["userId"], room.b_id.as_str(), "{left}");
    assert_eq!(left["reason"], "left", "{left}");
    assert_eq!(left["roomCode"], room.code.as_str(), "{left}");
    room.close().await;
}
