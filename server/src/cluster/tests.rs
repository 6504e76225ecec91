//! Nodes of one cluster on the test Redis (`JAM_TEST_REDIS_URL`; plain `cargo test` reports these
//! as ignored, scripts/test.sh runs them, and there a missing variable fails them): `moved` to the
//! owner, takeovers after a release and after a crash, one takeover when two nodes are asked at
//! once, and a node whose Redis goes away.

use std::sync::Arc;
use std::time::Duration;

use super::{Cluster, Route};
use crate::error::ErrorCode;
use crate::protocol::{BroadcastRequest, ResumeRequest, SessionResumed};
use crate::sessions::replica::Replica;
use crate::sessions::takeover::SEQ_JUMP_AFTER_CRASH;
use crate::sessions::{ConnId, SessionManager};

const NODE_TTL: Duration = Duration::from_millis(600);
const FLUSH: Duration = Duration::from_millis(10);

struct Node {
    cluster: Arc<Cluster>,
    sessions: SessionManager,
    heartbeat: tokio::task::JoinHandle<()>,
}

impl Node {
    /// The node stops beating and writing, as when it is killed: its heartbeat lapses after
    /// `NODE_TTL`, and what its writer had not sent is lost.
    fn die(&self) {
        self.heartbeat.abort();
        self.cluster.writer.halt();
    }
}

fn test_redis_url() -> String {
    std::env::var("JAM_TEST_REDIS_URL")
        .expect("this test needs Redis: set JAM_TEST_REDIS_URL (scripts/test.sh starts one)")
}

async fn node(prefix: &str, name: &str) -> Node {
    node_through(&test_redis_url(), prefix, name).await
}

/// A node reaching Redis at `url` (the test Redis, or a relay in front of it).
async fn node_through(url: &str, prefix: &str, name: &str) -> Node {
    let public = format!("http://{name}.test/");
    let cluster = Cluster::connect(url, prefix, NODE_TTL, &public, 64, FLUSH)
        .await
        .expect("JAM_TEST_REDIS_URL is set but Redis does not answer");
    let mut limits = crate::Config::defaults().limits();
    limits.max_creates_per_minute = 100;
    let replica: Arc<dyn Replica> = cluster.clone();
    let sessions = SessionManager::with_replica(limits, Some(replica), cluster.node_id(), None);
    let heartbeat = tokio::spawn(cluster.clone().heartbeat(|| (0, 0)));
    Node {
        cluster,
        sessions,
        heartbeat,
    }
}

fn prefix() -> String {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).unwrap();
    format!(
        "jamtest-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

fn conn(name: &str) -> ConnId {
    Arc::from(name)
}

/// A room on `owner` with Ann in it who heard nothing after joining, and three notes from Bob.
async fn room_with_notes(owner: &Node) -> (String, String, u64) {
    let code = owner.sessions.create_room(&conn("c"), None).await.unwrap();
    let ann = owner
        .sessions
        .join(&conn("ann"), &code, "Ann")
        .await
        .ok()
        .unwrap();
    let (token, seen) = (ann.session.you.resume_token.clone(), ann.session.seq);
    drop(ann);
    drop(
        owner
            .sessions
            .join(&conn("bob"), &code, "Bob")
            .await
            .ok()
            .unwrap(),
    );
    for note in 0..3 {
        let data = serde_json::from_str(&format!(r#"{{"note":{note}}}"#)).unwrap();
        let request = BroadcastRequest {
            room_code: code.clone(),
            event_name: "note:on".into(),
            data,
        };
        drop(
            owner
                .sessions
                .broadcast(&conn("bob"), request)
                .await
                .unwrap(),
        );
    }
    (code, token, seen)
}

/// Ann resumes her seat on `node` from a new connection.
async fn ann_resumes(node: &Node, code: &str, token: &str, last_seq: u64) -> SessionResumed {
    let request = ResumeRequest {
        room_code: code.to_owned(),
        resume_token: token.to_owned(),
        last_seq,
    };
    let resumed = node.sessions.resume(&conn("ann2"), &request).await;
    match resumed {
        Ok(outcome) => outcome.resumed,
        Err(err) => panic!("Ann could not resume: {err}"),
    }
}

async fn route(node: &Node, code: &str) -> Route {
    node.cluster.route(&node.sessions, code).await.unwrap().0
}

#[tokio::test]
#[ignore = "needs Redis: JAM_TEST_REDIS_URL (scripts/test.sh)"]
async fn another_node_moves_to_the_owner_and_takes_over_a_released_room_with_nothing_lost() {
    let prefix = prefix();
    let (a, b) = (node(&prefix, "a").await, node(&prefix, "b").await);
    let idle = a.cluster.writer.flush(Duration::from_secs(2), false);
    assert!(idle.await, "a flush with nothing queued returns at once");
    let (code, token, seen) = room_with_notes(&a).await;
    assert!(matches!(route(&b, &code).await, Route::Moved(url) if url == "http://a.test/"));
    assert!(matches!(route(&a, &code).await, Route::Here));

    a.cluster.release_all(&a.sessions).await;
    a.die();
    assert!(matches!(route(&b, &code).await, Route::Here));
    let outcome = &ann_resumes(&b, &code, &token, seen).await;
    assert!(!outcome.gap, "nothing is missing after a release");
    let notes = outcome
        .missed
        .iter()
        .filter(|m| m.event == "event:broadcast")
        .count();
    assert_eq!(notes, 3, "the notes Ann had not heard are replayed");
    let last_note = outcome.missed.iter().map(|m| m.data.seq()).max().unwrap();
    assert!(
        outcome.session.seq <= last_note + 4,
        "seqs go on without a jump"
    );
}

#[tokio::test]
#[ignore = "needs Redis: JAM_TEST_REDIS_URL (scripts/test.sh)"]
async fn a_crashed_owners_room_is_taken_over_once_with_a_gap_and_fresh_seqs() {
    let prefix = prefix();
    let a = node(&prefix, "a").await;
    let (b, c) = (node(&prefix, "b").await, node(&prefix, "c").await);
    let (code, token, seen) = room_with_notes(&a).await;
    let bob = conn("bob");
    let last = BroadcastRequest {
        room_code: code.clone(),
        event_name: "last".into(),
        data: Default::default(),
    };
    let last_seq = a.sessions.broadcast(&bob, last).await.unwrap().seq;
    tokio::time::sleep(Duration::from_millis(50)).await; // the writer's flush interval, and then some
    a.die();
    tokio::time::sleep(NODE_TTL + Duration::from_millis(300)).await;

    let (on_b, on_c) = tokio::join!(route(&b, &code), route(&c, &code));
    let taken = [&on_b, &on_c]
        .iter()
        .filter(|r| matches!(r, Route::Here))
        .count();
    assert_eq!(taken, 1, "exactly one node takes the room over");
    let owner = if matches!(on_b, Route::Here) { &b } else { &c };
    let other = if matches!(on_b, Route::Here) {
        &on_c
    } else {
        &on_b
    };
    assert!(matches!(other, Route::Moved(url) if url == owner.cluster.public_url()));

    let outcome = &ann_resumes(owner, &code, &token, seen).await;
    assert!(
        outcome.gap,
        "after a crash, what was relayed last may be missing"
    );
    let replayed: Vec<u64> = outcome.missed.iter().map(|m| m.data.seq()).collect();
    let relayed = outcome
        .missed
        .iter()
        .filter(|m| m.event == "event:broadcast");
    assert_eq!(
        relayed.count(),
        4,
        "the three notes and the last event, from the owner's stream"
    );
    assert!(
        replayed.contains(&last_seq),
        "what reached Redis is replayed"
    );
    assert!(
        outcome.session.seq > last_seq + SEQ_JUMP_AFTER_CRASH,
        "no seq is given twice"
    );
}

#[tokio::test]
#[ignore = "needs Redis: JAM_TEST_REDIS_URL (scripts/test.sh)"]
async fn without_redis_a_command_is_unavailable_and_nothing_panics() {
    // A node cannot start without Redis: connecting fails, quickly.
    let dead = Cluster::connect(
        "redis://127.0.0.1:1/",
        "x",
        NODE_TTL,
        "http://x/",
        64,
        FLUSH,
    )
    .await;
    assert!(dead.is_err());
    // A node whose Redis goes away answers `unavailable` for what needs the directory, and its own
    // rooms play on.
    let prefix = prefix();
    let relay = Relay::to(&test_redis_url()).await;
    let (a, b) = (
        node(&prefix, "a").await,
        node_through(&relay.url(), &prefix, "b").await,
    );
    let elsewhere = a.sessions.create_room(&conn("c"), None).await.unwrap();
    let (own, _, _) = room_with_notes(&b).await;
    relay.cut();
    let routed = b.cluster.route(&b.sessions, &elsewhere).await;
    assert_eq!(routed.err().map(|e| e.code()), Some(ErrorCode::Unavailable));
    let created = b.sessions.create_room(&conn("c"), None).await;
    assert_eq!(
        created.err().map(|e| e.code()),
        Some(ErrorCode::Unavailable)
    );
    let note = BroadcastRequest {
        room_code: own,
        event_name: "still".into(),
        data: Default::default(),
    };
    assert!(b.sessions.broadcast(&conn("bob"), note).await.is_ok());
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
