import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Keyboard } from "./Keyboard";

afterEach(cleanup);

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
  it("shows two octaves, C4 to B5, as labelled buttons, white and black", () => {
    renderKeyboard();
    const keys = [...document.querySelectorAll<HTMLButtonElement>("button[data-note]")];
    expect(keys.map((k) => Number(k.dataset.note))).toEqual(Array.from({ length: 24 }, (_, i) => 60 + i));
    expect(screen.getByRole("button", { name: "C4" })).toBe(key(60));
    expect(screen.getByRole("button", { name: "C♯4" })).toBe(key(61));
    expect(screen.getByRole("button", { name: "B5" })).toBe(key(83));
    expect(keys.filter((k) => k.classList.contains("black"))).toHaveLength(10);
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
