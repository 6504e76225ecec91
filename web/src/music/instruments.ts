/**
 * The sounds a player can pick for their keys, synthesized with Web Audio (nothing is downloaded):
 * each is a few oscillators through a low-pass filter and an envelope. The drum pads stay drums.
 */
import type { Instrument } from "../types/protocol";

export const INSTRUMENTS: readonly { id: Instrument; label: string }[] = [
  { id: "piano", label: "Piano" },
  { id: "electric-piano", label: "Electric piano" },
  { id: "organ", label: "Organ" },
  { id: "synth-lead", label: "Synth lead" },
  { id: "bass", label: "Bass" },
  { id: "pad", label: "Pad" },
];

interface Partial {
  type: OscillatorType;
  /** Frequency ratio to the note (2 = an octave up, 0.5 = down). */
  ratio: number;
  detune: number;
  gain: number;
}

export interface VoiceSpec {
  partials: Partial[];
  /** Seconds to full level, to the sustain level, and the sustain level (× the peak). */
  attack: number;
  decay: number;
  sustain: number;
  /** Seconds for a held note to die away by itself (a piano's strings; an organ holds). */
  fade: number;
  /** Release time constant after the key lifts. */
  release: number;
  /** Low-pass cutoff as a multiple of the note's frequency (capped at 9 kHz). */
  brightness: number;
  level: number;
}

const wave = (type: OscillatorType, ratio = 1, detune = 0, gain = 1): Partial => ({ type, ratio, detune, gain });

export const VOICES: Record<Instrument, VoiceSpec> = {
  piano: {
    partials: [wave("triangle"), wave("sine", 2, 0, 0.35), wave("sawtooth", 1, 4, 0.12)],
    attack: 0.004,
    decay: 0.6,
    sustain: 0.3,
    fade: 3.5,
    release: 0.12,
    brightness: 7,
    level: 0.24,
  },
  "electric-piano": {
    partials: [wave("triangle"), wave("sawtooth", 1, 6, 0.25)],
    attack: 0.008,
    decay: 0.3,
    sustain: 0.45,
    fade: 3.5,
    release: 0.07,
    brightness: 6,
    level: 0.22,
  },
  organ: {
    partials: [wave("sine"), wave("sine", 2, 0, 0.6), wave("sine", 3, 0, 0.35), wave("sine", 0.5, 0, 0.4)],
    attack: 0.01,
    decay: 0.05,
    sustain: 0.9,
    fade: 12,
    release: 0.04,
    brightness: 10,
    level: 0.14,
  },
  "synth-lead": {
    partials: [wave("sawtooth", 1, -7), wave("sawtooth", 1, 7), wave("square", 0.5, 0, 0.3)],
    attack: 0.01,
    decay: 0.15,
    sustain: 0.7,
    fade: 12,
    release: 0.08,
    brightness: 5,
    level: 0.13,
  },
  bass: {
    partials: [wave("sawtooth", 0.5), wave("sine", 0.5, 0, 0.8)],
    attack: 0.005,
    decay: 0.25,
    sustain: 0.55,
    fade: 6,
    release: 0.06,
    brightness: 3,
    level: 0.26,
  },
  pad: {
    partials: [wave("sawtooth", 1, -10, 0.6), wave("sawtooth", 1, 10, 0.6), wave("triangle", 2, 0, 0.3)],
    attack: 0.35,
    decay: 0.6,
    sustain: 0.8,
    fade: 12,
    release: 0.6,
    brightness: 3,
    level: 0.13,
  },
};

/** The nodes of one sounding note, to release it. */
export interface Voice {
  oscillators: OscillatorNode[];
  envelope: GainNode;
  release: number;
}

/** Starts `note` at `velocity` (0–127) with `spec`'s sound; it dies away by itself after `spec.fade`. */
export function startVoice(context: AudioContext, output: AudioNode, spec: VoiceSpec, frequency: number, velocity: number): Voice {
  const now = context.currentTime;
  const peak = spec.level * Math.max(0.05, velocity / 127);
  const envelope = context.createGain();
  envelope.gain.setValueAtTime(0.0001, now);
  envelope.gain.exponentialRampToValueAtTime(peak, now + spec.attack);
  envelope.gain.exponentialRampToValueAtTime(Math.max(peak * spec.sustain, 0.0002), now + spec.attack + spec.decay);
  envelope.gain.exponentialRampToValueAtTime(0.0001, now + spec.fade);

  const filter = context.createBiquadFilter();
  filter.type = "lowpass";
  filter.frequency.value = Math.min(frequency * spec.brightness, 9000);
  filter.connect(envelope).connect(output);

  const oscillators = spec.partials.map((partial) => {
    const oscillator = context.createOscillator();
    oscillator.type = partial.type;
    oscillator.frequency.value = frequency * partial.ratio;
    oscillator.detune.value = partial.detune;
    const level = context.createGain();
    level.gain.value = partial.gain;
    oscillator.connect(level).connect(filter);
    oscillator.start(now);
    oscillator.stop(now + spec.fade + 0.1);
    return oscillator;
  });
  return { oscillators, envelope, release: spec.release };
}
