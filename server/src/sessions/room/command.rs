//! The host's commands as data: one [`HostCommand`] per thing a host can do to a room and one rule
//! per variant in [`Room::apply`] (the rules themselves are in `rules.rs`, `roles.rs`, `takes.rs`);
//! `SessionManager::command` runs any of them. A new host command is a variant here, its rule on the
//! room, and its wire type (a row in handlers/host.rs).

use tokio::time::Instant;

use super::{Room, Sequenced};
use crate::error::JamError;
use crate::protocol::Role;
use crate::sessions::settings::SettingsPatch;
use crate::sessions::ConnId;

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

impl HostCommand {
    /// What the command does, as in "only the host may …".
    pub fn action(&self) -> &'static str {
        match self {
            HostCommand::TransferHost { .. } => "hand over the host role",
            HostCommand::SetRole { .. } => "change who plays",
            HostCommand::UpdateSettings(_) => "change the settings",
            HostCommand::StartTransport { .. } => "start the transport",
            HostCommand::StopTransport => "stop the transport",
            HostCommand::StartRecording => "start recording",
            HostCommand::StopRecording => "stop recording",
            HostCommand::Kick { .. } => "remove a participant",
        }
    }
}

impl Room {
    /// Runs `command` for member `conn`, who must be the host: each variant's rule, once that is
    /// checked here (`forbidden` otherwise).
    pub fn apply(
        &mut self,
        conn: &ConnId,
        command: &HostCommand,
        now: Now,
    ) -> Result<Applied, JamError> {
        let host = self.require_host(conn, command.action())?;
        let events = match command {
            HostCommand::TransferHost { user_id } => self.transfer_host(host, user_id)?,
            HostCommand::SetRole { user_id, role } => self.set_role(host, user_id, *role)?,
            HostCommand::UpdateSettings(patch) => self.update_settings(host, patch, now.ms)?,
            HostCommand::StartTransport { at, start_beat } => {
                self.start_transport(*at, *start_beat, now.ms)?
            }
            HostCommand::StopTransport => self.stop_transport(now.ms),
            HostCommand::StartRecording => self.start_recording(now.ms)?,
            HostCommand::StopRecording => self.stop_recording(now.ms),
            HostCommand::Kick { user_id } => {
                let (removed, events) = self.kick(host, user_id, now.instant)?;
                return Ok(Applied { events, removed });
            }
        };
        Ok(events.into())
    }
}
