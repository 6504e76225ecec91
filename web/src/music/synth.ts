/**
 * Web Audio sound for the jam page: a small polyphonic synth for keys and synthesised drums, so no
 * samples are downloaded. The AudioContext is created lazily on the first user gesture (browsers
 * refuse to start audio before one); where Web Audio is missing every call is a silent no-op.
 */
import { playClick } from "./click";
import type { ScheduledClick } from "./clickQueue";
import { playDrum } from "./drumSounds";
import { Expression, ownerOf, type ExpressionState } from "./expression";
import { startVoice, VOICES, type Voice } from "./instruments";
import { noteFrequency } from "./notes";
import type { Instrument } from "../types/protocol";

/** A note the synth started, as `__jamDebug.voices()` lists it. */
export interface PlayedVoice {
  key: string;
  note: number;
  velocity: number;
  instrument: Instrument;
}

const PLAYED_LOG_SIZE = 64;

type AudioContextConstructor = new () => AudioContext;

/** The audio-clock time (s) at which a sound leaves the speakers at `localMs` on the machine's clock. */
function audioTimeOf(context: AudioContext, localMs: number): number {
  const perfMs = localMs - performance.timeOrigin;
  const stamp = typeof context.getOutputTimestamp === "function" ? context.getOutputTimestamp() : undefined;
  if (stamp?.performanceTime && stamp.contextTime !== undefined) {
    return stamp.contextTime + (perfMs - stamp.performanceTime) / 1000;
  }
  // No timestamp yet (the context just started): now plus the wait, less the output latency.
  return context.currentTime + (perfMs - performance.now()) / 1000 - (context.outputLatency || 0);
}

function audioContextClass(): AudioContextConstructor | undefined {
  if (typeof window === "undefined") return undefined;
  const scope = window as unknown as { AudioContext?: AudioContextConstructor; webkitAudioContext?: AudioContextConstructor };
  return scope.AudioContext ?? scope.webkitAudioContext;
}

export class Synth {
  private context: AudioContext | null = null;
  private output: AudioNode | null = null;
  private readonly voices = new Map<string, Voice>();
  private readonly played: PlayedVoice[] = [];
  /** Pitch bend and vibrato of each player ("local", or a sender's id), shared by their voices. */
  private readonly expressions = new Map<string, Expression>();

  /** Creates or resumes the AudioContext; call from a user gesture. */
  unlock(): void {
    try {
      if (!this.context) this.createContext();
      if (this.context?.state === "suspended") void this.context.resume().catch(() => undefined);
    } catch {
      this.context = null; // No usable audio here (e.g. no output device): stay silent.
    }
  }

  /**
   * Starts a note with `instrument`'s sound. `voiceKey` names who plays it (e.g. "local:60",
   * "<senderId>:60") so the same note from two people gives two voices and each note off stops the
   * right one.
   */
  noteOn(voiceKey: string, note: number, velocity: number, instrument: Instrument = "piano"): void {
    const context = this.readyContext();
    if (!context || !this.output) return;
    this.noteOff(voiceKey);
    try {
      this.voices.set(voiceKey, this.startVoice(context, this.output, voiceKey, note, velocity, instrument));
    } catch {
      // A failing audio graph must never break playing together.
    }
  }

  noteOff(voiceKey: string): void {
    const voice = this.voices.get(voiceKey);
    const context = this.context;
    if (!voice || !context) return;
    this.voices.delete(voiceKey);
    const now = context.currentTime;
    const gain = voice.envelope.gain;
    try {
      gain.cancelScheduledValues(now);
      gain.setValueAtTime(Math.max(gain.value, 0.0001), now);
      gain.setTargetAtTime(0.0001, now, voice.release);
      for (const oscillator of voice.oscillators) oscillator.stop(now + voice.release * 8);
    } catch {
      // Already stopped.
    }
  }

  /** Bends every note of `owner` (now and until it changes) by a MIDI bend value, ±2 semitones. */
  bend(owner: string, value: number): void {
    this.expressionOf(owner)?.bend(value);
  }

  /** The mod wheel (0–127) of `owner`: how much vibrato their notes get. */
  modulate(owner: string, value: number): void {
    this.expressionOf(owner)?.modulate(value);
  }

  /** Keys of the voices sounding now (released ones left out), for tests. */
  sounding(): string[] {
    return [...this.voices.keys()];
  }

  /** Each player's bend and mod wheel as the synth applies them, for tests. */
  expressionStates(): Record<string, ExpressionState> {
    return Object.fromEntries([...this.expressions].map(([owner, e]) => [owner, e.state()]));
  }

  drum(note: number, velocity: number): void {
    const context = this.readyContext();
    if (!context || !this.output) return;
    try {
      playDrum(context, this.output, note, velocity / 127);
    } catch {
      // As above: sound is best effort.
    }
  }

  /**
   * A metronome click at `atLocalMs` (this machine's clock, ms since the epoch), on the audio clock
   * (sample-accurate, unlike a timer). The context's output timestamp maps the machine's clock to
   * the audio clock at the speakers, so the click leaves them on the beat. Null without audio.
   */
  clickAt(atLocalMs: number, accent: boolean): ScheduledClick | null {
    const context = this.readyContext();
    if (!context || !this.output) return null;
    try {
      const at = audioTimeOf(context, atLocalMs);
      const source = playClick(context, this.output, Math.max(context.currentTime, at), accent);
      return {
        cancel: () => {
          try {
            source.stop(0); // Before its start: it never sounds.
          } catch {
            // Already stopped.
          }
        },
      };
    } catch {
      return null; // As above: sound is best effort.
    }
  }

  /** The latest notes this page started: who (voice key), which note, with which sound (for tests). */
  playedVoices(): PlayedVoice[] {
    return [...this.played];
  }

  /** Stops every sounding voice (on leaving the session). */
  silence(): void {
    for (const key of [...this.voices.keys()]) this.noteOff(key);
    for (const expression of this.expressions.values()) expression.reset();
  }

  private readyContext(): AudioContext | null {
    return this.context && this.context.state !== "closed" ? this.context : null;
  }

  private createContext(): void {
    const Context = audioContextClass();
    if (!Context) return;
    const context = new Context();
    const master = context.createGain();
    master.gain.value = 0.8;
    const limiter = context.createDynamicsCompressor();
    limiter.threshold.value = -10;
    limiter.ratio.value = 12;
    master.connect(limiter).connect(context.destination);
    this.context = context;
    this.output = master;
  }

  private expressionOf(owner: string): Expression | null {
    const context = this.readyContext();
    if (!context) return null;
    let expression = this.expressions.get(owner);
    if (!expression) {
      expression = new Expression(context);
      this.expressions.set(owner, expression);
    }
    return expression;
  }

  private startVoice(context: AudioContext, output: AudioNode, voiceKey: string, note: number, velocity: number, instrument: Instrument): Voice {
    const voice = startVoice(context, output, VOICES[instrument] ?? VOICES.piano, noteFrequency(note), velocity);
    const expression = this.expressionOf(ownerOf(voiceKey));
    expression?.attach(voice.oscillators);
    voice.oscillators[0].onended = () => {
      voice.envelope.disconnect();
      expression?.detach(voice.oscillators);
      if (this.voices.get(voiceKey) === voice) this.voices.delete(voiceKey);
    };
    this.played.push({ key: voiceKey, note, velocity, instrument });
    if (this.played.length > PLAYED_LOG_SIZE) this.played.shift();
    return voice;
  }
}

/** The page's one synth (one AudioContext per page is the Web Audio recommendation). */
export const synth = new Synth();
