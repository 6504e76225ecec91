/**
 * How the activity log (and the panels that share its wording) words what happened. Pure text,
 * kept apart from ./jamReducer.ts so components can format the same way without the reducer.
 */
import type { LeaveReason, RecordingInfo, Settings } from "../../types/protocol";

/** The log line for someone leaving, by why they left. */
export function leaveText(name: string, reason: LeaveReason): string {
  switch (reason) {
    case "timeout":
      return `${name} timed out`;
    case "kicked":
      return `${name} was removed`;
    case "rate_limited":
      return `${name} was disconnected for sending too much`;
    default:
      return `${name} left`;
  }
}

/** What changed between two settings, for the log ("tempo 90 BPM, meter 3/4"). */
export function describeSettingsChange(before: Settings, after: Settings): string {
  const parts: string[] = [];
  if (after.bpm !== before.bpm) parts.push(`tempo ${formatBpm(after.bpm)} BPM`);
  if (after.beatsPerBar !== before.beatsPerBar || after.beatUnit !== before.beatUnit) {
    parts.push(`meter ${after.beatsPerBar}/${after.beatUnit}`);
  }
  if (after.key !== before.key) parts.push(after.key ? `key ${after.key}` : "no key");
  if (after.locked !== before.locked) parts.push(after.locked ? "locked" : "unlocked");
  if (after.maxParticipants !== before.maxParticipants) parts.push(`room for ${after.maxParticipants}`);
  return parts.join(", ");
}

/** "7 events", "1 event". */
export function countEvents(n: number): string {
  return `${n} ${n === 1 ? "event" : "events"}`;
}

/** The log line for a take that ended, by why it ended. */
export function takeEndText({ events, reason }: RecordingInfo): string {
  if (reason === "limit") return `Recording stopped: limit reached — ${countEvents(events)}`;
  return `Recording stopped — ${countEvents(events)}`;
}

/** Tempo as shown: whole numbers plainly, anything else to one decimal. */
export function formatBpm(bpm: number): string {
  return Number.isInteger(bpm) ? String(bpm) : bpm.toFixed(1);
}
