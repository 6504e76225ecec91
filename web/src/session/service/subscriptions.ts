/**
 * The service's typed subscriptions: each `on…` method registers a handler and returns the function
 * that removes it. Kept apart from the connection logic in roomConnection.ts.
 */
import {
  ServerEvents,
  type BroadcastEvent,
  type ChatMessage,
  type ErrorPayload,
  type HostChanged,
  type LatencyReport,
  type RecordingState,
  type SessionJoined,
  type SessionKicked,
  type SessionResumed,
  type SettingsChanged,
  type TransportState,
  type UserJoined,
  type UserLeft,
  type UserPresence,
  type UserUpdated,
} from "../../types/protocol";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "offline";
export type Handler<T> = (payload: T) => void;

/** Everything a subscriber can listen to, with its payload. */
export interface Listeners {
  sessionJoined: SessionJoined;
  sessionResumed: SessionResumed;
  userJoined: UserJoined;
  userLeft: UserLeft;
  userAway: UserPresence;
  userBack: UserPresence;
  userUpdated: UserUpdated;
  hostChanged: HostChanged;
  settingsChanged: SettingsChanged;
  transportState: TransportState;
  recordingState: RecordingState;
  event: BroadcastEvent;
  chatMessage: ChatMessage;
  latency: LatencyReport;
  kicked: SessionKicked;
  error: ErrorPayload;
  connectionState: ConnectionState;
}

/** Server events that carry a room `seq` (keyed by the generated names), and the subscription each feeds. */
export const ROOM_EVENTS = {
  [ServerEvents.USER_JOINED]: "userJoined",
  [ServerEvents.USER_LEFT]: "userLeft",
  [ServerEvents.USER_AWAY]: "userAway",
  [ServerEvents.USER_BACK]: "userBack",
  [ServerEvents.USER_UPDATED]: "userUpdated",
  [ServerEvents.HOST_CHANGED]: "hostChanged",
  [ServerEvents.SETTINGS_CHANGED]: "settingsChanged",
  [ServerEvents.TRANSPORT_STATE]: "transportState",
  [ServerEvents.RECORDING_STATE]: "recordingState",
  [ServerEvents.EVENT_BROADCAST]: "event",
  [ServerEvents.CHAT_MESSAGE]: "chatMessage",
} as const satisfies Record<string, keyof Listeners>;

export type RoomEventKind = (typeof ROOM_EVENTS)[keyof typeof ROOM_EVENTS];

export class Subscriptions {
  private state: ConnectionState = "offline";
  private readonly handlers = new Map<keyof Listeners, Set<Handler<never>>>();

  get connectionState(): ConnectionState {
    return this.state;
  }

  onSessionJoined(handler: Handler<SessionJoined>) {
    return this.subscribe("sessionJoined", handler);
  }
  /** After a drop: back in the room with the same id (the missed events were delivered first). */
  onSessionResumed(handler: Handler<SessionResumed>) {
    return this.subscribe("sessionResumed", handler);
  }
  /** Someone's role changed (player ↔ listener): the participant as they are now. */
  onUserUpdated(handler: Handler<UserUpdated>) {
    return this.subscribe("userUpdated", handler);
  }
  /** A chat line in a room we are in (our own included). */
  onChatMessage(handler: Handler<ChatMessage>) {
    return this.subscribe("chatMessage", handler);
  }
  onUserJoined(handler: Handler<UserJoined>) {
    return this.subscribe("userJoined", handler);
  }
  onUserLeft(handler: Handler<UserLeft>) {
    return this.subscribe("userLeft", handler);
  }
  onUserAway(handler: Handler<UserPresence>) {
    return this.subscribe("userAway", handler);
  }
  onUserBack(handler: Handler<UserPresence>) {
    return this.subscribe("userBack", handler);
  }
  onHostChanged(handler: Handler<HostChanged>) {
    return this.subscribe("hostChanged", handler);
  }
  onSettingsChanged(handler: Handler<SettingsChanged>) {
    return this.subscribe("settingsChanged", handler);
  }
  onTransportState(handler: Handler<TransportState>) {
    return this.subscribe("transportState", handler);
  }
  /** A take started or ended (sent to everyone, the host included). */
  onRecordingState(handler: Handler<RecordingState>) {
    return this.subscribe("recordingState", handler);
  }
  /** Events relayed from other participants. */
  onEvent(handler: Handler<BroadcastEvent>) {
    return this.subscribe("event", handler);
  }
  onLatency(handler: Handler<LatencyReport>) {
    return this.subscribe("latency", handler);
  }
  onKicked(handler: Handler<SessionKicked>) {
    return this.subscribe("kicked", handler);
  }
  onError(handler: Handler<ErrorPayload>) {
    return this.subscribe("error", handler);
  }
  onConnectionState(handler: Handler<ConnectionState>) {
    return this.subscribe("connectionState", handler);
  }

  protected subscribe<K extends keyof Listeners>(kind: K, handler: Handler<Listeners[K]>): () => void {
    let set = this.handlers.get(kind);
    if (!set) {
      set = new Set();
      this.handlers.set(kind, set);
    }
    const handlers = set as Set<Handler<Listeners[K]>>;
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
    };
  }

  protected notify<K extends keyof Listeners>(kind: K, payload: Listeners[K]): void {
    const set = this.handlers.get(kind) as Set<Handler<Listeners[K]>> | undefined;
    for (const handler of [...(set ?? [])]) handler(payload);
  }

  protected setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.notify("connectionState", state);
  }
}
