/**
 * What the host can do: change the tempo, start and stop the shared transport, record takes, hand
 * over the host role, remove someone, invite a listener to play (or make a player listen). The server checks the role; a refusal is shown in the
 * session's alert.
 */
import { describeError } from "../session/errorMessages";
import type { Role } from "../types/protocol";
import type { SessionContext } from "./sessionCommands";

export interface HostActions {
  setBpm(bpm: number): void;
  start(): void;
  stop(): void;
  startRecording(): void;
  stopRecording(): void;
  makeHost(userId: string): void;
  remove(userId: string): void;
  /** Invites a listener to play, or makes a player a listener. */
  setRole(userId: string, role: Role): void;
}

/** Runs a host request for the room we are in; a refusal becomes the alert. */
function hostRequest(ctx: SessionContext, send: (roomCode: string) => Promise<unknown>): void {
  const { member, roomCode } = ctx.intent.current;
  if (!member) return; // Between connections: nothing would reach the room.
  send(roomCode).catch((error: unknown) => {
    if (ctx.intent.current.member && ctx.intent.current.roomCode === roomCode) {
      ctx.dispatch({ type: "error", message: describeError(error, roomCode) });
    }
  });
}

export function hostActions(ctx: SessionContext): HostActions {
  const { service } = ctx;
  return {
    setBpm: (bpm) => hostRequest(ctx, (code) => service.updateSettings(code, { bpm })),
    start: () => hostRequest(ctx, (code) => service.startTransport(code)),
    stop: () => hostRequest(ctx, (code) => service.stopTransport(code)),
    startRecording: () => hostRequest(ctx, (code) => service.startRecording(code)),
    stopRecording: () => hostRequest(ctx, (code) => service.stopRecording(code)),
    makeHost: (userId) => hostRequest(ctx, (code) => service.transferHost(code, userId)),
    remove: (userId) => hostRequest(ctx, (code) => service.kick(code, userId)),
    setRole: (userId, role) => hostRequest(ctx, (code) => service.setRole(code, userId, role)),
  };
}
