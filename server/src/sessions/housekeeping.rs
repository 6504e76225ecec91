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
    Expired(Box<Delivery>),
}

/// Which nodes are alive, asked of the store once per node per sweep; and the dead nodes this
/// sweep deals with, forgotten once every room was visited.
pub struct NodeLiveness {
    known: HashMap<String, bool>,
    dead: Vec<String>,
    incomplete: bool,
    /// Whether silent nodes may be judged dead in this sweep (see `rooms_to_sweep`).
    judge: bool,
}

impl Default for NodeLiveness {
    fn default() -> Self {
        NodeLiveness {
            known: HashMap::new(),
            dead: Vec::new(),
            incomplete: false,
            judge: true,
        }
    }
}

impl SessionManager {
    /// The rooms a sweep must visit: in memory all of them; on a cluster those whose deadline came
    /// (graces, empty-room TTL), or all of them when a node has died since the last sweep (judged
    /// only when `judge_nodes`; meanwhile a node that seems silent is left alone).
    pub async fn rooms_to_sweep(
        &self,
        judge_nodes: bool,
    ) -> Result<(Vec<String>, NodeLiveness), JamError> {
        let SessionStore::Redis(store) = &self.store else {
            return Ok((self.store.codes().await?, NodeLiveness::default()));
        };
        let dead = match judge_nodes {
            true => store.dead_nodes().await?,
            false => Vec::new(),
        };
        let mut nodes = NodeLiveness {
            judge: judge_nodes,
            ..NodeLiveness::default()
        };
        let codes = if dead.is_empty() {
            store.due_codes(self.now_ms()).await?
        } else {
            tracing::warn!(
                ?dead,
                "nodes stopped their heartbeat: their participants are away"
            );
            nodes.known = dead.iter().map(|node| (node.clone(), false)).collect();
            nodes.dead = dead;
            store.codes().await?
        };
        Ok((codes, nodes))
    }

    /// Reads the cluster's room and seat counts for this node's gauges (a no-op in memory); false
    /// when the store could not be reached.
    pub async fn refresh_counts(&self) -> bool {
        let SessionStore::Redis(store) = &self.store else {
            return true;
        };
        let (Ok(rooms), Ok(seats)) = (store.room_count().await, store.seat_count().await) else {
            return false;
        };
        self.shared_room_count.store(rooms, Ordering::Relaxed);
        self.note_shared_seats(seats);
        true
    }

    /// After visiting every room: dead nodes whose members were all marked away are forgotten.
    pub async fn finish_sweep(&self, nodes: NodeLiveness) {
        if let SessionStore::Redis(store) = &self.store {
            if !nodes.incomplete && !nodes.dead.is_empty() {
                let _ = store.forget_nodes(&nodes.dead).await;
            }
        }
    }

    /// When a room needs the sweep next: the first away member's grace end, or its empty-room TTL.
    pub(super) fn next_due_ms(&self, room: &super::Room) -> Option<f64> {
        let grace_ms = self.limits.resume_grace.as_secs_f64() * 1000.0;
        let ttl_ms = self.limits.empty_room_ttl.as_secs_f64() * 1000.0;
        let away = room.members.iter().filter_map(|m| m.away_since);
        let away_due = away.map(|at| self.clock.ms_at(at) + grace_ms);
        let empty_due = room.empty_since.map(|at| self.clock.ms_at(at) + ttl_ms);
        away_due.chain(empty_due).min_by(f64::total_cmp)
    }

    /// Timer work on one room: deletes it when it stayed empty past the TTL, else marks away the
    /// members of dead nodes and ends the resume graces that ran out (their events are returned
    /// with the room still locked, to be sent).
    pub async fn sweep_room(&self, code: &str, nodes: &mut NodeLiveness) -> Sweep {
        let mut room = match self
            .store
            .lock(code, WithReplay::No, &self.room_config)
            .await
        {
            Ok(Some(room)) => room,
            Ok(None) => return Sweep::Nothing,
            Err(_) => {
                nodes.incomplete = true;
                return Sweep::Nothing;
            }
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
        if let (SessionStore::Redis(store), true) = (&self.store, nodes.judge) {
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
            // Due too early (another node's clock) or nothing left to do: set its next deadline.
            if self.store.is_shared() {
                let _ = self.deliver(room, events).await;
            }
            return Sweep::Nothing;
        }
        match self.deliver(room, events).await {
            Ok(delivery) => Sweep::Expired(Box::new(delivery)),
            Err(_) => {
                nodes.incomplete = true;
                Sweep::Nothing
            }
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
        let codes = match &self.store {
            SessionStore::Redis(store) => store.latency_codes().await,
            memory => memory.codes().await,
        };
        for code in codes.unwrap_or_default() {
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
