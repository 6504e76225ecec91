import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { velocityForPress } from "../../music/notes";
import { Keyboard } from "./Keyboard";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderKeyboard(keyColors: Record<number, string> = {}) {
  const onNoteOn = vi.fn();
  const onNoteOff = vi.fn();
  const view = render(
    <>
      <input aria-label="Chat" />
      <Keyboard keyColors={keyColors} onNoteOn={onNoteOn} onNoteOff={onNoteOff} />
    </>,
  );
  return { onNoteOn, onNoteOff, view };
}

const key = (note: number) => document.querySelector<HTMLButtonElement>(`[data-note="${note}"]`)!;

describe("Keyboard", () => {
  it("shows four octaves, C3 to B6, as labelled buttons, white and black", () => {
    renderKeyboard();
    const keys = [...document.querySelectorAll<HTMLButtonElement>("button[data-note]")];
    expect(keys.map((k) => Number(k.dataset.note))).toEqual(Array.from({ length: 48 }, (_, i) => 48 + i));
    expect(screen.getByRole("button", { name: "C3" })).toBe(key(48));
    expect(screen.getByRole("button", { name: "C4" })).toBe(key(60));
    expect(screen.getByRole("button", { name: "C♯4" })).toBe(key(61));
    expect(screen.getByRole("button", { name: "B6" })).toBe(key(95));
    expect(keys.filter((k) => k.classList.contains("black"))).toHaveLength(20);
    expect(keys.filter((k) => k.classList.contains("white"))).toHaveLength(28);
  });

  it("computer key A sends note on 60, and its keyup note off 60; key repeat is ignored", () => {
    const { onNoteOn, onNoteOff } = renderKeyboard();
    fireEvent.keyDown(window, { key: "a", code: "KeyA" });
    fireEvent.keyDown(window, { key: "a", code: "KeyA", repeat: true });
    expect(onNoteOn.mock.calls).toEqual([[60, 100]]);
    fireEvent.keyUp(window, { key: "a", code: "KeyA" });
    expect(onNoteOff.mock.calls).toEqual([[60]]);
  });

  it("maps A W S E D F T G Y H U J K chromatically from C4, and X / Z move that octave", () => {
    const { onNoteOn } = renderKeyboard();
    const tap = (letter: string) => {
      fireEvent.keyDown(window, { key: letter.toLowerCase(), code: `Key${letter}` });
      fireEvent.keyUp(window, { key: letter.toLowerCase(), code: `Key${letter}` });
    };
    for (const letter of "AWSEDFTGYHUJK") tap(letter);
    expect(onNoteOn.mock.calls.map(([note]) => note)).toEqual(Array.from({ length: 13 }, (_, i) => 60 + i));
    onNoteOn.mockClear();
    for (const letter of "XSZD") tap(letter);
    expect(onNoteOn.mock.calls.map(([note]) => note)).toEqual([74, 64]);
  });

  it("Z / X move A from C3 up to C6 and no further; K past B6 plays nothing", () => {
    const { onNoteOn } = renderKeyboard();
    const tap = (letter: string) => {
      fireEvent.keyDown(window, { key: letter.toLowerCase(), code: `Key${letter}` });
      fireEvent.keyUp(window, { key: letter.toLowerCase(), code: `Key${letter}` });
    };
    for (const letter of "ZZAK") tap(letter);
    expect(onNoteOn.mock.calls.map(([note]) => note)).toEqual([48, 60]);
    expect(key(48).textContent).toContain("A");
    onNoteOn.mockClear();
    for (const letter of "XXXXXAJK") tap(letter);
    expect(onNoteOn.mock.calls.map(([note]) => note)).toEqual([84, 95]);
    expect(screen.getByText(/to play from/).textContent).toMatch(/from C6/);
  });

  it("the Octave down / up buttons shift the computer keys too, within the keyboard", () => {
    const { onNoteOn } = renderKeyboard();
    const down = screen.getByRole<HTMLButtonElement>("button", { name: "Octave down" });
    const up = screen.getByRole<HTMLButtonElement>("button", { name: "Octave up" });
    expect(screen.getByText(/to play from/).textContent).toMatch(/Type A–K to play from C4 · Z\/X octave/);
    fireEvent.click(up);
    fireEvent.keyDown(window, { key: "a", code: "KeyA" });
    expect(onNoteOn).toHaveBeenLastCalledWith(72, 100);
    expect(screen.getByText(/to play from/).textContent).toMatch(/from C5/);
    fireEvent.click(down);
    fireEvent.click(down);
    expect(down.disabled).toBe(true);
    fireEvent.keyDown(window, { key: "s", code: "KeyS" });
    expect(onNoteOn).toHaveBeenLastCalledWith(50, 100);
    for (let i = 0; i < 3; i++) fireEvent.click(up);
    expect(up.disabled).toBe(true);
    expect(down.disabled).toBe(false);
    expect(onNoteOn).toHaveBeenCalledTimes(2); // The buttons themselves play nothing.
  });

  it("shifting scrolls the keyboard sideways to show the keys A–K play", () => {
    // A laid-out keyboard: 20 px white keys, 300 px of them in view, scrolled by scrollLeft.
    renderKeyboard();
    const scroller = document.querySelector<HTMLElement>(".keyboard-scroll")!;
    Object.defineProperty(scroller, "clientWidth", { value: 300 });
    vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockImplementation(function (this: HTMLElement) {
      const note = Number(this.dataset.note);
      const whites = [...document.querySelectorAll<HTMLElement>(".piano-key.white")].map((k) => Number(k.dataset.note));
      const left = Number.isNaN(note) ? 0 : whites.filter((n) => n < note).length * 20 - scroller.scrollLeft;
      return new DOMRect(left, 0, Number.isNaN(note) ? 300 : 20, 150);
    });
    fireEvent.click(screen.getByRole("button", { name: "Octave up" })); // C5 (white key 14) to C6 (21).
    expect(scroller.scrollLeft).toBe(22 * 20 - 300);
    fireEvent.click(screen.getByRole("button", { name: "Octave down" }));
    fireEvent.click(screen.getByRole("button", { name: "Octave down" })); // C3 (0) to C4 (7).
    expect(scroller.scrollLeft).toBe(0);
  });

  it("does not play while typing in a text field", () => {
    const { onNoteOn } = renderKeyboard();
    fireEvent.keyDown(screen.getByLabelText("Chat"), { key: "a", code: "KeyA" });
    expect(onNoteOn).not.toHaveBeenCalled();
  });

  it("pointer down on the E4 key plays 64 and pointer up releases it", () => {
    const { onNoteOn, onNoteOff } = renderKeyboard();
    fireEvent.pointerDown(key(64), { pointerId: 1, button: 0 });
    expect(onNoteOn).toHaveBeenCalledWith(64, 100);
    fireEvent.pointerUp(key(64), { pointerId: 1 });
    expect(onNoteOff).toHaveBeenCalledWith(64);
  });

  it("a press near the bottom edge of a key is louder than one near its top", () => {
    const { onNoteOn } = renderKeyboard();
    vi.spyOn(key(64), "getBoundingClientRect").mockReturnValue(new DOMRect(100, 200, 30, 150));
    fireEvent.pointerDown(key(64), { pointerId: 1, button: 0, clientY: 205 });
    fireEvent.pointerUp(key(64), { pointerId: 1 });
    fireEvent.pointerDown(key(64), { pointerId: 2, button: 0, clientY: 345 });
    fireEvent.pointerUp(key(64), { pointerId: 2 });
    const [soft, loud] = onNoteOn.mock.calls.map(([, velocity]) => velocity as number);
    expect(soft).toBe(velocityForPress(5 / 150));
    expect(loud).toBe(velocityForPress(145 / 150));
    expect(soft).toBeLessThan(40);
    expect(loud).toBeGreaterThan(120);
  });

  it("a mouse drag gliding into a key plays it as hard as where the pointer entered", () => {
    const { onNoteOn, onNoteOff } = renderKeyboard();
    vi.spyOn(key(65), "getBoundingClientRect").mockReturnValue(new DOMRect(130, 200, 30, 150));
    fireEvent.pointerDown(key(64), { pointerId: 1, pointerType: "mouse", button: 0, buttons: 1 });
    fireEvent.pointerLeave(key(64), { pointerId: 1, pointerType: "mouse", buttons: 1 });
    fireEvent.pointerEnter(key(65), { pointerId: 1, pointerType: "mouse", buttons: 1, clientY: 275 });
    expect(onNoteOn.mock.calls).toEqual([
      [64, 100], // No layout for E4 here: the default velocity.
      [65, velocityForPress(0.5)],
    ]);
    expect(onNoteOff.mock.calls).toEqual([[64]]);
  });

  it("a finger sliding off a key or a cancelled pointer releases the note", () => {
    const { onNoteOn, onNoteOff } = renderKeyboard();
    fireEvent.pointerDown(key(67), { pointerId: 7 });
    fireEvent.pointerLeave(key(67), { pointerId: 7 });
    fireEvent.pointerDown(key(69), { pointerId: 8 });
    fireEvent.pointerCancel(key(69), { pointerId: 8 });
    expect(onNoteOn.mock.calls).toEqual([[67, 100], [69, 100]]);
    expect(onNoteOff.mock.calls).toEqual([[67], [69]]);
  });

  it("Enter on a focused key plays it until released", () => {
    const { onNoteOn, onNoteOff } = renderKeyboard();
    fireEvent.keyDown(key(72), { key: "Enter" });
    fireEvent.keyUp(key(72), { key: "Enter" });
    expect(onNoteOn).toHaveBeenCalledWith(72, 100);
    expect(onNoteOff).toHaveBeenCalledWith(72);
  });

  it("lights a played key in its player's colour", () => {
    renderKeyboard({ 60: "#ff6b6b" });
    expect(key(60).dataset.active).toBe("true");
    expect(key(60).style.background).not.toBe("");
    expect(key(62).dataset.active).toBe("false");
    expect(key(62).style.background).toBe("");
  });
});
