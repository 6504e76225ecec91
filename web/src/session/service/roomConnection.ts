/**
 * The socket under SocketService (./socketService.ts): it keeps a session alive across network
 * blips. After an abrupt drop it resumes each room with its token (retrying a resume that got no
 * good answer), delivers the missed events in order exactly once (by `seq`), and falls back to a
 * fresh join when the seat is gone. When a server announces it is shutting down (`server:closing`,
 * e.g. a rolling restart) it reconnects by itself, which socket.io-client never does after a
 * server-side disconnect, and resumes there. In a cluster each room lives on one node: a join or
 * resume answered `moved` takes the connection to that node and is asked again there, and when that
 * node goes away the service comes back through the URL it was given, which says where the room
 * lives now (./moves.ts).
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import {
  ClientEvents,
  ServerEvents,
  type AckError,
  type ClockPong,
  type ErrorPayload,
  type Role,
  type SessionJoined,
  type SessionResumed,
} from "../../types/protocol";
import { ClockKeeper } from "../clock/clockKeeper";
import { DEFAULT_SOCKET_PATH, MAX_HOPS, hopsSoFar, socketTarget, type Move } from "./moves";
import { ReconnectLoop, backoffMs, connected, sleep } from "./reconnect";
import { RoomTracker } from "./roomTracker";
import { JamServiceError, isAckError, isMoved, movedPayload, type MovedError } from "./serviceError";
import { ROOM_EVENTS, Subscriptions, type ConnectionState, type Listeners, type RoomEventKind } from "./subscriptions";

export type ConnectOptions = Partial<ManagerOptions & SocketOptions>;

const DEFAULT_TIMEOUT_MS = 10_000;
/** Reconnect attempts after `server:closing`: delays up to 0.25 s, 0.5 s, 1 s, … 5 s, until one works. */
const RECONNECT_BASE_MS = 250;
const RECONNECT_MAX_MS = 5_000;
/** A resume that fails other than with `resume_failed` (no answer, the cluster briefly unavailable)
 * is tried this many times in all, up to 0.5, 1, 2, 4, 5 s apart, before a fresh join. */
const RESUME_ATTEMPTS = 6;
const RESUME_RETRY_BASE_MS = 500;
const RESUME_RETRY_MAX_MS = 5_000;

export class RoomConnection extends Subscriptions {
  private socket: Socket | null = null;
  protected readonly rooms = new RoomTracker();
  protected readonly clock = new ClockKeeper(
    (t0, rttMs) => this.request<ClockPong>(ClientEvents.CLOCK_PING, { t0, rttMs }),
    () => this.socket?.connected === true,
  );
  /** The server said it is closing: its disconnect is a cue to come back, not a farewell. */
  private serverClosing = false;
  private readonly reconnect = new ReconnectLoop(RECONNECT_BASE_MS, RECONNECT_MAX_MS);
  /** Bumped on every connect and disconnect, so a resume loop of an older connection stops. */
  private epoch = 0;
  /** What `connect` was given: moves reuse the options, and a node that goes away sends us back. */
  private home: { url: string; options: ConnectOptions } = { url: "", options: {} };
  /** Set while the connection is one opened to follow a `moved` answer (until it drops). */
  private move: Move | null = null;
  /** Trips home in a row that reached no room's node; each waits longer before connecting. */
  private homeTrips = 0;

  constructor(private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {
    super();
  }

  /**
   * Connects to the server at `url` (polling, then upgraded to websocket, unless `options` say
   * otherwise). Resolves once connected; rejects if the first attempt fails (the client keeps
   * retrying in the background, and the connection state says so). A path prefix in `url` (a
   * node's public URL behind a proxy, `http://host/n/a/`) sets the socket.io path.
   */
  connect(url: string, options: ConnectOptions = {}): Promise<void> {
    this.disconnect();
    this.home = { url, options };
    this.homeTrips = 0;
    return connected(this.open(url, options));
  }

  /** Closes the connection; the server gives up our seats at once (no resume). */
  disconnect(): void {
    this.clock.stop();
    this.rooms.forgetAll();
    this.move = null;
    if (this.closeSocket()) this.setState("offline");
  }

  /** The underlying socket.io-client socket, for diagnostics; null when not connected. */
  get rawSocket(): Socket | null {
    return this.socket;
  }

  /**
   * Joins a room under a display name; resolves with everyone in it and our own identity. In a
   * cluster the connection first moves to the room's node if need be.
   */
  joinSession(roomCode: string, name: string, role?: Role): Promise<SessionJoined> {
    const user = role ? { name, role } : { name };
    return this.followingMoves<SessionJoined>(ClientEvents.SESSION_JOIN, { roomCode, user });
  }

  private forwardServerEvents(socket: Socket): void {
    // Rooms are tracked from the reply events, which arrive before the acks and before any room event.
    socket.on(ServerEvents.SESSION_JOINED, (p: SessionJoined) => {
      this.rooms.enter(p);
      this.notify("sessionJoined", p);
    });
    socket.on(ServerEvents.SESSION_RESUMED, (p: SessionResumed) => {
      for (const missed of p.missed) this.deliverMissed(missed.event, missed.data);
      this.rooms.enter(p);
      this.notify("sessionResumed", p);
    });
    for (const [event, kind] of Object.entries(ROOM_EVENTS) as [string, RoomEventKind][]) {
      socket.on(event, (payload: Listeners[RoomEventKind]) => this.onRoomEvent(kind, payload));
    }
    socket.on(ServerEvents.LATENCY, (p) => this.notify("latency", p));
    socket.on(ServerEvents.KICKED, (p: { roomCode: string }) => {
      this.rooms.forget(p.roomCode);
      this.notify("kicked", p);
    });
    socket.on(ServerEvents.ERROR, (p: ErrorPayload) => {
      // A `moved` refusal is followed by the request it answers, which reports it if it gives up.
      if (p.code !== "moved") this.notify("error", p);
    });
    // A cluster node shutting down: come back (elsewhere, or to it restarted) and resume.
    socket.on(ServerEvents.CLOSING, () => {
      this.serverClosing = true;
    });
    socket.on("connect", () => this.onConnected());
    socket.on("disconnect", (reason) => this.onDisconnected(socket, reason));
    socket.io.on("reconnect_attempt", () => this.setState("reconnecting"));
    socket.io.on("reconnect_failed", () => this.setState("offline"));
  }

  /**
   * The connection dropped, or the server closed it. A connection we had moved to another node for
   * comes back through the URL `connect` was given; any other waits for its own node.
   */
  private onDisconnected(socket: Socket, reason: Socket.DisconnectReason): void {
    this.epoch++;
    const moved = this.move !== null;
    this.move = null; // Once back, a resume may follow a move afresh.
    if (moved && (this.serverClosing || reason !== "io server disconnect")) {
      this.goHome();
      return;
    }
    if (this.serverClosing) {
      // Keep the rooms: the node holds our seats as away, for a resume on any node.
      this.reconnect.start(socket, () => this.socket === socket);
    } else if (reason === "io server disconnect") {
      // Kicked out or our seat taken over elsewhere: stay away.
      this.rooms.forgetAll();
    }
    this.setState(this.serverClosing || socket.active ? "reconnecting" : "offline");
  }

  /** Delivers a room event once: replayed and live copies share a seq. */
  private onRoomEvent<K extends RoomEventKind>(kind: K, payload: Listeners[K]): void {
    if (!this.rooms.accept(payload.roomCode, payload.seq)) return;
    const mine = this.rooms.get(payload.roomCode)?.participantId;
    if (kind === "userLeft" && mine && (payload as Listeners["userLeft"]).userId === mine) {
      this.rooms.forget(payload.roomCode);
    }
    this.notify(kind, payload);
  }

  /**
   * (Re)connected: resume every room we were in before the drop or the move, except the one whose
   * request moved us here and asks again by itself.
   */
  private onConnected(): void {
    this.epoch++;
    this.serverClosing = false;
    this.reconnect.stop();
    if (this.move) this.homeTrips = 0; // Reached a room's node.
    this.setState("connected");
    const asking = this.move?.retries ? this.move.roomCode : undefined;
    for (const room of this.rooms.all()) {
      if (room.roomCode !== asking) void this.resumeRoom(room.roomCode, this.epoch);
    }
  }

  /**
   * Resumes one room on this connection (`epoch`). `resume_failed` means the seat is gone: join
   * afresh. Any other failure (no answer in time, the cluster briefly unavailable) is retried a few
   * times first. A newer connection, or leaving the room, ends the attempt.
   */
  private async resumeRoom(roomCode: string, epoch: number): Promise<void> {
    const current = () => (epoch === this.epoch ? this.rooms.get(roomCode) : undefined);
    for (let attempt = 1; ; attempt++) {
      const room = current();
      if (!room) return;
      try {
        const { resumeToken, lastSeq } = room;
        await this.request<SessionResumed>(ClientEvents.SESSION_RESUME, { roomCode, resumeToken, lastSeq });
        return;
      } catch (err) {
        if (isMoved(err)) return this.followRoom(roomCode, err, epoch);
        const seatGone = err instanceof JamServiceError && err.code === "resume_failed";
        if (seatGone || attempt >= RESUME_ATTEMPTS) break;
      }
      await sleep(backoffMs(attempt - 1, RESUME_RETRY_BASE_MS, RESUME_RETRY_MAX_MS));
    }
    const room = current();
    if (!room) return;
    this.rooms.forget(roomCode);
    await this.joinSession(roomCode, room.name, room.role).catch(() => undefined);
  }

  /**
   * A room's automatic resume was answered `moved`: the connection goes to the room's node, whose
   * onConnected resumes every room there, this one included. A room carried along by another
   * room's move, or out of hops, is given up instead (see `hopsSoFar`): one connection serves one
   * node, and two rooms on different nodes must not bounce it between them.
   */
  private async followRoom(roomCode: string, moved: MovedError, epoch: number): Promise<void> {
    if (epoch !== this.epoch || !this.rooms.get(roomCode)) return;
    const hops = hopsSoFar(this.move, roomCode);
    if (hops >= MAX_HOPS) {
      this.rooms.forget(roomCode);
      this.notify("error", movedPayload(moved));
      return;
    }
    const move: Move = { roomCode, hops: hops + 1, retries: false };
    await this.moveTo(moved.url, move).catch(() => {
      if (this.move === move) this.goHome(); // Unreachable (maybe dead, still listed): ask again later.
    });
  }

  /**
   * Sends a join or resume, following `moved` answers: the connection goes to the room's node and
   * the request is asked again there, at most MAX_HOPS times; then the `moved` refusal stands.
   */
  protected async followingMoves<T>(event: string, payload: { roomCode: string; [key: string]: unknown }): Promise<T> {
    for (let hops = 1; ; hops++) {
      try {
        return await this.request<T>(event, payload);
      } catch (err) {
        if (!isMoved(err)) throw err;
        if (hops > MAX_HOPS) {
          this.notify("error", movedPayload(err));
          throw err;
        }
        const move: Move = { roomCode: payload.roomCode, hops, retries: true };
        await this.moveTo(err.url, move).catch(() => {
          if (this.move === move) this.goHome();
          throw new JamServiceError({ message: `could not reach ${err.url}`, code: "not_connected", event });
        });
      }
    }
  }

  /**
   * Takes the connection to the node at `url` (its public URL), with the options `connect` was
   * given and the path from the URL. The rooms stay tracked: onConnected resumes them there.
   */
  private moveTo(url: string, move: Move): Promise<void> {
    this.closeSocket();
    this.move = move;
    return connected(this.open(url, { ...this.home.options, path: DEFAULT_SOCKET_PATH }), this.timeoutMs);
  }

  /**
   * The node we had moved to dropped us, is closing, or cannot be reached: come back through the
   * URL `connect` was given, which says where each room lives now, rather than wait for that node.
   * Trips in a row wait longer: a dead node is still named the owner until its heartbeat lapses.
   */
  private goHome(): void {
    this.closeSocket();
    this.move = null;
    const socket = this.open(this.home.url, { ...this.home.options, autoConnect: false }, "reconnecting");
    this.reconnect.start(socket, () => this.socket === socket, this.homeTrips++);
  }

  /** Opens a socket to `url`; a path prefix in the URL wins over `options.path`. */
  private open(url: string, options: ConnectOptions, state: ConnectionState = "connecting"): Socket {
    const target = socketTarget(url);
    const socket = io(target.uri, { ...options, path: target.path ?? options.path, forceNew: true });
    this.clock.forgetSamples(); // Perhaps another node: its clock is measured afresh.
    this.socket = socket;
    this.setState(state);
    this.forwardServerEvents(socket);
    return socket;
  }

  /**
   * Says goodbye on the current socket (the server frees its seats at once) and ends its reconnects
   * and resume loops; the rooms stay tracked. False when there was no socket.
   */
  private closeSocket(): boolean {
    this.reconnect.stop();
    this.epoch++;
    const socket = this.socket;
    if (!socket) return false;
    socket.removeAllListeners();
    socket.io.removeAllListeners();
    socket.disconnect();
    this.socket = null;
    return true;
  }

  private deliverMissed(event: string, data: unknown): void {
    const kind = ROOM_EVENTS[event as keyof typeof ROOM_EVENTS];
    if (kind) this.onRoomEvent(kind, data as Listeners[typeof kind]);
  }

  protected requireSocket(event: string): Socket {
    if (!this.socket) {
      throw new JamServiceError({ message: "not connected", code: "not_connected", event });
    }
    return this.socket;
  }

  /** Emits with an ack; resolves with the reply or rejects with the server's error. */
  protected async request<T>(event: string, payload?: unknown): Promise<T> {
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
