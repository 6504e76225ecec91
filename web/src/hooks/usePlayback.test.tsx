import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CONTROL_INTERVAL_MS } from "../music/controlPacer";
import { readNoteMessage, type NoteMessage } from "../music/noteMessages";
import { makeSilentSynth } from "../testSupport/silentSynth";
import { useLocalPlayer, useRemoteNotePlayer } from "./usePlayback";
import { useNoteLights } from "./useNoteLights";


function renderLocal() {
  const synth = makeSilentSynth();
  const send = vi.fn();
  const { result } = renderHook(() =>
    useLocalPlayer({ lights: useNoteLights(), synth, myColor: "red", myInstrument: "piano", send, logOwnPlay: vi.fn() }),
  );
  return { synth, send, player: () => result.current };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("our own playing with a sustain pedal and wheels", () => {
  it("keeps released notes sounding while the pedal is down; every event still goes to the room", () => {
    const { synth, send, player } = renderLocal();
    act(() => player().onControl(64, 127));
    act(() => player().onNoteOn(60, 77));
    act(() => player().onNoteOff(60));
    expect(synth.noteOff).not.toHaveBeenCalled();
    expect(send.mock.calls).toEqual([
      ["control:change", { controller: 64, value: 127 }],
      ["note:on", { note: 60, velocity: 77 }],
      ["note:off", { note: 60, velocity: 0 }],
    ]);
    act(() => player().onControl(64, 0));
    expect(synth.noteOff).toHaveBeenCalledWith("local:60");
    act(() => player().onNoteOn(62, 90));
    act(() => player().onNoteOff(62));
    expect(synth.noteOff).toHaveBeenLastCalledWith("local:62"); // Pedal up: released at once.
  });

  it("sends only the pedal's moves, not every value of a half-pedal sweep", () => {
    const { send, player } = renderLocal();
    for (const value of [0, 30, 70, 90, 127, 100, 40, 10]) act(() => player().onControl(64, value));
    expect(send.mock.calls).toEqual([
      ["control:change", { controller: 64, value: 70 }],
      ["control:change", { controller: 64, value: 40 }],
    ]);
  });

  it("paces the bend and mod wheel under the rate limit, sounding every value here and sending the last", () => {
    const { synth, send, player } = renderLocal();
    for (let value = 0; value <= 4000; value += 100) act(() => player().onBend(value));
    expect(synth.bend).toHaveBeenCalledTimes(41);
    expect(send.mock.calls).toEqual([["pitch:bend", { value: 0 }]]);
    act(() => vi.advanceTimersByTime(CONTROL_INTERVAL_MS));
    expect(send.mock.calls).toEqual([["pitch:bend", { value: 0 }], ["pitch:bend", { value: 4000 }]]);
    act(() => player().onControl(1, 90));
    expect(synth.modulate).toHaveBeenCalledWith("local", 90);
    expect(send).toHaveBeenLastCalledWith("control:change", { controller: 1, value: 90 });
  });

  it("sends a pending bend before the next note, so the note starts bent for everyone", () => {
    const { send, player } = renderLocal();
    act(() => player().onBend(100));
    act(() => player().onBend(2000));
    act(() => player().onNoteOn(64, 80));
    expect(send.mock.calls.map(([name, data]) => [name, data])).toEqual([
      ["pitch:bend", { value: 100 }],
      ["pitch:bend", { value: 2000 }],
      ["note:on", { note: 64, velocity: 80 }],
    ]);
  });
});

describe("the others' playing", () => {
  function renderRemote() {
    const synth = makeSilentSynth();
    const { result } = renderHook(() => useRemoteNotePlayer(useNoteLights(), synth));
    const hear = (sender: string, name: string, data: unknown) =>
      act(() => result.current(readNoteMessage(name, data) as NoteMessage, sender));
    return { synth, hear };
  }

  it("holds a sender's released notes while their pedal is down, and only theirs", () => {
    const { synth, hear } = renderRemote();
    hear("ann", "control:change", { controller: 64, value: 127 });
    hear("ann", "note:on", { note: 60, velocity: 77 });
    hear("bob", "note:on", { note: 60, velocity: 50 });
    hear("ann", "note:off", { note: 60, velocity: 0 });
    hear("bob", "note:off", { note: 60, velocity: 0 });
    expect(synth.noteOn).toHaveBeenCalledWith("ann:60", 60, 77, "piano");
    expect(synth.noteOff.mock.calls).toEqual([["bob:60"]]);
    hear("ann", "control:change", { controller: 64, value: 0 });
    expect(synth.noteOff.mock.calls).toEqual([["bob:60"], ["ann:60"]]);
  });

  it("bends and adds vibrato to the sender's notes", () => {
    const { synth, hear } = renderRemote();
    hear("ann", "pitch:bend", { value: -8192 });
    hear("ann", "control:change", { controller: 1, value: 64 });
    expect(synth.bend).toHaveBeenCalledWith("ann", -8192);
    expect(synth.modulate).toHaveBeenCalledWith("ann", 64);
  });

  it("reads only well-formed controls and bends", () => {
    expect(readNoteMessage("pitch:bend", { value: 8192 })).toBeNull();
    expect(readNoteMessage("pitch:bend", { value: 1.5 })).toBeNull();
    expect(readNoteMessage("control:change", { controller: 64, value: 128 })).toBeNull();
    expect(readNoteMessage("control:change", { controller: "64", value: 1 })).toBeNull();
    expect(readNoteMessage("control:change", { controller: 64, value: 0 })).toEqual({ kind: "control", controller: 64, value: 0 });
  });
});
