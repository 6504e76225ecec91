/**
 * The shared transport's maths. The server sends an anchor (beat `startBeat` at server time
 * `startedAt`, `bpm`), never a stream of ticks, so every page computes the same beats from its own
 * synced clock: beat(t) = startBeat + (t − startedAt)·bpm/60000. A change waiting for its beat
 * (`startedAt` ahead) carries the grid that plays until then as `previous` (protocol.md §7).
 */
import type { Grid, Transport } from "../types/protocol";

const MS_PER_MINUTE = 60_000;

/** A beat of the running grid: its number and its server time (ms). */
export interface Beat {
  n: number;
  at: number;
}

function gridOf(transport: Transport): Grid {
  return { bpm: transport.bpm, startedAt: transport.startedAt, startBeat: transport.startBeat };
}

/** The grid that plays at server time `t`: the previous one until a waiting change lands. */
function gridAt(transport: Transport, t: number): Grid {
  return transport.previous && t < transport.startedAt ? transport.previous : gridOf(transport);
}

const gridBeatAt = (grid: Grid, t: number) => grid.startBeat + ((t - grid.startedAt) * grid.bpm) / MS_PER_MINUTE;
const gridTime = (grid: Grid, n: number) => grid.startedAt + ((n - grid.startBeat) * MS_PER_MINUTE) / grid.bpm;

/** The beat position at server time `t` (ms); when stopped, where it stopped. */
export function beatAt(transport: Transport, t: number): number {
  if (!transport.playing) return transport.startBeat;
  return gridBeatAt(gridAt(transport, t), t);
}

/** The server time (ms) at which beat `n` of the transport's own grid falls. */
export function beatTime(transport: Transport, n: number): number {
  return gridTime(gridOf(transport), n);
}

/**
 * The first beat the metronome sounds at or after server time `t`: a whole beat of the grid playing
 * then, none before a (scheduled) start — that is a count-in — and none when stopped.
 */
export function nextBeat(transport: Transport, t: number): Beat | null {
  if (!transport.playing || !(transport.bpm > 0)) return null;
  const previous = transport.previous;
  if (previous && t < transport.startedAt && previous.bpm > 0) {
    const n = Math.max(Math.ceil(gridBeatAt(previous, t)), Math.ceil(previous.startBeat));
    const at = gridTime(previous, n);
    if (at < transport.startedAt) return { n, at };
  }
  const grid = gridOf(transport);
  const from = Math.max(t, transport.startedAt);
  const n = Math.max(Math.ceil(gridBeatAt(grid, from)), firstBeat(transport));
  return { n, at: gridTime(grid, n) };
}

/** The first whole beat of a start (a scheduled start's earlier beats are a count-in). */
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
