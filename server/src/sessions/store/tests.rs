//! Two managers on one Redis behave as two nodes of a cluster. These tests need the Redis that
//! `JAM_TEST_REDIS_URL` names, so plain `cargo test` reports them as ignored; scripts/test.sh starts a
//! throwaway redis-server, sets the variable and runs them with `--include-ignored`, and there a
//! missing variable fails them instead of letting them pass without running.

use std::sync::Arc;
use std::time::Duration;

use super::redis::RedisStore;
use super::SessionStore;
use crate::error::ErrorCode;
use crate::protocol::{BroadcastRequest, ResumeRequest, RoomEvent};
use crate::relay_value::RelayValue;
use crate::sessions::{ConnId, Departure, Limits, NodeLiveness, SessionManager, Sweep};

/// A store under a fresh key prefix, so tests never see each other's rooms.
pub(in crate::sessions) async fn redis_store() -> Arc<RedisStore> {
    let prefix = format!(
        "jamtest-{}",
        crate::sessions::codes::new_room_code().unwrap()
    );
    redis_store_at(&test_redis_url(), &prefix).await
}

/// The test Redis; a test that needs it fails rather than passing without having run.
fn test_redis_url() -> String {
    std::env::var("JAM_TEST_REDIS_URL")
        .expect("this test needs Redis: set JAM_TEST_REDIS_URL (scripts/test.sh starts one)")
}

async fn redis_store_at(url: &str, prefix: &str) -> Arc<RedisStore> {
    let store = RedisStore::connect(url, prefix)
        .await
        .expect("JAM_TEST_REDIS_URL is set but Redis does not answer");
    Arc::new(store)
}

fn limits() -> Limits {
    let mut limits = crate::Config::defaults().limits();
    limits.resume_grace = Duration::from_millis(600);
    limits.max_creates_per_minute = 100;
    limits
}

/// Two nodes (`node-a`, `node-b`) sharing one prefix.
async fn two_nodes() -> (Arc<SessionManager>, Arc<SessionManager>, Arc<RedisStore>) {
    let a = redis_store().await;
    let b = redis_store_at(&test_redis_url(), &a.key(&[])).await;
    let node = |store: Arc<RedisStore>, id: &str| {
        Arc::new(SessionManager::with_store(
            limits(),
            SessionStore::Redis(store),
            id,
            Some([7; 32]),
        ))
    };
    (node(a.clone(), "node-a"), node(b, "node-b"), a)
}

fn conn(name: &str) -> ConnId {
    Arc::from(name)
}

/// Says `node` is alive for `ttl`.
async fn alive(store: &RedisStore, node: &str, ttl: Duration) {
    store.heartbeat(node, ttl).await.unwrap();
}

/// A room created through `creator`, with Ann joined through node `a` and Bob through node `b`.
async fn ann_on_a_and_bob_on_b(
    creator: &SessionManager,
    a: &SessionManager,
    b: &SessionManager,
) -> String {
    let code = creator.create_room(&conn("creator"), None).await.unwrap();
    drop(a.join(&conn("ann"), &code, "Ann").await.unwrap());
    drop(b.join(&conn("bob"), &code, "Bob").await.unwrap());
    code
}

#[tokio::test]
#[ignore = "needs Redis: JAM_TEST_REDIS_URL (scripts/test.sh)"]
async fn forty_joiners_on_two_nodes_get_exactly_sixteen_seats_with_distinct_seqs() {
    let (a, b, _) = two_nodes().await;
    let code = a.create_room(&conn("creator"), None).await.unwrap();
    let joins = (0..40).map(|i| {
        let node = if i % 2 == 0 { a.clone() } else { b.clone() };
        let code = code.clone();
        tokio::spawn(async move {
            let joined = node.join(&conn(&format!("c{i}")), &code, "player").await;
            joined.map(|j| j.delivery.latest_seq())
        })
    });
    let mut seqs = Vec::new();
    let mut full = 0;
    for join in joins.collect::<Vec<_>>() {
        match join.await.unwrap() {
            Ok(seq) => seqs.push(seq),
            Err(err) => {
                assert_eq!(err.code(), ErrorCode::RoomFull);
                full += 1;
            }
        }
    }
    seqs.sort();
    seqs.dedup();
    assert_eq!((seqs.len(), full), (16, 24));
    assert_eq!(seqs, (1..=16).collect::<Vec<u64>>());
}

#[tokio::test]
#[ignore = "needs Redis: JAM_TEST_REDIS_URL (scripts/test.sh)"]
async fn a_dead_nodes_member_goes_away_once_then_resumes_elsewhere_with_what_it_missed() {
    let (a, b, store) = two_nodes().await;
    alive(&store, "node-b", Duration::from_secs(30)).await;
    let code = b.create_room(&conn("creator"), None).await.unwrap();
    let ann = a.join(&conn("ann"), &code, "Ann").await.unwrap();
    let token = ann.session.you.resume_token.clone();
    drop(ann.delivery);
    drop(b.join(&conn("bob"), &code, "Bob").await.unwrap());
    // node-a never wrote a heartbeat: to node-b it is dead.
    let Sweep::Expired(away) = b.sweep_room(&code, &mut NodeLiveness::default()).await else {
        panic!("ann's seat should be marked away");
    };
    assert!(matches!(&*away.events[0].event, RoomEvent::UserAway(_)));
    drop(away);
    let again = b.sweep_room(&code, &mut NodeLiveness::default()).await;
    assert!(matches!(again, Sweep::Nothing), "away is decided once");

    let blob = RelayValue::Binary(vec![0, 159, 255].into());
    let sent = b
        .broadcast(
            &conn("bob"),
            BroadcastRequest {
                room_code: code.clone(),
                event_name: "note".into(),
                data: RelayValue::Object(vec![("raw".into(), blob.clone())]),
            },
        )
        .await
        .unwrap();
    let seq = sent.seq;
    drop(sent);
    let request = ResumeRequest {
        room_code: code.clone(),
        resume_token: token,
        last_seq: seq - 2,
    };
    let resumed = b.resume(&conn("ann2"), &request).await.unwrap();
    let missed = &resumed.resumed.missed;
    assert_eq!(
        missed.len(),
        2,
        "user-joined of bob was seen; away and the note were not"
    );
    let RoomEvent::Broadcast(note) = &*missed[1].data else {
        panic!("the note should be replayed");
    };
    assert_eq!(note.data, RelayValue::Object(vec![("raw".into(), blob)]));
}

#[tokio::test]
#[ignore = "needs Redis: JAM_TEST_REDIS_URL (scripts/test.sh)"]
async fn an_away_member_leaves_after_the_grace_exactly_once_across_nodes() {
    let (a, b, store) = two_nodes().await;
    alive(&store, "node-a", Duration::from_secs(30)).await;
    alive(&store, "node-b", Duration::from_secs(30)).await;
    let code = ann_on_a_and_bob_on_b(&a, &a, &b).await;
    drop(
        a.depart(&conn("ann"), &code, Departure::Abrupt)
            .await
            .unwrap(),
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    // Both nodes sweep at once (as if two held the lease): one decides, the other finds nothing.
    let sweep = |node: Arc<SessionManager>, code: String| async move {
        let swept = node.sweep_room(&code, &mut NodeLiveness::default()).await;
        matches!(swept, Sweep::Expired(_)) // the delivery (and the room's lock) ends here
    };
    let (from_a, from_b) = tokio::join!(sweep(a, code.clone()), sweep(b, code.clone()));
    let lefts = [from_a, from_b].into_iter().filter(|&left| left).count();
    assert_eq!(lefts, 1);
}

#[tokio::test]
#[ignore = "needs Redis: JAM_TEST_REDIS_URL (scripts/test.sh)"]
async fn without_redis_a_command_is_unavailable_and_nothing_panics() {
    // A node cannot start without Redis: connecting fails, quickly.
    assert!(RedisStore::connect("redis://127.0.0.1:1/", "x")
        .await
        .is_err());
    // A node whose Redis goes away answers `unavailable` and keeps running.
    let relay = Relay::to(&test_redis_url()).await;
    let prefix = format!(
        "jamtest-{}",
        crate::sessions::codes::new_room_code().unwrap()
    );
    let store = redis_store_at(&relay.url(), &prefix).await;
    let sessions = SessionManager::with_store(limits(), SessionStore::Redis(store), "n", None);
    let code = sessions.create_room(&conn("c"), None).await.unwrap();
    relay.cut();
    let Err(err) = sessions.join(&conn("c"), &code, "Ann").await else {
        panic!("a join without Redis succeeded");
    };
    assert_eq!(err.code(), ErrorCode::Unavailable);
    let err = sessions.create_room(&conn("c"), None).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unavailable);
}

/// A TCP relay in front of the test Redis that can be cut: Redis going away, for one node only.
struct Relay {
    addr: std::net::SocketAddr,
    tasks: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Relay {
    async fn to(redis_url: &str) -> Relay {
        let target = redis_url
            .trim_start_matches("redis://")
            .trim_end_matches('/')
            .to_owned();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let tasks: Arc<std::sync::Mutex<Vec<_>>> = Arc::default();
        let pipes = tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                pipes.lock().unwrap().push(pipe);
            }
        });
        tasks.lock().unwrap().push(accept);
        Relay { addr, tasks }
    }

    fn url(&self) -> String {
        format!("redis://{}/", self.addr)
    }

    /// Closes every connection through the relay and refuses new ones.
    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

fn note(code: &str, name: &str, note: u8) -> BroadcastRequest {
    let data = format!(r#"{{"note":{note},"velocity":100}}"#);
    BroadcastRequest {
        room_code: code.to_owned(),
        event_name: name.to_owned(),
        data: serde_json::from_str(&data).unwrap(),
    }
}

#[tokio::test]
#[ignore = "needs Redis: JAM_TEST_REDIS_URL (scripts/test.sh)"]
async fn a_take_started_on_one_node_records_notes_from_another_and_downloads_anywhere() {
    let (a, b, _) = two_nodes().await;
    let code = a.create_room(&conn("creator"), None).await.unwrap();
    drop(a.join(&conn("host"), &code, "Host").await.unwrap());
    drop(b.join(&conn("bob"), &code, "Bob").await.unwrap());
    drop(a.start_recording(&conn("host"), &code).await.unwrap());
    for (name, pitch) in [("note:on", 60), ("note:off", 60), ("note:on", 64)] {
        drop(
            b.broadcast(&conn("bob"), note(&code, name, pitch))
                .await
                .unwrap(),
        );
    }
    let stopped = a.stop_recording(&conn("host"), &code).await.unwrap();
    let RoomEvent::RecordingState(state) = &*stopped.events[0].event else {
        panic!("recording:state expected");
    };
    assert_eq!(
        state.info.events, 4,
        "three notes, and the open one closed at the stop"
    );
    let url = state.info.download_url.clone().unwrap();
    drop(stopped);
    let file = url.strip_prefix("/recordings/").unwrap();
    let take = b
        .take_for_download(file)
        .await
        .expect("node-b serves the take");
    assert_eq!(take.event_count(), 4);
    let forged = format!(
        "{}-00000000000000000000000000000000.mid",
        &file[..file.find('-').unwrap()]
    );
    assert!(b.take_for_download(&forged).await.is_none());
}

#[tokio::test]
#[ignore = "needs Redis: JAM_TEST_REDIS_URL (scripts/test.sh)"]
async fn the_sweep_visits_only_rooms_that_are_due_and_every_room_when_a_node_died() {
    let (a, b, store) = two_nodes().await;
    for node in ["node-a", "node-b"] {
        alive(&store, node, Duration::from_secs(30)).await;
    }
    let quiet = a.create_room(&conn("creator"), None).await.unwrap();
    drop(a.join(&conn("ann"), &quiet, "Ann").await.unwrap());
    let code = b.create_room(&conn("creator"), None).await.unwrap();
    drop(b.join(&conn("bob"), &code, "Bob").await.unwrap());
    drop(
        b.depart(&conn("bob"), &code, Departure::Abrupt)
            .await
            .unwrap(),
    );
    let (due, _) = a.rooms_to_sweep(true).await.unwrap();
    assert!(due.is_empty(), "nothing is due yet: {due:?}");
    tokio::time::sleep(Duration::from_millis(700)).await;
    let (due, _) = a.rooms_to_sweep(true).await.unwrap();
    assert_eq!(due, std::slice::from_ref(&code), "bob's grace is over");

    alive(&store, "node-c", Duration::from_millis(50)).await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let (mut all, nodes) = a.rooms_to_sweep(true).await.unwrap();
    all.sort();
    let mut expected = vec![quiet, code];
    expected.sort();
    assert_eq!(all, expected, "a dead node: every room is visited");
    a.finish_sweep(nodes).await;
    let (due, _) = a.rooms_to_sweep(true).await.unwrap();
    assert_eq!(due.len(), 1, "the dead node is forgotten once dealt with");
}

#[tokio::test]
#[ignore = "needs Redis: JAM_TEST_REDIS_URL (scripts/test.sh)"]
async fn concurrent_broadcasts_from_two_nodes_get_every_seq_once_and_all_are_replayed() {
    let (a, b, _) = two_nodes().await;
    let code = a.create_room(&conn("creator"), None).await.unwrap();
    let ann = a.join(&conn("ann"), &code, "Ann").await.unwrap();
    let (token, first_seq) = (
        ann.session.you.resume_token.clone(),
        ann.delivery.latest_seq(),
    );
    drop(ann);
    drop(b.join(&conn("bob"), &code, "Bob").await.unwrap());
    let sends = (0..60).map(|i| {
        let (node, who) = if i % 2 == 0 {
            (a.clone(), "ann")
        } else {
            (b.clone(), "bob")
        };
        let code = code.clone();
        tokio::spawn(async move {
            let sent = node.broadcast(&conn(who), note(&code, "tick", 1)).await;
            sent.map(|relayed| relayed.seq)
        })
    });
    let mut seqs = Vec::new();
    for send in sends.collect::<Vec<_>>() {
        seqs.push(send.await.unwrap().unwrap());
    }
    seqs.sort();
    let after_joins = first_seq + 1;
    assert_eq!(
        seqs,
        ((after_joins + 1)..=(after_joins + 60)).collect::<Vec<_>>()
    );
    let request = ResumeRequest {
        room_code: code.clone(),
        resume_token: token,
        last_seq: after_joins,
    };
    let resumed = b.resume(&conn("ann2"), &request).await.unwrap();
    let missed: Vec<u64> = resumed
        .resumed
        .missed
        .iter()
        .map(|m| m.data.seq())
        .collect();
    assert_eq!(
        missed.len(),
        30,
        "bob's 30 broadcasts (ann's own are not replayed to her)"
    );
    assert!(
        missed.windows(2).all(|w| w[0] < w[1]),
        "in seq order: {missed:?}"
    );
}

#[tokio::test]
#[ignore = "needs Redis: JAM_TEST_REDIS_URL (scripts/test.sh)"]
async fn right_after_an_outage_a_silent_node_is_not_judged_dead_until_told_to() {
    let (a, b, store) = two_nodes().await;
    alive(&store, "node-b", Duration::from_secs(30)).await;
    let code = ann_on_a_and_bob_on_b(&b, &a, &b).await;
    alive(&store, "node-a", Duration::from_millis(50)).await;
    drop(
        b.depart(&conn("bob"), &code, Departure::Abrupt)
            .await
            .unwrap(),
    );
    tokio::time::sleep(Duration::from_millis(700)).await;

    let (due, mut nodes) = b.rooms_to_sweep(false).await.unwrap();
    assert_eq!(due, std::slice::from_ref(&code), "only bob's grace is due");
    let Sweep::Expired(left) = b.sweep_room(&code, &mut nodes).await else {
        panic!("bob's grace is over");
    };
    let names: Vec<_> = left.events.iter().map(|e| e.event.name()).collect();
    assert_eq!(
        names,
        ["session:user-left"],
        "ann (on the silent node) is left alone"
    );
    drop(left);

    let (all, mut nodes) = b.rooms_to_sweep(true).await.unwrap();
    assert_eq!(all, std::slice::from_ref(&code));
    let Sweep::Expired(away) = b.sweep_room(&code, &mut nodes).await else {
        panic!("now node-a is judged dead");
    };
    assert!(matches!(&*away.events[0].event, RoomEvent::UserAway(_)));
}
