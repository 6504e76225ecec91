/**
 * The jam page's session state and the actions that change it (applied in ./jamReducer.ts): which
 * view is shown, who is in the room, the room's host, settings, transport and recording, the
 * connection, the error in place and the activity log.
 */
import type { ConnectionState } from "../service/subscriptions";
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
} from "../../types/protocol";

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

/** The payload each server event's action carries, by action type: `{ type, payload }`. */
export interface ServerPayloads {
  joined: SessionJoined;
  userJoined: UserJoined;
  userLeft: UserLeft;
  resumed: SessionResumed;
  userAway: UserPresence;
  userBack: UserPresence;
  userUpdated: UserUpdated;
  hostChanged: HostChanged;
  settingsChanged: SettingsChanged;
  transport: TransportState;
  recording: RecordingState;
  latency: LatencyReport;
  chat: ChatMessage;
}

/** A server event as an action. */
export type ServerAction = { [K in keyof ServerPayloads]: { type: K; payload: ServerPayloads[K] } }[keyof ServerPayloads];

export type JamAction =
  | ServerAction
  | { type: "connection"; state: ConnectionState }
  | { type: "joining"; name: string; roomCode: string }
  /** Someone played `what` ("C4", "Snare"); no senderId means we did. */
  | { type: "played"; senderId?: string; what: string }
  | { type: "left" }
  | { type: "failed"; message: string }
  | { type: "error"; message: string };

export const LOG_LIMIT = 50;

/** Messages the chat shows (the server keeps the last 50 for joiners; a page keeps a few more). */
export const CHAT_LIMIT = 200;

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
export const NO_ROOM = {
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
