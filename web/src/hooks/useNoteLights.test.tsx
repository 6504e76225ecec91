import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { REMOTE_NOTE_SAFETY_MS, useNoteLights } from "./useNoteLights";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("useNoteLights", () => {
  it("shows the latest holder of a key, and one player's note off leaves another's lit", () => {
    const { result } = renderHook(() => useNoteLights());
    act(() => result.current.lightKey("ann", 60, "red"));
    act(() => result.current.lightKey("ben", 60, "blue"));
    expect(result.current.keyColors[60]).toBe("blue");
    act(() => result.current.unlightKey("ben", 60));
    expect(result.current.keyColors[60]).toBe("red");
    act(() => result.current.unlightKey("ann", 60));
    expect(result.current.keyColors[60]).toBeUndefined();
  });

  it("turns a remote note off by itself when its note off never comes", () => {
    const { result } = renderHook(() => useNoteLights());
    act(() => result.current.lightKey("ben", 64, "blue", REMOTE_NOTE_SAFETY_MS));
    act(() => vi.advanceTimersByTime(REMOTE_NOTE_SAFETY_MS - 1));
    expect(result.current.keyColors[64]).toBe("blue");
    act(() => vi.advanceTimersByTime(1));
    expect(result.current.keyColors[64]).toBeUndefined();
  });

  it("flashes a drum pad briefly", () => {
    const { result } = renderHook(() => useNoteLights());
    act(() => result.current.flashPad(38, "green"));
    expect(result.current.padColors[38]).toBe("green");
    act(() => vi.advanceTimersByTime(1_000));
    expect(result.current.padColors[38]).toBeUndefined();
  });
});
