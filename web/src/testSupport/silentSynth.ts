/** A sound engine that records calls and makes no sound, for tests of the page's playing. */
import { vi } from "vitest";
import type { SoundEngine } from "../hooks/usePlayback";

export function makeSilentSynth() {
  return {
    unlock: vi.fn(),
    noteOn: vi.fn(),
    noteOff: vi.fn(),
    drum: vi.fn(),
    bend: vi.fn(),
    modulate: vi.fn(),
    silence: vi.fn(),
    clickAt: vi.fn(() => null),
    playedVoices: vi.fn(() => []),
    sounding: vi.fn(() => []),
    expressionStates: vi.fn(() => ({})),
  } satisfies SoundEngine;
}
