/**
 * socketService: everything the app says to the Jam Session server goes through here (the seed's
 * client-side service). It wraps the official socket.io-client; payload types are generated from the
 * server's Rust types (../../types/protocol.ts), so the two cannot drift apart.
 *
 * This file is the service's requests; keeping a session alive across network blips, server
 * restarts and cluster moves is ./roomConnection.ts, the subscriptions ./subscriptions.ts, the host
 * commands one table (./hostCommands.ts). It also keeps a shared clock (../clock/).
 */
import {
  ClientEvents,
  type BroadcastAck,
  type CommandAck,
  type Instrument,
  type LeaveAck,
  type SessionCreated,
  type SessionResumed,
  type SettingsPatch,
} from "../../types/protocol";
import { CLOCK_SAMPLES } from "../clock/clockKeeper";
import type { ClockEstimate } from "../clock/clockSync";
import { HOST_COMMAND_NAMES, hostCommandMessage, type HostCommandMethods } from "./hostCommands";
import { RoomConnection } from "./roomConnection";
import { JamServiceError } from "./serviceError";
import type { Handler, Listeners } from "./subscriptions";

export type { ConnectionState } from "./subscriptions";
export type { ConnectOptions } from "./roomConnection";
export type Unsubscribe = () => void;
export { JamServiceError };

/** The host commands are methods too (`kick(roomCode, userId)`, …), one per entry of HOST_COMMANDS. */
export interface SocketService extends HostCommandMethods {}

export class SocketService extends RoomConnection {
  static {
    for (const name of HOST_COMMAND_NAMES) {
      if (name in this.prototype) throw new Error(`host command ${name} would replace a SocketService method`);
      Object.defineProperty(this.prototype, name, {
        configurable: true,
        writable: true,
        value(this: SocketService, roomCode: string, ...args: unknown[]): Promise<CommandAck> {
          const { event, payload } = hostCommandMessage(name, roomCode, args);
          return this.request<CommandAck>(event, payload);
        },
      });
    }
  }

  /** Creates a room (with optional settings); resolves with its code. The creator joins separately. */
  createSession(settings?: SettingsPatch): Promise<SessionCreated> {
    return settings === undefined
      ? this.request<SessionCreated>(ClientEvents.SESSION_CREATE)
      : this.request<SessionCreated>(ClientEvents.SESSION_CREATE, { settings });
  }

  /** Re-attaches to a seat after a drop (done by itself; public for tools and tests). */
  resumeSession(roomCode: string, resumeToken: string, lastSeq: number): Promise<SessionResumed> {
    return this.followingMoves<SessionResumed>(ClientEvents.SESSION_RESUME, { roomCode, resumeToken, lastSeq });
  }

  async leaveSession(roomCode: string): Promise<LeaveAck> {
    const ack = await this.request<LeaveAck>(ClientEvents.SESSION_LEAVE, { roomCode });
    this.rooms.forget(ack.roomCode);
    return ack;
  }

  /**
   * Sends an event to everyone else in the room, fire-and-forget (the fast path for notes).
   * Refusals arrive through `onError`.
   */
  broadcast(roomCode: string, eventName: string, data: unknown): void {
    this.requireSocket(ClientEvents.EVENT_BROADCAST).emit(ClientEvents.EVENT_BROADCAST, {
      roomCode,
      eventName,
      data,
    });
  }

  /** Like `broadcast`, but resolves once the server has relayed it (or rejects with its error). */
  broadcastWithAck(roomCode: string, eventName: string, data: unknown): Promise<BroadcastAck> {
    return this.request<BroadcastAck>(ClientEvents.EVENT_BROADCAST, { roomCode, eventName, data });
  }

  /** Our keys' sound for everyone in the room; everyone (us included) hears `session:user-updated`. */
  updateProfile(roomCode: string, instrument: Instrument): Promise<CommandAck> {
    return this.request<CommandAck>(ClientEvents.UPDATE_PROFILE, { roomCode, instrument });
  }

  /** Says `text` (trimmed, 1–500 characters) to everyone in the room; we hear it back as `chat:message`. */
  sendChat(roomCode: string, text: string): Promise<CommandAck> {
    return this.request<CommandAck>(ClientEvents.CHAT_SEND, { roomCode, text });
  }

  /**
   * Measures the offset to the server's clock (once the page is idle) and keeps it fresh from then
   * on; resolves with the estimate: offset, best round trip, and how well the samples agree.
   */
  syncClock(samples = CLOCK_SAMPLES): Promise<ClockEstimate> {
    return this.clock.sync(samples);
  }

  /** The server's time now, in ms since the epoch (local time until the clock is synced). */
  serverNow(): number {
    return this.clock.now();
  }

  /** The latest clock estimate, if synced. */
  get clockEstimate(): ClockEstimate | null {
    return this.clock.estimate;
  }
}

export type { Handler, Listeners };

/** The app's shared instance (the seed's singleton module). Tests create their own instances. */
export const socketService = new SocketService();
