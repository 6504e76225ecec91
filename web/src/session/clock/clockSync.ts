/**
 * Shared clock: estimates the offset between this machine's clock and the server's from
 * `clock:ping` round trips (NTP-style). A sample's error is at most half its round trip, and a page
 * busy rendering answers late, so only the samples whose round trip is close to the best one count,
 * and their median is the estimate: one bad sample cannot move it. Samples are taken once the page
 * has settled, kept in a rolling window and refreshed often in the first minute, then slower.
 */
import type { ClockPong } from "../../types/protocol";

export interface ClockEstimate {
  /** Server time minus local time, in ms. */
  offset: number;
  /** The best round trip among the samples kept, in ms: the estimate is good to about half of it. */
  rtt: number;
  /** How far apart the offsets of the samples that count lie, in ms (0 for one sample). */
  spread: number;
  /** How many samples count (those whose round trip is near the best). */
  samples: number;
}

/** One measurement: an offset and the round trip it came with. */
export interface ClockSample {
  offset: number;
  rtt: number;
}

/** Samples kept: about two minutes of re-syncs. */
const WINDOW = 24;
/** A sample counts when its round trip is within this of the best (or half the best, if larger). */
const RTT_SLACK_MS = 1;

/** Local time in ms since the epoch, with sub-millisecond resolution where the platform has it. */
export function localNow(): number {
  return performance.timeOrigin + performance.now();
}

/** One sample: the server stamped t1 (received) and t2 (sent); we sent at t0 and got it back at t3. */
export function estimateFrom(pong: ClockPong, t3: number): ClockSample {
  const rtt = t3 - pong.t0 - (pong.t2 - pong.t1);
  const offset = (pong.t1 - pong.t0 + (pong.t2 - t3)) / 2;
  return { offset, rtt: Math.max(0, rtt) };
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The rolling window of samples and the estimate they support. */
export class ClockFilter {
  private readonly window: ClockSample[] = [];

  add(sample: ClockSample): void {
    if (!Number.isFinite(sample.offset) || !Number.isFinite(sample.rtt)) return;
    this.window.push(sample);
    if (this.window.length > WINDOW) this.window.shift();
  }

  /** Forgets every sample (a different server: its clock is another one). */
  clear(): void {
    this.window.length = 0;
  }

  /** The median offset of the samples whose round trip is near the best; null without samples. */
  estimate(): ClockEstimate | null {
    if (this.window.length === 0) return null;
    const best = Math.min(...this.window.map((s) => s.rtt));
    const limit = best + Math.max(RTT_SLACK_MS, best / 2);
    const offsets = this.window
      .filter((s) => s.rtt <= limit)
      .map((s) => s.offset)
      .sort((a, b) => a - b);
    return {
      offset: median(offsets),
      rtt: best,
      spread: offsets[offsets.length - 1] - offsets[0],
      samples: offsets.length,
    };
  }
}

/** Resolves once the page is idle (a browser's idle callback), so replies are read promptly. */
export function pageSettled(timeoutMs = 1_000): Promise<void> {
  const scope = globalThis as { requestIdleCallback?: (cb: () => void, options?: { timeout: number }) => number };
  if (typeof scope.requestIdleCallback !== "function") return Promise.resolve();
  return new Promise((resolve) => scope.requestIdleCallback!(() => resolve(), { timeout: timeoutMs }));
}
