//! `SessionManager::command`: any host command, on the room it names.

use tokio::time::Instant;

use crate::error::JamError;
use crate::sessions::room::{HostCommand, Now};
use crate::sessions::{ConnId, Delivery, SessionManager};

/// A command's outcome for the caller: the room's events to send (room still locked) and the
/// connection to tell it was removed.
pub struct Commanded {
    pub delivery: Delivery,
    pub removed: Option<ConnId>,
}

impl SessionManager {
    /// Runs a host command on the room `room_code` names.
    pub async fn command(
        &self,
        conn: &ConnId,
        room_code: &str,
        command: &HostCommand,
    ) -> Result<Commanded, JamError> {
        let mut room = self.lock_room(room_code, JamError::NotInRoom).await?;
        let now = Now {
            ms: self.now_ms(),
            instant: Instant::now(),
        };
        let applied = self.tracked(&mut room, |room| room.apply(conn, command, now))?;
        if let Some(removed) = &applied.removed {
            self.conns.release_room(removed, room.code());
        }
        Ok(Commanded {
            delivery: self.deliver(room, applied.events).await?,
            removed: applied.removed,
        })
    }
}
