//! The shared musical transport (play/stop/tempo) as an anchor point in server time, so every client can
//! compute the same beat from its own synced clock instead of receiving a stream of ticks. A tempo
//! change, or a restart without a time, lands on a beat of the running grid far enough ahead to reach
//! every member first; until then the old grid holds (`previous`), so no page hears a flam.

use crate::error::JamError;
pub use crate::protocol::{Grid, Transport};

/// How far ahead a start without `at` (and any change that waits for its beat) lands at least, so it
/// reaches every client before it happens.
pub const DEFAULT_START_LEAD_MS: f64 = 200.0;
/// The lead grows with the room's worst round trip, but no further than this: one member on a bad
/// link must not make every tempo change a second late for the others.
pub const MAX_LEAD_MS: f64 = 1_000.0;
/// A start may be back-dated this far (a client catching up) ...
pub const MAX_START_PAST_MS: f64 = 10_000.0;
/// ... or scheduled this far ahead (a count-in), but no further.
pub const MAX_START_FUTURE_MS: f64 = 60_000.0;
pub const MAX_START_BEAT: f64 = 1e6;

const MS_PER_MINUTE: f64 = 60_000.0;

/// How far ahead a change lands in a room whose worst reported round trip is `worst_rtt_ms`: the
/// slowest member hears of it after about half a round trip, so 1.5 × leaves a margin.
pub fn change_lead(worst_rtt_ms: Option<f64>) -> f64 {
    (worst_rtt_ms.unwrap_or(0.0) * 1.5).clamp(DEFAULT_START_LEAD_MS, MAX_LEAD_MS)
}

impl Grid {
    pub fn beat_at(&self, t_ms: f64) -> f64 {
        self.start_beat + (t_ms - self.started_at) * self.bpm / MS_PER_MINUTE
    }

    pub fn time_of(&self, beat: f64) -> f64 {
        self.started_at + (beat - self.start_beat) * MS_PER_MINUTE / self.bpm
    }

    /// The first whole beat at or after `t_ms`, and its time.
    fn next_beat(&self, t_ms: f64) -> (f64, f64) {
        let beat = self.beat_at(t_ms).ceil();
        (beat, self.time_of(beat))
    }
}

impl Transport {
    pub fn stopped(bpm: f64) -> Transport {
        Transport {
            playing: false,
            bpm,
            started_at: 0.0,
            start_beat: 0.0,
            previous: None,
        }
    }

    fn grid(&self) -> Grid {
        Grid {
            bpm: self.bpm,
            started_at: self.started_at,
            start_beat: self.start_beat,
        }
    }

    /// The grid that plays at `t_ms`: the previous one until a waiting change lands.
    fn grid_at(&self, t_ms: f64) -> Grid {
        match self.previous {
            Some(previous) if t_ms < self.started_at => previous,
            _ => self.grid(),
        }
    }

    /// Beat position at server time `t_ms`. When stopped: the position it stopped at. Before a scheduled
    /// start it is below `start_beat` (a count-in), as the formula says.
    pub fn beat_at(&self, t_ms: f64) -> f64 {
        if self.playing {
            self.grid_at(t_ms).beat_at(t_ms)
        } else {
            self.start_beat
        }
    }

    /// The grid that plays until `t_ms`.
    fn grid_before(&self, t_ms: f64) -> Grid {
        match self.previous {
            Some(previous) if t_ms <= self.started_at => previous,
            _ => self.grid(),
        }
    }

    /// Forgets the previous grid once the change it waited for has landed.
    pub fn settle(&mut self, now_ms: f64) {
        if now_ms >= self.started_at {
            self.previous = None;
        }
    }

    /// The transport as a joiner at `now_ms` needs it.
    pub fn settled(&self, now_ms: f64) -> Transport {
        let mut transport = self.clone();
        transport.settle(now_ms);
        transport
    }

    /// The first whole beat of the running grid at or after `t_ms` (of the waiting change's grid if
    /// it lands first), its time, and the grid that plays until then.
    fn next_beat(&self, t_ms: f64) -> (f64, f64, Grid) {
        if let Some(previous) = self.previous.filter(|_| t_ms < self.started_at) {
            let (beat, at) = previous.next_beat(t_ms);
            if at < self.started_at {
                return (beat, at, previous);
            }
        }
        let grid = self.grid();
        let (beat, at) = grid.next_beat(t_ms.max(self.started_at));
        (beat, at, grid)
    }

    /// Starts (or restarts) from `start_beat` at server time `at_ms`, or, without a time, as soon as
    /// every member can hear of it (`lead_ms` ahead): while playing on the next beat of the running
    /// grid, which plays on until then.
    pub fn start(&mut self, at_ms: Option<f64>, start_beat: f64, now_ms: f64, lead_ms: f64) {
        self.settle(now_ms);
        let (at, previous) = match (at_ms, self.playing) {
            (Some(at), true) if at > now_ms => (at, Some(self.grid_before(at))),
            (Some(at), _) => (at, None),
            (None, true) => {
                let (_, at, grid) = self.next_beat(now_ms + lead_ms);
                (at, Some(grid))
            }
            (None, false) => (now_ms + lead_ms, None),
        };
        self.playing = true;
        self.started_at = at;
        self.start_beat = start_beat;
        self.previous = previous;
    }

    /// Stops at `now_ms`, keeping the beat reached so `beat_at` stays continuous. Stopping before a
    /// scheduled start keeps the start beat. `started_at` becomes `now_ms`, so `beat_at(started_at)`
    /// is `start_beat` in every state. Stopping a stopped transport changes nothing.
    pub fn stop(&mut self, now_ms: f64) {
        self.settle(now_ms);
        if !self.playing {
            return;
        }
        if now_ms > self.started_at || self.previous.is_some() {
            self.start_beat = self.beat_at(now_ms);
        }
        self.playing = false;
        self.started_at = now_ms;
        self.previous = None;
    }

    /// Tempo change at `now_ms`. While playing, it lands on the first beat at least `lead_ms` ahead
    /// and the old tempo plays until then, so nobody hears a jump or a flam; a start or change still
    /// ahead keeps its anchor and only the tempo after it changes. Returns whether the transport
    /// changed.
    pub fn set_bpm(&mut self, bpm: f64, now_ms: f64, lead_ms: f64) -> bool {
        if bpm == self.bpm {
            return false;
        }
        self.settle(now_ms);
        if self.playing && now_ms >= self.started_at {
            let (beat, at, grid) = self.next_beat(now_ms + lead_ms);
            self.previous = Some(grid);
            self.start_beat = beat;
            self.started_at = at;
        }
        self.bpm = bpm;
        true
    }
}

/// Checks a client's start request against server time `now_ms`; returns `(at_ms, start_beat)`.
/// Defaults: no time (as soon as everyone can hear of it, see `Transport::start`), beat 0.
pub fn validate_start(
    at_ms: Option<f64>,
    start_beat: Option<f64>,
    now_ms: f64,
) -> Result<(Option<f64>, f64), JamError> {
    let earliest = now_ms - MAX_START_PAST_MS;
    let latest = now_ms + MAX_START_FUTURE_MS;
    if let Some(at) = at_ms {
        if !at.is_finite() || at < earliest || at > latest {
            return Err(JamError::InvalidPayload(
                "transport.at must be within 10 s before and 60 s after server time".to_owned(),
            ));
        }
    }
    let beat = start_beat.unwrap_or(0.0);
    if !beat.is_finite() || !(0.0..=MAX_START_BEAT).contains(&beat) {
        return Err(JamError::InvalidPayload(
            "transport.startBeat must be a number from 0 to 1000000".to_owned(),
        ));
    }
    Ok((at_ms, beat))
}

#[cfg(test)]
mod tests;
