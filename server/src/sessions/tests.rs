//! SessionManager behaviour across rooms and connections: codes, membership, limits, guessing,
//! departures, and the timers (TTL, resume grace) on paused time.

use super::*;
use crate::error::ErrorCode;
use crate::protocol::{BroadcastRequest, ResumeRequest};

fn limits() -> Limits {
    Limits {
        max_participants: 3,
        max_listeners: 2,
        max_rooms_per_socket: 2,
        max_rooms: 100,
        max_event_bytes: 100,
        empty_room_ttl: Duration::from_secs(600),
        replay_buffer: 16,
        resume_grace: Duration::from_secs(20),
        rate_limit: 60.0,
        rate_burst: 120.0,
        rate_disconnect_after: Duration::from_secs(10),
        max_creates_per_minute: 50,
        max_code_misses_per_minute: 10,
        max_recording_events: 1000,
        recording_ttl: Duration::from_secs(3600),
    }
}

fn conn(name: &str) -> ConnId {
    Arc::from(name)
}

async fn create(sessions: &SessionManager) -> String {
    sessions.create_room(&conn("creator"), None).await.unwrap()
}

/// One sweep of the room, as the timer runs it on a single node.
async fn sweep(sessions: &SessionManager, code: &str) -> Sweep {
    sessions.sweep_room(code).await
}

async fn join(sessions: &SessionManager, who: &str, code: &str) -> Result<Joined, JamError> {
    sessions.join(&conn(who), code, who).await
}

async fn created_rooms_have_distinct_well_formed_codes_and_settings(sessions: SessionManager) {
    let a = create(&sessions).await;
    let patch = SettingsPatch {
        bpm: Some(95.0),
        ..Default::default()
    };
    let b = sessions
        .create_room(&conn("x"), Some(&patch))
        .await
        .unwrap();
    assert_ne!(a, b);
    assert_eq!(normalize_room_code(&a), Some(a.clone()));
    assert_eq!(sessions.room_count(), 2);
    let joined = join(&sessions, "ann", &b).await.unwrap();
    assert_eq!(joined.session.settings.bpm, 95.0);
    assert_eq!(joined.session.transport.bpm, 95.0);
    let bad = SettingsPatch {
        bpm: Some(500.0),
        ..Default::default()
    };
    let err = sessions
        .create_room(&conn("x"), Some(&bad))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidPayload);
}

async fn join_lists_everyone_in_join_order_and_codes_ignore_case(sessions: SessionManager) {
    let code = create(&sessions).await;
    let ann = join(&sessions, "ann", &code).await.unwrap();
    assert!(ann.newly_joined);
    assert_eq!(
        ann.session.host_id.as_deref(),
        Some(ann.session.you.id.as_str())
    );
    drop(ann.delivery);
    let bob = join(&sessions, "bob", &code.to_lowercase()).await.unwrap();
    assert_eq!(bob.session.room_code, code);
    let names: Vec<_> = bob
        .session
        .participants
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["ann", "bob"]);
    assert_eq!(bob.session.seq, 2, "two user-joined events so far");
    assert_eq!(sessions.participant_count(), 2);
}

async fn joining_twice_returns_the_same_identity_without_events(sessions: SessionManager) {
    let code = create(&sessions).await;
    let first = join(&sessions, "ann", &code).await.unwrap();
    drop(first.delivery);
    let again = join(&sessions, "ann", &code).await.unwrap();
    assert!(!again.newly_joined);
    assert!(again.delivery.events.is_empty());
    assert_eq!(again.session.you, first.session.you);
    assert_eq!(sessions.participant_count(), 1);
}

async fn room_full_and_too_many_rooms_change_nothing(sessions: SessionManager) {
    let code = create(&sessions).await;
    for who in ["a", "b", "c"] {
        join(&sessions, who, &code).await.unwrap();
    }
    assert_eq!(
        join(&sessions, "d", &code).await.err().unwrap().code(),
        ErrorCode::RoomFull
    );
    let rooms = [
        create(&sessions).await,
        create(&sessions).await,
        create(&sessions).await,
    ];
    join(&sessions, "z", &rooms[0]).await.unwrap();
    join(&sessions, "z", &rooms[1]).await.unwrap();
    let err = join(&sessions, "z", &rooms[2]).await.err().unwrap();
    assert_eq!(err.code(), ErrorCode::TooManyRooms);
    assert_eq!(sessions.participant_count(), 5);
}

#[tokio::test]
async fn the_server_wide_room_limit_and_the_per_connection_create_limit_hold() {
    let sessions = SessionManager::new(Limits {
        max_rooms: 2,
        ..limits()
    });
    create(&sessions).await;
    create(&sessions).await;
    let err = sessions.create_room(&conn("x"), None).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::TooManyRooms);
    let sessions = SessionManager::new(Limits {
        max_creates_per_minute: 2,
        ..limits()
    });
    sessions.create_room(&conn("x"), None).await.unwrap();
    sessions.create_room(&conn("x"), None).await.unwrap();
    let err = sessions.create_room(&conn("x"), None).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::TooManyRooms);
    assert!(
        sessions.create_room(&conn("y"), None).await.is_ok(),
        "the limit is per connection"
    );
}

async fn ten_wrong_codes_block_every_join_for_a_minute_even_a_right_one(sessions: SessionManager) {
    let code = create(&sessions).await;
    for _ in 0..10 {
        let err = join(&sessions, "guesser", "ZZZZZZ").await.err().unwrap();
        assert_eq!(err.code(), ErrorCode::RoomNotFound);
    }
    let err = join(&sessions, "guesser", &code).await.err().unwrap();
    assert_eq!(err.code(), ErrorCode::RateLimited);
    assert!(join(&sessions, "someone-else", &code).await.is_ok());
}

async fn leave_requires_membership(sessions: SessionManager) {
    let code = create(&sessions).await;
    let err = sessions.leave(&conn("a"), &code).await.err().unwrap();
    assert_eq!(err.code(), ErrorCode::NotInRoom);
    join(&sessions, "a", &code).await.unwrap();
    let delivery = sessions.leave(&conn("a"), &code).await.unwrap();
    assert_eq!(delivery.events.len(), 1);
    drop(delivery);
    assert_eq!(sessions.participant_count(), 0);
    let err = sessions.leave(&conn("a"), &code).await.err().unwrap();
    assert_eq!(err.code(), ErrorCode::NotInRoom);
}

async fn broadcast_checks_event_name_size_and_membership(sessions: SessionManager) {
    let code = create(&sessions).await;
    let request = |name: &str, len: usize| BroadcastRequest {
        room_code: code.clone(),
        event_name: name.into(),
        data: crate::relay_value::RelayValue::String("x".repeat(len)),
    };
    let err = sessions
        .broadcast(&conn("a"), request("x", 1))
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), ErrorCode::NotInRoom);
    join(&sessions, "a", &code).await.unwrap();
    join(&sessions, "b", &code).await.unwrap();
    let err = sessions
        .broadcast(&conn("a"), request("no spaces", 1))
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), ErrorCode::InvalidPayload);
    let err = sessions
        .broadcast(&conn("a"), request("x", 98))
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), ErrorCode::PayloadTooLarge);
    let relayed = sessions
        .broadcast(&conn("a"), request("x", 97))
        .await
        .unwrap();
    assert_eq!(relayed.recipients, 1);
    assert_eq!(relayed.seq, 3);
}

async fn an_abrupt_departure_holds_the_seat_and_an_explicit_one_gives_it_up(
    sessions: SessionManager,
) {
    let code = create(&sessions).await;
    join(&sessions, "a", &code).await.unwrap();
    join(&sessions, "b", &code).await.unwrap();
    assert_eq!(sessions.close_connection(&conn("a")), vec![code.clone()]);
    let away = sessions
        .depart(&conn("a"), &code, Departure::Abrupt)
        .await
        .unwrap();
    assert_eq!(away.events[0].event.name(), "session:user-away");
    drop(away);
    assert_eq!(sessions.participant_count(), 2, "the seat is held");
    sessions.close_connection(&conn("b"));
    let left = sessions
        .depart(&conn("b"), &code, Departure::Explicit)
        .await
        .unwrap();
    let names: Vec<_> = left.events.iter().map(|e| e.event.name()).collect();
    assert_eq!(names, ["session:user-left"], "the away host keeps the role");
    drop(left);
    assert_eq!(sessions.participant_count(), 1);
}

async fn resume_moves_the_seat_to_the_new_connection(sessions: SessionManager) {
    let code = create(&sessions).await;
    let ann = join(&sessions, "a", &code).await.unwrap();
    drop(ann.delivery);
    sessions.close_connection(&conn("a"));
    drop(sessions.depart(&conn("a"), &code, Departure::Abrupt).await);
    let request = ResumeRequest {
        room_code: code.clone(),
        resume_token: ann.session.you.resume_token.clone(),
        last_seq: ann.session.seq,
    };
    let outcome = sessions.resume(&conn("a2"), &request).await.unwrap();
    assert_eq!(outcome.resumed.session.you.id, ann.session.you.id);
    assert_eq!(outcome.resumed.missed.len(), 1, "its own user-away");
    drop(outcome.delivery);
    assert_eq!(
        sessions.connections().rooms_of(&conn("a2")),
        vec![code.clone()]
    );
    let err = sessions.resume(&conn("a3"), &request).await.err().unwrap();
    assert_eq!(err.code(), ErrorCode::ResumeFailed);
    assert!(sessions.connections().rooms_of(&conn("a3")).is_empty());
}

#[tokio::test(start_paused = true)]
async fn an_empty_room_is_deleted_after_the_ttl_and_not_before() {
    let sessions = SessionManager::new(limits());
    let code = create(&sessions).await;
    tokio::time::advance(Duration::from_secs(599)).await;
    assert!(matches!(sweep(&sessions, &code).await, Sweep::Nothing));
    tokio::time::advance(Duration::from_secs(1)).await;
    assert!(matches!(sweep(&sessions, &code).await, Sweep::Deleted));
    assert_eq!(sessions.room_count(), 0);
    let err = join(&sessions, "a", &code).await.err().unwrap();
    assert_eq!(err.code(), ErrorCode::RoomNotFound);
}

#[tokio::test(start_paused = true)]
async fn an_occupied_room_lives_and_the_ttl_restarts_when_it_empties() {
    let sessions = SessionManager::new(limits());
    let code = create(&sessions).await;
    tokio::time::advance(Duration::from_secs(500)).await;
    join(&sessions, "a", &code).await.unwrap();
    tokio::time::advance(Duration::from_secs(3600)).await;
    assert!(matches!(sweep(&sessions, &code).await, Sweep::Nothing));
    drop(sessions.leave(&conn("a"), &code).await.unwrap());
    tokio::time::advance(Duration::from_secs(599)).await;
    assert!(matches!(sweep(&sessions, &code).await, Sweep::Nothing));
    tokio::time::advance(Duration::from_secs(1)).await;
    assert!(matches!(sweep(&sessions, &code).await, Sweep::Deleted));
}

#[tokio::test(start_paused = true)]
async fn an_away_participant_leaves_when_the_grace_ends() {
    let sessions = SessionManager::new(limits());
    let code = create(&sessions).await;
    join(&sessions, "a", &code).await.unwrap();
    join(&sessions, "b", &code).await.unwrap();
    sessions.close_connection(&conn("a"));
    drop(sessions.depart(&conn("a"), &code, Departure::Abrupt).await);
    tokio::time::advance(Duration::from_secs(19)).await;
    assert!(matches!(sweep(&sessions, &code).await, Sweep::Nothing));
    tokio::time::advance(Duration::from_secs(1)).await;
    let Sweep::Expired(delivery) = sweep(&sessions, &code).await else {
        panic!("the grace is over");
    };
    let names: Vec<_> = delivery.events.iter().map(|e| e.event.name()).collect();
    assert_eq!(names, ["session:user-left", "session:host-changed"]);
    drop(delivery);
    assert_eq!(sessions.participant_count(), 1);
}

/// Each behaviour test, on a fresh manager.
macro_rules! on_a_fresh_manager {
    ($($name:ident),* $(,)?) => {
        mod fresh {
            $(#[tokio::test]
            async fn $name() {
                super::$name(super::SessionManager::new(super::limits())).await
            })*
        }
    };
}

on_a_fresh_manager!(
    created_rooms_have_distinct_well_formed_codes_and_settings,
    join_lists_everyone_in_join_order_and_codes_ignore_case,
    joining_twice_returns_the_same_identity_without_events,
    room_full_and_too_many_rooms_change_nothing,
    ten_wrong_codes_block_every_join_for_a_minute_even_a_right_one,
    leave_requires_membership,
    broadcast_checks_event_name_size_and_membership,
    an_abrupt_departure_holds_the_seat_and_an_explicit_one_gives_it_up,
    resume_moves_the_seat_to_the_new_connection,
);
