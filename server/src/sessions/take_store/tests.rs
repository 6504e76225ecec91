use super::*;
use crate::recording::{Meter, StopReason};

fn take() -> Arc<Take> {
    let meter = Meter {
        bpm: 120.0,
        beats_per_bar: 4,
        beat_unit: 4,
        key: None,
    };
    let mut take = Take::start(0.0, meter, Vec::new(), 10);
    take.stop(1.0, StopReason::Stopped);
    Arc::new(take)
}

fn file_of(url: &str) -> &str {
    url.strip_prefix("/recordings/").unwrap()
}

#[test]
fn a_genuine_link_finds_its_take_and_a_forged_one_does_not() {
    let store = TakeStore::new(Duration::from_secs(60));
    let id = store.new_take_id().unwrap();
    store.insert("ABCDEF", id.clone(), take());
    let url = store.download_url("ABCDEF", &id);
    let now = Instant::now();
    assert!(store.get(file_of(&url), now).is_some());
    assert!(store
        .get(file_of(&url).trim_end_matches(".mid"), now)
        .is_some());
    let other_room = store.download_url("ZZZZZZ", &id);
    assert!(
        store.get(file_of(&other_room), now).is_none(),
        "the mac binds the room"
    );
    assert!(store
        .get(&format!("{id}-00000000000000000000000000000000.mid"), now)
        .is_none());
    assert!(store.get("nonsense", now).is_none());
}

#[test]
fn links_of_another_server_secret_do_not_work() {
    let (a, b) = (
        TakeStore::new(Duration::from_secs(60)),
        TakeStore::new(Duration::from_secs(60)),
    );
    b.insert("ABCDEF", "take1".into(), take());
    assert!(b
        .get(file_of(&a.download_url("ABCDEF", "take1")), Instant::now())
        .is_none());
}

#[tokio::test(start_paused = true)]
async fn a_take_lives_while_its_room_does_and_for_the_ttl_after() {
    let store = TakeStore::new(Duration::from_secs(3600));
    store.insert("ABCDEF", "take1".into(), take());
    let file = store.download_url("ABCDEF", "take1");
    tokio::time::advance(Duration::from_secs(10 * 3600)).await;
    assert!(
        store.get(file_of(&file), Instant::now()).is_some(),
        "the room still lives"
    );
    store.room_ended(&["take1".into()], Instant::now());
    tokio::time::advance(Duration::from_secs(3599)).await;
    assert!(store.get(file_of(&file), Instant::now()).is_some());
    tokio::time::advance(Duration::from_secs(1)).await;
    assert!(store.get(file_of(&file), Instant::now()).is_none());
    store.prune(Instant::now());
    assert!(store.get(file_of(&file), Instant::now()).is_none());
}
