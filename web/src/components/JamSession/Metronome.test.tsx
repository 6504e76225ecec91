/** The metronome beats on the shared clock: beat times come from the transport, not from a drifting timer. */
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { beatAt, beatInBar, beatTime } from "../../music/beatClock";
import { BeatLog } from "../../music/beatLog";
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
    const log = new BeatLog();
    const transport = { playing: true, bpm: 120, startedAt: T0 + 200, startBeat: 0 };
    render(<Metronome transport={transport} beatsPerBar={4} clock={clock} log={log} />);
    expect(metronome().dataset.beat).toBe("0"); // A count-in: nothing before the start.
    advance(200);
    expect(metronome().dataset.beat).toBe("1");
    expect(metronome().dataset.accent).toBe("true");
    advance(500);
    expect(metronome().dataset.beat).toBe("2");
    expect(metronome().dataset.accent).toBe("false");
    advance(1_500);
    expect(metronome().dataset.beat).toBe("1");
    expect(log.times()).toEqual([0, 1, 2, 3, 4].map((n) => T0 + 200 + n * 500));
  });

  it("joining mid-bar waits for the next beat instead of firing a late one", () => {
    const log = new BeatLog();
    const transport = { playing: true, bpm: 120, startedAt: T0 - 1_250, startBeat: 0 }; // At beat 2.5.
    render(<Metronome transport={transport} beatsPerBar={4} clock={clock} log={log} />);
    expect(metronome().dataset.beat).toBe("0");
    advance(250);
    expect(metronome().dataset.beat).toBe("4");
    expect(log.times()).toEqual([T0 + 250]);
  });

  it("schedules audible clicks ahead on the audio clock when asked, and goes quiet when stopped", () => {
    const click = vi.fn();
    const transport = { playing: true, bpm: 60, startedAt: T0 + 100, startBeat: 0 };
    const { rerender } = render(<Metronome transport={transport} beatsPerBar={3} clock={clock} click={click} />);
    expect(click).toHaveBeenCalledWith(0.1, true); // Handed over before the beat, at its exact time.
    advance(1_100);
    expect(click).toHaveBeenLastCalledWith(expect.closeTo(0.1, 5), false);
    rerender(<Metronome transport={{ ...transport, playing: false }} beatsPerBar={3} clock={clock} click={click} />);
    click.mockClear();
    advance(5_000);
    expect(click).not.toHaveBeenCalled();
    expect(metronome().dataset.beat).toBe("0");
  });
});

describe("window.__jamDebug", () => {
  it("exposes the server clock and the metronome's beat times", () => {
    const service = new FakeJamService();
    renderPage(service);
    expect(window.__jamDebug?.serverNow()).toBe(service.now);
    expect(window.__jamDebug?.beatTimes()).toEqual([]);
  });
});

describe("Metronome across a tempo change", () => {
  it("a re-anchored transport does not repeat the beat just shown, then follows the new tempo", () => {
    const log = new BeatLog();
    const clicks: number[] = [];
    const click = vi.fn((inSeconds: number) => void clicks.push(Math.round(Date.now() + inSeconds * 1000)));
    const first = { playing: true, bpm: 120, startedAt: T0, startBeat: 0 };
    const view = render(<Metronome transport={first} beatsPerBar={4} clock={clock} log={log} click={click} />);
    advance(510); // Beat 1 shown at T0 + 500.
    // The server re-anchors at the change: same position (beat 1.02), new tempo 60.
    const second = { playing: true, bpm: 60, startedAt: T0 + 510, startBeat: 1.02 };
    view.rerender(<Metronome transport={second} beatsPerBar={4} clock={clock} log={log} click={click} />);
    advance(2_000);
    expect(log.times()).toEqual([T0, T0 + 500, T0 + 1_490, T0 + 2_490]);
    expect(clicks).toEqual([T0 + 500, T0 + 1_490, T0 + 2_490]); // Each beat once (beat 0 was already due).
  });
});
