/**
 * This page's latest metronome beats (as shown) and clicks (as handed to Web Audio), each at its
 * server time and at the time on this machine's clock the shared clock mapped it to. Tests read them
 * (through window.__jamDebug) to check that pages beat together on the machine's clock and that no
 * click is off the grid; they cost nothing otherwise.
 */
export const BEAT_LOG_SIZE = 64;

export interface LoggedBeat {
  /** Server time, ms since the epoch. */
  at: number;
  /** The same moment on this machine's clock (`performance.timeOrigin + performance.now()`). */
  local: number;
}

export class BeatLog {
  private readonly entries: LoggedBeat[] = [];

  /** `offset` is the shared clock's server-minus-local offset when the beat was placed. */
  push(at: number, offset = 0): void {
    this.entries.push({ at, local: at - offset });
    if (this.entries.length > BEAT_LOG_SIZE) this.entries.shift();
  }

  /** Takes back an entry (a click cancelled before it sounded). */
  remove(at: number): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i].at === at) {
        this.entries.splice(i, 1);
        return;
      }
    }
  }

  /** Server times, oldest first. */
  times(): number[] {
    return this.entries.map((entry) => entry.at);
  }

  /** Server and machine times, oldest first. */
  logged(): LoggedBeat[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries.length = 0;
  }
}

/** The metronome's two logs: beats shown and clicks scheduled (cancelled ones taken back). */
export class MetronomeLog {
  readonly beats = new BeatLog();
  readonly clicks = new BeatLog();
}
