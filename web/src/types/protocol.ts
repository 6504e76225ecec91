// Generated from server/src/protocol by ts-rs. Do not edit by hand:
// run `JAM_UPDATE_TYPES=1 cargo test -p jam-server ts_types` after changing the Rust types.

export type ErrorCode = "invalid_payload" | "room_not_found" | "not_in_room" | "name_invalid" | "payload_too_large" | "room_full" | "too_many_rooms" | "unknown_event" | "forbidden" | "room_locked" | "resume_failed" | "rate_limited" | "unavailable" | "moved" | "listen_only" | "internal";

export type Settings = { bpm: number, beatsPerBar: number, beatUnit: number, key: string | null, locked: boolean, maxParticipants: number, };

export type SettingsPatch = { bpm?: number, beatsPerBar?: number, beatUnit?: number, key?: string | null, locked?: boolean, maxParticipants?: number, };

export type Grid = { bpm: number, startedAt: number, startBeat: number, };

export type Transport = { playing: boolean, bpm: number, 
/**
 * Server time (ms since the UNIX epoch) at which the beat was `start_beat`.
 */
startedAt: number, startBeat: number, 
/**
 * While a change waits for its beat (`started_at` ahead): the grid that plays until then.
 */
previous?: Grid, };

export type Role = "player" | "listener";

export type Instrument = "piano" | "electric-piano" | "organ" | "synth-lead" | "bass" | "pad";

export type Participant = { id: string, name: string, 
/**
 * True while the connection is lost and the seat is held for a resume.
 */
away: boolean, role: Role, instrument: Instrument, };

export type UserInfo = { name: string, role?: Role, };

export type CreateRequest = { settings?: SettingsPatch, };

export type JoinRequest = { roomCode: string, user: UserInfo, };

export type LeaveRequest = { roomCode: string, };

export type BroadcastRequest = { roomCode: string, eventName: string, 
/**
 * Any JSON value, binary attachments included; relayed as received.
 */
data: unknown, };

export type ParticipantRequest = { roomCode: string, userId: string, };

export type UpdateSettingsRequest = { roomCode: string, settings: SettingsPatch, };

export type ClockPing = { t0: number, rttMs?: number, };

export type TransportStartRequest = { roomCode: string, 
/**
 * Server time to start at; default now + 200 ms.
 */
at?: number, startBeat?: number, };

export type ResumeRequest = { roomCode: string, resumeToken: string, 
/**
 * The last room `seq` the client saw; events after it are replayed.
 */
lastSeq: number, };

export type ChatSendRequest = { roomCode: string, text: string, };

export type SetRoleRequest = { roomCode: string, userId: string, role: Role, };

export type UpdateProfileRequest = { roomCode: string, instrument: Instrument, };

export type SessionCreated = { roomCode: string, };

export type ChatMessage = { roomCode: string, seq: number, userId: string, 
/**
 * The sender's name when it was sent.
 */
name: string, text: string, serverTime: number, };

export type You = { id: string, resumeToken: string, };

export type SessionJoined = { roomCode: string, 
/**
 * Everyone in the room, the joiner included, in join order.
 */
participants: Array<Participant>, you: You, hostId: string | null, settings: Settings, transport: Transport, 
/**
 * The latest take's status (null before the first take).
 */
recording: RecordingInfo | null, 
/**
 * The room's latest seq: the client's `lastSeq` starts here.
 */
seq: number, serverTime: number, 
/**
 * The room's last chat messages (up to 50), oldest first.
 */
chat: Array<ChatMessage>, };

export type MissedEvent = { event: string, data: unknown, };

export type SessionResumed = { missed: Array<MissedEvent>, 
/**
 * True when the replay buffer no longer held everything missed.
 */
gap: boolean, roomCode: string, 
/**
 * Everyone in the room, the joiner included, in join order.
 */
participants: Array<Participant>, you: You, hostId: string | null, settings: Settings, transport: Transport, 
/**
 * The latest take's status (null before the first take).
 */
recording: RecordingInfo | null, 
/**
 * The room's latest seq: the client's `lastSeq` starts here.
 */
seq: number, serverTime: number, 
/**
 * The room's last chat messages (up to 50), oldest first.
 */
chat: Array<ChatMessage>, };

export type UserJoined = { user: Participant, roomCode: string, seq: number, };

export type LeaveReason = "left" | "timeout" | "kicked" | "rate_limited";

export type UserLeft = { userId: string, roomCode: string, seq: number, reason: LeaveReason, };

export type UserPresence = { userId: string, roomCode: string, seq: number, };

export type UserUpdated = { user: Participant, roomCode: string, seq: number, };

export type HostChanged = { hostId: string, roomCode: string, seq: number, };

export type SettingsChanged = { settings: Settings, 
/**
 * The participant who changed them.
 */
by: string, roomCode: string, seq: number, };

export type TransportState = { roomCode: string, seq: number, playing: boolean, bpm: number, 
/**
 * Server time (ms since the UNIX epoch) at which the beat was `start_beat`.
 */
startedAt: number, startBeat: number, 
/**
 * While a change waits for its beat (`started_at` ahead): the grid that plays until then.
 */
previous?: Grid, };

export type TakeEnd = "stopped" | "limit" | "room_ended";

export type RecordingInfo = { recording: boolean, 
/**
 * Server time the take started.
 */
startedAt: number, 
/**
 * Musical events recorded so far.
 */
events: number, 
/**
 * Relative link to the Standard MIDI File (add `?format=json` for JSON); once the take ends.
 */
downloadUrl?: string, reason?: TakeEnd, };

export type RecordingState = { roomCode: string, seq: number, recording: boolean, 
/**
 * Server time the take started.
 */
startedAt: number, 
/**
 * Musical events recorded so far.
 */
events: number, 
/**
 * Relative link to the Standard MIDI File (add `?format=json` for JSON); once the take ends.
 */
downloadUrl?: string, reason?: TakeEnd, };

export type BroadcastEvent = { eventName: string, data: unknown, senderId: string, roomCode: string, seq: number, 
/**
 * Server time when it was relayed.
 */
serverTime: number, };

export type SessionKicked = { roomCode: string, };

export type ServerClosing = { reason: string, };

export type ParticipantLatency = { id: string, rttMs: number, };

export type LatencyReport = { roomCode: string, participants: Array<ParticipantLatency>, };

export type ClockPong = { t0: number, t1: number, t2: number, };

export type LeaveAck = { roomCode: string, };

export type BroadcastAck = { roomCode: string, 
/**
 * How many other members it was sent to.
 */
recipients: number, 
/**
 * The seq the server gave it.
 */
seq: number, };

export type CommandAck = { roomCode: string, seq: number, };

export type ErrorPayload = { message: string, code: ErrorCode, event: string, 
/**
 * `moved` only: the public URL of the node that serves the room.
 */
url?: string, };

export type AckError = { error: ErrorPayload, };

/** Client → server event names. */
export const ClientEvents = {
  SESSION_CREATE: "session:create",
  SESSION_JOIN: "session:join",
  SESSION_LEAVE: "session:leave",
  EVENT_BROADCAST: "event:broadcast",
  SESSION_RESUME: "session:resume",
  TRANSFER_HOST: "session:transfer-host",
  UPDATE_SETTINGS: "session:update-settings",
  KICK: "session:kick",
  CLOCK_PING: "clock:ping",
  TRANSPORT_START: "transport:start",
  TRANSPORT_STOP: "transport:stop",
  RECORDING_START: "recording:start",
  RECORDING_STOP: "recording:stop",
  CHAT_SEND: "chat:send",
  SET_ROLE: "session:set-role",
  UPDATE_PROFILE: "session:update-profile",
} as const;

/** Server → client event names. */
export const ServerEvents = {
  SESSION_CREATED: "session:created",
  SESSION_JOINED: "session:joined",
  SESSION_RESUMED: "session:resumed",
  USER_JOINED: "session:user-joined",
  USER_LEFT: "session:user-left",
  USER_AWAY: "session:user-away",
  USER_BACK: "session:user-back",
  HOST_CHANGED: "session:host-changed",
  SETTINGS_CHANGED: "session:settings-changed",
  KICKED: "session:kicked",
  LATENCY: "session:latency",
  TRANSPORT_STATE: "transport:state",
  RECORDING_STATE: "recording:state",
  CLOCK_PONG: "clock:pong",
  EVENT_BROADCAST: "event:broadcast",
  ERROR: "error",
  CLOSING: "server:closing",
  CHAT_MESSAGE: "chat:message",
  USER_UPDATED: "session:user-updated",
} as const;
