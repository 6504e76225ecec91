/** The one error type the service's requests reject with. */
import type { AckError, ErrorCode, ErrorPayload } from "../types/protocol";

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

export function isAckError(reply: unknown): reply is AckError {
  return typeof reply === "object" && reply !== null && "error" in reply;
}
