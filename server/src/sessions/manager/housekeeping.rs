//! Work on a timer, on this node's rooms: away members whose grace ran out, empty rooms past their
//! TTL, latency reports.

use tokio::time::Instant;

use crate::protocol::LatencyReport;
use crate::sessions::{Delivery, SessionManager};

/// What a sweep did to one room.
pub enum Sweep {
    Nothing,
    Deleted,
    /// Members left (their grace ran out); these events must be sent.
    Expired(Box<Delivery>),
}

impl SessionManager {
    /// The rooms a sweep visits: every room in this node's memory.
    pub fn rooms_to_sweep(&self) -> Vec<String> {
        self.store.codes()
    }

    /// Timer work on one room: deletes it when it stayed empty past the TTL, else ends the resume
    /// graces that ran out (their events are returned with the room still locked, to be sent).
    pub async fn sweep_room(&self, code: &str) -> Sweep {
        let Some(mut room) = self.store.lock(code).await else {
            return Sweep::Nothing;
        };
        let now = Instant::now();
        if room.empty_past(now, self.limits.empty_room_ttl) {
            room.recorder().room_ended(now);
            self.store.delete(room);
            return Sweep::Deleted;
        }
        let grace = self.limits.resume_grace;
        let events = self.tracked(&mut room, |room| room.expire_away(now, grace));
        if events.is_empty() {
            return Sweep::Nothing;
        }
        match self.deliver(room, events).await {
            Ok(delivery) => Sweep::Expired(Box::new(delivery)),
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
        for code in self.store.codes() {
            let Some(mut room) = self.store.lock(&code).await else {
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
