//! One room's state and its membership rules: members in join order, host succession, away/resume,
//! and the per-room sequence of events with its replay buffer. Time mostly comes in as arguments;
//! joining and leaving read the server clock the room was given, for the recording's timeline.
//! The host's commands are dispatched in `command.rs` (the host checked once); their rules and
//! relaying live in `rules.rs`, `roles.rs` and `takes.rs`; the fields are private to this folder.

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::time::Instant;

use crate::error::JamError;
use crate::protocol::{
    ChatMessage, HostChanged, Instrument, LeaveReason, MissedEvent, Participant, Role, RoomEvent,
    SessionJoined, UserJoined, UserLeft, You,
};
use crate::recording::{StopReason, Take};
use crate::sessions::clock::ServerClock;
use crate::sessions::connections::codes::{new_participant_id, new_resume_token};
use crate::sessions::settings::Settings;
use crate::sessions::take_store::TakeStore;
use crate::sessions::transport::Transport;
use crate::sessions::ConnId;

mod chat;
mod command;
mod presence;
mod record;
mod roles;
mod rules;
mod takes;

pub use chat::chat_text;
pub use command::{HostCommand, Now};
pub use takes::Recorder;

pub(super) struct Member {
    participant: Participant,
    /// None while away.
    conn: Option<ConnId>,
    token: String,
    away_since: Option<Instant>,
    rtt_ms: Option<f64>,
    /// The node its connection is on (one id per server process), so that when a node dies the
    /// others know whose connections died with it.
    node: Arc<str>,
}

/// A room event with its audience: everyone in the room, or everyone but the member who caused it.
#[derive(Debug, Clone)]
pub struct Sequenced {
    pub event: Arc<RoomEvent>,
    pub to_others: bool,
}

pub struct Room {
    code: String,
    /// In join order; the order decides host succession.
    members: Vec<Member>,
    host_id: Option<String>,
    settings: Settings,
    transport: Transport,
    seq: u64,
    replay: VecDeque<Arc<RoomEvent>>,
    replay_capacity: usize,
    server_max_participants: u32,
    /// Set while nobody (present or away) is in the room.
    empty_since: Option<Instant>,
    /// Set when the room is deleted, for anyone who looked it up before and locks it after.
    deleted: bool,
    latency_dirty: bool,
    /// After this node took the room over from one that died: events up to here may have been
    /// relayed there and lost, so a resume from before it is told `gap`.
    unsure_below: u64,
    recorder: Recorder,
    /// Most listeners at once (`--max-listeners`).
    max_listeners: usize,
    /// The last `CHAT_HISTORY` chat messages, for joiners.
    chat: VecDeque<ChatMessage>,
    clock: ServerClock,
    /// This server's node id, given to members who join or resume through it.
    node_id: Arc<str>,
}

/// What every room of a server shares: its buffers' sizes, the take store and the clock.
#[derive(Clone)]
pub struct RoomConfig {
    pub replay_capacity: usize,
    pub takes: Arc<TakeStore>,
    pub max_recording_events: usize,
    pub max_listeners: usize,
    pub clock: ServerClock,
    pub node_id: Arc<str>,
}

/// A successful resume: the new session, what was missed, and the connection it took over (if any).
#[derive(Debug)]
pub struct Resumed {
    pub session: SessionJoined,
    pub missed: Vec<MissedEvent>,
    pub gap: bool,
    pub previous_conn: Option<ConnId>,
    pub events: Vec<Sequenced>,
}

impl Room {
    pub fn new(code: String, settings: Settings, config: &RoomConfig, now: Instant) -> Room {
        Room {
            code,
            members: Vec::new(),
            host_id: None,
            server_max_participants: settings.max_participants,
            transport: Transport::stopped(settings.bpm),
            settings,
            seq: 0,
            replay: VecDeque::new(),
            replay_capacity: config.replay_capacity,
            empty_since: Some(now),
            deleted: false,
            latency_dirty: false,
            unsure_below: 0,
            recorder: Recorder::new(config.takes.clone(), config.max_recording_events),
            chat: VecDeque::new(),
            max_listeners: config.max_listeners,
            clock: config.clock,
            node_id: config.node_id.clone(),
        }
    }

    /// The room's code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The room's latest sequence number.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    pub(in crate::sessions) fn len(&self) -> usize {
        self.members.len()
    }

    /// True once the room has been empty (nobody present or away) for `ttl`.
    pub(in crate::sessions) fn empty_past(&self, now: Instant, ttl: std::time::Duration) -> bool {
        self.empty_since.is_some_and(|since| now >= since + ttl)
    }

    /// Set when the room is deleted (or handed over), for anyone who looked it up before and
    /// locks it after.
    pub(in crate::sessions) fn mark_deleted(&mut self) {
        self.deleted = true;
    }

    pub(in crate::sessions) fn is_deleted(&self) -> bool {
        self.deleted
    }

    /// After a takeover, sequence numbers continue past the last event of the log; after a crash
    /// they also jump `crash_jump` ahead, and a resume from below that is told it may have missed
    /// events (`gap`): the dead node may have relayed some that never reached the log.
    pub(in crate::sessions) fn continue_sequence(&mut self, crash_jump: Option<u64>) {
        if let Some(last) = self.replay.back().map(|event| event.seq()) {
            self.seq = self.seq.max(last);
        }
        if let Some(jump) = crash_jump {
            self.seq += jump;
            self.unsure_below = self.seq;
        }
    }

    /// The room's recorder: its takes, running and finished.
    pub(in crate::sessions) fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// Finished takes not yet handed to the store.
    pub(in crate::sessions) fn drain_finished_takes(&mut self) -> Vec<(String, Arc<Take>)> {
        self.recorder.drain_finished()
    }

    pub(super) fn index_of_conn(&self, conn: &ConnId) -> Option<usize> {
        self.members
            .iter()
            .position(|m| m.conn.as_ref() == Some(conn))
    }

    pub(super) fn index_of_id(&self, id: &str) -> Option<usize> {
        self.members.iter().position(|m| m.participant.id == id)
    }

    /// The member `conn` is, or `not_in_room`.
    pub(super) fn member_index(&self, conn: &ConnId) -> Result<usize, JamError> {
        self.index_of_conn(conn)
            .ok_or_else(|| JamError::NotInRoom(self.code.clone()))
    }

    /// Gives the event the next seq, keeps it in the replay buffer, and returns it for sending.
    pub(super) fn push(
        &mut self,
        to_others: bool,
        make: impl FnOnce(String, u64) -> RoomEvent,
    ) -> Sequenced {
        self.seq += 1;
        let event = Arc::new(make(self.code.clone(), self.seq));
        if self.replay.len() == self.replay_capacity {
            self.replay.pop_front();
        }
        if self.replay_capacity > 0 {
            self.replay.push_back(event.clone());
        }
        Sequenced { event, to_others }
    }

    /// What `session:joined` tells member `index`.
    pub(super) fn snapshot(&self, index: usize, now_ms: f64) -> SessionJoined {
        let member = &self.members[index];
        SessionJoined {
            room_code: self.code.clone(),
            participants: self.members.iter().map(|m| m.participant.clone()).collect(),
            you: You {
                id: member.participant.id.clone(),
                resume_token: member.token.clone(),
            },
            host_id: self.host_id.clone(),
            settings: self.settings.clone(),
            transport: self.transport.settled(now_ms),
            recording: self.recorder.status(),
            seq: self.seq,
            server_time: now_ms,
            chat: self.chat.iter().cloned().collect(),
        }
    }

    /// Adds a member; the first player becomes host. Returns its index and the `user-joined` event.
    pub(super) fn admit(
        &mut self,
        name: String,
        role: Role,
        conn: ConnId,
    ) -> Result<(usize, Sequenced), JamError> {
        self.check_admission(role)?;
        let participant = Participant {
            id: new_participant_id()?,
            name,
            away: false,
            role,
            instrument: Instrument::default(),
        };
        let token = new_resume_token()?;
        if self.host_id.is_none() && (role == Role::Player || self.members.is_empty()) {
            self.host_id = Some(participant.id.clone());
        }
        self.recorder.joined(self.clock.now_ms(), &participant);
        self.members.push(Member {
            participant: participant.clone(),
            conn: Some(conn),
            token,
            away_since: None,
            rtt_ms: None,
            node: self.node_id.clone(),
        });
        self.empty_since = None;
        let event = self.push(true, |room_code, seq| {
            RoomEvent::UserJoined(UserJoined {
                user: participant,
                room_code,
                seq,
            })
        });
        Ok((self.members.len() - 1, event))
    }

    /// Removes member `index`: `user-left`, then `host-changed` if it was the host.
    pub(super) fn remove(
        &mut self,
        index: usize,
        reason: LeaveReason,
        now: Instant,
    ) -> Vec<Sequenced> {
        let member = self.members.remove(index);
        let user_id = member.participant.id;
        let now_ms = self.clock.now_ms();
        self.recorder.left(now_ms, &user_id);
        let mut events = vec![self.push(false, |room_code, seq| {
            RoomEvent::UserLeft(UserLeft {
                user_id: user_id.clone(),
                room_code,
                seq,
                reason,
            })
        })];
        if self.host_id.as_deref() == Some(user_id.as_str()) {
            self.host_id = None;
            events.extend(self.elect_host());
        }
        if self.members.is_empty() {
            self.empty_since = Some(now);
            events.extend(self.finish_take(now_ms, StopReason::RoomEnded));
        }
        events
    }

    /// The earliest-joined present player becomes host, else the earliest-joined away player, else
    /// (a room of listeners) the earliest-joined present member, else anyone.
    fn elect_host(&mut self) -> Option<Sequenced> {
        let player = |m: &&Member| m.participant.role == Role::Player;
        let members = &self.members;
        let next = members
            .iter()
            .filter(player)
            .find(|m| m.conn.is_some())
            .or_else(|| members.iter().find(player))
            .or_else(|| members.iter().find(|m| m.conn.is_some()))
            .or_else(|| members.first())?;
        let host_id = next.participant.id.clone();
        Some(self.set_host(host_id))
    }

    pub(super) fn set_host(&mut self, host_id: String) -> Sequenced {
        self.host_id = Some(host_id.clone());
        self.push(false, |room_code, seq| {
            RoomEvent::HostChanged(HostChanged {
                host_id,
                room_code,
                seq,
            })
        })
    }
}

#[cfg(test)]
mod tests;
