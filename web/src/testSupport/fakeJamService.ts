/**
 * A stand-in for socketService in component tests: no network, and every server event can be
 * played in by hand. It records what the page sends so tests can check the wire events.
 */
import { vi } from "vitest";
import type { JamService } from "../hooks/useJamSession";
import { JamServiceError, type ConnectionState, type Unsubscribe } from "../services/socketService";
import type { BroadcastEvent, ErrorCode, ErrorPayload, Participant, SessionJoined, UserJoined, UserLeft } from "../types/protocol";

interface Events {
  sessionJoined: SessionJoined;
  userJoined: UserJoined;
  userLeft: UserLeft;
  event: BroadcastEvent;
  error: ErrorPayload;
  connectionState: ConnectionState;
}

type Listeners = { [K in keyof Events]: Set<(payload: Events[K]) => void> };

export const FAKE_ROOM = "K7RMQ2";

export class FakeJamService implements JamService {
  connectionState: ConnectionState = "offline";
  /** Everyone already in FAKE_ROOM before we join, in join order. */
  others: Participant[] = [];
  /** Join refusals by room code, e.g. { ZZZZZZ: "room_not_found" }. */
  refusals: Record<string, ErrorCode> = {};
  private joins = 0;
  private seq = 0;
  private readonly listeners: Listeners = {
    sessionJoined: new Set(),
    userJoined: new Set(),
    userLeft: new Set(),
    event: new Set(),
    error: new Set(),
    connectionState: new Set(),
  };

  connect = vi.fn<JamService["connect"]>(async () => this.setConnection("connected"));
  disconnect = vi.fn<JamService["disconnect"]>(() => this.setConnection("offline"));
  createSession = vi.fn<JamService["createSession"]>(async () => ({ roomCode: FAKE_ROOM }));
  joinSession = vi.fn<JamService["joinSession"]>(async (roomCode, name) => this.answerJoin(roomCode, name));
  leaveSession = vi.fn<JamService["leaveSession"]>(async (roomCode) => ({ roomCode }));
  broadcast = vi.fn<JamService["broadcast"]>();

  onSessionJoined = (handler: (p: SessionJoined) => void) => this.listen("sessionJoined", handler);
  onUserJoined = (handler: (p: UserJoined) => void) => this.listen("userJoined", handler);
  onUserLeft = (handler: (p: UserLeft) => void) => this.listen("userLeft", handler);
  onEvent = (handler: (p: BroadcastEvent) => void) => this.listen("event", handler);
  onError = (handler: (p: ErrorPayload) => void) => this.listen("error", handler);
  onConnectionState = (handler: (p: ConnectionState) => void) => this.listen("connectionState", handler);

  /** Our participant id after the nth join (ids change on every join, as on the real server). */
  static idForJoin(n: number): string {
    return `me${n}aaaaaaaaaaaaa`;
  }

  setConnection(state: ConnectionState): void {
    this.connectionState = state;
    this.emit("connectionState", state);
  }

  emit<K extends keyof Events>(kind: K, payload: Events[K]): void {
    for (const handler of [...this.listeners[kind]]) handler(payload);
  }

  /** The server telling us someone else played. */
  relay(senderId: string, eventName: string, data: unknown): void {
    this.seq += 1;
    this.emit("event", { eventName, data, senderId, roomCode: FAKE_ROOM, seq: this.seq, serverTime: Date.now() });
  }

  private listen<K extends keyof Events>(kind: K, handler: (payload: Events[K]) => void): Unsubscribe {
    this.listeners[kind].add(handler);
    return () => this.listeners[kind].delete(handler);
  }

  /** Like the server: the reply event first, then the ack (or the error event, then a rejection). */
  private answerJoin(roomCode: string, name: string): SessionJoined {
    const code = roomCode.trim().toUpperCase();
    const refusal = this.refusals[code] ?? (code === FAKE_ROOM ? undefined : "room_not_found");
    if (refusal) {
      const error = { message: `refused ${code}`, code: refusal, event: "session:join" };
      this.emit("error", error);
      throw new JamServiceError(error);
    }
    const me = { id: FakeJamService.idForJoin(++this.joins), name: name.trim(), away: false };
    const payload: SessionJoined = {
      roomCode: FAKE_ROOM,
      participants: [...this.others, me],
      you: { id: me.id, resumeToken: `token-${me.id}` },
      hostId: this.others[0]?.id ?? me.id,
      settings: { bpm: 120, beatsPerBar: 4, beatUnit: 4, key: null, locked: false, maxParticipants: 16 },
      transport: { playing: false, bpm: 120, startedAt: 0, startBeat: 0 },
      seq: ++this.seq,
      serverTime: Date.now(),
    };
    this.emit("sessionJoined", payload);
    return payload;
  }
}
