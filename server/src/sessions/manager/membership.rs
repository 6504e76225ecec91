//! Joining, resuming, leaving and departing: who is in which room.

use tokio::time::Instant;

use crate::error::{ErrorCode, JamError};
use crate::protocol::{LeaveReason, ResumeRequest, Role, SessionResumed};
use crate::sessions::{validate, ConnId, Delivery, Joined, SessionManager};

/// How a connection went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Departure {
    /// It said goodbye (`disconnect()`): its seats are given up at once.
    Explicit,
    /// The transport dropped: seats are held for a resume until the grace period ends.
    Abrupt,
    /// We cut it off for flooding: seats are given up at once.
    RateLimited,
}

/// A successful resume.
pub struct ResumeOutcome {
    pub resumed: SessionResumed,
    /// The connection that held the seat until now, still open: it must be closed.
    pub previous_conn: Option<ConnId>,
    pub delivery: Delivery,
}

impl SessionManager {
    /// Adds the connection to a room under `name`, as a player; joining again returns the same
    /// identity.
    pub async fn join(
        &self,
        conn: &ConnId,
        room_code: &str,
        name: &str,
    ) -> Result<Joined, JamError> {
        self.join_as(conn, room_code, name, Role::Player).await
    }

    /// Adds the connection to a room under `name` as `role`; joining again returns the same
    /// identity (and role).
    pub async fn join_as(
        &self,
        conn: &ConnId,
        room_code: &str,
        name: &str,
        role: Role,
    ) -> Result<Joined, JamError> {
        let name = validate::display_name(name)?;
        let now = Instant::now();
        self.check_guessing(conn, now).await?;
        let locked = self.lock_room(room_code, JamError::RoomNotFound).await;
        let mut room = match locked {
            Ok(room) => room,
            Err(err) => {
                if err.code() == ErrorCode::RoomNotFound {
                    self.record_miss(conn, now).await;
                }
                return Err(err);
            }
        };
        if let Some(index) = room.index_of_conn(conn) {
            let session = room.snapshot(index, self.now_ms());
            let delivery = self.deliver(room, Vec::new()).await?;
            return Ok(Joined {
                session,
                newly_joined: false,
                delivery,
            });
        }
        room.check_admission(role)?;
        let code = room.code().to_owned();
        self.conns.reserve_room(conn, &code)?;
        let admitted = self.tracked(&mut room, |room| room.admit(name, role, conn.clone()));
        let (index, event) = match admitted {
            Ok(admitted) => admitted,
            Err(err) => {
                self.conns.release_room(conn, &code);
                return Err(err);
            }
        };
        let session = room.snapshot(index, self.now_ms());
        let delivery = match self.deliver(room, vec![event]).await {
            Ok(delivery) => delivery,
            Err(err) => {
                self.conns.release_room(conn, &code);
                return Err(err);
            }
        };
        Ok(Joined {
            session,
            newly_joined: true,
            delivery,
        })
    }

    /// Re-attaches `conn` to the seat a resume token names (same id, host role kept).
    pub async fn resume(
        &self,
        conn: &ConnId,
        request: &ResumeRequest,
    ) -> Result<ResumeOutcome, JamError> {
        let mut room = self
            .lock_room(&request.room_code, |_| JamError::ResumeFailed)
            .await?;
        let code = room.code().to_owned();
        let newly_reserved = self.conns.reserve_room(conn, &code)?;
        let now_ms = self.now_ms();
        let resumed = match room.resume(
            &request.resume_token,
            conn.clone(),
            request.last_seq,
            now_ms,
        ) {
            Ok(resumed) => resumed,
            Err(err) => {
                if newly_reserved {
                    self.conns.release_room(conn, &code);
                }
                return Err(err);
            }
        };
        let previous_conn = resumed.previous_conn.filter(|previous| previous != conn);
        if let Some(previous) = &previous_conn {
            self.conns.release_room(previous, &code);
        }
        let payload = SessionResumed {
            session: resumed.session,
            missed: resumed.missed,
            gap: resumed.gap,
        };
        let delivery = match self.deliver(room, resumed.events).await {
            Ok(delivery) => delivery,
            Err(err) => {
                if newly_reserved {
                    self.conns.release_room(conn, &code);
                }
                return Err(err);
            }
        };
        Ok(ResumeOutcome {
            resumed: payload,
            previous_conn,
            delivery,
        })
    }

    /// Removes the connection from one room at its request.
    pub async fn leave(&self, conn: &ConnId, room_code: &str) -> Result<Delivery, JamError> {
        let mut room = self.lock_room(room_code, JamError::NotInRoom).await?;
        let index = room.member_index(conn)?;
        let now = Instant::now();
        let events = self.tracked(&mut room, |room| room.remove(index, LeaveReason::Left, now));
        let delivery = self.deliver(room, events).await?;
        self.conns.release_room(conn, &delivery.room_code);
        Ok(delivery)
    }

    /// Forgets a connection that went away; returns the rooms to `depart` from, one at a time.
    pub fn close_connection(&self, conn: &ConnId) -> Vec<String> {
        self.conns.close(conn)
    }

    /// The connection leaves (or, abruptly, goes away from) one room it was in.
    pub async fn depart(&self, conn: &ConnId, room_code: &str, how: Departure) -> Option<Delivery> {
        let locked = self.lock_room(room_code, JamError::NotInRoom).await;
        let mut room = locked.ok()?;
        let index = room.index_of_conn(conn)?;
        let now = Instant::now();
        let events = match how {
            Departure::Abrupt => vec![room.mark_away(index, now)],
            Departure::Explicit => {
                self.tracked(&mut room, |r| r.remove(index, LeaveReason::Left, now))
            }
            Departure::RateLimited => self.tracked(&mut room, |r| {
                r.remove(index, LeaveReason::RateLimited, now)
            }),
        };
        self.deliver(room, events).await.ok()
    }

    /// Refuses every join while the connection or its IP (on any node) guessed wrong too often.
    async fn check_guessing(&self, conn: &ConnId, now: Instant) -> Result<(), JamError> {
        self.conns.check_guessing(conn, now)?;
        if let (Some(replica), Some(ip)) = (self.store.replica(), self.conns.ip_of(conn)) {
            // Without Redis only this node's count applies: a join on a room's owner goes on.
            let misses = replica.misses(ip).await.unwrap_or(0);
            if misses >= self.limits.max_code_misses_per_minute {
                return Err(JamError::RateLimited(
                    "too many wrong room codes; wait a minute",
                ));
            }
        }
        Ok(())
    }

    async fn record_miss(&self, conn: &ConnId, now: Instant) {
        self.conns.record_miss(conn, now);
        if let (Some(replica), Some(ip)) = (self.store.replica(), self.conns.ip_of(conn)) {
            replica.record_miss(ip);
        }
    }
}
