// SessionManager: the seed's design (section 5) in plain JavaScript.
// It knows nothing of sockets: the handlers in index.js call it and emit what it returns.
import { randomInt } from "node:crypto";

export const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const CODE_LENGTH = 6;
const MAX_NAME = 32;
const EVENT_NAME = /^[A-Za-z0-9:_.-]{1,64}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A failed request: `code` is the stable wire code (same table as docs/protocol.md). */
export class SessionError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** Trim + upper-case; null if the input cannot be a room code. */
export function normalizeCode(input) {
  if (typeof input !== "string") return null;
  const code = input.trim().toUpperCase();
  if (code.length !== CODE_LENGTH) return null;
  for (const ch of code) if (!CODE_ALPHABET.includes(ch)) return null;
  return code;
}

export class SessionManager {
  /** @param {{ emptyRoomTtlMs?: number, maxRooms?: number }} [options] */
  constructor({ emptyRoomTtlMs = 10 * 60 * 1000, maxRooms = 100_000 } = {}) {
    /** @type {Map<string, { id: string, participants: Map<string, {id: string, name: string}>, emptySince: number | null }>} */
    this.rooms = new Map();
    /** socket id -> room codes it has joined (so a disconnect can leave them all). */
    this.participants = new Map();
    this.emptyRoomTtlMs = emptyRoomTtlMs;
    this.maxRooms = maxRooms;
  }

  /** Creates an empty room; the creator joins with `join`, as in the seed. */
  create() {
    if (this.rooms.size >= this.maxRooms) {
      throw new SessionError("too_many_rooms", "the server has too many rooms");
    }
    let code;
    do {
      code = "";
      for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    } while (this.rooms.has(code));
    this.rooms.set(code, { id: code, participants: new Map(), emptySince: Date.now() });
    return { roomCode: code };
  }

  /**
   * Adds `socketId` to a room. Returns the joiner's reply, the participant to announce
   * (null on a re-join), and the canonical code for the socket.io room.
   */
  join(socketId, payload) {
    if (!isObject(payload) || typeof payload.roomCode !== "string" || !isObject(payload.user) ||
        typeof payload.user.name !== "string") {
      throw new SessionError("invalid_payload", "expected { roomCode: string, user: { name: string } }");
    }
    const name = payload.user.name.trim();
    if (name.length === 0 || [...name].length > MAX_NAME || CONTROL.test(name)) {
      throw new SessionError("name_invalid", `name must be 1-${MAX_NAME} characters without control characters`);
    }
    const code = normalizeCode(payload.roomCode);
    const room = code && this.rooms.get(code);
    if (!room) throw new SessionError("room_not_found", `room ${payload.roomCode} does not exist`);

    let announce = null;
    if (!room.participants.has(socketId)) {
      announce = { id: socketId, name };
      room.participants.set(socketId, announce);
      room.emptySince = null;
      let codes = this.participants.get(socketId);
      if (!codes) this.participants.set(socketId, (codes = new Set()));
      codes.add(code);
    }
    const joined = { roomCode: code, participants: [...room.participants.values()], you: { id: socketId } };
    return { roomCode: code, joined, announce };
  }

  /** Removes `socketId` from one room; returns what to tell the others. */
  leave(socketId, payload) {
    if (!isObject(payload) || typeof payload.roomCode !== "string") {
      throw new SessionError("invalid_payload", "expected { roomCode: string }");
    }
    const code = this.#memberRoom(socketId, payload.roomCode);
    this.#remove(socketId, code);
    return { roomCode: code, userLeft: { userId: socketId, roomCode: code } };
  }

  /** Checks a broadcast; returns the outgoing payload and how many others will get it. */
  broadcast(socketId, payload) {
    if (!isObject(payload) || typeof payload.roomCode !== "string" ||
        typeof payload.eventName !== "string" || !EVENT_NAME.test(payload.eventName)) {
      throw new SessionError("invalid_payload", "expected { roomCode: string, eventName: string, data: any }");
    }
    const code = this.#memberRoom(socketId, payload.roomCode);
    const recipients = this.rooms.get(code).participants.size - 1;
    const event = { eventName: payload.eventName, data: payload.data ?? null, senderId: socketId, roomCode: code };
    return { roomCode: code, event, recipients };
  }

  /** Leaves every room the socket was in; returns one user-left notice per room. */
  disconnect(socketId) {
    const joined = this.participants.get(socketId);
    if (!joined) return [];
    const notices = [];
    for (const code of [...joined]) {
      this.#remove(socketId, code);
      notices.push({ roomCode: code, userLeft: { userId: socketId, roomCode: code } });
    }
    return notices;
  }

  /** Deletes rooms that have been empty for longer than the TTL. */
  sweep(now = Date.now()) {
    for (const [code, room] of this.rooms) {
      if (room.emptySince !== null && now - room.emptySince >= this.emptyRoomTtlMs) this.rooms.delete(code);
    }
  }

  #memberRoom(socketId, input) {
    const code = normalizeCode(input);
    if (!code || !this.participants.get(socketId)?.has(code)) {
      throw new SessionError("not_in_room", `not a member of room ${input}`);
    }
    return code;
  }

  #remove(socketId, code) {
    const room = this.rooms.get(code);
    if (room) {
      room.participants.delete(socketId);
      if (room.participants.size === 0) room.emptySince = Date.now();
    }
    const joined = this.participants.get(socketId);
    joined?.delete(code);
    if (joined?.size === 0) this.participants.delete(socketId);
  }
}
