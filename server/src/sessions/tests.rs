//! SessionManager behaviour: codes, membership, limits and the empty-room TTL (on paused time).

use super::*;
use crate::error::ErrorCode;

fn limits() -> Limits {
    Limits {
        max_participants: 3,
        max_rooms_per_socket: 2,
        max_rooms: 100,
        max_event_bytes: 100,
        empty_room_ttl: Duration::from_secs(600),
    }
}

fn conn(name: &str) -> ConnId {
    Arc::from(name)
}

#[test]
fn created_rooms_have_distinct_well_formed_codes() {
    let sessions = SessionManager::new(limits());
    let a = sessions.create_room().unwrap();
    let b = sessions.create_room().unwrap();
    assert_ne!(a, b);
    assert_eq!(normalize_room_code(&a), Some(a.clone()));
    assert_eq!(sessions.room_count(), 2);
}

#[test]
fn join_lists_everyone_in_join_order_and_codes_ignore_case() {
    let sessions = SessionManager::new(limits());
    let code = sessions.create_room().unwrap();
    let ann = sessions.join(&conn("a"), &code, " Ann ").unwrap();
    assert!(ann.newly_joined);
    assert_eq!(ann.you.name, "Ann");
    let bob = sessions
        .join(&conn("b"), &code.to_lowercase(), "Bob")
        .unwrap();
    assert_eq!(bob.room_code, code);
    let names: Vec<_> = bob.participants.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Ann", "Bob"]);
    assert_ne!(ann.you.id, bob.you.id);
    assert_eq!(sessions.participant_count(), 2);
}

#[test]
fn joining_twice_returns_the_same_identity_without_a_new_member() {
    let sessions = SessionManager::new(limits());
    let code = sessions.create_room().unwrap();
    let first = sessions.join(&conn("a"), &code, "Ann").unwrap();
    let again = sessions.join(&conn("a"), &code, "Ann").unwrap();
    assert!(!again.newly_joined);
    assert_eq!(again.you, first.you);
    assert_eq!(again.participants.len(), 1);
    assert_eq!(sessions.participant_count(), 1);
}

#[test]
fn joining_unknown_or_malformed_codes_is_room_not_found() {
    let sessions = SessionManager::new(limits());
    let err = sessions.join(&conn("a"), "ZZZZZZ", "Ann").unwrap_err();
    assert_eq!(err.code(), ErrorCode::RoomNotFound);
    let err = sessions.join(&conn("a"), "nope", "Ann").unwrap_err();
    assert_eq!(err.code(), ErrorCode::RoomNotFound);
}

#[test]
fn invalid_names_are_rejected_before_anything_changes() {
    let sessions = SessionManager::new(limits());
    let code = sessions.create_room().unwrap();
    let err = sessions.join(&conn("a"), &code, "").unwrap_err();
    assert_eq!(err.code(), ErrorCode::NameInvalid);
    assert_eq!(sessions.participant_count(), 0);
}

#[test]
fn a_full_room_refuses_one_more() {
    let sessions = SessionManager::new(limits());
    let code = sessions.create_room().unwrap();
    for name in ["a", "b", "c"] {
        sessions.join(&conn(name), &code, name).unwrap();
    }
    let err = sessions.join(&conn("d"), &code, "d").unwrap_err();
    assert_eq!(err.code(), ErrorCode::RoomFull);
    assert_eq!(sessions.participant_count(), 3);
}

#[test]
fn a_connection_may_be_in_a_limited_number_of_rooms() {
    let sessions = SessionManager::new(limits());
    let rooms: Vec<_> = (0..3).map(|_| sessions.create_room().unwrap()).collect();
    sessions.join(&conn("a"), &rooms[0], "Ann").unwrap();
    sessions.join(&conn("a"), &rooms[1], "Ann").unwrap();
    let err = sessions.join(&conn("a"), &rooms[2], "Ann").unwrap_err();
    assert_eq!(err.code(), ErrorCode::TooManyRooms);
    // Re-joining a room it is already in is still fine at the limit.
    assert!(sessions.join(&conn("a"), &rooms[1], "Ann").is_ok());
}

#[test]
fn the_server_wide_room_limit_holds() {
    let sessions = SessionManager::new(Limits {
        max_rooms: 2,
        ..limits()
    });
    sessions.create_room().unwrap();
    sessions.create_room().unwrap();
    assert_eq!(
        sessions.create_room().unwrap_err().code(),
        ErrorCode::TooManyRooms
    );
}

#[test]
fn leave_requires_membership_and_reports_the_participant() {
    let sessions = SessionManager::new(limits());
    let code = sessions.create_room().unwrap();
    assert_eq!(
        sessions.leave(&conn("a"), &code).unwrap_err().code(),
        ErrorCode::NotInRoom
    );
    let ann = sessions.join(&conn("a"), &code, "Ann").unwrap();
    let left = sessions.leave(&conn("a"), &code).unwrap();
    assert_eq!(
        left,
        Left {
            room_code: code.clone(),
            user_id: ann.you.id
        }
    );
    assert_eq!(
        sessions.leave(&conn("a"), &code).unwrap_err().code(),
        ErrorCode::NotInRoom
    );
    assert_eq!(sessions.participant_count(), 0);
}

#[test]
fn only_members_may_broadcast_and_the_sender_id_is_the_servers() {
    let sessions = SessionManager::new(limits());
    let code = sessions.create_room().unwrap();
    let err = sessions
        .authorize_broadcast(&conn("a"), &code, "note:on", 10)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotInRoom);
    let ann = sessions.join(&conn("a"), &code, "Ann").unwrap();
    sessions.join(&conn("b"), &code, "Bob").unwrap();
    let relay = sessions
        .authorize_broadcast(&conn("a"), &code, "note:on", 10)
        .unwrap();
    assert_eq!(relay.sender_id, ann.you.id);
    assert_eq!(relay.recipients, 1);
}

#[test]
fn broadcast_checks_event_name_and_size() {
    let sessions = SessionManager::new(limits());
    let code = sessions.create_room().unwrap();
    sessions.join(&conn("a"), &code, "Ann").unwrap();
    let bad_name = sessions.authorize_broadcast(&conn("a"), &code, "no spaces", 1);
    assert_eq!(bad_name.unwrap_err().code(), ErrorCode::InvalidPayload);
    let too_big = sessions.authorize_broadcast(&conn("a"), &code, "x", 100);
    assert_eq!(too_big.unwrap_err().code(), ErrorCode::PayloadTooLarge);
    assert!(sessions
        .authorize_broadcast(&conn("a"), &code, "x", 99)
        .is_ok());
}

#[test]
fn disconnect_leaves_every_room() {
    let sessions = SessionManager::new(limits());
    let one = sessions.create_room().unwrap();
    let two = sessions.create_room().unwrap();
    sessions.join(&conn("a"), &one, "Ann").unwrap();
    sessions.join(&conn("a"), &two, "Ann").unwrap();
    sessions.join(&conn("b"), &two, "Bob").unwrap();
    let mut left: Vec<_> = sessions
        .disconnect(&conn("a"))
        .into_iter()
        .map(|l| l.room_code)
        .collect();
    left.sort();
    let mut expected = vec![one, two.clone()];
    expected.sort();
    assert_eq!(left, expected);
    assert_eq!(sessions.participant_count(), 1);
    assert!(sessions.disconnect(&conn("a")).is_empty());
    let still = sessions.join(&conn("b"), &two, "Bob").unwrap();
    assert_eq!(still.participants.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn an_empty_room_is_deleted_after_the_ttl_and_not_before() {
    let sessions = SessionManager::new(limits());
    let code = sessions.create_room().unwrap();
    tokio::time::advance(Duration::from_secs(599)).await;
    assert!(sessions.sweep_empty_rooms().is_empty());
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(sessions.sweep_empty_rooms(), vec![code.clone()]);
    assert_eq!(sessions.room_count(), 0);
    let err = sessions.join(&conn("a"), &code, "Ann").unwrap_err();
    assert_eq!(err.code(), ErrorCode::RoomNotFound);
}

#[tokio::test(start_paused = true)]
async fn an_occupied_room_lives_and_the_ttl_restarts_when_it_empties() {
    let sessions = SessionManager::new(limits());
    let code = sessions.create_room().unwrap();
    tokio::time::advance(Duration::from_secs(500)).await;
    sessions.join(&conn("a"), &code, "Ann").unwrap();
    tokio::time::advance(Duration::from_secs(3600)).await;
    assert!(
        sessions.sweep_empty_rooms().is_empty(),
        "occupied rooms never expire"
    );
    sessions.leave(&conn("a"), &code).unwrap();
    tokio::time::advance(Duration::from_secs(599)).await;
    assert!(
        sessions.sweep_empty_rooms().is_empty(),
        "a creator who refreshes gets the room back"
    );
    sessions.join(&conn("a2"), &code, "Ann").unwrap();
    sessions.leave(&conn("a2"), &code).unwrap();
    tokio::time::advance(Duration::from_secs(600)).await;
    assert_eq!(sessions.sweep_empty_rooms(), vec![code]);
}
