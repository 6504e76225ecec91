//! The open-loop load phase: per connection, a writer task sending on a fixed schedule (never
//! waiting for anything) and a reader task timing what arrives. A `watch` channel switches every
//! connection to the next phase (a new rate, or quiet) at once.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, watch};
use tokio::time::{sleep, sleep_until};
use tokio_tungstenite::tungstenite::Message;

use crate::client::Ws;
use crate::clock::{instant_at, now_us};
use crate::procstat::{Procs, Snapshot, Usage};
use crate::proto;
use crate::redis_info::RedisStats;
use crate::setup::Room;
use crate::stats::Stats;

/// Sends are scheduled from `start_us` at `rate` per second; those stamped in `[from_us, to_us)`
/// are measured, and none is sent from `to_us` on.
pub struct Phase {
    rate: f64,
    start_us: u64,
    from_us: u64,
    to_us: u64,
    pub stats: Stats,
}

impl Phase {
    fn quiet() -> Arc<Self> {
        Arc::new(Self {
            rate: 0.0,
            start_us: 0,
            from_us: 0,
            to_us: 0,
            stats: Stats::default(),
        })
    }

    /// The stamp of send `k` for a connection whose sends are shifted by `offset` (0..1 periods).
    fn send_time(&self, k: u64, offset: f64) -> Option<u64> {
        if self.rate <= 0.0 {
            return None;
        }
        let t = self.start_us + ((offset + k as f64) * 1e6 / self.rate) as u64;
        (t < self.to_us).then_some(t)
    }

    fn measured(&self, t: u64) -> bool {
        t >= self.from_us && t < self.to_us
    }
}

/// Every connection of a fan-out run, driven by its tasks.
pub struct Load {
    ctl: watch::Sender<Arc<Phase>>,
    per_room: usize,
    nodes: usize,
    pub connections: usize,
    /// Joins that were answered `moved` during setup, and the connections each node ended with.
    pub moved_joins: usize,
    pub per_node: Vec<usize>,
    closed: Arc<AtomicU64>,
}

/// One measured phase and what the server spent on it.
pub struct PhaseRun {
    pub phase: Arc<Phase>,
    pub usage: Usage,
    pub expected: u64,
    pub nodes: usize,
    /// All nodes' RSS summed, each one's, and Redis's (when its pid was given).
    pub server_rss_bytes: u64,
    pub server_rss_each: Vec<u64>,
    pub redis_rss_bytes: Option<u64>,
    /// Redis's command and CPU counters at the window's edges (with `--redis-url`).
    pub redis_stats: Option<Result<(RedisStats, RedisStats), String>>,
    pub closed_connections: u64,
}

impl Load {
    /// Splits every connection and starts its tasks, quiet until the first phase. With several
    /// `nodes`, receivers tell deliveries that crossed nodes (sender on another node) apart, by
    /// the node each member ended up on (after following `moved`, every room is on one node).
    pub fn start(rooms: Vec<Room>, per_room: usize, nodes: usize) -> Self {
        let (ctl, _) = watch::channel(Phase::quiet());
        let closed = Arc::new(AtomicU64::new(0));
        let node_of = Arc::new(node_map(&rooms));
        let moved_joins = rooms.iter().map(|r| r.moved_joins).sum();
        let mut per_node = vec![0; nodes];
        for &n in node_of.iter().filter(|&&n| n < nodes) {
            per_node[n] += 1;
        }
        let mut connections = 0;
        for room in rooms {
            let code: Arc<str> = room.code.into();
            for (j, (conn, &node)) in room.conns.into_iter().zip(&room.nodes).enumerate() {
                let send = Sender {
                    code: code.clone(),
                    idx: room.first_index + j,
                    cross_peers: room.nodes.iter().filter(|&&n| n != node).count() as u64,
                };
                let (sink, stream) = conn.ws.split();
                let (pong_tx, pong_rx) = mpsc::channel(4);
                tokio::spawn(writer(sink, send, ctl.subscribe(), pong_rx));
                let me = (nodes > 1).then(|| (node, node_of.clone()));
                tokio::spawn(reader(stream, me, ctl.subscribe(), pong_tx, closed.clone()));
                connections += 1;
            }
        }
        Self {
            ctl,
            per_room,
            nodes,
            connections,
            moved_joins,
            per_node,
            closed,
        }
    }

    /// Runs one phase at `rate` events/s per connection: warm-up, measured window, then up to
    /// `drain` for late deliveries. Reads the servers (and Redis) at the window's edges.
    pub async fn run_phase(
        &self,
        procs: &Procs,
        rate: f64,
        warmup: Duration,
        duration: Duration,
        drain: Duration,
    ) -> PhaseRun {
        let start_us = now_us() + 50_000;
        let from_us = start_us + warmup.as_micros() as u64;
        let to_us = from_us + duration.as_micros() as u64;
        let phase = Arc::new(Phase {
            rate,
            start_us,
            from_us,
            to_us,
            stats: Stats::default(),
        });
        self.ctl.send_replace(phase.clone());
        sleep_until(instant_at(from_us).into()).await;
        let redis_a = procs.redis_stats();
        let a = Snapshot::take(procs);
        sleep_until(instant_at(to_us).into()).await;
        let b = Snapshot::take(procs);
        let redis_b = procs.redis_stats();
        let redis_stats = redis_a.zip(redis_b).map(|(a, b)| Ok((a?, b?)));
        let (server_rss_bytes, server_rss_each, redis_rss_bytes) = procs.rss();
        let fanout = self.per_room.saturating_sub(1) as u64;
        let deadline = Instant::now() + drain;
        while phase.stats.delivered.load(Relaxed) < phase.stats.sent.load(Relaxed) * fanout
            && Instant::now() < deadline
        {
            sleep(Duration::from_millis(20)).await;
        }
        self.ctl.send_replace(Phase::quiet());
        PhaseRun {
            expected: phase.stats.sent.load(Relaxed) * fanout,
            nodes: self.nodes,
            usage: Usage::between(&a, &b),
            phase,
            server_rss_bytes,
            server_rss_each,
            redis_rss_bytes,
            redis_stats,
            closed_connections: self.closed.load(Relaxed),
        }
    }
}

/// Who a writer sends as: its room, its global index, and how many room members are on other nodes.
struct Sender {
    code: Arc<str>,
    idx: usize,
    cross_peers: u64,
}

async fn writer(
    mut sink: SplitSink<Ws, Message>,
    me: Sender,
    mut ctl: watch::Receiver<Arc<Phase>>,
    mut pongs: mpsc::Receiver<()>,
) {
    // Golden-ratio offsets spread the connections' sends evenly over each period.
    let offset = (me.idx as f64 * 0.618_033_988_75).fract();
    let mut phase = ctl.borrow_and_update().clone();
    let mut k = 0u64;
    loop {
        let next = phase.send_time(k, offset);
        let wake = next.map_or_else(|| Instant::now() + Duration::from_secs(86_400), instant_at);
        tokio::select! {
            changed = ctl.changed() => {
                if changed.is_err() {
                    return;
                }
                phase = ctl.borrow_and_update().clone();
                k = 0;
            }
            pong = pongs.recv() => {
                if pong.is_none() || sink.send(Message::text(proto::PONG)).await.is_err() {
                    return;
                }
            }
            () = sleep_until(wake.into()), if next.is_some() => {
                // Open loop: everything due goes out now, stamped with its scheduled time, so a
                // server that pushes back (full socket buffers) is charged for the wait.
                let now = now_us();
                while let Some(t) = phase.send_time(k, offset).filter(|&t| t <= now) {
                    if phase.measured(t) {
                        phase.stats.on_send(t, now, me.cross_peers);
                    }
                    if sink.feed(Message::text(proto::broadcast(&me.code, t, me.idx))).await.is_err() {
                        return;
                    }
                    k += 1;
                }
                if sink.flush().await.is_err() {
                    return;
                }
            }
        }
    }
}

/// The node of every connection, by global index (`usize::MAX` for an index no room holds).
fn node_map(rooms: &[Room]) -> Vec<usize> {
    let len = rooms.iter().map(|r| r.first_index + r.nodes.len()).max();
    let mut map = vec![usize::MAX; len.unwrap_or(0)];
    for room in rooms {
        map[room.first_index..room.first_index + room.nodes.len()].copy_from_slice(&room.nodes);
    }
    map
}

/// `me` is (this connection's node, every connection's node) when there are several nodes.
async fn reader(
    mut stream: SplitStream<Ws>,
    me: Option<(usize, Arc<Vec<usize>>)>,
    ctl: watch::Receiver<Arc<Phase>>,
    pongs: mpsc::Sender<()>,
    closed: Arc<AtomicU64>,
) {
    while let Some(msg) = stream.next().await {
        match msg {
            Ok(Message::Text(text)) => {
                if let Some(t) = proto::broadcast_stamp(text.as_str()) {
                    let now = now_us();
                    let phase = ctl.borrow();
                    if phase.measured(t) {
                        let cross = me.as_ref().is_some_and(|(node, node_of)| {
                            proto::broadcast_sender(text.as_str())
                                .and_then(|s| node_of.get(s as usize))
                                .is_some_and(|n| n != node)
                        });
                        phase.stats.on_delivery(now.saturating_sub(t), cross);
                    }
                } else if text.as_str().starts_with(proto::ERROR_PREFIX) {
                    ctl.borrow().stats.on_error(text.as_str());
                } else if text.as_str() == proto::PING {
                    let _ = pongs.try_send(());
                }
            }
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(_) => {}
        }
    }
    closed.fetch_add(1, Relaxed);
}
