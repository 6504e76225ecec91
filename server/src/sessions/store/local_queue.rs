//! One queue per room on this node, in front of the room's Redis lock: tasks of this node wait
//! their turn here (woken in order) instead of each polling Redis. Without it, a backlog of
//! broadcasts to one room turns into a storm of lock attempts that takes the core and never drains
//! (measured: ~240 lock scripts per delivered event, 1–2% delivered). Each queue has a slot where a
//! task can leave something for the next one (the room's lock, handed over).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use tokio::time::Instant;

/// Rooms with a task holding or waiting for their turn. The std Mutex is only held to look up or
/// drop an entry, never across an `.await`.
pub struct LocalQueues<T> {
    rooms: Mutex<HashMap<String, Arc<AsyncMutex<Option<T>>>>>,
}

impl<T> Default for LocalQueues<T> {
    fn default() -> Self {
        LocalQueues {
            rooms: Mutex::default(),
        }
    }
}

/// This task's turn on a room; the next one goes when it is dropped.
pub struct QueueTurn<T> {
    guard: Option<OwnedMutexGuard<Option<T>>>,
    code: String,
    queues: Arc<LocalQueues<T>>,
}

impl<T> QueueTurn<T> {
    /// Tasks of this node waiting for the room after this one.
    pub fn waiting(&self) -> usize {
        // Handles: the map's, this turn's, and one per waiting task.
        let cell = self.guard.as_ref().map(OwnedMutexGuard::mutex);
        cell.map_or(0, |cell| Arc::strong_count(cell).saturating_sub(2))
    }

    /// What the previous turn left for this one.
    pub fn take_left(&mut self) -> Option<T> {
        self.guard.as_mut().and_then(|slot| slot.take())
    }

    /// Leaves `item` for the next turn (dropped with the queue if nobody comes).
    pub fn leave(&mut self, item: T) {
        if let Some(slot) = self.guard.as_mut() {
            **slot = Some(item);
        }
    }
}

impl<T> LocalQueues<T> {
    /// Waits for the room's turn until `deadline`; None when it did not come in time.
    pub async fn wait_turn(
        self: &Arc<Self>,
        code: &str,
        deadline: Instant,
    ) -> Option<QueueTurn<T>> {
        let cell = self
            .rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(code.to_owned())
            .or_insert_with(|| Arc::new(AsyncMutex::new(None)))
            .clone();
        match tokio::time::timeout_at(deadline, cell.lock_owned()).await {
            Ok(guard) => Some(QueueTurn {
                guard: Some(guard),
                code: code.to_owned(),
                queues: self.clone(),
            }),
            Err(_) => {
                self.forget_if_idle(code);
                None
            }
        }
    }

    /// Drops the room's entry once nobody holds or waits for it (the map holds the only handle).
    fn forget_if_idle(&self, code: &str) {
        let mut rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        if rooms
            .get(code)
            .is_some_and(|cell| Arc::strong_count(cell) == 1)
        {
            rooms.remove(code);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

impl<T> Drop for QueueTurn<T> {
    fn drop(&mut self) {
        drop(self.guard.take());
        self.queues.forget_if_idle(&self.code);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn turns_come_one_at_a_time_and_idle_rooms_are_forgotten() {
        let queues: Arc<LocalQueues<()>> = Arc::new(LocalQueues::default());
        let soon = || Instant::now() + Duration::from_millis(50);
        let first = queues.wait_turn("ROOM", soon()).await.unwrap();
        assert!(queues.wait_turn("ROOM", soon()).await.is_none(), "busy");
        let other = queues.wait_turn("OTHER", soon()).await;
        assert!(other.is_some(), "rooms do not wait for each other");
        drop(other);
        drop(first);
        assert!(queues.wait_turn("ROOM", soon()).await.is_some());
        assert_eq!(queues.len(), 0);
    }

    #[tokio::test]
    async fn a_turn_can_leave_something_for_the_next_one_and_counts_who_waits() {
        let queues: Arc<LocalQueues<u32>> = Arc::new(LocalQueues::default());
        let later = || Instant::now() + Duration::from_secs(5);
        let mut first = queues.wait_turn("ROOM", later()).await.unwrap();
        assert_eq!(first.waiting(), 0);
        let next = tokio::spawn({
            let queues = queues.clone();
            async move { queues.wait_turn("ROOM", later()).await.unwrap().take_left() }
        });
        while first.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        first.leave(7);
        drop(first);
        assert_eq!(next.await.unwrap(), Some(7));
        assert_eq!(queues.len(), 0);
    }
}
