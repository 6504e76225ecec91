//! Room rules: host succession, seq and replay bounds, away/resume, host commands.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::command::Applied;
use super::*;
use crate::error::ErrorCode;
use crate::protocol::{LeaveReason, Role, RoomEvent};
use crate::relay_value::RelayValue;
use crate::sessions::clock::ServerClock;
use crate::sessions::settings::{Settings, SettingsPatch};
use crate::sessions::take_store::TakeStore;

/// Runs a host command as member `who`'s connection at server time `ms`.
fn command(room: &mut Room, who: &str, command: HostCommand, ms: f64) -> Result<Applied, JamError> {
    let now = Now {
        ms,
        instant: Instant::now(),
    };
    room.apply(&conn(who), &command, now)
}

/// The room events of a host command that succeeded.
fn events(applied: Result<Applied, JamError>) -> Vec<Sequenced> {
    applied.unwrap().events
}

fn room(capacity: usize) -> Room {
    let config = RoomConfig {
        replay_capacity: capacity,
        takes: Arc::new(TakeStore::new(Duration::from_secs(60))),
        max_recording_events: 100,
        max_listeners: 2,
        clock: ServerClock::new(),
        node_id: Arc::from("node"),
    };
    Room::new(
        "ABCDEF".into(),
        Settings::defaults(16),
        &config,
        Instant::now(),
    )
}

fn conn(name: &str) -> ConnId {
    Arc::from(name)
}

/// Admits members named after their connections; returns their participant ids.
fn admit_all(room: &mut Room, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|n| {
            let (index, _) = room.admit(n.to_string(), Role::Player, conn(n)).unwrap();
            room.members[index].participant.id.clone()
        })
        .collect()
}

fn seqs(events: &[Sequenced]) -> Vec<u64> {
    events.iter().map(|e| e.event.seq()).collect()
}

#[test]
fn the_first_participant_is_host() {
    let mut room = room(8);
    let ids = admit_all(&mut room, &["a", "b"]);
    assert_eq!(room.host_id.as_deref(), Some(ids[0].as_str()));
}

#[test]
fn when_the_host_leaves_the_earliest_present_member_succeeds_before_away_ones() {
    let mut room = room(8);
    let ids = admit_all(&mut room, &["a", "b", "c"]);
    let now = Instant::now();
    room.mark_away(1, now);
    let events = room.remove(0, LeaveReason::Left, now);
    assert_eq!(
        room.host_id.as_deref(),
        Some(ids[2].as_str()),
        "c is present, b is away"
    );
    assert!(matches!(&*events[0].event, RoomEvent::UserLeft(e) if e.user_id == ids[0]));
    assert!(matches!(&*events[1].event, RoomEvent::HostChanged(e) if e.host_id == ids[2]));
    let events = room.remove(1, LeaveReason::Left, now);
    assert_eq!(
        room.host_id.as_deref(),
        Some(ids[1].as_str()),
        "only away b is left"
    );
    assert_eq!(events.len(), 2);
}

#[test]
fn seq_is_strictly_increasing_and_the_replay_buffer_is_bounded() {
    let mut room = room(4);
    admit_all(&mut room, &["a", "b"]);
    let mut all = Vec::new();
    for i in 0..10 {
        let (events, _) = room
            .relay(&conn("a"), "x".into(), RelayValue::Number(i.into()), 0.0)
            .unwrap();
        all.extend(events);
    }
    let got = seqs(&all);
    assert!(got.windows(2).all(|w| w[1] == w[0] + 1));
    assert_eq!(room.seq, 12, "two joins and ten broadcasts");
    let (missed, gap) = room.missed_since(0, "nobody");
    assert_eq!(
        missed.iter().map(|m| m.data.seq()).collect::<Vec<_>>(),
        [9, 10, 11, 12]
    );
    assert!(gap, "events 1-8 are gone");
    let (missed, gap) = room.missed_since(8, "nobody");
    assert_eq!(missed.len(), 4);
    assert!(!gap);
    assert_eq!(room.missed_since(12, "nobody").0.len(), 0);
}

#[test]
fn resume_reattaches_the_same_participant_and_replays_what_was_missed() {
    let mut room = room(64);
    let ids = admit_all(&mut room, &["a", "b"]);
    let token = room.members[1].token.clone();
    let last_seq = room.seq;
    room.mark_away(1, Instant::now());
    room.relay(&conn("a"), "note:on".into(), RelayValue::Null, 1.0)
        .unwrap();
    let resumed = room.resume(&token, conn("b2"), last_seq, 2.0).unwrap();
    assert_eq!(resumed.session.you.id, ids[1]);
    assert_ne!(resumed.session.you.resume_token, token, "tokens rotate");
    let missed: Vec<_> = resumed.missed.iter().map(|m| m.event.as_str()).collect();
    assert_eq!(missed, ["session:user-away", "event:broadcast"]);
    assert!(!resumed.gap);
    assert!(resumed.previous_conn.is_none());
    assert!(matches!(&*resumed.events[0].event, RoomEvent::UserBack(e) if e.user_id == ids[1]));
    assert_eq!(room.index_of_conn(&conn("b2")), Some(1));
    let err = room.resume(&token, conn("b3"), 0, 3.0).unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::ResumeFailed,
        "an old token no longer works"
    );
}

#[test]
fn a_resume_while_the_old_connection_lives_takes_it_over_without_user_back() {
    let mut room = room(64);
    admit_all(&mut room, &["a"]);
    let token = room.members[0].token.clone();
    let resumed = room.resume(&token, conn("a2"), room.seq, 0.0).unwrap();
    assert_eq!(resumed.previous_conn, Some(conn("a")));
    assert!(resumed.events.is_empty());
}

#[test]
fn own_broadcasts_are_not_replayed_to_their_sender() {
    let mut room = room(64);
    admit_all(&mut room, &["a", "b"]);
    let token = room.members[0].token.clone();
    let last_seq = room.seq;
    room.relay(&conn("a"), "mine".into(), RelayValue::Null, 0.0)
        .unwrap();
    room.relay(&conn("b"), "theirs".into(), RelayValue::Null, 0.0)
        .unwrap();
    let resumed = room.resume(&token, conn("a2"), last_seq, 0.0).unwrap();
    assert_eq!(resumed.missed.len(), 1);
    assert!(
        matches!(&*resumed.missed[0].data, RoomEvent::Broadcast(b) if b.event_name == "theirs")
    );
}

#[test]
fn away_members_leave_with_reason_timeout_after_the_grace() {
    let mut room = room(64);
    let ids = admit_all(&mut room, &["a", "b"]);
    let t0 = Instant::now();
    room.mark_away(0, t0);
    let grace = Duration::from_secs(20);
    assert!(room
        .expire_away(t0 + Duration::from_secs(19), grace)
        .is_empty());
    let events = room.expire_away(t0 + grace, grace);
    assert!(matches!(&*events[0].event,
        RoomEvent::UserLeft(e) if e.user_id == ids[0] && e.reason == LeaveReason::Timeout));
    assert!(matches!(&*events[1].event, RoomEvent::HostChanged(e) if e.host_id == ids[1]));
}

#[test]
fn only_the_host_may_command_and_nothing_changes_on_refusal() {
    let mut room = room(64);
    let ids = admit_all(&mut room, &["a", "b"]);
    let patch = SettingsPatch {
        bpm: Some(90.0),
        ..Default::default()
    };
    let before = room.seq;
    let err = command(&mut room, "b", HostCommand::UpdateSettings(patch), 0.0).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let user_id = ids[1].clone();
    let transfer = HostCommand::TransferHost { user_id };
    assert_eq!(
        command(&mut room, "b", transfer, 0.0).unwrap_err().code(),
        ErrorCode::Forbidden
    );
    let kick = HostCommand::Kick {
        user_id: ids[0].clone(),
    };
    assert_eq!(
        command(&mut room, "b", kick, 0.0).unwrap_err().code(),
        ErrorCode::Forbidden
    );
    let start = HostCommand::StartTransport {
        at: None,
        start_beat: None,
    };
    assert_eq!(
        command(&mut room, "b", start, 0.0).unwrap_err().code(),
        ErrorCode::Forbidden
    );
    assert_eq!(room.seq, before);
    assert_eq!(room.settings.bpm, 120.0);
}

#[test]
fn a_tempo_change_while_playing_re_anchors_the_transport_continuously() {
    let mut room = room(64);
    admit_all(&mut room, &["a"]);
    let start = HostCommand::StartTransport {
        at: Some(1_000.0),
        start_beat: Some(0.0),
    };
    command(&mut room, "a", start, 1_000.0).unwrap();
    let beat_before = room.transport.beat_at(4_000.0);
    let patch = SettingsPatch {
        bpm: Some(90.0),
        ..Default::default()
    };
    let events = events(command(
        &mut room,
        "a",
        HostCommand::UpdateSettings(patch),
        4_000.0,
    ));
    assert_eq!(events.len(), 2, "settings-changed then transport:state");
    assert!(matches!(&*events[1].event, RoomEvent::TransportState(t) if t.transport.bpm == 90.0));
    assert!((room.transport.beat_at(4_000.0) - beat_before).abs() < 1e-9);
    assert!((beat_before - 6.0).abs() < 1e-9, "3 s at 120 bpm");
}

#[test]
fn kicking_removes_the_target_and_returns_its_connection() {
    let mut room = room(64);
    let ids = admit_all(&mut room, &["a", "b"]);
    let kick = HostCommand::Kick {
        user_id: ids[1].clone(),
    };
    let Applied {
        events,
        removed: target,
    } = command(&mut room, "a", kick, 0.0).unwrap();
    assert_eq!(target, Some(conn("b")));
    assert!(matches!(&*events[0].event,
        RoomEvent::UserLeft(e) if e.user_id == ids[1] && e.reason == LeaveReason::Kicked));
    assert_eq!(room.len(), 1);
    let kick = HostCommand::Kick {
        user_id: ids[0].clone(),
    };
    let err = command(&mut room, "a", kick, 0.0).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidPayload, "no kicking yourself");
}

#[test]
fn a_locked_room_refuses_joins() {
    let mut room = room(64);
    admit_all(&mut room, &["a"]);
    let patch = SettingsPatch {
        locked: Some(true),
        ..Default::default()
    };
    command(&mut room, "a", HostCommand::UpdateSettings(patch), 0.0).unwrap();
    let err = room.admit("b".into(), Role::Player, conn("b")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::RoomLocked);
}

#[test]
fn latency_reports_only_when_something_changed() {
    let mut room = room(64);
    let ids = admit_all(&mut room, &["a", "b"]);
    assert!(room.take_latency_report().is_none());
    room.set_rtt(&conn("a"), 12.34);
    let report = room.take_latency_report().unwrap();
    assert_eq!(report.participants.len(), 1);
    assert_eq!(report.participants[0].id, ids[0]);
    assert_eq!(report.participants[0].rtt_ms, 12.3);
    room.set_rtt(&conn("a"), 12.31);
    assert!(
        room.take_latency_report().is_none(),
        "same value after rounding"
    );
}

#[test]
fn recording_is_the_hosts_and_a_take_ends_with_a_link() {
    let mut room = room(64);
    admit_all(&mut room, &["a", "b"]);
    let err = command(&mut room, "b", HostCommand::StartRecording, 0.0).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let started = events(command(
        &mut room,
        "a",
        HostCommand::StartRecording,
        1_000.0,
    ));
    assert!(matches!(&*started[0].event, RoomEvent::RecordingState(s) if s.info.recording));
    assert!(
        events(command(
            &mut room,
            "a",
            HostCommand::StartRecording,
            1_001.0
        ))
        .is_empty(),
        "already recording"
    );
    let note = RelayValue::Object(vec![
        ("note".into(), RelayValue::Number(60.into())),
        ("velocity".into(), RelayValue::Number(100.into())),
    ]);
    room.relay(&conn("b"), "note:on".into(), note, 1_500.0)
        .unwrap();
    let stopped = events(command(&mut room, "a", HostCommand::StopRecording, 2_000.0));
    let RoomEvent::RecordingState(state) = &*stopped[0].event else {
        panic!("recording:state expected");
    };
    assert!(!state.info.recording);
    assert_eq!(state.info.events, 2, "the note and the note-off closing it");
    assert!(state
        .info
        .download_url
        .as_deref()
        .unwrap()
        .starts_with("/recordings/"));
    assert_eq!(room.recorder.status(), Some(state.info.clone()));
}

#[test]
fn a_take_running_when_the_room_empties_ends_with_it() {
    let mut room = room(64);
    admit_all(&mut room, &["a"]);
    command(&mut room, "a", HostCommand::StartRecording, 0.0).unwrap();
    let events = room.remove(0, LeaveReason::Left, Instant::now());
    let names: Vec<_> = events.iter().map(|e| e.event.name()).collect();
    assert_eq!(names, ["session:user-left", "recording:state"]);
    assert!(!room.recorder.is_recording());
}
