/**
 * What the session's commands work on: the service (or a test's fake), the reducer's dispatch and
 * refs for what the player asked for. Refs, because socket handlers outlive React renders.
 */
import type { NoteMessage } from "../../music/noteMessages";
import type { HostCommandName } from "../service/hostCommands";
import type { SocketService } from "../service/socketService";
import type { JamAction } from "../state/jamState";

/** What the page needs from socketService; tests pass a fake with the same shape. */
export type JamService = Pick<
  SocketService,
  | "connect"
  | "disconnect"
  | "connectionState"
  | "createSession"
  | "joinSession"
  | "leaveSession"
  | "broadcast"
  | HostCommandName
  | "syncClock"
  | "serverNow"
  | "clockEstimate"
  | "onSessionJoined"
  | "onSessionResumed"
  | "onUserJoined"
  | "onUserLeft"
  | "onUserAway"
  | "onUserBack"
  | "onHostChanged"
  | "onSettingsChanged"
  | "onChatMessage"
  | "onUserUpdated"
  | "sendChat"
  | "updateProfile"
  | "onTransportState"
  | "onRecordingState"
  | "onLatency"
  | "onKicked"
  | "onEvent"
  | "onError"
  | "onConnectionState"
>;

export type RemoteNoteHandler = (message: NoteMessage, senderId: string) => void;

/**
 * What the player asked for. `member` is true while we are in the room on the current connection;
 * `myId` is our participant id there, once in (a resume keeps it, a fallback join changes it).
 */
export interface Intent {
  name: string;
  roomCode: string;
  active: boolean;
  member: boolean;
  joinedOnce: boolean;
  myId: string;
}

export const IDLE_INTENT: Intent = { name: "", roomCode: "", active: false, member: false, joinedOnce: false, myId: "" };

export interface SessionContext {
  service: JamService;
  dispatch(action: JamAction): void;
  intent: { current: Intent };
  /** Bumped by every create/join/leave, so answers to an abandoned attempt are ignored. */
  attempt: { current: number };
  remoteNote: { current: RemoteNoteHandler };
}
