/** The one error type the service's requests reject with. */
import type { AckError, ErrorCode, ErrorPayload } from "../../types/protocol";

/** Codes of our own, beside the server's. */
type LocalCode = "timeout" | "not_connected";

/** A request the server refused (its `error` reply), or one that got no answer in time. */
export class JamServiceError extends Error {
  readonly code: ErrorCode | LocalCode;
  readonly event: string;
  /** With `moved`: the public URL of the node that serves the room, where to ask again. */
  readonly url: string | undefined;

  constructor(payload: ErrorPayload | { message: string; code: LocalCode; event: string }) {
    super(payload.message);
    this.name = "JamServiceError";
    this.code = payload.code;
    this.event = payload.event;
    this.url = "url" in payload && typeof payload.url === "string" ? payload.url : undefined;
  }
}

/** A `moved` refusal: the room lives on another node, whose public URL it gives. */
export type MovedError = JamServiceError & { code: "moved"; url: string };

/** The `error` event a `moved` refusal came with, for `onError` once the service gives up following. */
export function movedPayload(err: MovedError): ErrorPayload {
  return { message: err.message, code: err.code, event: err.event, url: err.url };
}

export function isMoved(err: unknown): err is MovedError {
  return err instanceof JamServiceError && err.code === "moved" && err.url !== undefined;
}

export function isAckError(reply: unknown): reply is AckError {
  return typeof reply === "object" && reply !== null && "error" in reply;
}
