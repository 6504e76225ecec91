/**
 * The metronome's clicks handed to Web Audio ahead of time, kept until they have sounded so a
 * transport change can take back the ones it makes wrong: a stop, a restart elsewhere on the grid,
 * a tempo change. A click the new transport also has (same time) stays as it is.
 */
import { nextBeat } from "./beatClock";
import type { BeatLog } from "./beatLog";
import type { Transport } from "../types/protocol";

/** A click handed to Web Audio; `cancel` silences it if it has not sounded yet. */
export interface ScheduledClick {
  cancel(): void;
}

/** Schedules a click at `atServerMs` (server time); `accent` on the downbeat. Null without audio. */
export type ClickScheduler = (atServerMs: number, accent: boolean) => ScheduledClick | null;

/** How `fill` hands clicks over. */
export interface Scheduling {
  click: ClickScheduler;
  /** Whether beat `n` is a downbeat. */
  accent(n: number): boolean;
  offset: number;
}

interface Pending {
  at: number;
  click: ScheduledClick | null;
}

/** Two beat times closer than this are the same beat (float noise of the grid maths). */
const SAME_BEAT_MS = 0.5;
/** A click this far in the past has sounded: nothing to take back any more. */
const SOUNDED_AFTER_MS = 1_000;

export class ClickQueue {
  private pending: Pending[] = [];

  constructor(private readonly log?: BeatLog) {}

  /**
   * Schedules every beat of `transport` due from `now` to `until` not scheduled yet; `offset` (the
   * shared clock's server-minus-local) only goes into the log.
   */
  fill(transport: Transport, now: number, until: number, schedule: Scheduling): void {
    this.pending = this.pending.filter((p) => p.at > now - SOUNDED_AFTER_MS);
    const last = this.pending[this.pending.length - 1];
    let beat = nextBeat(transport, last ? Math.max(now, last.at + SAME_BEAT_MS) : now);
    while (beat && beat.at < until) {
      this.pending.push({ at: beat.at, click: schedule.click(beat.at, schedule.accent(beat.n)) });
      this.log?.push(beat.at, schedule.offset);
      beat = nextBeat(transport, beat.at + SAME_BEAT_MS);
    }
  }

  /** Takes back every click still to come that `transport` does not have (all of them when stopped). */
  retime(transport: Transport, now: number): void {
    this.pending = this.pending.filter((p) => {
      if (p.at <= now) return true;
      const beat = nextBeat(transport, p.at - SAME_BEAT_MS);
      if (beat && Math.abs(beat.at - p.at) < SAME_BEAT_MS) return true;
      this.takeBack(p);
      return false;
    });
  }

  /** Takes back every click still to come (the click turned off, the metronome gone). */
  cancelAll(now: number): void {
    for (const p of this.pending) if (p.at > now) this.takeBack(p);
    this.pending = [];
  }

  private takeBack(p: Pending): void {
    p.click?.cancel();
    this.log?.remove(p.at);
  }
}
