/**
 * Turns server error codes (docs/protocol.md, "Error codes") and local failures into sentences a
 * musician can act on. Match on codes, never on the server's wording, which may change.
 */
import { JamServiceError } from "./service/serviceError";
import type { ErrorCode } from "../types/protocol";

export const NAME_MAX_LENGTH = 32;

export const NAME_REQUIRED_MESSAGE = "Enter your name first";
export const NAME_INVALID_MESSAGE = `Pick a name of 1–${NAME_MAX_LENGTH} characters, no tabs or line breaks`;
export const CODE_REQUIRED_MESSAGE = "Enter the 6-character room code you were given";
export const KICKED_MESSAGE = "The host removed you from the session";

/** `code` is an ErrorCode, "timeout" or "not_connected"; codes added later get a generic message. */
export function friendlyMessage(code: ErrorCode | "timeout" | "not_connected" | (string & {}), roomCode = ""): string {
  switch (code) {
    case "room_not_found":
      return roomCode ? `No session with code ${roomCode} — check the code` : "No session with that code — check the code";
    case "room_full":
      return `${roomCode ? `Session ${roomCode}` : "That session"} is full — try another or start your own`;
    case "name_invalid":
      return NAME_INVALID_MESSAGE;
    case "too_many_rooms":
      return "Too many sessions right now — try again soon";
    case "not_in_room":
      return "You are no longer in this session — join again";
    case "room_locked":
      return `${roomCode ? `Session ${roomCode}` : "That session"} is locked — ask the host to open it`;
    case "forbidden":
      return "Only the host can do that";
    case "rate_limited":
      return "Too much at once — slow down a little";
    case "resume_failed":
      return "Could not get your place back in the session — join again";
    case "payload_too_large":
      return "That message was too big to send";
    case "invalid_payload":
    case "unknown_event":
      return "The server did not understand — try reloading";
    case "timeout":
      return "No answer from the server — try again";
    case "not_connected":
      return "Not connected to the server yet — try again";
    case "unavailable":
      return "The server is busy for a moment — try again";
    case "internal":
      return "Something went wrong on the server — try again";
    default:
      return "Something went wrong — try again";
  }
}

/** After a reconnect the room may be gone (e.g. the server restarted and rooms are in memory). */
export function sessionEndedMessage(roomCode: string): string {
  return `Session ${roomCode} has ended — start a new one`;
}

/** The message for anything a request may throw. */
export function describeError(error: unknown, roomCode = ""): string {
  if (error instanceof JamServiceError) return friendlyMessage(error.code, roomCode);
  return friendlyMessage("internal", roomCode);
}

export function errorCodeOf(error: unknown): string | undefined {
  return error instanceof JamServiceError ? error.code : undefined;
}

/** Local check before asking the server, using the same rule it applies (docs: *Names*). */
export function validateName(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return NAME_REQUIRED_MESSAGE;
  if ([...trimmed].length > NAME_MAX_LENGTH || /[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) {
    return NAME_INVALID_MESSAGE;
  }
  return null;
}
