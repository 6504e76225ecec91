//! Presence within a room: a member whose connection dropped is held "away" for a resume, leaves
//! for good when the grace runs out, or comes back with its token and gets what it missed.

use tokio::time::Instant;

use super::{Resumed, Room, Sequenced};
use crate::error::JamError;
use crate::protocol::{LeaveReason, MissedEvent, RoomEvent, UserPresence};
use crate::sessions::connections::codes::{constant_time_eq, new_resume_token};
use crate::sessions::ConnId;

impl Room {
    /// The connection dropped without saying goodbye: hold the seat and tell the others.
    pub(in crate::sessions) fn mark_away(&mut self, index: usize, now: Instant) -> Sequenced {
        let member = &mut self.members[index];
        member.conn = None;
        member.away_since = Some(now);
        member.participant.away = true;
        let user_id = member.participant.id.clone();
        self.push(false, |room_code, seq| {
            RoomEvent::UserAway(UserPresence {
                user_id,
                room_code,
                seq,
            })
        })
    }

    /// Members connected through a node that died are away from now on, as if their connection dropped.
    pub(in crate::sessions) fn mark_dead_nodes_away(
        &mut self,
        is_dead: impl Fn(&str) -> bool,
        now: Instant,
    ) -> Vec<Sequenced> {
        let lost: Vec<usize> = (0..self.members.len())
            .filter(|&i| self.members[i].conn.is_some() && is_dead(&self.members[i].node))
            .collect();
        lost.into_iter().map(|i| self.mark_away(i, now)).collect()
    }

    /// Members away for at least `grace` leave for good.
    pub(in crate::sessions) fn expire_away(
        &mut self,
        now: Instant,
        grace: std::time::Duration,
    ) -> Vec<Sequenced> {
        let mut events = Vec::new();
        while let Some(index) = self
            .members
            .iter()
            .position(|m| m.away_since.is_some_and(|since| now >= since + grace))
        {
            events.extend(self.remove(index, LeaveReason::Timeout, now));
        }
        events
    }

    /// Re-attaches the member holding `token` to `conn`, rotating the token.
    pub(in crate::sessions) fn resume(
        &mut self,
        token: &str,
        conn: ConnId,
        last_seq: u64,
        now_ms: f64,
    ) -> Result<Resumed, JamError> {
        let index = self.index_of_token(token).ok_or(JamError::ResumeFailed)?;
        let new_token = new_resume_token()?;
        let member = &mut self.members[index];
        member.token = new_token;
        let previous_conn = member.conn.replace(conn);
        member.node = self.node_id.clone();
        let was_away = member.away_since.take().is_some();
        member.participant.away = false;
        let user_id = member.participant.id.clone();
        let (missed, gap) = self.missed_since(last_seq, &user_id);
        let mut events = Vec::new();
        if was_away {
            events.push(self.push(true, |room_code, seq| {
                RoomEvent::UserBack(UserPresence {
                    user_id,
                    room_code,
                    seq,
                })
            }));
        }
        let session = self.snapshot(index, now_ms);
        Ok(Resumed {
            session,
            missed,
            gap,
            previous_conn,
            events,
        })
    }

    /// Scans every member so the time taken does not depend on which one matches.
    fn index_of_token(&self, token: &str) -> Option<usize> {
        let mut found = None;
        for (index, member) in self.members.iter().enumerate() {
            if constant_time_eq(&member.token, token) {
                found = Some(index);
            }
        }
        found
    }

    /// Buffered events after `last_seq`, minus the member's own broadcasts; `gap` when some are gone.
    pub(in crate::sessions) fn missed_since(
        &self,
        last_seq: u64,
        member_id: &str,
    ) -> (Vec<MissedEvent>, bool) {
        let oldest = self.replay.front().map(|e| e.seq());
        let gap = last_seq < self.unsure_below
            || (last_seq < self.seq && oldest.is_none_or(|oldest| oldest > last_seq + 1));
        let missed = self
            .replay
            .iter()
            .filter(|e| e.seq() > last_seq)
            .filter(|e| !matches!(&***e, RoomEvent::Broadcast(b) if b.sender_id == member_id))
            .map(|e| MissedEvent {
                event: e.name().to_owned(),
                data: e.clone(),
            })
            .collect();
        (missed, gap)
    }
}
