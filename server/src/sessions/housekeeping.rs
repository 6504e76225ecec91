//! Work on a timer: away members whose grace ran out, members of nodes that died, empty rooms past
//! their TTL, latency reports. On a cluster, one node at a time does it (see `app.rs`).

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use tokio::time::Instant;

use super::store::{SessionStore, WithReplay};
use super::{Delivery, SessionManager};
use crate::error::JamError;
use crate::protocol::LatencyReport;

/// What a sweep did to one room.
pub enum Sweep {
    Nothing,
    Deleted,
    /// Members left or went away (grace over, node dead); these events must be sent.
    Expired(Delivery),
}

/// Which nodes are alive, asked of the store once per node per sweep.
#[derive(Default)]
pub struct NodeLiveness {
    known: HashMap<String, bool>,
}

impl SessionManager {
    /// Codes of every live room, for a sweep that visits them one at a time.
    pub async fn room_codes(&self) -> Result<Vec<String>, JamError> {
        let codes = self.store.codes().await?;
        if let SessionStore::Redis(store) = &self.store {
            self.shared_room_count.store(codes.len(), Ordering::Relaxed);
            self.note_shared_seats(store.seat_count().await?);
        }
        Ok(codes)
    }

    /// Timer work on one room: deletes it when it stayed empty past the TTL, else marks away the
    /// members of dead nodes and ends the resume graces that ran out (their events are returned
    /// with the room still locked, to be sent).
    pub async fn sweep_room(&self, code: &str, nodes: &mut NodeLiveness) -> Sweep {
        let Ok(Some(mut room)) = self
            .store
            .lock(code, WithReplay::No, &self.room_config)
            .await
        else {
            return Sweep::Nothing;
        };
        let now = Instant::now();
        if room
            .empty_since
            .is_some_and(|since| now >= since + self.limits.empty_room_ttl)
        {
            room.recorder.room_ended(now);
            if self.store.delete(room).await.is_err() {
                return Sweep::Nothing;
            }
            if self.store.is_shared() {
                let _ = self.shared_room_count.fetch_update(
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                    |n| n.checked_sub(1),
                );
            }
            return Sweep::Deleted;
        }
        let mut events = Vec::new();
        if let SessionStore::Redis(store) = &self.store {
            for member in &room.members {
                let node = member.node.to_string();
                if member.conn.is_some() && !nodes.known.contains_key(&node) {
                    let alive =
                        *node == *self.node_id() || store.is_alive(&node).await.unwrap_or(true);
                    nodes.known.insert(node, alive);
                }
            }
            let dead = |node: &str| nodes.known.get(node) == Some(&false);
            events.extend(room.mark_dead_nodes_away(dead, now));
        }
        let grace = self.limits.resume_grace;
        events.extend(self.tracked(&mut room, |room| room.expire_away(now, grace)));
        if events.is_empty() {
            return Sweep::Nothing;
        }
        match self.deliver(room, events).await {
            Ok(delivery) => Sweep::Expired(delivery),
            Err(_) => Sweep::Nothing,
        }
    }

    /// Forgets per-IP counters whose minute is over.
    pub fn prune_counters(&self) {
        self.conns.prune(Instant::now());
        self.takes.prune(Instant::now());
    }

    /// A report for each room whose members' round trips changed since the last one.
    pub async fn latency_reports(&self) -> Vec<LatencyReport> {
        let mut reports = Vec::new();
        for code in self.store.codes().await.unwrap_or_default() {
            let Ok(Some(mut room)) = self
                .store
                .lock(&code, WithReplay::No, &self.room_config)
                .await
            else {
                continue;
            };
            if let Some(report) = room.take_latency_report() {
                if self.deliver(room, Vec::new()).await.is_ok() {
                    reports.push(report);
                }
            }
        }
        reports
    }
}
