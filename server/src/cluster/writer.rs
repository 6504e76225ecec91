//! Writes rooms' logs and snapshots to Redis behind the rooms' backs: changes are queued without
//! waiting and sent together in one pipeline — per room one `RPUSH` of its new events, its latest
//! snapshot if it has a new one, and now and then an `LTRIM` — so a relayed event costs Redis well
//! under one command. A batch goes out after `--log-flush`, or sooner when someone waits for it
//! (a join's seat). While Redis is away the queue waits and is sent once it is back.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use tokio::sync::{mpsc, oneshot, Notify};

use super::directory::ROOM_KEY_TTL;
use super::redis::{millis, Redis};
use crate::protocol::RoomEvent;
use crate::sessions::snapshot::{encode_event, RoomRecord};

/// How long to wait before sending again after Redis failed.
const RETRY_INTERVAL: Duration = Duration::from_millis(500);
/// Changes kept while Redis is away; beyond this the oldest are dropped (and logged).
const MAX_PENDING: usize = 200_000;

pub enum Op {
    Snapshot {
        code: String,
        epoch: u64,
        record: Box<RoomRecord>,
    },
    Append {
        code: String,
        epoch: u64,
        events: Vec<Arc<RoomEvent>>,
    },
    /// The room is gone: its snapshot and log too.
    Forget { code: String, epoch: u64 },
    /// Answered once everything queued before it is in Redis.
    Flush(oneshot::Sender<()>),
}

#[derive(Clone)]
pub struct Writer {
    tx: mpsc::UnboundedSender<Op>,
    /// False while Redis refuses the writes: nobody waits for them then.
    healthy: Arc<AtomicBool>,
    /// Cuts a batch's wait short when someone waits for it (a join's seat).
    hurry: Arc<Notify>,
}

impl Writer {
    /// Starts the writer task; logs are trimmed to about `replay_capacity` events. Changes gather
    /// for `interval` (`--log-flush`) before they are sent: the most a node that dies can take with
    /// it. Each pipeline costs Redis ~45 µs whatever it carries (docs/benchmarks.md): a longer
    /// interval makes fewer, fuller ones.
    pub fn start(redis: Redis, replay_capacity: usize, interval: Duration) -> Writer {
        let (tx, rx) = mpsc::unbounded_channel();
        let healthy = Arc::new(AtomicBool::new(true));
        let hurry = Arc::new(Notify::new());
        let task = run(
            redis,
            rx,
            replay_capacity.max(1),
            interval,
            healthy.clone(),
            hurry.clone(),
        );
        tokio::spawn(task);
        Writer { tx, healthy, hurry }
    }

    pub fn send(&self, op: Op) {
        let _ = self.tx.send(op);
    }

    /// Waits until everything queued so far is in Redis, or `limit` passed; false then. Returns
    /// at once (false) while Redis refuses the writes.
    pub async fn flush(&self, limit: Duration) -> bool {
        if !self.healthy.load(Ordering::Relaxed) {
            return false;
        }
        let (done, flushed) = oneshot::channel();
        self.send(Op::Flush(done));
        self.hurry.notify_one();
        matches!(tokio::time::timeout(limit, flushed).await, Ok(Ok(())))
    }
}

async fn run(
    redis: Redis,
    mut rx: mpsc::UnboundedReceiver<Op>,
    capacity: usize,
    interval: Duration,
    healthy: Arc<AtomicBool>,
    hurry: Arc<Notify>,
) {
    let mut pending: Vec<Op> = Vec::new();
    let mut since_trim: HashMap<String, usize> = HashMap::new();
    loop {
        if pending.is_empty() {
            match rx.recv().await {
                Some(op) => pending.push(op),
                None => return,
            }
        }
        // Asleep, the task is not woken by each change queued meanwhile: one wake-up per batch.
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = hurry.notified() => {}
        }
        while let Ok(op) = rx.try_recv() {
            pending.push(op);
        }
        if pending.len() > MAX_PENDING {
            let dropped = pending.len() - MAX_PENDING;
            tracing::error!(
                dropped,
                "Redis has been away too long: dropping the oldest room changes"
            );
            pending.drain(..dropped);
        }
        let pipe = batch(&redis, &pending, &mut since_trim, capacity);
        let sent = match pipe.is_empty() {
            true => Ok(()), // only flushes were waiting
            false => pipe.query_async::<()>(&mut redis.conn()).await,
        };
        match sent {
            Ok(()) => {
                healthy.store(true, Ordering::Relaxed);
                for op in pending.drain(..) {
                    if let Op::Flush(done) = op {
                        let _ = done.send(());
                    }
                }
            }
            Err(err) => {
                healthy.store(false, Ordering::Relaxed);
                tracing::warn!(%err, queued = pending.len(), "room changes not written; retrying");
                tokio::time::sleep(RETRY_INTERVAL).await;
            }
        }
    }
}

/// One pipeline for the queued changes: per log one `RPUSH`, per room its latest snapshot.
fn batch(
    redis: &Redis,
    pending: &[Op],
    since_trim: &mut HashMap<String, usize>,
    capacity: usize,
) -> redis::Pipeline {
    let mut appends: IndexMap<String, Vec<Vec<u8>>> = IndexMap::new();
    let mut snapshots: IndexMap<String, (String, String, Vec<u8>)> = IndexMap::new();
    let mut forgotten: Vec<(String, String)> = Vec::new();
    for op in pending {
        match op {
            Op::Append {
                code,
                epoch,
                events,
            } => {
                let (_, log) = redis.room_keys(code, *epoch);
                let encoded = events.iter().filter_map(|e| encode_event(e).ok());
                appends.entry(log).or_default().extend(encoded);
            }
            Op::Snapshot {
                code,
                epoch,
                record,
            } => {
                let (snap, log) = redis.room_keys(code, *epoch);
                if let Ok(bytes) = record.encode() {
                    snapshots.insert(snap, (log, redis.dir_key(code), bytes));
                }
            }
            Op::Forget { code, epoch } => {
                let (snap, log) = redis.room_keys(code, *epoch);
                appends.shift_remove(&log);
                snapshots.shift_remove(&snap);
                since_trim.remove(&log);
                forgotten.push((snap, log));
            }
            Op::Flush(_) => {}
        }
    }
    let mut pipe = redis::pipe();
    for (log, events) in appends {
        pipe.cmd("RPUSH").arg(&log).arg(&events).ignore();
        let count = since_trim.entry(log.clone()).or_default();
        *count += events.len();
        if *count >= capacity {
            *count = 0;
            pipe.cmd("LTRIM")
                .arg(&log)
                .arg(-(capacity as i64))
                .arg(-1)
                .ignore();
        }
    }
    for (snap, (log, dir, bytes)) in snapshots {
        let ttl = millis(ROOM_KEY_TTL);
        pipe.cmd("SET")
            .arg(snap)
            .arg(bytes)
            .arg("PX")
            .arg(ttl)
            .ignore();
        pipe.cmd("PEXPIRE").arg(log).arg(ttl).ignore();
        pipe.cmd("PEXPIRE").arg(dir).arg(ttl).ignore();
    }
    for (snap, log) in forgotten {
        pipe.cmd("DEL").arg(snap).arg(log).ignore();
    }
    pipe
}
