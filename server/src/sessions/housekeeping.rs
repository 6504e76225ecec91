//! Work on a timer: away members whose grace ran out, empty rooms past their TTL, latency reports.

use std::sync::atomic::Ordering;

use tokio::time::Instant;

use super::{Delivery, RoomCell, SessionManager};

/// What a sweep did to one room.
pub enum Sweep {
    Nothing,
    Deleted,
    /// Away members whose grace ran out left; these events must be sent.
    Expired(Delivery),
}
use crate::protocol::LatencyReport;

impl SessionManager {
    fn all_rooms(&self) -> Vec<RoomCell> {
        let mut cells = Vec::with_capacity(self.room_count());
        self.rooms
            .for_each_shard(|shard| cells.extend(shard.values().cloned()));
        cells
    }

    /// Codes of every live room, for a sweep that visits them one at a time.
    pub fn room_codes(&self) -> Vec<String> {
        let mut codes = Vec::with_capacity(self.room_count());
        self.rooms
            .for_each_shard(|shard| codes.extend(shard.keys().cloned()));
        codes
    }

    /// Timer work on one room: deletes it when it stayed empty past the TTL, else ends the resume
    /// graces that ran out (their events are returned with the room still locked, to be sent).
    pub async fn sweep_room(&self, code: &str) -> Sweep {
        let Some(cell) = self.rooms.lock(code).get(code).cloned() else {
            return Sweep::Nothing;
        };
        let mut room = cell.lock_owned().await;
        let now = Instant::now();
        if room.deleted {
            return Sweep::Nothing;
        }
        if room
            .empty_since
            .is_some_and(|since| now >= since + self.limits.empty_room_ttl)
        {
            room.deleted = true;
            room.recorder.room_ended(now);
            self.rooms.lock(code).remove(code);
            self.room_count.fetch_sub(1, Ordering::Relaxed);
            return Sweep::Deleted;
        }
        let grace = self.limits.resume_grace;
        let events = self.tracked(&mut room, |room| room.expire_away(now, grace));
        if events.is_empty() {
            return Sweep::Nothing;
        }
        Sweep::Expired(Self::deliver(room, events))
    }

    /// Forgets per-IP counters whose minute is over.
    pub fn prune_counters(&self) {
        self.conns.prune(Instant::now());
        self.takes.prune(Instant::now());
    }

    /// A report for each room whose members' round trips changed since the last one.
    pub async fn latency_reports(&self) -> Vec<LatencyReport> {
        let mut reports = Vec::new();
        for cell in self.all_rooms() {
            if let Some(report) = cell.lock().await.take_latency_report() {
                reports.push(report);
            }
        }
        reports
    }
}
