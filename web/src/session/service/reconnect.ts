/**
 * Coming back after the server went away on purpose, and retrying what got no good answer: delays
 * grow exponentially and are jittered, so a node's clients, all told at once that it is closing, do
 * not all return in the same instant. Also how a (re)opened socket is awaited.
 */
import type { Socket } from "socket.io-client";

/** Exponential from `baseMs`, capped at `maxMs`, scaled by a random 0.5–1. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return ceiling * (0.5 + Math.random() / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/**
 * Reconnects a socket until it is connected again. socket.io-client never does after a server-side
 * disconnect, nor after any drop when its own reconnection is off; when it is on, its attempts and
 * ours share the one connection and either may win.
 */
export class ReconnectLoop {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  /** Tries `socket.connect()` after a short delay, then again after longer ones, while `wanted()`. */
  start(socket: Socket, wanted: () => boolean, attempt = 0): void {
    this.stop();
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!wanted() || socket.connected) return;
      socket.connect();
      this.start(socket, wanted, attempt + 1);
    }, backoffMs(attempt, this.baseMs, this.maxMs));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/**
 * Resolves once `socket` connects; rejects if its first attempt fails, or after `limitMs` (a move
 * must not wait forever, e.g. for a socket that `disconnect` dropped meanwhile).
 */
export function connected(socket: Socket, limitMs?: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = limitMs === undefined ? undefined : setTimeout(() => reject(new Error("no connection")), limitMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
