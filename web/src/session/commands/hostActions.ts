/**
 * What the host can do from the page: one action per host command (../service/hostCommands.ts),
 * sent for the room we are in. The server checks the role; a refusal is shown in the session's
 * alert.
 */
import { describeError } from "../errorMessages";
import { HOST_COMMAND_NAMES, type HostCommandArgs, type HostCommandName } from "../service/hostCommands";
import type { SessionContext } from "./sessionContext";

/** `host.kick(userId)`, `host.startRecording()`, …: the service's host commands without the room. */
export type HostActions = { [K in HostCommandName]: (...args: HostCommandArgs<K>) => void };

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

/** `host.<name>(…args)`: the service's `<name>(roomCode, …args)`, for the room we are in. */
function hostAction<K extends HostCommandName>(ctx: SessionContext, name: K): (...args: HostCommandArgs<K>) => void {
  type Send = (roomCode: string, ...args: HostCommandArgs<K>) => Promise<unknown>;
  return (...args) => hostRequest(ctx, (code) => (ctx.service[name] as Send).call(ctx.service, code, ...args));
}

export function hostActions(ctx: SessionContext): HostActions {
  return Object.fromEntries(HOST_COMMAND_NAMES.map((name) => [name, hostAction(ctx, name)])) as HostActions;
}
