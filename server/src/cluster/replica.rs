//! The cluster's side of the SessionManager's [`Replica`]: every change of a room is queued for the
//! writer (its events always, its state unless the change only relayed events), and what nodes
//! share goes to Redis without holding anyone up.

use std::net::IpAddr;
use std::sync::Arc;

use super::writer::Op;
use super::{lock, Cluster};
use crate::error::JamError;
use crate::protocol::RoomEvent;
use crate::recording::Take;
use crate::sessions::replica::{BoxFuture, Replica};
use crate::sessions::snapshot::RoomRecord;
use crate::sessions::{Room, Sequenced};

impl Cluster {
    /// Queues the room's state for Redis, if this node owns it.
    pub(super) fn snapshot(&self, room: &Room) {
        let code = room.code();
        if let Some(epoch) = self.epoch_of(code) {
            let record = Box::new(RoomRecord::of(room));
            let code = code.to_owned();
            self.writer.send(Op::Snapshot {
                code,
                epoch,
                record,
            });
        }
    }
}

impl Replica for Cluster {
    fn reserve(&self, code: &str) -> BoxFuture<'_, Result<bool, JamError>> {
        let code = code.to_owned();
        Box::pin(async move {
            let reserved = self.redis.reserve(&code, &self.node_id).await?;
            if reserved {
                lock(&self.epochs).insert(code, 1);
            }
            Ok(reserved)
        })
    }

    fn created(&self, room: &Room) {
        self.snapshot(room);
    }

    fn changed(&self, room: &Room, events: &[Sequenced]) {
        if events.is_empty() {
            return;
        }
        let code = room.code();
        let Some(epoch) = self.epoch_of(code) else {
            return; // not ours (any more): a node that lost the room writes nothing
        };
        let appended = events.iter().map(|e| e.event.clone()).collect();
        self.writer.send(Op::Append {
            code: code.to_owned(),
            epoch,
            events: appended,
        });
        let relayed_only = events
            .iter()
            .all(|e| matches!(*e.event, RoomEvent::Broadcast(_)));
        if !relayed_only {
            self.snapshot(room);
        }
    }

    fn deleted(&self, room: &Room) {
        let code = room.code().to_owned();
        let Some(epoch) = lock(&self.epochs).remove(&code) else {
            return;
        };
        self.writer.send(Op::Forget {
            code: code.clone(),
            epoch,
        });
        let redis = self.redis.clone();
        let entry = super::directory::Entry {
            owner: self.node_id.clone(),
            epoch,
        };
        tokio::spawn(async move {
            let _ = redis.replace(&code, &entry, None).await;
        });
    }

    fn keep_take(&self, room_code: &str, take_id: &str, take: Arc<Take>) {
        let (redis, code, id) = (self.redis.clone(), room_code.to_owned(), take_id.to_owned());
        tokio::spawn(async move {
            if redis.keep_take(&code, &id, &take).await.is_err() {
                tracing::warn!(
                    take = id,
                    "a finished take could not be shared with the cluster"
                );
            }
        });
    }

    fn take(&self, take_id: &str) -> BoxFuture<'_, Option<(String, Take)>> {
        let take_id = take_id.to_owned();
        Box::pin(async move { self.redis.take(&take_id).await.ok().flatten() })
    }

    fn expire_takes(&self, take_ids: Vec<String>, ttl: std::time::Duration) {
        if take_ids.is_empty() {
            return;
        }
        let redis = self.redis.clone();
        tokio::spawn(async move {
            let _ = redis.expire_takes(&take_ids, ttl).await;
        });
    }

    fn misses(&self, ip: IpAddr) -> BoxFuture<'_, Result<u32, JamError>> {
        Box::pin(async move { self.redis.misses(ip).await })
    }

    fn record_miss(&self, ip: IpAddr) {
        let redis = self.redis.clone();
        tokio::spawn(async move {
            let _ = redis.record_miss(ip).await;
        });
    }

    fn cluster_counts(&self) -> Option<(usize, usize)> {
        *lock(&self.counts)
    }
}
