/**
 * The server times at which this page's metronome fired its latest beats. Tests read it (through
 * window.__jamDebug) to check that two pages beat together; it costs nothing otherwise.
 */
export const BEAT_LOG_SIZE = 32;

export class BeatLog {
  private readonly entries: number[] = [];

  push(serverTime: number): void {
    this.entries.push(serverTime);
    if (this.entries.length > BEAT_LOG_SIZE) this.entries.shift();
  }

  /** Oldest first. */
  times(): number[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries.length = 0;
  }
}
