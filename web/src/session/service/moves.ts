/**
 * Following a cluster's `moved` answers. Each room lives on one node; a join or resume that reaches
 * another node is told the owner's public URL, and the service takes its connection there. This
 * module holds what needs no socket: where socket.io-client must go for a public URL, and how far a
 * room may follow before it gives up.
 */

/** Hops one request may make (A → B → C → D) before its `moved` refusal stands: ownership settles fast. */
export const MAX_HOPS = 3;

/** socket.io's own path, for a public URL without a prefix (whatever path the first connect used). */
export const DEFAULT_SOCKET_PATH = "/socket.io/";

/** Why the current connection was opened: to follow a `moved` answer about `roomCode`. */
export interface Move {
  roomCode: string;
  /** Hops the request about `roomCode` has made so far, this one included. */
  hops: number;
  /** The request asks again by itself on the new connection (a caller's join or resume). */
  retries: boolean;
}

/**
 * Where socket.io-client must go for a server URL. A public URL may carry a path prefix
 * (`http://host:8080/n/a/`, behind a proxy that strips it), which socket.io-client would take for a
 * namespace: it becomes the engine's path instead (`/n/a/socket.io/`). Other URLs pass unchanged.
 */
export function socketTarget(url: string): { uri: string; path: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { uri: url, path: undefined };
  }
  if (!/^(https?|wss?):$/.test(parsed.protocol) || parsed.pathname === "/") return { uri: url, path: undefined };
  return { uri: parsed.origin + parsed.search, path: parsed.pathname.replace(/\/?$/, "/socket.io/") };
}

/**
 * Hops an automatic resume of `roomCode` has made on a connection opened by `move` (null: opened by
 * `connect` or after a drop, a fresh start). A room carried along by another room's move has none
 * left: following it would take the connection away from the room that moved it, which could then
 * move it back.
 */
export function hopsSoFar(move: Move | null, roomCode: string): number {
  if (move === null) return 0;
  return move.roomCode === roomCode ? move.hops : MAX_HOPS;
}
