/**
 * A stand-in for socketService in component tests: no network, and every server event can be
 * played in by hand. It records what the page sends so tests can check the wire events.
 */
import { vi, type Mock } from "vitest";
import type { JamService } from "../session/hooks/useJamSession";
import { HOST_COMMAND_NAMES, type HostCommandName } from "../session/service/hostCommands";
import { JamServiceError, type ConnectionState, type Listeners, type Unsubscribe } from "../session/service/socketService";
import {
  ClientEvents,
  type ChatMessage,
  type ErrorCode,
  type Role,
  type Participant,
  type RecordingInfo,
  type SessionJoined,
  type SessionResumed,
  type Settings,
  type Transport,
} from "../types/protocol";

type Events = Listeners;
type AnyHandler = (payload: never) => void;
/** One mock per host command (`service.kick`, `service.startRecording`, …), each acking at once. */
type FakeHostCommands = { [K in HostCommandName]: Mock<JamService[K]> };

export interface FakeJamService extends FakeHostCommands {}

export const FAKE_ROOM = "K7RMQ2";
export const FAKE_SETTINGS: Settings = { bpm: 120, beatsPerBar: 4, beatUnit: 4, key: null, locked: false, maxParticipants: 16 };
export const FAKE_TRANSPORT: Transport = { playing: false, bpm: 120, startedAt: 0, startBeat: 0 };

export class FakeJamService implements JamService {
  connectionState: ConnectionState = "offline";
  /** Everyone already in FAKE_ROOM before we join, in join order. */
  others: Participant[] = [];
  /** The host in the next join's snapshot; by default the first of `others`, else us. */
  hostId: string | null = null;
  settings: Settings = FAKE_SETTINGS;
  transport: Transport = FAKE_TRANSPORT;
  /** The latest take in the next join's snapshot. */
  recording: RecordingInfo | null = null;
  /** Join refusals by room code, e.g. { ZZZZZZ: "room_not_found" }. */
  refusals: Record<string, ErrorCode> = {};
  /** The last snapshot we were sent (join or resume). */
  last: SessionJoined | null = null;
  /** What serverNow() answers; tests move it to drive the metronome. */
  now = 1_700_000_000_000;
  private joins = 0;
  seq = 0;
  private readonly listeners = new Map<keyof Events, Set<AnyHandler>>();

  connect = vi.fn<JamService["connect"]>(async () => this.setConnection("connected"));
  disconnect = vi.fn<JamService["disconnect"]>(() => this.setConnection("offline"));
  createSession = vi.fn<JamService["createSession"]>(async () => ({ roomCode: FAKE_ROOM }));
  joinSession = vi.fn<JamService["joinSession"]>(async (roomCode, name, role) => this.answerJoin(roomCode, name, role));
  leaveSession = vi.fn<JamService["leaveSession"]>(async (roomCode) => ({ roomCode }));
  broadcast = vi.fn<JamService["broadcast"]>();
  sendChat = vi.fn<JamService["sendChat"]>(async (roomCode) => this.ack(roomCode));
  updateProfile = vi.fn<JamService["updateProfile"]>(async (roomCode) => this.ack(roomCode));
  syncClock = vi.fn<JamService["syncClock"]>(async () => ({ offset: 0, rtt: 2, spread: 0, samples: 1 }));
  serverNow = vi.fn<JamService["serverNow"]>(() => this.now);
  clockEstimate: JamService["clockEstimate"] = { offset: 0, rtt: 2, spread: 0, samples: 1 };

  onSessionJoined = (handler: (p: Events["sessionJoined"]) => void) => this.listen("sessionJoined", handler);
  onSessionResumed = (handler: (p: Events["sessionResumed"]) => void) => this.listen("sessionResumed", handler);
  onUserJoined = (handler: (p: Events["userJoined"]) => void) => this.listen("userJoined", handler);
  onUserLeft = (handler: (p: Events["userLeft"]) => void) => this.listen("userLeft", handler);
  onUserAway = (handler: (p: Events["userAway"]) => void) => this.listen("userAway", handler);
  onUserBack = (handler: (p: Events["userBack"]) => void) => this.listen("userBack", handler);
  onHostChanged = (handler: (p: Events["hostChanged"]) => void) => this.listen("hostChanged", handler);
  onUserUpdated = (handler: (p: Events["userUpdated"]) => void) => this.listen("userUpdated", handler);
  onChatMessage = (handler: (p: Events["chatMessage"]) => void) => this.listen("chatMessage", handler);
  onSettingsChanged = (handler: (p: Events["settingsChanged"]) => void) => this.listen("settingsChanged", handler);
  onTransportState = (handler: (p: Events["transportState"]) => void) => this.listen("transportState", handler);
  onRecordingState = (handler: (p: Events["recordingState"]) => void) => this.listen("recordingState", handler);
  onLatency = (handler: (p: Events["latency"]) => void) => this.listen("latency", handler);
  onKicked = (handler: (p: Events["kicked"]) => void) => this.listen("kicked", handler);
  onEvent = (handler: (p: Events["event"]) => void) => this.listen("event", handler);
  onError = (handler: (p: Events["error"]) => void) => this.listen("error", handler);
  onConnectionState = (handler: (p: ConnectionState) => void) => this.listen("connectionState", handler);

  constructor() {
    for (const name of HOST_COMMAND_NAMES) {
      this[name] = vi.fn(async (roomCode: string) => this.ack(roomCode)) as never;
    }
  }

  /** Our participant id after the nth join (ids change on every join, as on the real server). */
  static idForJoin(n: number): string {
    return `me${n}aaaaaaaaaaaaa`;
  }

  setConnection(state: ConnectionState): void {
    this.connectionState = state;
    this.emit("connectionState", state);
  }

  emit<K extends keyof Events>(kind: K, payload: Events[K]): void {
    const handlers = (this.listeners.get(kind) ?? new Set()) as Set<(payload: Events[K]) => void>;
    for (const handler of [...handlers]) handler(payload);
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** The server telling us someone else played. */
  relay(senderId: string, eventName: string, data: unknown): void {
    this.emit("event", { eventName, data, senderId, roomCode: FAKE_ROOM, seq: this.nextSeq(), serverTime: this.now });
  }

  /** The service's report after a drop: back in with the same id; `changes` alter the snapshot. */
  resume(changes: Partial<SessionResumed> = {}): SessionResumed {
    if (!this.last) throw new Error("resume() before any join");
    const payload: SessionResumed = { ...this.last, missed: [], gap: false, seq: this.nextSeq(), ...changes };
    this.last = payload;
    this.emit("sessionResumed", payload);
    return payload;
  }

  private ack(roomCode: string) {
    return { roomCode, seq: this.nextSeq() };
  }

  private listen<K extends keyof Events>(kind: K, handler: (payload: Events[K]) => void): Unsubscribe {
    if (!this.listeners.has(kind)) this.listeners.set(kind, new Set());
    const set = this.listeners.get(kind) as Set<(payload: Events[K]) => void>;
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Like the server: the reply event first, then the ack (or the error event, then a rejection). */
  /** The room's chat history, as `session:joined` carries it. */
  chat: ChatMessage[] = [];

  private answerJoin(roomCode: string, name: string, role: Role = "player"): SessionJoined {
    const code = roomCode.trim().toUpperCase();
    const refusal = this.refusals[code] ?? (code === FAKE_ROOM ? undefined : "room_not_found");
    if (refusal) {
      const error = { message: `refused ${code}`, code: refusal, event: ClientEvents.SESSION_JOIN };
      this.emit("error", error);
      throw new JamServiceError(error);
    }
    const me: Participant = { id: FakeJamService.idForJoin(++this.joins), name: name.trim(), away: false, role, instrument: "piano" };
    const payload: SessionJoined = {
      roomCode: FAKE_ROOM,
      participants: [...this.others, me],
      you: { id: me.id, resumeToken: `token-${me.id}` },
      hostId: this.hostId ?? this.others[0]?.id ?? me.id,
      settings: this.settings,
      transport: this.transport,
      recording: this.recording,
      seq: this.nextSeq(),
      serverTime: this.now,
      chat: this.chat,
    };
    this.last = payload;
    this.emit("sessionJoined", payload);
    return payload;
  }
}
