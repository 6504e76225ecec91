/**
 * socketService: everything the app says to the Jam Session server goes through here (the seed's
 * client-side service). It wraps the official socket.io-client; payload types are generated from the
 * server's Rust types (../types/protocol.ts), so the two cannot drift apart.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import {
  ClientEvents,
  ServerEvents,
  type AckError,
  type BroadcastAck,
  type BroadcastEvent,
  type ErrorCode,
  type ErrorPayload,
  type LeaveAck,
  type SessionCreated,
  type SessionJoined,
  type UserJoined,
  type UserLeft,
} from "../types/protocol";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "offline";
export type Unsubscribe = () => void;
export type ConnectOptions = Partial<ManagerOptions & SocketOptions>;

/** A request the server refused (its `error` reply), or one that got no answer in time. */
export class JamServiceError extends Error {
  readonly code: ErrorCode | "timeout" | "not_connected";
  readonly event: string;

  constructor(payload: ErrorPayload | { message: string; code: "timeout" | "not_connected"; event: string }) {
    super(payload.message);
    this.name = "JamServiceError";
    this.code = payload.code;
    this.event = payload.event;
  }
}

/** The events a subscriber can listen to, with their payloads. */
interface Listeners {
  sessionJoined: SessionJoined;
  userJoined: UserJoined;
  userLeft: UserLeft;
  event: BroadcastEvent;
  error: ErrorPayload;
  connectionState: ConnectionState;
}

type Handler<T> = (payload: T) => void;

const DEFAULT_TIMEOUT_MS = 10_000;

function isAckError(reply: unknown): reply is AckError {
  return typeof reply === "object" && reply !== null && "error" in reply;
}

export class SocketService {
  private socket: Socket | null = null;
  private state: ConnectionState = "offline";
  private readonly handlers: { [K in keyof Listeners]: Set<Handler<Listeners[K]>> } = {
    sessionJoined: new Set(),
    userJoined: new Set(),
    userLeft: new Set(),
    event: new Set(),
    error: new Set(),
    connectionState: new Set(),
  };

  constructor(private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  /**
   * Connects to the server at `url` (polling, then upgraded to websocket, unless `options` say
   * otherwise). Resolves once connected; rejects if the first attempt fails (the client keeps
   * retrying in the background, and the connection state says so).
   */
  connect(url: string, options: ConnectOptions = {}): Promise<void> {
    this.disconnect();
    const socket = io(url, { ...options, forceNew: true });
    this.socket = socket;
    this.setState("connecting");
    this.forwardServerEvents(socket);
    return new Promise((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", (err) => reject(err));
    });
  }

  /** Closes the connection; the server removes us from every room at once. */
  disconnect(): void {
    if (!this.socket) return;
    this.socket.removeAllListeners();
    this.socket.io.removeAllListeners();
    this.socket.disconnect();
    this.socket = null;
    this.setState("offline");
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** The underlying socket.io-client socket, for diagnostics; null when not connected. */
  get rawSocket(): Socket | null {
    return this.socket;
  }

  /** Creates a room; resolves with its code. The creator still has to join it. */
  createSession(): Promise<SessionCreated> {
    return this.request<SessionCreated>(ClientEvents.SESSION_CREATE);
  }

  /** Joins a room under a display name; resolves with everyone in it and our own id. */
  joinSession(roomCode: string, name: string): Promise<SessionJoined> {
    return this.request<SessionJoined>(ClientEvents.SESSION_JOIN, { roomCode, user: { name } });
  }

  leaveSession(roomCode: string): Promise<LeaveAck> {
    return this.request<LeaveAck>(ClientEvents.SESSION_LEAVE, { roomCode });
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

  onSessionJoined(handler: Handler<SessionJoined>): Unsubscribe {
    return this.subscribe("sessionJoined", handler);
  }

  onUserJoined(handler: Handler<UserJoined>): Unsubscribe {
    return this.subscribe("userJoined", handler);
  }

  onUserLeft(handler: Handler<UserLeft>): Unsubscribe {
    return this.subscribe("userLeft", handler);
  }

  /** Events relayed from other participants. */
  onEvent(handler: Handler<BroadcastEvent>): Unsubscribe {
    return this.subscribe("event", handler);
  }

  onError(handler: Handler<ErrorPayload>): Unsubscribe {
    return this.subscribe("error", handler);
  }

  onConnectionState(handler: Handler<ConnectionState>): Unsubscribe {
    return this.subscribe("connectionState", handler);
  }

  private subscribe<K extends keyof Listeners>(kind: K, handler: Handler<Listeners[K]>): Unsubscribe {
    const set = this.handlers[kind] as Set<Handler<Listeners[K]>>;
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  private notify<K extends keyof Listeners>(kind: K, payload: Listeners[K]): void {
    for (const handler of [...this.handlers[kind]] as Handler<Listeners[K]>[]) {
      handler(payload);
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.notify("connectionState", state);
  }

  private forwardServerEvents(socket: Socket): void {
    socket.on(ServerEvents.SESSION_JOINED, (p: SessionJoined) => this.notify("sessionJoined", p));
    socket.on(ServerEvents.USER_JOINED, (p: UserJoined) => this.notify("userJoined", p));
    socket.on(ServerEvents.USER_LEFT, (p: UserLeft) => this.notify("userLeft", p));
    socket.on(ServerEvents.EVENT_BROADCAST, (p: BroadcastEvent) => this.notify("event", p));
    socket.on(ServerEvents.ERROR, (p: ErrorPayload) => this.notify("error", p));
    socket.on("connect", () => this.setState("connected"));
    socket.on("disconnect", () => {
      this.setState(socket.active ? "reconnecting" : "offline");
    });
    socket.io.on("reconnect_attempt", () => this.setState("reconnecting"));
    socket.io.on("reconnect_failed", () => this.setState("offline"));
  }

  private requireSocket(event: string): Socket {
    if (!this.socket) {
      throw new JamServiceError({ message: "not connected", code: "not_connected", event });
    }
    return this.socket;
  }

  /** Emits with an ack; resolves with the reply or rejects with the server's error. */
  private async request<T>(event: string, payload?: unknown): Promise<T> {
    const socket = this.requireSocket(event);
    const args = payload === undefined ? [] : [payload];
    let reply: T | AckError;
    try {
      reply = await socket.timeout(this.timeoutMs).emitWithAck(event, ...args);
    } catch {
      throw new JamServiceError({ message: `no reply to ${event}`, code: "timeout", event });
    }
    if (isAckError(reply)) throw new JamServiceError(reply.error);
    return reply;
  }
}

/** The app's shared instance (the seed's singleton module). Tests create their own instances. */
export const socketService = new SocketService();
