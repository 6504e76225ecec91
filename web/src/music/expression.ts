/**
 * One player's pitch bend and mod wheel as Web Audio nodes: a constant (the bend, in cents) and a
 * vibrato oscillator, both connected to the detune of every voice that player starts. A bend then
 * moves held notes and later ones alike, without touching each voice.
 */

/** A full bend is ±2 semitones, the General MIDI default range. */
const BEND_RANGE_CENTS = 200;
/** The mod wheel at full gives ±40 cents of vibrato at 5.5 Hz. */
const VIBRATO_DEPTH_CENTS = 40;
const VIBRATO_RATE_HZ = 5.5;

/** What a test can read of a player's expression. */
export interface ExpressionState {
  /** The MIDI bend value (−8192…8191). */
  bend: number;
  /** The mod wheel (0–127). */
  modulation: number;
}

/** The player a voice key ("local:60", "<senderId>:60") belongs to. */
export function ownerOf(voiceKey: string): string {
  const colon = voiceKey.lastIndexOf(":");
  return colon < 0 ? voiceKey : voiceKey.slice(0, colon);
}

export class Expression {
  private readonly bendNode: ConstantSourceNode;
  private readonly vibrato: GainNode;
  private readonly current: ExpressionState = { bend: 0, modulation: 0 };

  constructor(private readonly context: AudioContext) {
    this.bendNode = context.createConstantSource();
    this.bendNode.offset.value = 0;
    this.bendNode.start();
    const lfo = context.createOscillator();
    lfo.frequency.value = VIBRATO_RATE_HZ;
    this.vibrato = context.createGain();
    this.vibrato.gain.value = 0;
    lfo.connect(this.vibrato);
    lfo.start();
  }

  bend(value: number): void {
    this.current.bend = value;
    this.glide(this.bendNode.offset, (value / 8192) * BEND_RANGE_CENTS);
  }

  modulate(value: number): void {
    this.current.modulation = value;
    this.glide(this.vibrato.gain, (value / 127) * VIBRATO_DEPTH_CENTS);
  }

  reset(): void {
    this.bend(0);
    this.modulate(0);
  }

  state(): ExpressionState {
    return { ...this.current };
  }

  attach(oscillators: readonly OscillatorNode[]): void {
    for (const oscillator of oscillators) {
      this.bendNode.connect(oscillator.detune);
      this.vibrato.connect(oscillator.detune);
    }
  }

  detach(oscillators: readonly OscillatorNode[]): void {
    for (const oscillator of oscillators) {
      try {
        this.bendNode.disconnect(oscillator.detune);
        this.vibrato.disconnect(oscillator.detune);
      } catch {
        // Not connected (any more): nothing to undo.
      }
    }
  }

  /** A short glide, so a bend that arrives in steps (throttled on the wire) does not click. */
  private glide(param: AudioParam, target: number): void {
    const now = this.context.currentTime;
    param.cancelScheduledValues(now);
    param.setTargetAtTime(target, now, 0.015);
  }
}
