/**
 * The jam page's one reducer: server events become actions here, so the order they arrive in is
 * the order they apply in (no stale snapshots from async code). The state and actions are in
 * ./jamState.ts, the log's wording in ./logText.ts. A room snapshot (`session:joined`,
 * `session:resumed`) lands in `applySnapshot` only; every other room event ignores events of
 * another room or outside a session.
 */
import { colorIn } from "../../music/colors";
import { INSTRUMENTS } from "../../music/instruments";
import type {
  ChatMessage,
  HostChanged,
  LatencyReport,
  RecordingState,
  SessionJoined,
  SessionResumed,
  SettingsChanged,
  TransportState,
  UserJoined,
  UserLeft,
  UserUpdated,
} from "../../types/protocol";
import {
  CHAT_LIMIT,
  LOG_LIMIT,
  NO_ROOM,
  type JamAction,
  type JamState,
  type LogEntry,
  type ServerPayloads,
} from "./jamState";
import { describeSettingsChange, leaveText, takeEndText } from "./logText";

export function jamReducer(state: JamState, action: JamAction): JamState {
  if ("payload" in action) return applyServerEvent(state, action);
  switch (action.type) {
    case "connection":
      return { ...state, connection: action.state };
    case "joining":
      return { ...state, phase: "joining", name: action.name, roomCode: action.roomCode, error: "", log: [] };
    case "played":
      return applyPlayed(state, action.what, action.senderId);
    case "left":
      return { ...state, phase: "landing", ...NO_ROOM, error: "", log: [] };
    case "failed":
      return { ...state, phase: "landing", ...NO_ROOM, error: action.message };
    case "error":
      return { ...state, error: action.message };
  }
}

type Apply<K extends keyof ServerPayloads> = (state: JamState, payload: ServerPayloads[K]) => JamState;

/** How each server event applies: one entry per event, so none can be forgotten. */
const SERVER_EVENTS: { [K in keyof ServerPayloads]: Apply<K> } = {
  joined: applyJoined,
  userJoined: applyUserJoined,
  userLeft: applyUserLeft,
  resumed: inRoom(applyResumed),
  userAway: inRoom((state, p) => applyPresence(state, p.userId, true)),
  userBack: inRoom((state, p) => applyPresence(state, p.userId, false)),
  userUpdated: inRoom(applyUserUpdated),
  hostChanged: inRoom(applyHostChanged),
  settingsChanged: inRoom(applySettings),
  transport: inRoom(applyTransport),
  recording: inRoom(applyRecording),
  latency: inRoom(applyLatency),
  chat: inRoom(applyChat),
};

function applyServerEvent<K extends keyof ServerPayloads>(state: JamState, action: { type: K; payload: ServerPayloads[K] }) {
  return (SERVER_EVENTS[action.type] as Apply<K>)(state, action.payload);
}

/** A musical room's event: ignored outside a session or when it is another room's. */
function inRoom<P extends { roomCode: string }>(apply: (state: JamState, payload: P) => JamState) {
  return (state: JamState, payload: P) =>
    state.phase !== "session" || payload.roomCode !== state.roomCode ? state : apply(state, payload);
}

function withLog(state: JamState, text: string, color?: string): JamState {
  const entry: LogEntry = { id: state.nextLogId, text, color };
  return { ...state, log: [entry, ...state.log].slice(0, LOG_LIMIT), nextLogId: state.nextLogId + 1 };
}

function nameOf(state: JamState, id: string): string {
  return state.participants.find((p) => p.id === id)?.name ?? "Someone";
}

/**
 * The room as a snapshot says it is now (a join's, or a resume's after a drop): it replaces all
 * we knew of the room but the latency, which the caller decides on, and is logged as `text`.
 */
function applySnapshot(state: JamState, snapshot: SessionJoined | SessionResumed, text: string): JamState {
  const next: JamState = {
    ...state,
    phase: "session",
    roomCode: snapshot.roomCode,
    myId: snapshot.you.id,
    participants: snapshot.participants,
    hostId: snapshot.hostId,
    settings: snapshot.settings,
    transport: snapshot.transport,
    recording: snapshot.recording,
    chat: snapshot.chat,
    error: "",
  };
  return withLog(next, text, colorIn(next.participants, next.myId));
}

function applyJoined(state: JamState, payload: SessionJoined): JamState {
  const isRejoin = state.phase === "session";
  // The same snapshot comes twice (reply event and ack): apply it once, so it cannot undo a later join.
  if (isRejoin && state.myId === payload.you.id && state.roomCode === payload.roomCode) return state;
  const text = isRejoin
    ? `Reconnected — back in ${payload.roomCode}`
    : `You joined ${payload.roomCode} as ${state.name}`;
  return applySnapshot(isRejoin ? state : { ...state, latency: {} }, payload, text);
}

/** Back after a drop with the same identity (in the same room, checked by applyRoomEvent). */
function applyResumed(state: JamState, payload: SessionResumed): JamState {
  return applySnapshot(state, payload, "Reconnected");
}

function applyUserJoined(state: JamState, { user, roomCode }: UserJoined): JamState {
  if (state.phase !== "session" || roomCode !== state.roomCode) return state;
  if (state.participants.some((p) => p.id === user.id)) return state;
  const next = { ...state, participants: [...state.participants, user] };
  return withLog(next, `${user.name} joined`, colorIn(next.participants, user.id));
}

function applyUserLeft(state: JamState, { userId, roomCode, reason }: UserLeft): JamState {
  if (state.phase !== "session" || roomCode !== state.roomCode) return state;
  const leaver = state.participants.find((p) => p.id === userId);
  if (!leaver) return state;
  const { [userId]: _gone, ...latency } = state.latency;
  const next = { ...state, participants: state.participants.filter((p) => p.id !== userId), latency };
  return withLog(next, leaveText(leaver.name, reason), colorIn(state.participants, userId));
}

/** Someone played (no senderId: we did), logged as the others see it. */
function applyPlayed(state: JamState, what: string, senderId: string | undefined): JamState {
  if (state.phase !== "session") return state;
  const id = senderId ?? state.myId;
  return withLog(state, `${nameOf(state, id)} played ${what}`, colorIn(state.participants, id));
}

/** A chat line, once (a resume's snapshot may already hold one that was also replayed). */
function applyChat(state: JamState, message: ChatMessage): JamState {
  const last = state.chat[state.chat.length - 1];
  if (last && message.seq <= last.seq) return state;
  return { ...state, chat: [...state.chat, message].slice(-CHAT_LIMIT) };
}

function applyPresence(state: JamState, userId: string, away: boolean): JamState {
  const who = state.participants.find((p) => p.id === userId);
  if (!who || who.away === away) return state;
  const participants = state.participants.map((p) => (p.id === userId ? { ...p, away } : p));
  const text = away ? `${who.name} lost the connection` : `${who.name} is back`;
  return withLog({ ...state, participants }, text, colorIn(participants, userId));
}

function applyHostChanged(state: JamState, { hostId }: HostChanged): JamState {
  if (hostId === state.hostId) return state;
  const next = { ...state, hostId };
  const text = hostId === state.myId ? "You are now the host" : `${nameOf(state, hostId)} is now the host`;
  return withLog(next, text, colorIn(state.participants, hostId));
}

function applySettings(state: JamState, { settings, by }: SettingsChanged): JamState {
  const change = describeSettingsChange(state.settings, settings);
  const next = { ...state, settings };
  if (!change) return next;
  return withLog(next, `${nameOf(state, by)} set ${change}`, colorIn(state.participants, by));
}

function applyTransport(state: JamState, payload: TransportState): JamState {
  const { roomCode: _room, seq: _seq, ...transport } = payload; // `previous` included: it plays until the change lands.
  const next = { ...state, transport };
  if (transport.playing === state.transport.playing) return next;
  return withLog(next, transport.playing ? "The metronome started" : "The metronome stopped");
}

/** A take started or ended; logged only when that changes what we knew (a replay repeats nothing). */
function applyRecording(state: JamState, payload: RecordingState): JamState {
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

function applyLatency(state: JamState, { participants }: LatencyReport): JamState {
  const latency: Record<string, number> = {};
  for (const { id, rttMs } of participants) latency[id] = rttMs;
  return { ...state, latency };
}

/** Someone's role or sound changed: they are listed (and heard) as they are now. */
function applyUserUpdated(state: JamState, { user }: UserUpdated): JamState {
  const before = state.participants.find((p) => p.id === user.id);
  if (!before) return state;
  const next = { ...state, participants: state.participants.map((p) => (p.id === user.id ? user : p)) };
  const who = user.id === state.myId ? "You" : user.name;
  const sound = INSTRUMENTS.find((i) => i.id === user.instrument)?.label.toLowerCase() ?? user.instrument;
  const what = before.role !== user.role ? (user.role === "listener" ? "listening" : "playing") : `now on ${sound}`;
  return withLog(next, `${who}: ${what}`, colorIn(next.participants, user.id));
}
