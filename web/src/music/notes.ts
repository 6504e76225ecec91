/**
 * Pure music helpers: MIDI note names, the four-octave on-screen keyboard layout, the computer-key
 * map, the velocity of a press on a key and the drum pads. No DOM, no audio, so they are trivially
 * testable.
 */

const PITCH_CLASSES = ["C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B"] as const;
const BLACK_PITCH_CLASSES = new Set([1, 3, 6, 8, 10]);

/** The keyboard shows four octaves, C3 (48) to B6 (95): room for two hands. */
export const KEYBOARD_FIRST_NOTE = 48;
export const KEYBOARD_LAST_NOTE = 95;

/** Velocity sent for computer keys, Enter / Space and pad presses (MIDI 1–127); note offs send 0. */
export const DEFAULT_VELOCITY = 100;

/** A press at the very top of an on-screen key (far from the player) and at its bottom edge. */
export const SOFTEST_PRESS_VELOCITY = 30;
export const LOUDEST_PRESS_VELOCITY = 127;

/**
 * The velocity of a press `fraction` of the way down a key (0 top, 1 bottom edge), linear from
 * soft to loud as on a real key, where playing nearer the edge gives more leverage.
 */
export function velocityForPress(fraction: number): number {
  if (Number.isNaN(fraction)) return DEFAULT_VELOCITY;
  const clamped = Math.min(1, Math.max(0, fraction));
  return Math.round(SOFTEST_PRESS_VELOCITY + clamped * (LOUDEST_PRESS_VELOCITY - SOFTEST_PRESS_VELOCITY));
}

/**
 * The velocity of a press at `clientY` on a key whose box starts at `top` and is `height` tall;
 * DEFAULT_VELOCITY for a key with no height (not laid out, as in component tests).
 */
export function velocityAt(clientY: number, top: number, height: number): number {
  if (!(height > 0)) return DEFAULT_VELOCITY;
  return velocityForPress((clientY - top) / height);
}

export function isValidMidi(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 127;
}

/** "C4", "C♯4", … (MIDI 60 is C4, the usual scientific pitch convention). */
export function noteName(note: number): string {
  const pitchClass = ((note % 12) + 12) % 12;
  const octave = Math.floor(note / 12) - 1;
  return `${PITCH_CLASSES[pitchClass]}${octave}`;
}

export function isBlackKey(note: number): boolean {
  return BLACK_PITCH_CLASSES.has(((note % 12) + 12) % 12);
}

export function noteFrequency(note: number): number {
  return 440 * 2 ** ((note - 69) / 12);
}

export interface PianoKey {
  note: number;
  name: string;
  isBlack: boolean;
  /** For a white key: its position among the white keys. For a black key: the white key to its right. */
  whiteIndex: number;
}

/** The 48 keys in note order, with what the CSS needs to place white and black keys like a piano. */
export function keyboardLayout(first = KEYBOARD_FIRST_NOTE, last = KEYBOARD_LAST_NOTE): PianoKey[] {
  const keys: PianoKey[] = [];
  let whiteCount = 0;
  for (let note = first; note <= last; note++) {
    const isBlack = isBlackKey(note);
    keys.push({ note, name: noteName(note), isBlack, whiteIndex: whiteCount });
    if (!isBlack) whiteCount++;
  }
  return keys;
}

export function whiteKeyCount(first = KEYBOARD_FIRST_NOTE, last = KEYBOARD_LAST_NOTE): number {
  return keyboardLayout(first, last).filter((key) => !key.isBlack).length;
}

/**
 * Computer keys laid out like a piano on a QWERTY keyboard: the home row plays the white keys and
 * the row above the black ones. Matched on `KeyboardEvent.code` so other layouts keep the shape.
 */
const COMPUTER_KEY_OFFSETS: ReadonlyArray<readonly [code: string, semitones: number]> = [
  ["KeyA", 0],
  ["KeyW", 1],
  ["KeyS", 2],
  ["KeyE", 3],
  ["KeyD", 4],
  ["KeyF", 5],
  ["KeyT", 6],
  ["KeyG", 7],
  ["KeyY", 8],
  ["KeyH", 9],
  ["KeyU", 10],
  ["KeyJ", 11],
  ["KeyK", 12],
];
const OFFSET_BY_CODE = new Map(COMPUTER_KEY_OFFSETS);

/** Keys that move the computer keyboard's octave down and up. */
export const OCTAVE_DOWN_CODE = "KeyZ";
export const OCTAVE_UP_CODE = "KeyX";

/** Where A plays before any octave shift: C4, as players (and tests) expect. */
export const COMPUTER_KEYS_FIRST_NOTE = 60;

/** How many octaves Z / X can move A from C4: down to C3, up to C6 (A stays on the keyboard). */
export const MIN_OCTAVE_SHIFT = Math.ceil((KEYBOARD_FIRST_NOTE - COMPUTER_KEYS_FIRST_NOTE) / 12);
export const MAX_OCTAVE_SHIFT = Math.floor((KEYBOARD_LAST_NOTE - COMPUTER_KEYS_FIRST_NOTE) / 12);

export function clampOctaveShift(shift: number): number {
  return Math.min(MAX_OCTAVE_SHIFT, Math.max(MIN_OCTAVE_SHIFT, shift));
}

/** The note A plays at an octave shift (C4 at 0). */
export function computerKeysFirstNote(octaveShift = 0): number {
  return COMPUTER_KEYS_FIRST_NOTE + octaveShift * 12;
}

/** `KeyboardEvent.code` when the browser gives one, else a code guessed from `key` ("a" → "KeyA"). */
export function eventCode(event: { code?: string; key?: string }): string {
  if (event.code) return event.code;
  const key = event.key ?? "";
  if (/^[a-z]$/i.test(key)) return `Key${key.toUpperCase()}`;
  if (/^[0-9]$/.test(key)) return `Digit${key}`;
  return key;
}

/**
 * The note a computer key plays, given how many octaves the mapping is shifted from C4 (negative
 * is down); undefined for unmapped keys or notes beyond the shown keyboard.
 */
export function noteForComputerKey(code: string, octaveShift = 0): number | undefined {
  const offset = OFFSET_BY_CODE.get(code);
  if (offset === undefined) return undefined;
  const note = computerKeysFirstNote(octaveShift) + offset;
  return note >= KEYBOARD_FIRST_NOTE && note <= KEYBOARD_LAST_NOTE ? note : undefined;
}

/** The letter printed on an on-screen key for the current octave shift ("A" on C4), if any. */
export function computerKeyLabel(note: number, octaveShift = 0): string | undefined {
  if (note < KEYBOARD_FIRST_NOTE || note > KEYBOARD_LAST_NOTE) return undefined;
  const offset = note - computerKeysFirstNote(octaveShift);
  const entry = COMPUTER_KEY_OFFSETS.find(([, semitones]) => semitones === offset);
  return entry ? entry[0].slice(3) : undefined;
}

export interface DrumPad {
  note: number;
  label: string;
  /** The digit key that hits this pad. */
  keyCode: string;
}

/** General MIDI percussion (channel 10, i.e. channel index 9). */
export const DRUM_PADS: readonly DrumPad[] = [
  { note: 36, label: "Kick", keyCode: "Digit1" },
  { note: 38, label: "Snare", keyCode: "Digit2" },
  { note: 42, label: "Closed hat", keyCode: "Digit3" },
  { note: 46, label: "Open hat", keyCode: "Digit4" },
  { note: 39, label: "Clap", keyCode: "Digit5" },
  { note: 45, label: "Low tom", keyCode: "Digit6" },
  { note: 50, label: "High tom", keyCode: "Digit7" },
  { note: 49, label: "Crash", keyCode: "Digit8" },
];

export const DRUM_CHANNEL = 9;

/** "Snare" for a known drum note, else a generic name. */
export function drumName(note: number): string {
  return DRUM_PADS.find((pad) => pad.note === note)?.label ?? `Drum ${note}`;
}
