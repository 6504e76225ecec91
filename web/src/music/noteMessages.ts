/**
 * The musical events this page sends through `event:broadcast`, and a defensive reader for the
 * ones other people send (their `data` is any JSON, so nothing is trusted).
 */
import { DRUM_CHANNEL, isValidMidi } from "./notes";

export const NOTE_ON = "note:on";
export const NOTE_OFF = "note:off";

export interface NoteData {
  note: number;
  velocity: number;
  channel?: number;
}

/** A note event as the page understands it. A note:on with velocity 0 is a note off (MIDI habit). */
export type NoteMessage =
  | { kind: "on"; note: number; velocity: number; isDrum: boolean }
  | { kind: "off"; note: number; isDrum: boolean };

/** Reads a relayed event; null for anything that is not a well-formed note event. */
export function readNoteMessage(eventName: string, data: unknown): NoteMessage | null {
  if (eventName !== NOTE_ON && eventName !== NOTE_OFF) return null;
  if (typeof data !== "object" || data === null) return null;
  const { note, velocity, channel } = data as Record<string, unknown>;
  if (!isValidMidi(note)) return null;
  const isDrum = channel === DRUM_CHANNEL;
  const level = isValidMidi(velocity) ? velocity : eventName === NOTE_ON ? 100 : 0;
  if (eventName === NOTE_OFF || level === 0) return { kind: "off", note, isDrum };
  return { kind: "on", note, velocity: level, isDrum };
}
