/**
 * What the jam page does with the server, as plain functions over one context (./sessionContext.ts):
 * create, join, leave, send, and the reactions to server events. Getting back into the room after a
 * dropped connection is the service's job (it resumes by itself); the page only follows what it
 * reports. The host's commands are ./hostActions.ts.
 */
import { readNoteMessage, SUSTAIN_PEDAL, type PlayData } from "../../music/noteMessages";
import { drumName, noteName } from "../../music/notes";
import {
  ClientEvents,
  type BroadcastEvent,
  type ErrorPayload,
  type Instrument,
  type SessionJoined,
  type SessionKicked,
  type SessionResumed,
  type UserLeft,
} from "../../types/protocol";
import { describeError, friendlyMessage, KICKED_MESSAGE, sessionEndedMessage } from "../errorMessages";
import { normalizeRoomCode } from "../roomLink";
import type { ConnectionState } from "../service/subscriptions";
import { storeName } from "../storedName";
import { IDLE_INTENT, type SessionContext } from "./sessionContext";

function isOurRoom(ctx: SessionContext, roomCode: string): boolean {
  const intent = ctx.intent.current;
  return intent.active && normalizeRoomCode(roomCode) === normalizeRoomCode(intent.roomCode);
}

/** Measures the offset to the server's clock, for the metronome; it then stays fresh by itself. */
function syncClock(ctx: SessionContext): void {
  ctx.service.syncClock().catch(() => undefined); // Until it answers, local time stands in.
}

/**
 * A seat the player no longer wants: they left (or gave up joining) while the request or the
 * connection was under way, and the server has them in the room anyway. Give it up.
 */
function giveUp(ctx: SessionContext, roomCode: string): void {
  ctx.service.leaveSession(roomCode).catch(() => undefined);
}

/**
 * Applies a `session:joined` if it is ours: the answer to our join (reply event and ack; the
 * duplicate is ignored) or the service's fresh join after a resume was refused (a new id).
 */
export function acceptJoined(ctx: SessionContext, payload: SessionJoined): void {
  if (!isOurRoom(ctx, payload.roomCode)) return giveUp(ctx, payload.roomCode);
  const intent = ctx.intent.current;
  const duplicate = intent.member && intent.myId === payload.you.id;
  Object.assign(intent, { roomCode: payload.roomCode, member: true, joinedOnce: true, myId: payload.you.id });
  ctx.dispatch({ type: "joined", payload });
  if (!duplicate) syncClock(ctx);
}

/** The service resumed our seat after a drop: same id; the snapshot refreshes the whole room. */
export function acceptResumed(ctx: SessionContext, payload: SessionResumed): void {
  if (!isOurRoom(ctx, payload.roomCode) || !ctx.intent.current.joinedOnce) return giveUp(ctx, payload.roomCode);
  Object.assign(ctx.intent.current, { member: true, myId: payload.you.id });
  ctx.dispatch({ type: "resumed", payload });
  syncClock(ctx);
}

/** Out of the room without asking: back to the landing view with why. */
function dropOut(ctx: SessionContext, message: string): void {
  const { name, roomCode } = ctx.intent.current;
  ctx.attempt.current++;
  ctx.intent.current = { ...IDLE_INTENT, name, roomCode };
  ctx.dispatch({ type: "failed", message });
}

export function onKicked(ctx: SessionContext, { roomCode }: SessionKicked): void {
  if (isOurRoom(ctx, roomCode) && ctx.intent.current.joinedOnce) dropOut(ctx, KICKED_MESSAGE);
}

/** Someone left; if it is us (removed, timed out, cut off for flooding), we are out too. */
export function onUserLeft(ctx: SessionContext, payload: UserLeft): void {
  const intent = ctx.intent.current;
  if (isOurRoom(ctx, payload.roomCode) && intent.joinedOnce && payload.userId === intent.myId) {
    const message = payload.reason === "kicked" ? KICKED_MESSAGE : friendlyMessage("not_in_room", intent.roomCode);
    dropOut(ctx, message);
    return;
  }
  // Their sustain pedal cannot lift any more: lift it here, so their held notes stop.
  ctx.remoteNote.current({ kind: "control", controller: SUSTAIN_PEDAL, value: 0 }, payload.userId);
  ctx.dispatch({ type: "userLeft", payload });
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
    const joined = await ctx.service.joinSession(roomCode, name);
    if (ctx.attempt.current === attempt) acceptJoined(ctx, joined); // Else its reply event gave it up.
  } catch (error) {
    failAttempt(ctx, attempt, error, roomCode);
  }
}

export async function join(ctx: SessionContext, name: string, code: string, listen = false): Promise<void> {
  const roomCode = normalizeRoomCode(code);
  const attempt = beginAttempt(ctx, name, roomCode);
  try {
    const joined = await ctx.service.joinSession(roomCode, name, listen ? "listener" : undefined);
    if (ctx.attempt.current === attempt) acceptJoined(ctx, joined); // Else its reply event gave it up.
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
export function send(ctx: SessionContext, eventName: string, data: PlayData): void {
  const { member, roomCode } = ctx.intent.current;
  if (!member || ctx.service.connectionState !== "connected") return;
  try {
    ctx.service.broadcast(roomCode, eventName, data);
  } catch {
    // Not connected after all: the indicator says so, and the service resumes after the reconnect.
  }
}

/** A chat line to the room; false (with the reason shown) when the server refused it. */
export async function sendChat(ctx: SessionContext, text: string): Promise<boolean> {
  const { member, roomCode } = ctx.intent.current;
  if (!member) return false;
  try {
    await ctx.service.sendChat(roomCode, text);
    return true;
  } catch (err) {
    ctx.dispatch({ type: "error", message: describeError(err) });
    return false;
  }
}

/** Our keys' sound: the room hears `session:user-updated` (us included), which changes it here. */
export function setInstrument(ctx: SessionContext, instrument: Instrument): void {
  const { member, roomCode } = ctx.intent.current;
  if (!member) return;
  ctx.service.updateProfile(roomCode, instrument).catch((err: unknown) => {
    ctx.dispatch({ type: "error", message: describeError(err) });
  });
}

/** Off the connection we are not in the room until the service reports the resume (or a fresh join). */
export function onConnectionState(ctx: SessionContext, state: ConnectionState): void {
  ctx.dispatch({ type: "connection", state });
  if (state !== "connected") ctx.intent.current.member = false;
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

/** Requests whose refusals arrive as rejected promises too, and are reported there (or are moot). */
const ANSWERED_ELSEWHERE: ReadonlySet<string> = new Set([
  ClientEvents.SESSION_CREATE,
  ClientEvents.SESSION_LEAVE,
  ClientEvents.SESSION_RESUME,
  ClientEvents.TRANSFER_HOST,
  ClientEvents.UPDATE_SETTINGS,
  ClientEvents.KICK,
  ClientEvents.TRANSPORT_START,
  ClientEvents.TRANSPORT_STOP,
  ClientEvents.RECORDING_START,
  ClientEvents.RECORDING_STOP,
  ClientEvents.CLOCK_PING,
]);

export function onServerError(ctx: SessionContext, payload: ErrorPayload): void {
  const intent = ctx.intent.current;
  if (payload.event === ClientEvents.SESSION_JOIN) {
    // Our own joins are reported where we await them. Once in, a join refusal is the service's
    // fresh join after a refused resume: the seat and maybe the room are gone.
    if (intent.active && intent.joinedOnce && !intent.member) {
      const roomCode = intent.roomCode;
      const gone = payload.code === "room_not_found";
      dropOut(ctx, gone ? sessionEndedMessage(roomCode) : friendlyMessage(payload.code, roomCode));
    }
    return;
  }
  // After leaving (or being dropped), late refusals of notes are moot.
  if (ANSWERED_ELSEWHERE.has(payload.event) || !intent.member) return;
  ctx.dispatch({ type: "error", message: friendlyMessage(payload.code, intent.roomCode) });
}
