/**
 * Paces continuous controls (pitch bend, mod wheel, other knobs) on their way to the room. A MIDI
 * wheel sends hundreds of values a second, far beyond the server's per-connection rate limit
 * (60/s), so each control sends at most one value per `intervalMs`: the first at once, then the
 * latest after the interval. Nothing is lost that matters: the last value always goes out.
 * Switches (the sustain pedal) and notes are not paced; `flush` sends what is pending before a
 * note, so the note starts with the bend the player set.
 */

export const CONTROL_INTERVAL_MS = 40;

type Timer = ReturnType<typeof setTimeout>;

export class ControlPacer {
  private readonly lastSent = new Map<string, number>();
  private readonly pending = new Map<string, () => void>();
  private timer: Timer | null = null;

  constructor(
    private readonly intervalMs = CONTROL_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Sends `send` for control `key` now, or its latest value once the interval has passed. */
  offer(key: string, send: () => void): void {
    const last = this.lastSent.get(key);
    const at = this.now();
    if (last === undefined || at - last >= this.intervalMs) {
      this.pending.delete(key);
      this.lastSent.set(key, at);
      send();
      return;
    }
    this.pending.set(key, send);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.intervalMs - (at - last));
  }

  /** Sends every pending value now. */
  flush(): void {
    const at = this.now();
    for (const [key, send] of this.pending) {
      this.lastSent.set(key, at);
      send();
    }
    this.pending.clear();
  }

  /** Drops pending values (on leaving the room). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}
