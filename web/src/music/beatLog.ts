/**
 * The server times of this page's latest metronome beats (as shown) and clicks (as handed to Web
 * Audio). Tests read them (through window.__jamDebug) to check that pages beat together and that no
 * click is off the grid; they cost nothing otherwise.
 */
export const BEAT_LOG_SIZE = 32;

export class BeatLog {
  private readonly entries: number[] = [];

  push(serverTime: number): void {
    this.entries.push(serverTime);
    if (this.entries.length > BEAT_LOG_SIZE) this.entries.shift();
  }

  /** Takes back an entry (a click cancelled before it sounded). */
  remove(serverTime: number): void {
    const index = this.entries.lastIndexOf(serverTime);
    if (index >= 0) this.entries.splice(index, 1);
  }

  /** Oldest first. */
  times(): number[] {
    return [...this.entries];
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
