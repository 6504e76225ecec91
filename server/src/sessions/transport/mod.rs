//! The shared musical transport (play/stop/tempo) as an anchor point in server time, so every client can
//! compute the same beat from its own synced clock instead of receiving a stream of ticks.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::JamError;

/// How far ahead a start without `at` is scheduled, so it reaches every client before it happens.
pub const DEFAULT_START_LEAD_MS: f64 = 200.0;
/// A start may be back-dated this far (a client catching up) ...
pub const MAX_START_PAST_MS: f64 = 10_000.0;
/// ... or scheduled this far ahead (a count-in), but no further.
pub const MAX_START_FUTURE_MS: f64 = 60_000.0;
pub const MAX_START_BEAT: f64 = 1e6;

const MS_PER_MINUTE: f64 = 60_000.0;

/// The shared musical transport. beat(t) = start_beat + (t − started_at)·bpm/60000 while playing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Transport {
    pub playing: bool,
    pub bpm: f64,
    /// Server time (ms since the UNIX epoch) at which the beat was `start_beat`.
    pub started_at: f64,
    pub start_beat: f64,
}

impl Transport {
    pub fn stopped(bpm: f64) -> Transport {
        Transport {
            playing: false,
            bpm,
            started_at: 0.0,
            start_beat: 0.0,
        }
    }

    /// Beat position at server time `t_ms`. When stopped: the position it stopped at. Before a scheduled
    /// start it is below `start_beat` (a count-in), as the formula says.
    pub fn beat_at(&self, t_ms: f64) -> f64 {
        if self.playing {
            self.start_beat + (t_ms - self.started_at) * self.bpm / MS_PER_MINUTE
        } else {
            self.start_beat
        }
    }

    /// Starts (or restarts) at server time `at_ms` from `start_beat`.
    pub fn start(&mut self, at_ms: f64, start_beat: f64) {
        self.playing = true;
        self.started_at = at_ms;
        self.start_beat = start_beat;
    }

    /// Stops at `now_ms`, keeping the beat reached so `beat_at` stays continuous. Stopping before a
    /// scheduled start keeps the start beat. `started_at` becomes `now_ms`, so `beat_at(started_at)`
    /// is `start_beat` in every state. Stopping a stopped transport changes nothing.
    pub fn stop(&mut self, now_ms: f64) {
        if !self.playing {
            return;
        }
        if now_ms > self.started_at {
            self.start_beat = self.beat_at(now_ms);
        }
        self.playing = false;
        self.started_at = now_ms;
    }

    /// Tempo change at `now_ms`. While playing, re-anchors at `now_ms` with the beat computed at the old
    /// tempo, so nobody hears a jump; a start still in the future keeps its anchor. Returns whether the
    /// transport changed.
    pub fn set_bpm(&mut self, bpm: f64, now_ms: f64) -> bool {
        if bpm == self.bpm {
            return false;
        }
        if self.playing && now_ms >= self.started_at {
            self.start_beat = self.beat_at(now_ms);
            self.started_at = now_ms;
        }
        self.bpm = bpm;
        true
    }
}

/// Checks a client's start request against server time `now_ms`; returns `(at_ms, start_beat)`.
/// Defaults: `at` a little after now, beat 0.
pub fn validate_start(
    at_ms: Option<f64>,
    start_beat: Option<f64>,
    now_ms: f64,
) -> Result<(f64, f64), JamError> {
    let at = at_ms.unwrap_or(now_ms + DEFAULT_START_LEAD_MS);
    let earliest = now_ms - MAX_START_PAST_MS;
    let latest = now_ms + MAX_START_FUTURE_MS;
    if !at.is_finite() || at < earliest || at > latest {
        return Err(JamError::InvalidPayload(
            "transport.at must be within 10 s before and 60 s after server time".to_owned(),
        ));
    }
    let beat = start_beat.unwrap_or(0.0);
    if !beat.is_finite() || !(0.0..=MAX_START_BEAT).contains(&beat) {
        return Err(JamError::InvalidPayload(
            "transport.startBeat must be a number from 0 to 1000000".to_owned(),
        ));
    }
    Ok((at, beat))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-9;
    const NOW: f64 = 1_700_000_000_000.0;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < EPS
    }

    #[test]
    fn stopped_transport_sits_at_beat_zero() {
        let t = Transport::stopped(120.0);
        assert!(!t.playing);
        assert_eq!((t.started_at, t.start_beat), (0.0, 0.0));
        assert_eq!(t.beat_at(NOW), 0.0);
    }

    #[test]
    fn beat_advances_at_bpm_per_minute() {
        let mut t = Transport::stopped(120.0);
        t.start(NOW, 4.0);
        assert!(close(t.beat_at(NOW), 4.0));
        assert!(close(t.beat_at(NOW + 500.0), 5.0));
        assert!(close(t.beat_at(NOW + 60_000.0), 124.0));
        // Before the scheduled start the beat counts in below the start beat.
        assert!(close(t.beat_at(NOW - 1_000.0), 2.0));
    }

    #[test]
    fn stop_keeps_the_position_reached() {
        let mut t = Transport::stopped(90.0);
        t.start(NOW, 0.0);
        t.stop(NOW + 2_000.0);
        assert!(!t.playing);
        assert!(close(t.beat_at(NOW + 2_000.0), 3.0));
        assert!(close(t.beat_at(NOW + 99_000.0), 3.0));
        let before = t.clone();
        t.stop(NOW + 5_000.0);
        assert_eq!(t, before, "stopping twice changes nothing");
    }

    #[test]
    fn stop_before_the_scheduled_start_keeps_the_start_beat() {
        let mut t = Transport::stopped(120.0);
        t.start(NOW + 1_000.0, 8.0);
        t.stop(NOW);
        assert!(close(t.beat_at(NOW + 5_000.0), 8.0));
    }

    #[test]
    fn tempo_changes_keep_the_beat_continuous() {
        let mut t = Transport::stopped(120.0);
        t.start(NOW, 0.0);
        let changes = [
            (1_234.5, 90.0),
            (7_000.0, 180.25),
            (7_001.0, 20.0),
            (30_000.0, 300.0),
        ];
        for (offset, bpm) in changes {
            let now = NOW + offset;
            let before = t.beat_at(now);
            assert!(t.set_bpm(bpm, now));
            assert!(close(t.beat_at(now), before), "jump at {offset}");
            assert_eq!((t.started_at, t.bpm), (now, bpm));
        }
        assert!(close(t.beat_at(NOW + 31_000.0), t.start_beat + 5.0));
    }

    #[test]
    fn same_tempo_is_not_a_change() {
        let mut t = Transport::stopped(120.0);
        t.start(NOW, 0.0);
        let before = t.clone();
        assert!(!t.set_bpm(120.0, NOW + 3_000.0));
        assert_eq!(t, before);
    }

    #[test]
    fn tempo_change_before_a_scheduled_start_keeps_the_anchor() {
        let mut t = Transport::stopped(120.0);
        t.start(NOW + 1_000.0, 4.0);
        assert!(t.set_bpm(60.0, NOW));
        assert_eq!(
            (t.started_at, t.start_beat, t.bpm),
            (NOW + 1_000.0, 4.0, 60.0)
        );
        assert!(close(t.beat_at(NOW + 2_000.0), 5.0));
    }

    #[test]
    fn tempo_change_while_stopped_only_changes_bpm() {
        let mut t = Transport::stopped(120.0);
        assert!(t.set_bpm(100.0, NOW));
        assert_eq!(t, Transport::stopped(100.0));
    }

    #[test]
    fn start_defaults_to_shortly_after_now_from_beat_zero() {
        assert_eq!(validate_start(None, None, NOW), Ok((NOW + 200.0, 0.0)));
        assert_eq!(
            validate_start(Some(NOW - 10_000.0), Some(1e6), NOW),
            Ok((NOW - 10_000.0, 1e6))
        );
        assert!(validate_start(Some(NOW + 60_000.0), Some(0.0), NOW).is_ok());
    }

    #[test]
    fn start_time_must_be_finite_and_near_server_time() {
        for bad in [NOW - 10_001.0, NOW + 60_001.0, f64::NAN, f64::INFINITY, 0.0] {
            let err = validate_start(Some(bad), None, NOW).unwrap_err();
            assert_eq!(
                err,
                JamError::InvalidPayload(
                    "transport.at must be within 10 s before and 60 s after server time".to_owned()
                )
            );
        }
    }

    #[test]
    fn start_beat_must_be_finite_and_0_to_a_million() {
        for bad in [-0.5, 1e6 + 1.0, f64::NAN, f64::NEG_INFINITY] {
            match validate_start(None, Some(bad), NOW) {
                Err(JamError::InvalidPayload(m)) => assert!(m.starts_with("transport.startBeat")),
                other => panic!("{bad}: expected an error, got {other:?}"),
            }
        }
    }
}
