//! Who someone is in the room: player or listener, and the sound of their keys. Listeners hear and
//! see everything and may chat, but do not play: their `event:broadcast` is refused (`listen_only`),
//! they do not take a player seat (`maxParticipants` counts players) and at most `--max-listeners`
//! listen at once. The host moves people between the two with `session:set-role`; everyone picks
//! their own instrument with `session:update-profile`. Both are heard as `session:user-updated`.

use super::{Room, Sequenced};
use crate::error::JamError;
use crate::protocol::{Instrument, Role, RoomEvent, UserUpdated};
use crate::sessions::ConnId;

impl Room {
    /// How many members play.
    pub(in crate::sessions) fn players(&self) -> usize {
        self.members
            .iter()
            .filter(|m| m.participant.role == Role::Player)
            .count()
    }

    /// Why someone could not come in as `role`, checked before anything changes.
    pub(in crate::sessions) fn check_admission(&self, role: Role) -> Result<(), JamError> {
        if self.settings.locked {
            return Err(JamError::RoomLocked(self.code.clone()));
        }
        self.check_seat(role)
    }

    /// Whether one more `role` fits.
    fn check_seat(&self, role: Role) -> Result<(), JamError> {
        let code = self.code.clone();
        match role {
            Role::Player => {
                let limit = self.settings.max_participants as usize;
                match self.players() < limit {
                    true => Ok(()),
                    false => Err(JamError::RoomFull { code, limit }),
                }
            }
            Role::Listener => {
                let limit = self.max_listeners;
                match self.members.len() - self.players() < limit {
                    true => Ok(()),
                    false => Err(JamError::ListenersFull { code, limit }),
                }
            }
        }
    }

    /// Refuses a listener's playing.
    pub(in crate::sessions) fn require_player(&self, index: usize) -> Result<(), JamError> {
        match self.members[index].participant.role {
            Role::Player => Ok(()),
            Role::Listener => Err(JamError::ListenOnly(self.code.clone())),
        }
    }

    /// The host makes `user_id` a player or a listener; everyone hears `session:user-updated`.
    pub(super) fn set_role(
        &mut self,
        host: usize,
        user_id: &str,
        role: Role,
    ) -> Result<Vec<Sequenced>, JamError> {
        let target = self.target_index(user_id)?;
        if self.members[target].participant.role == role {
            return Ok(Vec::new());
        }
        if target == host {
            return Err(JamError::InvalidPayload(
                "the host plays: hand the host role over first".into(),
            ));
        }
        self.check_seat(role)?;
        self.members[target].participant.role = role;
        Ok(vec![self.user_updated(target)])
    }

    /// `conn`'s member plays `instrument` from now on (their own choice; anyone may).
    pub(in crate::sessions) fn update_profile(
        &mut self,
        conn: &ConnId,
        instrument: Instrument,
        now_ms: f64,
    ) -> Result<Vec<Sequenced>, JamError> {
        let index = self.member_index(conn)?;
        if self.members[index].participant.instrument == instrument {
            return Ok(Vec::new());
        }
        self.members[index].participant.instrument = instrument;
        let participant = self.members[index].participant.clone();
        self.recorder.instrument_changed(now_ms, &participant);
        Ok(vec![self.user_updated(index)])
    }

    fn user_updated(&mut self, index: usize) -> Sequenced {
        let user = self.members[index].participant.clone();
        self.push(false, |room_code, seq| {
            RoomEvent::UserUpdated(UserUpdated {
                user,
                room_code,
                seq,
            })
        })
    }
}
