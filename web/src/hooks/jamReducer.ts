/**
 * The jam page's session state as one pure reducer: which view is shown, who is in the room, the
 * connection, the error in place and the activity log. Server events become actions here, so the
 * order they arrive in is the order they apply in (no stale snapshots from async code).
 */
import { colorIn } from "../music/colors";
import type { ConnectionState } from "../services/socketService";
import type { Participant, SessionJoined, UserJoined, UserLeft } from "../types/protocol";

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
  /** Someone played `what` ("C4", "Snare"); no senderId means we did. */
  | { type: "played"; senderId?: string; what: string }
  | { type: "left" }
  | { type: "failed"; message: string }
  | { type: "error"; message: string };

export const LOG_LIMIT = 50;

export function initialJamState(name = "", roomCode = ""): JamState {
  return {
    phase: "landing",
    connection: "connecting",
    name,
    roomCode,
    myId: "",
    participants: [],
    error: "",
    log: [],
    nextLogId: 1,
  };
}

function withLog(state: JamState, text: string, color?: string): JamState {
  const entry: LogEntry = { id: state.nextLogId, text, color };
  return { ...state, log: [entry, ...state.log].slice(0, LOG_LIMIT), nextLogId: state.nextLogId + 1 };
}

function nameOf(state: JamState, id: string): string {
  return state.participants.find((p) => p.id === id)?.name ?? "Someone";
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

function applyUserLeft(state: JamState, { userId, roomCode }: UserLeft): JamState {
  if (state.phase !== "session" || roomCode !== state.roomCode) return state;
  const leaver = state.participants.find((p) => p.id === userId);
  if (!leaver) return state;
  const next = { ...state, participants: state.participants.filter((p) => p.id !== userId) };
  return withLog(next, `${leaver.name} left`, colorIn(state.participants, userId));
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
    case "played": {
      if (state.phase !== "session") return state;
      const id = action.senderId ?? state.myId;
      return withLog(state, `${nameOf(state, id)} played ${action.what}`, colorIn(state.participants, id));
    }
    case "left":
      return { ...state, phase: "landing", myId: "", participants: [], error: "", log: [] };
    case "failed":
      return { ...state, phase: "landing", myId: "", participants: [], error: action.message };
    case "error":
      return { ...state, error: action.message };
  }
}
