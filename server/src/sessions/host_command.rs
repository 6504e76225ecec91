//! The host's commands as data: one [`HostCommand`] per thing a host can do to a room, one rule per
//! variant in [`Room::apply`], and one way to run any of them ([`SessionManager::command`]). A new
//! host command is a variant here, its rule on the room, and its wire type (handlers/host.rs).

use tokio::time::Instant;

use super::room::{Room, Sequenced};
use super::settings::SettingsPatch;
use super::{ConnId, Delivery, SessionManager};
use crate::error::JamError;
use crate::protocol::Role;

/// Something only the room's host may do.
#[derive(Debug, Clone, PartialEq)]
pub enum HostCommand {
    /// Hand the host role to another participant.
    TransferHost {
        user_id: String,
    },
    /// Make someone a player or a listener.
    SetRole {
        user_id: String,
        role: Role,
    },
    /// Change some of the room's settings.
    UpdateSettings(SettingsPatch),
    /// Start the shared transport at server time `at` (default: soon), from `start_beat`.
    StartTransport {
        at: Option<f64>,
        start_beat: Option<f64>,
    },
    StopTransport,
    StartRecording,
    StopRecording,
    /// Remove a participant from the room.
    Kick {
        user_id: String,
    },
}

/// When a command runs, in both of the room's clocks.
#[derive(Debug, Clone, Copy)]
pub struct Now {
    /// Server time in ms (what clients see).
    pub ms: f64,
    /// The monotonic instant (grace periods and TTLs).
    pub instant: Instant,
}

/// What a command did: the room events everyone hears, and the connection it removed (a kick).
#[derive(Debug)]
pub struct Applied {
    pub events: Vec<Sequenced>,
    pub removed: Option<ConnId>,
}

impl From<Vec<Sequenced>> for Applied {
    fn from(events: Vec<Sequenced>) -> Self {
        Applied {
            events,
            removed: None,
        }
    }
}

/// A command's outcome for the caller: the room's events to send (room still locked) and the
/// connection to tell it was removed.
pub struct Commanded {
    pub delivery: Delivery,
    pub removed: Option<ConnId>,
}

impl Room {
    /// Runs `command` for member `conn`: each variant's rule, which checks that `conn` is the host.
    pub fn apply(
        &mut self,
        conn: &ConnId,
        command: &HostCommand,
        now: Now,
    ) -> Result<Applied, JamError> {
        let events = match command {
            HostCommand::TransferHost { user_id } => self.transfer_host(conn, user_id)?,
            HostCommand::SetRole { user_id, role } => self.set_role(conn, user_id, *role)?,
            HostCommand::UpdateSettings(patch) => self.update_settings(conn, patch, now.ms)?,
            HostCommand::StartTransport { at, start_beat } => {
                self.start_transport(conn, *at, *start_beat, now.ms)?
            }
            HostCommand::StopTransport => self.stop_transport(conn, now.ms)?,
            HostCommand::StartRecording => self.start_recording(conn, now.ms)?,
            HostCommand::StopRecording => self.stop_recording(conn, now.ms)?,
            HostCommand::Kick { user_id } => {
                let (removed, events) = self.kick(conn, user_id, now.instant)?;
                return Ok(Applied { events, removed });
            }
        };
        Ok(events.into())
    }
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
            self.conns.release_room(removed, &room.code);
        }
        Ok(Commanded {
            delivery: self.deliver(room, applied.events).await?,
            removed: applied.removed,
        })
    }
}
