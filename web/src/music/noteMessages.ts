/**
 * The musical events this page sends through `event:broadcast`, and a defensive reader for the
 * ones other people send (their `data` is any JSON, so nothing is trusted).
 */
import { DRUM_CHANNEL, isValidMidi } from "./notes";

export const NOTE_ON = "note:on";
export const NOTE_OFF = "note:off";
export const CONTROL_CHANGE = "control:change";
export const PITCH_BEND = "pitch:bend";

/** MIDI controller numbers the page acts on (every other controller is relayed and recorded only). */
export const MOD_WHEEL = 1;
export const SUSTAIN_PEDAL = 64;

/** Pitch bend range on the wire, as in MIDI: −8192 (down) … 0 (centre) … 8191 (up). */
export const BEND_MIN = -8192;
export const BEND_MAX = 8191;

export interface NoteData {
  note: number;
  velocity: number;
  channel?: number;
}

export interface ControlData {
  controller: number;
  value: number;
}

export interface BendData {
  value: number;
}

/** What the page sends to the room through `event:broadcast`. */
export type PlayData = NoteData | ControlData | BendData;

/**
 * A relayed event as the page understands it. A note:on with velocity 0 is a note off (MIDI
 * habit); a sustain pedal is a control with controller 64 (down from 64 up).
 */
export type NoteMessage =
  | { kind: "on"; note: number; velocity: number; isDrum: boolean }
  | { kind: "off"; note: number; isDrum: boolean }
  | { kind: "control"; controller: number; value: number }
  | { kind: "bend"; value: number };

/** Reads a relayed event; null for anything that is not a well-formed musical event. */
export function readNoteMessage(eventName: string, data: unknown): NoteMessage | null {
  if (typeof data !== "object" || data === null) return null;
  const fields = data as Record<string, unknown>;
  switch (eventName) {
    case NOTE_ON:
    case NOTE_OFF:
      return readNote(eventName, fields);
    case CONTROL_CHANGE: {
      const { controller, value } = fields;
      return isValidMidi(controller) && isValidMidi(value) ? { kind: "control", controller, value } : null;
    }
    case PITCH_BEND: {
      const { value } = fields;
      const valid = typeof value === "number" && Number.isInteger(value) && value >= BEND_MIN && value <= BEND_MAX;
      return valid ? { kind: "bend", value } : null;
    }
    default:
      return null;
  }
}

function readNote(eventName: string, { note, velocity, channel }: Record<string, unknown>): NoteMessage | null {
  if (!isValidMidi(note)) return null;
  const isDrum = channel === DRUM_CHANNEL;
  const level = isValidMidi(velocity) ? velocity : eventName === NOTE_ON ? 100 : 0;
  if (eventName === NOTE_OFF || level === 0) return { kind: "off", note, isDrum };
  return { kind: "on", note, velocity: level, isDrum };
}

/** Whether a sustain pedal value holds notes (MIDI: 64–127 is down). */
export const pedalDown = (value: number): boolean => value >= 64;
