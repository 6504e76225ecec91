//! Where a room is served: here, on its owner (`moved`), or nowhere. A room whose owner is gone
//! (its heartbeat lapsed) or released it (a graceful shutdown) is taken over by the first node
//! asked: it bumps the epoch in the directory, reads the last epoch's snapshot and log, and serves
//! the room from then on. On shutdown a node writes everything down and releases its rooms.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::directory::{Entry, OLD_EPOCH_TTL};
use super::redis::{millis, unreachable};
use super::writer::Op;
use super::{lock, Cluster};
use crate::error::JamError;
use crate::protocol::RoomEvent;
use crate::sessions::snapshot::{decode_event, RoomRecord};
use crate::sessions::takeover::Handover;
use crate::sessions::{normalize_room_code, Delivery, SessionManager};

/// A dead node's stream, once read, serves the takeovers of its rooms for this long.
const DEAD_STREAM_REUSE: Duration = Duration::from_secs(30);
/// How long a shutdown waits for Redis to take the last changes.
const RELEASE_FLUSH_LIMIT: Duration = Duration::from_secs(2);

pub enum Route {
    /// This node serves the room (it may have just taken it over).
    Here,
    /// Its owner is another live node, at this public URL.
    Moved(String),
    /// No such room in the cluster.
    Missing,
}

impl Cluster {
    /// Where the room `input` names is served. Taking a room over returns the away events it caused,
    /// for the caller to send.
    pub async fn route(
        &self,
        sessions: &SessionManager,
        input: &str,
    ) -> Result<(Route, Option<Delivery>), JamError> {
        let Some(code) = normalize_room_code(input) else {
            return Ok((Route::Missing, None));
        };
        if sessions.holds(&code) {
            return Ok((Route::Here, None));
        }
        let _one_at_a_time = self.claiming.lock().await;
        for _ in 0..3 {
            if sessions.holds(&code) {
                return Ok((Route::Here, None));
            }
            let Some(entry) = self.redis.entry(&code).await? else {
                return Ok((Route::Missing, None));
            };
            if !entry.owner.is_empty() && entry.owner != self.node_id {
                if let Some(url) = self.redis.node_url(&entry.owner).await? {
                    return Ok((Route::Moved(url), None));
                }
            }
            if let Some(epoch) = self.redis.claim(&code, &entry, &self.node_id).await? {
                return self.take_over(sessions, &code, &entry, epoch).await;
            }
        }
        Err(JamError::Unavailable(
            "the room is changing hands; try again",
        ))
    }

    /// Restores the room of `previous` (its epoch's snapshot and log) as this node's, under `epoch`.
    async fn take_over(
        &self,
        sessions: &SessionManager,
        code: &str,
        previous: &Entry,
        epoch: u64,
    ) -> Result<(Route, Option<Delivery>), JamError> {
        let (snap, log) = self.redis.room_keys(code, previous.epoch);
        let (record, events): (Option<Vec<u8>>, Vec<Vec<u8>>) = ::redis::pipe()
            .cmd("GET")
            .arg(&snap)
            .cmd("LRANGE")
            .arg(&log)
            .arg(0)
            .arg(-1)
            .cmd("PEXPIRE")
            .arg(&snap)
            .arg(millis(OLD_EPOCH_TTL))
            .ignore()
            .cmd("PEXPIRE")
            .arg(&log)
            .arg(millis(OLD_EPOCH_TTL))
            .ignore()
            .query_async(&mut self.redis.conn())
            .await
            .map_err(unreachable)?;
        let Some(record) = record.as_deref().map(RoomRecord::decode).transpose()? else {
            tracing::warn!(
                room = code,
                "a room's snapshot is gone: it cannot be taken over"
            );
            let _ = self
                .redis
                .replace(
                    code,
                    &Entry {
                        owner: self.node_id.clone(),
                        epoch,
                    },
                    None,
                )
                .await;
            return Ok((Route::Missing, None));
        };
        let handover = match previous.owner.is_empty() {
            true => Handover::Released,
            false => Handover::Crashed,
        };
        let mut replay: VecDeque<Arc<RoomEvent>> = events
            .iter()
            .filter_map(|bytes| decode_event(bytes).map(Arc::new))
            .collect();
        if handover == Handover::Crashed {
            // What the owner relayed after the room's last checkpoint is in the owner's stream.
            let mut last = replay.back().map_or(0, |e| e.seq());
            for bytes in self
                .stream_tail(&previous.owner, code, previous.epoch)
                .await?
            {
                match decode_event(&bytes) {
                    Some(event) if event.seq() > last => {
                        last = event.seq();
                        replay.push_back(Arc::new(event));
                    }
                    _ => {}
                }
            }
        }
        let capacity = sessions.limits().replay_buffer;
        let excess = replay.len().saturating_sub(capacity);
        replay.drain(..excess);
        tracing::info!(room = code, ?handover, from = %previous.owner, epoch, "taking a room over");
        lock(&self.epochs).insert(code.to_owned(), epoch);
        // The new epoch's log starts with what the room remembers, so a later takeover has it too.
        self.writer.send(Op::Append {
            code: code.to_owned(),
            epoch,
            events: replay.iter().cloned().collect(),
        });
        let delivery = sessions.adopt(record, replay, handover).await?;
        Ok((Route::Here, delivery))
    }

    /// The events of `code` under `epoch` in dead `owner`'s stream. The stream is read once per dead
    /// node and kept a little while: taking over its rooms one by one reads it once.
    async fn stream_tail(
        &self,
        owner: &str,
        code: &str,
        epoch: u64,
    ) -> Result<Vec<Vec<u8>>, JamError> {
        let cached = lock(&self.dead_streams)
            .get(owner)
            .filter(|(read_at, _)| read_at.elapsed() < DEAD_STREAM_REUSE)
            .map(|(_, index)| index.clone());
        let index = match cached {
            Some(index) => index,
            None => {
                let index = Arc::new(self.redis.read_wal(owner).await?);
                let mut streams = lock(&self.dead_streams);
                streams.retain(|_, (read_at, _)| read_at.elapsed() < DEAD_STREAM_REUSE);
                streams.insert(owner.to_owned(), (Instant::now(), index.clone()));
                index
            }
        };
        Ok(index
            .get(&(code.to_owned(), epoch))
            .cloned()
            .unwrap_or_default())
    }

    /// Shutdown: writes every room down (after which this node relays nothing more in it), waits
    /// for Redis to have it, and releases the rooms so the first node asked about one takes it over
    /// at once (without waiting for this node's heartbeat to lapse).
    pub async fn release_all(&self, sessions: &SessionManager) {
        sessions.hand_over_rooms(|room| self.snapshot(room)).await;
        // Into the rooms' own logs: a released room is restored without this node's stream.
        if !self.writer.flush(RELEASE_FLUSH_LIMIT, true).await {
            tracing::warn!("shutting down before Redis took the rooms' last changes");
            return; // not released: the rooms are taken over once this node's heartbeat lapses
        }
        let owned: Vec<(String, u64)> = lock(&self.epochs).drain().collect();
        for (code, epoch) in owned {
            let ours = Entry {
                owner: self.node_id.clone(),
                epoch,
            };
            let released = Entry {
                owner: String::new(),
                epoch,
            };
            let _ = self.redis.replace(&code, &ours, Some(&released)).await;
        }
        tracing::info!("rooms written down and released");
    }
}
