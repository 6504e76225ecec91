/**
 * The musical room's events applied to the page state: resume snapshots, presence (away/back), the
 * host, settings, transport, recording and latency. Pure functions called by jamReducer, which has
 * already checked that the event is about the room we are in.
 */
import { colorIn } from "../music/colors";
import { INSTRUMENTS } from "../music/instruments";
import type {
  ChatMessage,
  HostChanged,
  LatencyReport,
  LeaveReason,
  RecordingInfo,
  RecordingState,
  SessionResumed,
  Settings,
  SettingsChanged,
  TransportState,
  UserUpdated,
} from "../types/protocol";
import type { JamState, LogEntry } from "./jamReducer";

export const LOG_LIMIT = 50;

export function withLog(state: JamState, text: string, color?: string): JamState {
  const entry: LogEntry = { id: state.nextLogId, text, color };
  return { ...state, log: [entry, ...state.log].slice(0, LOG_LIMIT), nextLogId: state.nextLogId + 1 };
}

export function nameOf(state: JamState, id: string): string {
  return state.participants.find((p) => p.id === id)?.name ?? "Someone";
}

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

/** Back after a drop with the same identity: the snapshot replaces what we knew. */
export function applyResumed(state: JamState, payload: SessionResumed): JamState {
  const next: JamState = {
    ...state,
    myId: payload.you.id,
    participants: payload.participants,
    hostId: payload.hostId,
    settings: payload.settings,
    transport: payload.transport,
    recording: payload.recording,
    chat: payload.chat,
    error: "",
  };
  return withLog(next, "Reconnected", colorIn(next.participants, next.myId));
}

/** Messages the chat shows (the server keeps the last 50 for joiners; a page keeps a few more). */
export const CHAT_LIMIT = 200;

/** A chat line, once (a resume's snapshot may already hold one that was also replayed). */
export function applyChat(state: JamState, message: ChatMessage): JamState {
  const last = state.chat[state.chat.length - 1];
  if (last && message.seq <= last.seq) return state;
  return { ...state, chat: [...state.chat, message].slice(-CHAT_LIMIT) };
}

export function applyPresence(state: JamState, userId: string, away: boolean): JamState {
  const who = state.participants.find((p) => p.id === userId);
  if (!who || who.away === away) return state;
  const participants = state.participants.map((p) => (p.id === userId ? { ...p, away } : p));
  const text = away ? `${who.name} lost the connection` : `${who.name} is back`;
  return withLog({ ...state, participants }, text, colorIn(participants, userId));
}

export function applyHostChanged(state: JamState, { hostId }: HostChanged): JamState {
  if (hostId === state.hostId) return state;
  const next = { ...state, hostId };
  const text = hostId === state.myId ? "You are now the host" : `${nameOf(state, hostId)} is now the host`;
  return withLog(next, text, colorIn(state.participants, hostId));
}

/** What changed between two settings, for the log ("tempo 90 BPM, meter 3/4"). */
function describeSettingsChange(before: Settings, after: Settings): string {
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

export function applySettings(state: JamState, { settings, by }: SettingsChanged): JamState {
  const change = describeSettingsChange(state.settings, settings);
  const next = { ...state, settings };
  if (!change) return next;
  return withLog(next, `${nameOf(state, by)} set ${change}`, colorIn(state.participants, by));
}

export function applyTransport(state: JamState, payload: TransportState): JamState {
  const { roomCode: _room, seq: _seq, ...transport } = payload; // `previous` included: it plays until the change lands.
  const next = { ...state, transport };
  if (transport.playing === state.transport.playing) return next;
  return withLog(next, transport.playing ? "The metronome started" : "The metronome stopped");
}

/** "7 events", "1 event". */
export function countEvents(n: number): string {
  return `${n} ${n === 1 ? "event" : "events"}`;
}

/** The log line for a take that ended, by why it ended. */
function takeEndText({ events, reason }: RecordingInfo): string {
  if (reason === "limit") return `Recording stopped: limit reached — ${countEvents(events)}`;
  return `Recording stopped — ${countEvents(events)}`;
}

/** A take started or ended; logged only when that changes what we knew (a replay repeats nothing). */
export function applyRecording(state: JamState, payload: RecordingState): JamState {
  const { roomCode: _room, seq: _seq, ...info } = payload;
  const before = state.recording;
  const next = { ...state, recording: info };
  if (info.recording) {
    const sameTake = before?.recording && before.startedAt === info.startedAt;
    return sameTake ? next : withLog(next, "Recording started");
  }
  if (before && !before.recording && before.downloadUrl === info.downloadUrl) return next;
  return withLog(next, takeEndText(info));
}

export function applyLatency(state: JamState, { participants }: LatencyReport): JamState {
  const latency: Record<string, number> = {};
  for (const { id, rttMs } of participants) latency[id] = rttMs;
  return { ...state, latency };
}

/** Tempo as shown: whole numbers plainly, anything else to one decimal. */
export function formatBpm(bpm: number): string {
  return Number.isInteger(bpm) ? String(bpm) : bpm.toFixed(1);
}

/** Someone's role or sound changed: they are listed (and heard) as they are now. */
export function applyUserUpdated(state: JamState, { user }: UserUpdated): JamState {
  const before = state.participants.find((p) => p.id === user.id);
  if (!before) return state;
  const next = { ...state, participants: state.participants.map((p) => (p.id === user.id ? user : p)) };
  const who = user.id === state.myId ? "You" : user.name;
  const sound = INSTRUMENTS.find((i) => i.id === user.instrument)?.label.toLowerCase() ?? user.instrument;
  const what = before.role !== user.role ? (user.role === "listener" ? "listening" : "playing") : `now on ${sound}`;
  return withLog(next, `${who}: ${what}`, colorIn(next.participants, user.id));
}
