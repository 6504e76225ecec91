// Generated from server/src/protocol.rs by ts-rs. Do not edit by hand:
// run `JAM_UPDATE_TYPES=1 cargo test -p jam-server ts_types` after changing the Rust types.

export type ErrorCode = "invalid_payload" | "room_not_found" | "not_in_room" | "name_invalid" | "payload_too_large" | "room_full" | "too_many_rooms" | "unknown_event" | "internal";

export type Participant = { id: string, name: string, };

export type UserInfo = { name: string, };

export type JoinRequest = { roomCode: string, user: UserInfo, };

export type LeaveRequest = { roomCode: string, };

export type BroadcastRequest = { roomCode: string, eventName: string, 
/**
 * Any JSON value, binary attachments included; relayed as received.
 */
data: unknown, };

export type SessionCreated = { roomCode: string, };

export type You = { id: string, };

export type SessionJoined = { roomCode: string, 
/**
 * Everyone in the room, the joiner included, in join order.
 */
participants: Array<Participant>, you: You, };

export type UserJoined = { user: Participant, roomCode: string, };

export type UserLeft = { userId: string, roomCode: string, };

export type BroadcastEvent = { eventName: string, data: unknown, senderId: string, roomCode: string, };

export type LeaveAck = { roomCode: string, };

export type BroadcastAck = { roomCode: string, recipients: number, };

export type ErrorPayload = { message: string, code: ErrorCode, event: string, };

export type AckError = { error: ErrorPayload, };

/** Client → server event names. */
export const ClientEvents = {
  SESSION_CREATE: "session:create",
  SESSION_JOIN: "session:join",
  SESSION_LEAVE: "session:leave",
  EVENT_BROADCAST: "event:broadcast",
} as const;

/** Server → client event names. */
export const ServerEvents = {
  SESSION_CREATED: "session:created",
  SESSION_JOINED: "session:joined",
  USER_JOINED: "session:user-joined",
  USER_LEFT: "session:user-left",
  EVENT_BROADCAST: "event:broadcast",
  ERROR: "error",
} as const;
