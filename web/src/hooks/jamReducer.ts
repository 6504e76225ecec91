/**
 * The jam page's session state as one pure reducer: which view is shown, who is in the room, the
 * room's host, settings, transport and recording, the connection, the error in place and the
 * activity log.
 * Server events become actions here, so the order they arrive in is the order they apply in (no
 * stale snapshots from async code). The musical room's events are applied in roomReducer.ts.
 */
import { colorIn } from "../music/colors";
import type { ConnectionState } from "../services/socketService";
import type {
  ChatMessage,
  HostChanged,
  LatencyReport,
  Participant,
  RecordingInfo,
  RecordingState,
  SessionJoined,
  SessionResumed,
  Settings,
  SettingsChanged,
  Transport,
  TransportState,
  UserJoined,
  UserLeft,
  UserPresence,
  UserUpdated,
} from "../types/protocol";
import {
  applyChat,
  applyUserUpdated,
  applyHostChanged,
  applyLatency,
  applyPresence,
  applyRecording,
  applyResumed,
  applySettings,
  applyTransport,
  leaveText,
  nameOf,
  withLog,
} from "./roomReducer";

export type Phase = "landing" | "joining" | "session";

export interface LogEntry {
  id: number;
  text: string;
  /** The colour of who it is about, when it is about someone. */
  color?: string;
}

export interface JamState {
  phase: Phase;
  connection: ConnectionState;
  /** Our display name, as last submitted (trimmed). */
  name: string;
  /** The room we are in (canonical), or the one we last tried. */
  roomCode: string;
  myId: string;
  participants: Participant[];
  hostId: string | null;
  settings: Settings;
  transport: Transport;
  /** The latest take: running, or finished with its link; null before the first take. */
  recording: RecordingInfo | null;
  /** Round trips to the server by participant id, in ms, as last reported. */
  latency: Record<string, number>;
  /** The room's chat, oldest first. */
  chat: ChatMessage[];
  error: string;
  /** Newest first, at most LOG_LIMIT entries. */
  log: LogEntry[];
  nextLogId: number;
}

export type JamAction =
  | { type: "connection"; state: ConnectionState }
  | { type: "joining"; name: string; roomCode: string }
  | { type: "joined"; payload: SessionJoined }
  | { type: "userJoined"; payload: UserJoined }
  | { type: "userLeft"; payload: UserLeft }
  | { type: "resumed"; payload: SessionResumed }
  | { type: "userAway"; payload: UserPresence }
  | { type: "userBack"; payload: UserPresence }
  | { type: "userUpdated"; payload: UserUpdated }
  | { type: "hostChanged"; payload: HostChanged }
  | { type: "settingsChanged"; payload: SettingsChanged }
  | { type: "transport"; payload: TransportState }
  | { type: "recording"; payload: RecordingState }
  | { type: "latency"; payload: LatencyReport }
  | { type: "chat"; payload: ChatMessage }
  /** Someone played `what` ("C4", "Snare"); no senderId means we did. */
  | { type: "played"; senderId?: string; what: string }
  | { type: "left" }
  | { type: "failed"; message: string }
  | { type: "error"; message: string };

/** What a room starts with on the server; shown until the first snapshot says otherwise. */
export const DEFAULT_SETTINGS: Settings = {
  bpm: 120,
  beatsPerBar: 4,
  beatUnit: 4,
  key: null,
  locked: false,
  maxParticipants: 16,
};
export const STOPPED: Transport = { playing: false, bpm: 120, startedAt: 0, startBeat: 0 };

/** Everything the room tells us about itself, reset on leaving. */
const NO_ROOM = {
  myId: "",
  participants: [],
  hostId: null,
  settings: DEFAULT_SETTINGS,
  transport: STOPPED,
  recording: null,
  latency: {},
  chat: [],
} satisfies Partial<JamState>;

export function initialJamState(name = "", roomCode = ""): JamState {
  return {
    phase: "landing",
    connection: "connecting",
    name,
    roomCode,
    ...NO_ROOM,
    error: "",
    log: [],
    nextLogId: 1,
  };
}

function applyJoined(state: JamState, payload: SessionJoined): JamState {
  const isRejoin = state.phase === "session";
  // The same snapshot comes twice (reply event and ack): apply it once, so it cannot undo a later join.
  if (isRejoin && state.myId === payload.you.id && state.roomCode === payload.roomCode) return state;
  const next: JamState = {
    ...state,
    phase: "session",
    roomCode: payload.roomCode,
    myId: payload.you.id,
    participants: payload.participants,
    hostId: payload.hostId,
    settings: payload.settings,
    transport: payload.transport,
    recording: payload.recording,
    latency: isRejoin ? state.latency : {},
    chat: payload.chat,
    error: "",
  };
  const text = isRejoin
    ? `Reconnected — back in ${payload.roomCode}`
    : `You joined ${payload.roomCode} as ${state.name}`;
  return withLog(next, text, colorIn(next.participants, payload.you.id));
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

/** The musical room's events; each ignores events of another room or outside a session. */
function applyRoomEvent(state: JamState, action: JamAction): JamState {
  if (state.phase !== "session" || !("payload" in action) || action.payload.roomCode !== state.roomCode) return state;
  switch (action.type) {
    case "resumed":
      return applyResumed(state, action.payload);
    case "userAway":
      return applyPresence(state, action.payload.userId, true);
    case "userBack":
      return applyPresence(state, action.payload.userId, false);
    case "userUpdated":
      return applyUserUpdated(state, action.payload);
    case "hostChanged":
      return applyHostChanged(state, action.payload);
    case "settingsChanged":
      return applySettings(state, action.payload);
    case "transport":
      return applyTransport(state, action.payload);
    case "recording":
      return applyRecording(state, action.payload);
    case "latency":
      return applyLatency(state, action.payload);
    case "chat":
      return applyChat(state, action.payload);
    default:
      return state;
  }
}

export function jamReducer(state: JamState, action: JamAction): JamState {
  switch (action.type) {
    case "connection":
      return { ...state, connection: action.state };
    case "joining":
      return { ...state, phase: "joining", name: action.name, roomCode: action.roomCode, error: "", log: [] };
    case "joined":
      return applyJoined(state, action.payload);
    case "userJoined":
      return applyUserJoined(state, action.payload);
    case "userLeft":
      return applyUserLeft(state, action.payload);
    case "resumed":
    case "userAway":
    case "userBack":
    case "userUpdated":
    case "hostChanged":
    case "settingsChanged":
    case "transport":
    case "recording":
    case "latency":
    case "chat":
      return applyRoomEvent(state, action);
    case "played": {
      if (state.phase !== "session") return state;
      const id = action.senderId ?? state.myId;
      return withLog(state, `${nameOf(state, id)} played ${action.what}`, colorIn(state.participants, id));
    }
    case "left":
      return { ...state, phase: "landing", ...NO_ROOM, error: "", log: [] };
    case "failed":
      return { ...state, phase: "landing", ...NO_ROOM, error: action.message };
    case "error":
      return { ...state, error: action.message };
  }
}
