/**
 * The shared transport's maths. The server sends an anchor (beat `startBeat` at server time
 * `startedAt`, `bpm`), never a stream of ticks, so every page computes the same beats from its own
 * synced clock: beat(t) = startBeat + (t − startedAt)·bpm/60000.
 */
import type { Transport } from "../types/protocol";

const MS_PER_MINUTE = 60_000;

/** The beat position at server time `t` (ms); when stopped, where it stopped. */
export function beatAt(transport: Transport, t: number): number {
  if (!transport.playing) return transport.startBeat;
  return transport.startBeat + ((t - transport.startedAt) * transport.bpm) / MS_PER_MINUTE;
}

/** The server time (ms) at which beat `n` falls. */
export function beatTime(transport: Transport, n: number): number {
  return transport.startedAt + ((n - transport.startBeat) * MS_PER_MINUTE) / transport.bpm;
}

/** The first whole beat the metronome sounds: none before the start (a scheduled start is a count-in). */
export function firstBeat(transport: Transport): number {
  return Math.ceil(transport.startBeat);
}

/** Beat `n`'s place in its bar, 1-based (1 is the downbeat). */
export function beatInBar(n: number, beatsPerBar: number): number {
  const bar = Math.max(1, Math.floor(beatsPerBar));
  return (((n % bar) + bar) % bar) + 1;
}

/** The time between beats, in ms. */
export function beatPeriod(bpm: number): number {
  return MS_PER_MINUTE / bpm;
}
