/**
 * Raw MIDI bytes from a controller, read into what the page plays. Web MIDI hands over one whole
 * message per event (no running status); clock, active sensing and system messages are ignored.
 * The channel only matters for drums: pads on channel 10 hit the drum sounds.
 */
import { DRUM_CHANNEL } from "../music/notes";

export type MidiInputMessage =
  | { kind: "on"; note: number; velocity: number; isDrum: boolean }
  | { kind: "off"; note: number; isDrum: boolean }
  | { kind: "control"; controller: number; value: number }
  | { kind: "bend"; value: number };

const NOTE_OFF_STATUS = 0x80;
const NOTE_ON_STATUS = 0x90;
const CONTROL_STATUS = 0xb0;
const BEND_STATUS = 0xe0;

/** The message in `data`, or null for anything the page does not play. */
export function parseMidiMessage(data: ArrayLike<number> | null | undefined): MidiInputMessage | null {
  if (!data || data.length < 3) return null;
  const [status, first, second] = [data[0], data[1], data[2]];
  if (first > 0x7f || second > 0x7f) return null;
  const isDrum = (status & 0x0f) === DRUM_CHANNEL;
  switch (status & 0xf0) {
    case NOTE_ON_STATUS:
      // Velocity 0 is how most keyboards say note off.
      return second === 0 ? { kind: "off", note: first, isDrum } : { kind: "on", note: first, velocity: second, isDrum };
    case NOTE_OFF_STATUS:
      return { kind: "off", note: first, isDrum };
    case CONTROL_STATUS:
      return { kind: "control", controller: first, value: second };
    case BEND_STATUS:
      return { kind: "bend", value: ((second << 7) | first) - 8192 };
    default:
      return null;
  }
}
