/** The metronome beats on the shared clock: beat times come from the transport, not from a drifting timer. */
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { beatAt, beatInBar, beatTime, nextBeat } from "../../music/beatClock";
import { MetronomeLog } from "../../music/beatLog";
import type { Transport } from "../../types/protocol";
import { FakeJamService } from "../../testSupport/fakeJamService";
import { renderPage } from "../../testSupport/jamPage";
import { Metronome } from "./Metronome";

const T0 = 1_700_000_000_000;
const clock = { serverNow: () => Date.now() };

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const metronome = () => screen.getByTestId("metronome");
const advance = (ms: number) => act(() => vi.advanceTimersByTime(ms));
/** A beat is drawn on the first animation frame at or after it. */
const FRAME = 17;

describe("beat maths", () => {
  const transport: Transport = { playing: true, bpm: 120, startedAt: T0, startBeat: 8 };

  it("beat(t) = startBeat + (t − startedAt)·bpm/60000, and startBeat when stopped", () => {
    expect(beatAt(transport, T0 + 1_250)).toBe(10.5);
    expect(beatTime(transport, 10)).toBe(T0 + 1_000);
    expect(beatAt({ ...transport, playing: false }, T0 + 99_999)).toBe(8);
  });

  it("numbers beats in the bar from 1, the downbeat being a multiple of the bar", () => {
    expect([0, 1, 2, 3, 4, 7].map((n) => beatInBar(n, 4))).toEqual([1, 2, 3, 4, 1, 4]);
    expect(beatInBar(5, 3)).toBe(3);
  });
});

describe("Metronome", () => {
  it("pulses on every beat from the scheduled start, accenting beat 1, and logs the beat times", () => {
    const log = new MetronomeLog();
    const transport = { playing: true, bpm: 120, startedAt: T0 + 200, startBeat: 0 };
    render(<Metronome transport={transport} beatsPerBar={4} clock={clock} log={log} />);
    expect(metronome().dataset.beat).toBe("0"); // A count-in: nothing before the start.
    advance(200 + FRAME);
    expect(metronome().dataset.beat).toBe("1");
    expect(metronome().dataset.accent).toBe("true");
    advance(500);
    expect(metronome().dataset.beat).toBe("2");
    expect(metronome().dataset.accent).toBe("false");
    advance(1_500);
    expect(metronome().dataset.beat).toBe("1");
    expect(log.beats.times()).toEqual([0, 1, 2, 3, 4].map((n) => T0 + 200 + n * 500));
  });

  it("joining mid-bar waits for the next beat instead of firing a late one", () => {
    const log = new MetronomeLog();
    const transport = { playing: true, bpm: 120, startedAt: T0 - 1_250, startBeat: 0 }; // At beat 2.5.
    render(<Metronome transport={transport} beatsPerBar={4} clock={clock} log={log} />);
    expect(metronome().dataset.beat).toBe("0");
    advance(250 + FRAME);
    expect(metronome().dataset.beat).toBe("4");
    expect(log.beats.times()).toEqual([T0 + 250]);
  });

  it("hands clicks to Web Audio ahead, at their server time, and takes back those a stop makes wrong", () => {
    const { click, sounding, cancelled } = clickRecorder();
    const transport = { playing: true, bpm: 60, startedAt: T0 + 100, startBeat: 0 };
    const { rerender } = render(<Metronome transport={transport} beatsPerBar={3} clock={clock} click={click} />);
    expect(click).toHaveBeenCalledWith(T0 + 100, true); // Handed over before the beat, at its exact time.
    advance(1_000); // Beat 1 (T0 + 1 100) is within the lookahead now.
    expect(click).toHaveBeenLastCalledWith(T0 + 1_100, false);
    rerender(<Metronome transport={{ ...transport, playing: false, startedAt: T0 + 1_000, startBeat: 0.9 }} beatsPerBar={3} clock={clock} click={click} />);
    expect(cancelled()).toEqual([T0 + 1_100]); // Stopped before it sounded: taken back.
    click.mockClear();
    advance(5_000);
    expect(click).not.toHaveBeenCalled();
    expect(sounding()).toEqual([T0 + 100]);
    expect(metronome().dataset.beat).toBe("0");
  });
});

/** A click scheduler that remembers what it was handed and what was taken back. */
function clickRecorder() {
  const handed: number[] = [];
  const taken: number[] = [];
  const click = vi.fn((at: number) => {
    handed.push(at);
    return { cancel: () => void taken.push(at) };
  });
  return { click, cancelled: () => taken, sounding: () => handed.filter((at) => !taken.includes(at)) };
}

describe("window.__jamDebug", () => {
  it("exposes the server clock and the metronome's beat times", () => {
    const service = new FakeJamService();
    renderPage(service);
    expect(window.__jamDebug?.serverNow()).toBe(service.now);
    expect(window.__jamDebug?.beatTimes()).toEqual([]);
    expect(window.__jamDebug?.clickTimes()).toEqual([]);
    expect(window.__jamDebug?.clock()).toEqual(service.clockEstimate); // Offset, best round trip, spread.
  });
});

describe("Metronome across a tempo change", () => {
  it("the old tempo plays until the change lands on its beat, then the new one; no beat twice or lost", () => {
    const log = new MetronomeLog();
    const { click, cancelled } = clickRecorder();
    const first = { playing: true, bpm: 120, startedAt: T0, startBeat: 0 };
    const view = render(<Metronome transport={first} beatsPerBar={4} clock={clock} log={log} click={click} />);
    advance(510); // Beat 1 shown at T0 + 500.
    // The server lands the change (at T0 + 510) on beat 3 of the running grid, ≥ 200 ms ahead.
    const second = { playing: true, bpm: 60, startedAt: T0 + 1_500, startBeat: 3, previous: first };
    view.rerender(<Metronome transport={second} beatsPerBar={4} clock={clock} log={log} click={click} />);
    advance(3_050);
    const expected = [T0, T0 + 500, T0 + 1_000, T0 + 1_500, T0 + 2_500, T0 + 3_500];
    expect(log.beats.times()).toEqual(expected);
    expect(log.clicks.times()).toEqual(expected);
    expect(cancelled()).toEqual([]);
  });

  it("a change that lands sooner than the clicks already handed over takes back the wrong ones", () => {
    const log = new MetronomeLog();
    const { click, cancelled, sounding } = clickRecorder();
    const first = { playing: true, bpm: 120, startedAt: T0, startBeat: 0 };
    const view = render(<Metronome transport={first} beatsPerBar={4} clock={clock} log={log} click={click} />);
    advance(400); // The click of T0 + 500 is handed over.
    // A restart at an explicit time: beat 0 again at T0 + 450, at 100 BPM.
    const second = { playing: true, bpm: 100, startedAt: T0 + 450, startBeat: 0, previous: first };
    view.rerender(<Metronome transport={second} beatsPerBar={4} clock={clock} log={log} click={click} />);
    advance(1_000);
    expect(cancelled()).toEqual([T0 + 500]);
    expect(sounding()).toEqual([T0, T0 + 450, T0 + 1_050]);
    expect(log.clicks.times()).toEqual([T0, T0 + 450, T0 + 1_050]);
  });
});

describe("nextBeat", () => {
  const first = { playing: true, bpm: 120, startedAt: T0, startBeat: 0 };
  const changed = { playing: true, bpm: 60, startedAt: T0 + 1_500, startBeat: 3, previous: first };

  it("walks the previous grid until the change lands, then the new one", () => {
    const beats = [];
    for (let b = nextBeat(changed, T0 + 600); b && b.at < T0 + 4_000; b = nextBeat(changed, b.at + 0.5)) beats.push(b);
    expect(beats).toEqual([
      { n: 2, at: T0 + 1_000 },
      { n: 3, at: T0 + 1_500 },
      { n: 4, at: T0 + 2_500 },
      { n: 5, at: T0 + 3_500 },
    ]);
  });

  it("gives nothing when stopped, and no count-in beat before a scheduled start", () => {
    expect(nextBeat({ ...first, playing: false }, T0)).toBeNull();
    expect(nextBeat({ ...first, startedAt: T0 + 1_000, startBeat: 4 }, T0)).toEqual({ n: 4, at: T0 + 1_000 });
  });
});
