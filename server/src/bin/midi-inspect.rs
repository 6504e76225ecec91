//! `midi-inspect FILE`: parses a Standard MIDI File with midly and prints what tests and people want
//! to check as JSON: format, PPQ, and per track its name, tempos and notes at absolute ticks.

use std::process::ExitCode;

use midly::{MetaMessage, MidiMessage, Smf, Timing, TrackEventKind};
use serde_json::{json, Value};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: midi-inspect FILE.mid");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("cannot read {path}: {err}");
            return ExitCode::from(2);
        }
    };
    match Smf::parse(&bytes) {
        Ok(smf) => {
            println!("{}", describe(&smf));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("not a valid Standard MIDI File: {err}");
            ExitCode::FAILURE
        }
    }
}

fn describe(smf: &Smf) -> Value {
    let ppq = match smf.header.timing {
        Timing::Metrical(ppq) => Some(ppq.as_int()),
        Timing::Timecode(..) => None,
    };
    let tracks: Vec<Value> = smf
        .tracks
        .iter()
        .map(|track| describe_track(track))
        .collect();
    json!({ "format": format!("{:?}", smf.header.format), "ppq": ppq, "tracks": tracks })
}

fn describe_track(track: &[midly::TrackEvent]) -> Value {
    let (mut tick, mut name, mut tempos, mut notes, mut markers) =
        (0u64, None, vec![], vec![], vec![]);
    for event in track {
        tick += u64::from(event.delta.as_int());
        match event.kind {
            TrackEventKind::Meta(MetaMessage::TrackName(bytes)) => {
                name = Some(String::from_utf8_lossy(bytes).into_owned());
            }
            TrackEventKind::Meta(MetaMessage::Tempo(us)) => {
                tempos.push(json!({ "tick": tick, "bpm": 60_000_000.0 / f64::from(us.as_int()) }));
            }
            TrackEventKind::Meta(MetaMessage::Marker(bytes)) => {
                markers.push(json!({ "tick": tick, "text": String::from_utf8_lossy(bytes) }));
            }
            TrackEventKind::Midi { channel, message } => match message {
                MidiMessage::NoteOn { key, vel } => notes.push(json!({
                    "tick": tick, "on": vel.as_int() > 0, "note": key.as_int(),
                    "velocity": vel.as_int(), "channel": channel.as_int(),
                })),
                MidiMessage::NoteOff { key, .. } => notes.push(json!({
                    "tick": tick, "on": false, "note": key.as_int(), "channel": channel.as_int(),
                })),
                _ => {}
            },
            _ => {}
        }
    }
    json!({ "name": name, "tempos": tempos, "notes": notes, "markers": markers })
}
