/**
 * What the jam page does with the server, as plain functions over one context: create, join,
 * leave, send, and the reactions to server events (including rejoining after a reconnect). The
 * context holds refs, because socket handlers outlive React renders.
 */
import { readNoteMessage, type NoteData, type NoteMessage } from "../music/noteMessages";
import { drumName, noteName } from "../music/notes";
import type { ConnectionState, SocketService } from "../services/socketService";
import { describeError, errorCodeOf, friendlyMessage, sessionEndedMessage } from "../session/errorMessages";
import { normalizeRoomCode } from "../session/roomLink";
import { storeName } from "../session/storedName";
import { ClientEvents, type BroadcastEvent, type ErrorPayload, type SessionJoined } from "../types/protocol";
import type { JamAction } from "./jamReducer";

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
  | "onSessionJoined"
  | "onUserJoined"
  | "onUserLeft"
  | "onEvent"
  | "onError"
  | "onConnectionState"
>;

export type RemoteNoteHandler = (message: NoteMessage, senderId: string) => void;

/** What the player asked for. `member` is true while we are in the room on the current connection. */
export interface Intent {
  name: string;
  roomCode: string;
  active: boolean;
  member: boolean;
  joinedOnce: boolean;
}

export const IDLE_INTENT: Intent = { name: "", roomCode: "", active: false, member: false, joinedOnce: false };

export interface SessionContext {
  service: JamService;
  dispatch(action: JamAction): void;
  intent: { current: Intent };
  /** Bumped by every create/join/leave, so answers to an abandoned attempt are ignored. */
  attempt: { current: number };
  remoteNote: { current: RemoteNoteHandler };
}

/** Applies a `session:joined` (reply event or ack; the reducer ignores the duplicate) if it is ours. */
export function acceptJoined(ctx: SessionContext, payload: SessionJoined): void {
  const intent = ctx.intent.current;
  if (!intent.active || normalizeRoomCode(payload.roomCode) !== normalizeRoomCode(intent.roomCode)) return;
  Object.assign(intent, { roomCode: payload.roomCode, member: true, joinedOnce: true });
  ctx.dispatch({ type: "joined", payload });
}

/** Starts an attempt to get into a room: the landing view waits, with the buttons disabled. */
function beginAttempt(ctx: SessionContext, name: string, roomCode: string): number {
  ctx.intent.current = { ...IDLE_INTENT, name, roomCode, active: true };
  storeName(name);
  ctx.dispatch({ type: "joining", name, roomCode });
  return ++ctx.attempt.current;
}

/** Reports a failed create/join on the landing view, unless the player has moved on since. */
function failAttempt(ctx: SessionContext, attempt: number, error: unknown, roomCode: string): void {
  if (ctx.attempt.current !== attempt) return;
  ctx.intent.current = { ...ctx.intent.current, active: false, member: false };
  ctx.dispatch({ type: "failed", message: describeError(error, roomCode) });
}

/** Creates a room, then joins it (the server does not join its creator; docs/protocol.md). */
export async function createAndJoin(ctx: SessionContext, name: string): Promise<void> {
  const attempt = beginAttempt(ctx, name, "");
  let roomCode = "";
  try {
    roomCode = (await ctx.service.createSession()).roomCode;
    if (ctx.attempt.current !== attempt) return;
    ctx.intent.current.roomCode = roomCode;
    acceptJoined(ctx, await ctx.service.joinSession(roomCode, name));
  } catch (error) {
    failAttempt(ctx, attempt, error, roomCode);
  }
}

export async function join(ctx: SessionContext, name: string, code: string): Promise<void> {
  const roomCode = normalizeRoomCode(code);
  const attempt = beginAttempt(ctx, name, roomCode);
  try {
    acceptJoined(ctx, await ctx.service.joinSession(roomCode, name));
  } catch (error) {
    failAttempt(ctx, attempt, error, roomCode);
  }
}

/** Back to the landing view at once; the server is told if we are still in the room. */
export function leave(ctx: SessionContext): void {
  const { member, roomCode, name } = ctx.intent.current;
  ctx.attempt.current++;
  ctx.intent.current = { ...IDLE_INTENT, name, roomCode };
  ctx.dispatch({ type: "left" });
  if (member && ctx.service.connectionState === "connected") {
    ctx.service.leaveSession(roomCode).catch(() => undefined); // We have left locally either way.
  }
}

/** Sends a note event to the others if we are in the room and connected; otherwise drops it. */
export function send(ctx: SessionContext, eventName: string, data: NoteData): void {
  const { member, roomCode } = ctx.intent.current;
  if (!member || ctx.service.connectionState !== "connected") return;
  try {
    ctx.service.broadcast(roomCode, eventName, data);
  } catch {
    // Not connected after all: the indicator says so, and a rejoin follows the reconnect.
  }
}

/** After a reconnect the server has forgotten us (no grace period): join again under the same name. */
function rejoin(ctx: SessionContext): void {
  const { roomCode, name } = ctx.intent.current;
  const attempt = ctx.attempt.current;
  ctx.service.joinSession(roomCode, name).then(
    (payload) => acceptJoined(ctx, payload),
    (error: unknown) => {
      if (ctx.attempt.current !== attempt) return;
      if (errorCodeOf(error) === "room_not_found") {
        ctx.intent.current = { ...IDLE_INTENT, name, roomCode };
        ctx.dispatch({ type: "failed", message: sessionEndedMessage(roomCode) });
      } else {
        ctx.dispatch({ type: "error", message: describeError(error, roomCode) });
      }
    },
  );
}

export function onConnectionState(ctx: SessionContext, state: ConnectionState): void {
  ctx.dispatch({ type: "connection", state });
  const intent = ctx.intent.current;
  if (state !== "connected") {
    intent.member = false;
  } else if (intent.active && intent.joinedOnce) {
    rejoin(ctx);
  }
}

/** A relayed event: sound and light it (via the page's handler) and log note ons. */
export function onRelayedEvent(ctx: SessionContext, { eventName, data, senderId, roomCode }: BroadcastEvent): void {
  const intent = ctx.intent.current;
  if (!intent.member || roomCode !== intent.roomCode) return;
  const message = readNoteMessage(eventName, data);
  if (!message) return;
  ctx.remoteNote.current(message, senderId);
  if (message.kind === "on") {
    const what = message.isDrum ? drumName(message.note) : noteName(message.note);
    ctx.dispatch({ type: "played", senderId, what });
  }
}

export function onServerError(ctx: SessionContext, payload: ErrorPayload): void {
  // Create and join failures arrive as rejected requests too, and are reported there.
  if (payload.event === ClientEvents.SESSION_CREATE || payload.event === ClientEvents.SESSION_JOIN) return;
  // After leaving (or being dropped), late refusals of a leave or of notes are moot.
  if (payload.event === ClientEvents.SESSION_LEAVE || !ctx.intent.current.member) return;
  ctx.dispatch({ type: "error", message: friendlyMessage(payload.code, ctx.intent.current.roomCode) });
}
