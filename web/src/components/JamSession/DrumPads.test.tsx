import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DrumPads } from "./DrumPads";

afterEach(cleanup);

const pad = (note: number) => document.querySelector<HTMLButtonElement>(`[data-drum="${note}"]`)!;

describe("DrumPads", () => {
  it("shows the eight General MIDI pads as labelled buttons", () => {
    render(<DrumPads padColors={{}} onHit={vi.fn()} />);
    const labels = ["Kick", "Snare", "Closed hat", "Open hat", "Clap", "Low tom", "High tom", "Crash"];
    const notes = labels.map((name) => Number(screen.getByRole("button", { name }).dataset.drum));
    expect(notes).toEqual([36, 38, 42, 46, 39, 45, 50, 49]);
  });

  it("hits on pointer down, once, and on the digit keys", () => {
    const onHit = vi.fn();
    render(<DrumPads padColors={{}} onHit={onHit} />);
    fireEvent.pointerDown(pad(38), { pointerId: 1 });
    fireEvent.pointerUp(pad(38), { pointerId: 1 });
    fireEvent.click(pad(38), { detail: 1 });
    fireEvent.keyDown(window, { key: "1", code: "Digit1" });
    expect(onHit.mock.calls).toEqual([[38, 100], [36, 100]]);
  });

  it("hits when activated from the keyboard (a click with no pointer press)", () => {
    const onHit = vi.fn();
    render(<DrumPads padColors={{}} onHit={onHit} />);
    fireEvent.click(pad(49), { detail: 0 });
    expect(onHit).toHaveBeenCalledWith(49, 100);
  });

  it("flashes a hit pad in the hitter's colour", () => {
    render(<DrumPads padColors={{ 36: "#4dabf7" }} onHit={vi.fn()} />);
    expect(pad(36).dataset.active).toBe("true");
    expect(pad(36).style.getPropertyValue("--pad-color")).toBe("#4dabf7");
    expect(pad(38).dataset.active).toBe("false");
  });
});
