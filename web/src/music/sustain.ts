/**
 * The sustain pedal for one player: a key released while the pedal is down keeps sounding until
 * the pedal lifts, as on a piano. Pure bookkeeping; the caller stops the notes it is told to.
 */
export class Sustain {
  private down = false;
  /** Notes whose key is released but whose sound the pedal holds. */
  private readonly held = new Set<number>();

  get pedalDown(): boolean {
    return this.down;
  }

  /** A key goes down: if the pedal held its old sound, the new note replaces it. */
  press(note: number): void {
    this.held.delete(note);
  }

  /** A key comes up; true when its sound should stop now (false: the pedal holds it). */
  release(note: number): boolean {
    if (!this.down) return true;
    this.held.add(note);
    return false;
  }

  /** The pedal moves; returns the notes to stop now (those it held, when it lifts). */
  setPedal(down: boolean): number[] {
    this.down = down;
    if (down) return [];
    const released = [...this.held];
    this.held.clear();
    return released;
  }
}
