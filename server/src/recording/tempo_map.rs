//! The tempo map: which meter (tempo, time signature, key) holds from when on, and the conversion of
//! server time to beats and ticks through it. A change at time t applies from t on, so beats accumulate
//! piecewise: beats(t) = Σ segments Δms · bpm / 60000.

use super::{Meter, PPQ};

const MS_PER_MINUTE: f64 = 60_000.0;
/// Stands in for a tempo that cannot drive a clock (zero, negative, NaN); rooms validate theirs, so this
/// only keeps the arithmetic finite.
const FALLBACK_BPM: f64 = 120.0;

/// From `at` on, `meter` holds; `beat` is the beat reached at `at` (0 at the take's start).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct TempoChange {
    pub at: f64,
    pub meter: Meter,
    pub beat: f64,
}

/// Meter changes in time order, the first at the take's start.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct TempoMap {
    changes: Vec<TempoChange>,
}

impl TempoMap {
    pub fn new(start: f64, meter: Meter) -> TempoMap {
        let first = TempoChange {
            at: start,
            meter: sane(meter),
            beat: 0.0,
        };
        TempoMap {
            changes: vec![first],
        }
    }

    pub fn changes(&self) -> &[TempoChange] {
        &self.changes
    }

    fn start(&self) -> &TempoChange {
        &self.changes[0]
    }

    /// A change at `at`. The map only grows forward: a change dated before the last one (a clock step
    /// back) applies at the last one's time. Two changes at the same moment: the later wins. A "change"
    /// to the meter already in force is no change.
    pub fn change(&mut self, at: f64, meter: Meter) {
        let meter = sane(meter);
        let last_index = self.changes.len() - 1;
        let last = &mut self.changes[last_index];
        if last.meter == meter {
            return;
        }
        let at = at.max(last.at);
        if at == last.at {
            last.meter = meter;
            return;
        }
        let beat = self.beats_at(at);
        self.changes.push(TempoChange { at, meter, beat });
    }

    /// Beats since the take's start at server time `at`; times before the start (and NaN) are beat 0.
    pub fn beats_at(&self, at: f64) -> f64 {
        if at.is_nan() || at <= self.start().at {
            return 0.0;
        }
        let after = self.changes.partition_point(|c| c.at <= at);
        // `after` ≥ 1 because the first change is at the start, which is before `at`.
        let change = &self.changes[after.saturating_sub(1)];
        change.beat + (at - change.at) * change.meter.bpm / MS_PER_MINUTE
    }

    /// Ticks (PPQ 480) at `at`, rounded to the nearest so float noise never moves a note off its tick.
    pub fn ticks_at(&self, at: f64) -> u64 {
        // A float-to-int cast saturates, so even an absurd time gives a number, not a panic.
        (self.beats_at(at) * f64::from(PPQ)).round() as u64
    }
}

/// The meter with a usable tempo.
fn sane(meter: Meter) -> Meter {
    if meter.bpm.is_finite() && meter.bpm > 0.0 {
        meter
    } else {
        Meter {
            bpm: FALLBACK_BPM,
            ..meter
        }
    }
}

#[cfg(test)]
mod tests;
