//! Writes rooms' events and snapshots to Redis behind the rooms' backs. Changes are queued without
//! waiting and sent together in one pipeline after `--log-flush` (or at once when someone waits for
//! them, a join's seat): all new events of all rooms as **one** entry of this node's stream (./wal.rs),
//! new snapshots, and, once a second per room that has new events (a checkpoint), one `RPUSH` of them
//! to the room's own log (now and then an `LTRIM`). So a relayed event costs Redis a small fraction
//! of a command, and a node that dies loses at most the last batch. While Redis is away everything
//! waits and is sent once it is back.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use tokio::sync::{mpsc, oneshot, Notify};
use tokio::time::Instant;

use super::directory::ROOM_KEY_TTL;
use super::redis::{millis, Redis};
use super::wal;
use crate::protocol::RoomEvent;
use crate::sessions::snapshot::{encode_event, RoomRecord};

/// A room's new events reach its own log at most this long after the first of them (until then
/// they are in the node's stream only).
const CHECKPOINT: Duration = Duration::from_secs(1);
/// How long to wait before sending again after Redis failed.
const RETRY_INTERVAL: Duration = Duration::from_millis(500);
/// Batches kept for the stream while Redis is away; beyond this the oldest are dropped (and
/// logged): their events still reach the rooms' logs at the next checkpoint.
const MAX_STREAM_BACKLOG: usize = 200_000;

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
    /// Answered once everything queued before it is in Redis; with `checkpoint`, in the rooms'
    /// own logs too (a node handing its rooms over: nobody will read its stream).
    Flush {
        done: oneshot::Sender<()>,
        checkpoint: bool,
    },
}

#[derive(Clone)]
pub struct Writer {
    tx: mpsc::UnboundedSender<Op>,
    /// False while Redis refuses the writes: nobody waits for them then.
    healthy: Arc<AtomicBool>,
    /// Cuts a batch's wait short when someone waits for it (a join's seat).
    hurry: Arc<Notify>,
    /// The writer task, for tests that kill a node.
    #[cfg(test)]
    task: tokio::task::AbortHandle,
}

impl Writer {
    /// Starts the writer task for the node whose stream is `wal_key`; logs are trimmed to about
    /// `replay_capacity` events. Changes gather for `interval` (`--log-flush`) before they are
    /// sent: the most a node that dies can take with it. Each pipeline costs Redis ~40 µs whatever
    /// it carries (docs/benchmarks.md): a longer interval makes fewer, fuller ones.
    pub fn start(
        redis: Redis,
        wal_key: String,
        replay_capacity: usize,
        interval: Duration,
    ) -> Writer {
        let (tx, rx) = mpsc::unbounded_channel();
        let healthy = Arc::new(AtomicBool::new(true));
        let hurry = Arc::new(Notify::new());
        let queue = Queue::new(wal_key, replay_capacity.max(1));
        let task = run(redis, rx, queue, interval, healthy.clone(), hurry.clone());
        let _task = tokio::spawn(task).abort_handle();
        Writer {
            tx,
            healthy,
            hurry,
            #[cfg(test)]
            task: _task,
        }
    }

    /// Stops writing at once, as a node killed with -9 does (tests).
    #[cfg(test)]
    pub fn halt(&self) {
        self.task.abort();
    }

    pub fn send(&self, op: Op) {
        let _ = self.tx.send(op);
    }

    /// Waits until everything queued so far is in Redis (with `checkpoint`, in the rooms' own logs
    /// too), or `limit` passed; false then. Returns at once (false) while Redis refuses the writes.
    pub async fn flush(&self, limit: Duration, checkpoint: bool) -> bool {
        if !self.healthy.load(Ordering::Relaxed) {
            return false;
        }
        let (done, flushed) = oneshot::channel();
        self.send(Op::Flush { done, checkpoint });
        self.hurry.notify_one();
        matches!(tokio::time::timeout(limit, flushed).await, Ok(Ok(())))
    }
}

async fn run(
    redis: Redis,
    mut rx: mpsc::UnboundedReceiver<Op>,
    mut queue: Queue,
    interval: Duration,
    healthy: Arc<AtomicBool>,
    hurry: Arc<Notify>,
) {
    loop {
        if !queue.has_news() {
            // Nothing to send but perhaps checkpoints to come: wait for a change or for those.
            let due = queue.next_checkpoint();
            tokio::select! {
                op = rx.recv() => match op {
                    Some(op) => queue.absorb(&redis, op),
                    None => return,
                },
                _ = tokio::time::sleep_until(due.unwrap_or_else(Instant::now)), if due.is_some() => {}
            }
        }
        if queue.has_news() {
            // Asleep, the task is not woken by each change queued meanwhile: one wake-up per batch.
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = hurry.notified() => {}
            }
        }
        while let Ok(op) = rx.try_recv() {
            queue.absorb(&redis, op);
        }
        let (pipe, checkpointed) = queue.batch(&redis, Instant::now());
        let sent = match pipe.is_empty() {
            true => Ok(()), // only flushes were waiting
            false => pipe.query_async::<()>(&mut redis.conn()).await,
        };
        match sent {
            Ok(()) => {
                healthy.store(true, Ordering::Relaxed);
                queue.sent(&checkpointed);
            }
            Err(err) => {
                healthy.store(false, Ordering::Relaxed);
                tracing::warn!(%err, "room changes not written; retrying");
                tokio::time::sleep(RETRY_INTERVAL).await;
            }
        }
    }
}

/// A room's events not in its own log yet.
struct Unsaved {
    since: Instant,
    events: Vec<Vec<u8>>,
}

/// What the writer holds between batches. A failed pipeline changes nothing here: it is all sent
/// again.
struct Queue {
    wal_key: String,
    capacity: usize,
    /// New events for the stream: the entry being built (./wal.rs's format) and its batches.
    stream: Vec<u8>,
    stream_batches: usize,
    /// Logged once per outage.
    stream_overflowed: bool,
    /// By room code and epoch.
    unsaved: IndexMap<(String, u64), Unsaved>,
    since_trim: HashMap<String, usize>,
    /// By snapshot key: (log key, directory key, bytes).
    snapshots: IndexMap<String, (String, String, Vec<u8>)>,
    forgotten: Vec<(String, String)>,
    waiting: Vec<oneshot::Sender<()>>,
    checkpoint_all: bool,
}

impl Queue {
    fn new(wal_key: String, capacity: usize) -> Queue {
        Queue {
            wal_key,
            capacity,
            stream: Vec::new(),
            stream_batches: 0,
            stream_overflowed: false,
            unsaved: IndexMap::new(),
            since_trim: HashMap::new(),
            snapshots: IndexMap::new(),
            forgotten: Vec::new(),
            waiting: Vec::new(),
            checkpoint_all: false,
        }
    }

    /// Something to send now (checkpoints alone wait for their time).
    fn has_news(&self) -> bool {
        !(self.stream.is_empty()
            && self.snapshots.is_empty()
            && self.forgotten.is_empty()
            && self.waiting.is_empty())
    }

    fn next_checkpoint(&self) -> Option<Instant> {
        self.unsaved.values().map(|u| u.since + CHECKPOINT).min()
    }

    fn absorb(&mut self, redis: &Redis, op: Op) {
        match op {
            Op::Append {
                code,
                epoch,
                events,
            } => {
                let encoded: Vec<Vec<u8>> =
                    events.iter().filter_map(|e| encode_event(e).ok()).collect();
                if self.stream_batches >= MAX_STREAM_BACKLOG {
                    if !std::mem::replace(&mut self.stream_overflowed, true) {
                        tracing::error!(
                            "Redis has been away too long: batches skip the node's stream (the \
                             rooms' logs still get them at their next checkpoint)"
                        );
                    }
                } else {
                    wal::encode_into(&mut self.stream, &code, epoch, &encoded);
                    self.stream_batches += 1;
                }
                let unsaved = self
                    .unsaved
                    .entry((code, epoch))
                    .or_insert_with(|| Unsaved {
                        since: Instant::now(),
                        events: Vec::new(),
                    });
                unsaved.events.extend(encoded);
                // Only the last `capacity` can ever be replayed.
                let excess = unsaved.events.len().saturating_sub(self.capacity);
                unsaved.events.drain(..excess);
            }
            Op::Snapshot {
                code,
                epoch,
                record,
            } => {
                let (snap, log) = redis.room_keys(&code, epoch);
                if let Ok(bytes) = record.encode() {
                    self.snapshots
                        .insert(snap, (log, redis.dir_key(&code), bytes));
                }
            }
            Op::Forget { code, epoch } => {
                let (snap, log) = redis.room_keys(&code, epoch);
                self.unsaved.shift_remove(&(code, epoch));
                self.snapshots.shift_remove(&snap);
                self.since_trim.remove(&log);
                self.forgotten.push((snap, log));
            }
            Op::Flush { done, checkpoint } => {
                self.waiting.push(done);
                self.checkpoint_all |= checkpoint;
            }
        }
    }

    /// One pipeline: the stream entry, the checkpoints due, the snapshots, the deletions. Returns
    /// the logs it checkpoints.
    fn batch(&mut self, redis: &Redis, now: Instant) -> (redis::Pipeline, Vec<(String, u64)>) {
        let mut pipe = redis::pipe();
        if !self.stream.is_empty() {
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64);
            wal::append(&mut pipe, &self.wal_key, now_ms, &self.stream);
        }
        let mut checkpointed = Vec::new();
        for ((code, epoch), unsaved) in &self.unsaved {
            if !(self.checkpoint_all || now >= unsaved.since + CHECKPOINT) {
                continue;
            }
            checkpointed.push((code.clone(), *epoch));
            if unsaved.events.is_empty() {
                continue;
            }
            let (_, log) = redis.room_keys(code, *epoch);
            let log = &log;
            pipe.cmd("RPUSH").arg(log).arg(&unsaved.events).ignore();
            let count = self.since_trim.entry(log.clone()).or_default();
            *count += unsaved.events.len();
            if *count >= self.capacity {
                *count = 0;
                pipe.cmd("LTRIM")
                    .arg(log)
                    .arg(-(self.capacity as i64))
                    .arg(-1)
                    .ignore();
            }
        }
        let ttl = millis(ROOM_KEY_TTL);
        for (snap, (log, dir, bytes)) in &self.snapshots {
            pipe.cmd("SET")
                .arg(snap)
                .arg(bytes)
                .arg("PX")
                .arg(ttl)
                .ignore();
            pipe.cmd("PEXPIRE").arg(log).arg(ttl).ignore();
            pipe.cmd("PEXPIRE").arg(dir).arg(ttl).ignore();
        }
        for (snap, log) in &self.forgotten {
            pipe.cmd("DEL").arg(snap).arg(log).ignore();
        }
        (pipe, checkpointed)
    }

    /// The batch is in Redis: forget it and answer who waited.
    fn sent(&mut self, checkpointed: &[(String, u64)]) {
        self.stream.clear();
        self.stream_batches = 0;
        self.stream_overflowed = false;
        for room in checkpointed {
            self.unsaved.shift_remove(room);
        }
        self.snapshots.clear();
        self.forgotten.clear();
        self.checkpoint_all = false;
        for done in self.waiting.drain(..) {
            let _ = done.send(());
        }
    }
}
