import { describe, expect, it } from "vitest";
import { readNoteMessage } from "./noteMessages";
import { computerKeyLabel, drumName, eventCode, keyboardLayout, noteForComputerKey, noteName } from "./notes";
import { friendlyMessage, validateName } from "../session/errorMessages";
import { roomCodeFromSearch, shareLink } from "../session/roomLink";

describe("note names and layout", () => {
  it("names MIDI notes with sharps, C4 being 60", () => {
    expect([60, 61, 64, 69, 71, 72, 83].map(noteName)).toEqual(["C4", "C♯4", "E4", "A4", "B4", "C5", "B5"]);
    expect(noteName(0)).toBe("C-1");
  });

  it("lays black keys between the right white keys", () => {
    const layout = keyboardLayout();
    expect(layout.filter((k) => !k.isBlack)).toHaveLength(14);
    expect(layout.find((k) => k.note === 61)).toMatchObject({ isBlack: true, whiteIndex: 1 });
    expect(layout.find((k) => k.note === 66)).toMatchObject({ isBlack: true, whiteIndex: 4 });
  });

  it("maps computer keys by code, shifted by octaves, within the keyboard", () => {
    expect(noteForComputerKey("KeyA")).toBe(60);
    expect(noteForComputerKey("KeyK")).toBe(72);
    expect(noteForComputerKey("KeyA", 1)).toBe(72);
    expect(noteForComputerKey("KeyK", 1)).toBeUndefined();
    expect(noteForComputerKey("KeyQ")).toBeUndefined();
    expect(computerKeyLabel(61)).toBe("W");
    expect(eventCode({ key: "a" })).toBe("KeyA");
    expect(drumName(42)).toBe("Closed hat");
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
