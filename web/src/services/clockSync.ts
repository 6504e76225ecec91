/**
 * Shared clock: estimates the offset between this machine's clock and the server's from
 * `clock:ping` round trips (NTP-style), keeping the sample with the smallest round trip, whose
 * estimate is the tightest.
 */
import type { ClockPong } from "../types/protocol";

export interface ClockEstimate {
  /** Server time minus local time, in ms. */
  offset: number;
  /** Round trip of the sample the offset came from, in ms. */
  rtt: number;
}

/** Local time in ms since the epoch, with sub-millisecond resolution where the platform has it. */
export function localNow(): number {
  return performance.timeOrigin + performance.now();
}

/** One sample: the server stamped t1 (received) and t2 (sent); we sent at t0 and got it back at t3. */
export function estimateFrom(pong: ClockPong, t3: number): ClockEstimate {
  const rtt = t3 - pong.t0 - (pong.t2 - pong.t1);
  const offset = (pong.t1 - pong.t0 + (pong.t2 - t3)) / 2;
  return { offset, rtt: Math.max(0, rtt) };
}

/** The best of several samples: the one with the smallest round trip. */
export function bestEstimate(samples: readonly ClockEstimate[]): ClockEstimate | null {
  let best: ClockEstimate | null = null;
  for (const sample of samples) {
    if (!best || sample.rtt < best.rtt) best = sample;
  }
  return best;
}
