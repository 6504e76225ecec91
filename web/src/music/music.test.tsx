import { describe, expect, it } from "vitest";
import { readNoteMessage } from "./noteMessages";
import {
  DEFAULT_VELOCITY,
  MAX_OCTAVE_SHIFT,
  MIN_OCTAVE_SHIFT,
  clampOctaveShift,
  computerKeyLabel,
  drumName,
  eventCode,
  keyboardLayout,
  noteForComputerKey,
  noteName,
  velocityAt,
  velocityForPress,
} from "./notes";
import { friendlyMessage, validateName } from "../session/errorMessages";
import { roomCodeFromSearch, shareLink } from "../session/roomLink";

describe("note names and layout", () => {
  it("names MIDI notes with sharps, C4 being 60", () => {
    expect([60, 61, 64, 69, 71, 72, 83].map(noteName)).toEqual(["C4", "C♯4", "E4", "A4", "B4", "C5", "B5"]);
    expect(noteName(0)).toBe("C-1");
  });

  it("lays four octaves, C3 to B6, with black keys between the right white keys", () => {
    const layout = keyboardLayout();
    expect(layout).toHaveLength(48);
    expect(layout[0]).toMatchObject({ note: 48, name: "C3", isBlack: false, whiteIndex: 0 });
    expect(layout.at(-1)).toMatchObject({ note: 95, name: "B6", isBlack: false, whiteIndex: 27 });
    expect(layout.filter((k) => !k.isBlack)).toHaveLength(28);
    expect(layout.find((k) => k.note === 49)).toMatchObject({ isBlack: true, whiteIndex: 1 });
    expect(layout.find((k) => k.note === 54)).toMatchObject({ isBlack: true, whiteIndex: 4 });
    expect(layout.find((k) => k.note === 61)).toMatchObject({ isBlack: true, whiteIndex: 8 });
  });

  it("maps computer keys by code from C4, shifted by octaves, within the keyboard", () => {
    expect(noteForComputerKey("KeyA")).toBe(60);
    expect(noteForComputerKey("KeyK")).toBe(72);
    expect(noteForComputerKey("KeyA", 1)).toBe(72);
    expect(noteForComputerKey("KeyA", -1)).toBe(48);
    expect(noteForComputerKey("KeyA", 2)).toBe(84);
    expect(noteForComputerKey("KeyJ", 2)).toBe(95);
    expect(noteForComputerKey("KeyK", 2)).toBeUndefined();
    expect(noteForComputerKey("KeyA", -2)).toBeUndefined();
    expect([MIN_OCTAVE_SHIFT, MAX_OCTAVE_SHIFT]).toEqual([-1, 2]);
    expect([clampOctaveShift(-5), clampOctaveShift(1), clampOctaveShift(9)]).toEqual([-1, 1, 2]);
    expect(noteForComputerKey("KeyQ")).toBeUndefined();
    expect(computerKeyLabel(61)).toBe("W");
    expect(computerKeyLabel(49, -1)).toBe("W");
    expect(computerKeyLabel(49)).toBeUndefined();
    expect(eventCode({ key: "a" })).toBe("KeyA");
    expect(drumName(42)).toBe("Closed hat");
  });
});

describe("velocity from where a key is pressed", () => {
  it("is soft at the top of a key and loudest at its bottom edge, whole MIDI values in between", () => {
    expect(velocityForPress(0)).toBe(30);
    expect(velocityForPress(1)).toBe(127);
    expect(velocityForPress(0.5)).toBe(79);
    expect(velocityForPress(-0.2)).toBe(30);
    expect(velocityForPress(1.7)).toBe(127);
    for (let i = 0; i <= 100; i++) {
      const velocity = velocityForPress(i / 100);
      expect(Number.isInteger(velocity) && velocity >= 1 && velocity <= 127).toBe(true);
      if (i > 0) expect(velocity).toBeGreaterThanOrEqual(velocityForPress((i - 1) / 100));
    }
  });

  it("reads the press within the key's box, and falls back to 100 for a key with no height", () => {
    expect(velocityAt(200, 200, 150)).toBe(30);
    expect(velocityAt(350, 200, 150)).toBe(127);
    expect(velocityAt(275, 200, 150)).toBe(79);
    expect(velocityAt(10, 0, 0)).toBe(DEFAULT_VELOCITY);
    expect(velocityForPress(Number.NaN)).toBe(DEFAULT_VELOCITY);
  });
});

describe("reading relayed note events", () => {
  it("accepts well-formed notes and drums", () => {
    expect(readNoteMessage("note:on", { note: 60, velocity: 100 })).toEqual({ kind: "on", note: 60, velocity: 100, isDrum: false });
    expect(readNoteMessage("note:off", { note: 60, velocity: 0 })).toEqual({ kind: "off", note: 60, isDrum: false });
    expect(readNoteMessage("note:on", { note: 38, velocity: 90, channel: 9 })).toMatchObject({ isDrum: true, note: 38 });
  });

  it("treats note:on with velocity 0 as note off, and ignores anything malformed", () => {
    expect(readNoteMessage("note:on", { note: 60, velocity: 0 })).toMatchObject({ kind: "off" });
    for (const data of [null, 5, "x", {}, { note: 128 }, { note: 60.5 }, { note: "60" }]) {
      expect(readNoteMessage("note:on", data)).toBeNull();
    }
    expect(readNoteMessage("tempo:set", { note: 60 })).toBeNull();
  });
});

describe("messages and links", () => {
  it("explains server error codes in words", () => {
    expect(friendlyMessage("room_not_found", "ZZZZZZ")).toBe("No session with code ZZZZZZ — check the code");
    expect(friendlyMessage("room_full", "K7RMQ2")).toMatch(/K7RMQ2 is full/);
    expect(friendlyMessage("something_new")).toMatch(/went wrong/);
    expect(friendlyMessage("unavailable")).toMatch(/busy for a moment/);
  });

  it("checks names like the server", () => {
    expect(validateName("  Ann ")).toBeNull();
    expect(validateName("  ")).not.toBeNull();
    expect(validateName("a\tb")).not.toBeNull();
    expect(validateName("é".repeat(32))).toBeNull();
    expect(validateName("é".repeat(33))).not.toBeNull();
  });

  it("reads and builds ?room= links", () => {
    expect(roomCodeFromSearch("?room=%20k7rmq2")).toBe("K7RMQ2");
    expect(roomCodeFromSearch("")).toBe("");
    expect(shareLink("https://jam.example", "K7RMQ2")).toBe("https://jam.example/?room=K7RMQ2");
  });
});

describe("participant colours", () => {
  it("are distinct within a room while the palette lasts, earlier joiners keeping theirs", async () => {
    const { assignColors, colorForId, PARTICIPANT_PALETTE } = await import("./colors");
    const ids = Array.from({ length: PARTICIPANT_PALETTE.length }, (_, i) => `participant-${i}`);
    const colors = assignColors(ids);
    expect(new Set(colors.values()).size).toBe(PARTICIPANT_PALETTE.length);
    expect(colors.get(ids[0])).toBe(colorForId(ids[0]));
    expect(assignColors(ids.slice(0, 3)).get(ids[1])).toBe(colors.get(ids[1]));
  });
});
