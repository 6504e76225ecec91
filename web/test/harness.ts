/**
 * Test harness: starts the real jam-server binary on 127.0.0.1:0 and connects real clients to it
 * through socketService (the official socket.io-client underneath). No mocks of our own server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { io, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll } from "vitest";
import { SocketService, type ConnectOptions } from "../src/session/service/socketService";

export const SERVER_BIN =
  process.env.JAM_SERVER_BIN ?? fileURLToPath(new URL("../../target/debug/jam-server", import.meta.url));

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts jam-server with extra flags; resolves once it prints the address it listens on. */
export async function startServer(flags: string[] = []): Promise<RunningServer> {
  const { child, url } = await spawnServer(["--port", "0", "--log", "warn", ...flags]);
  return { url, stop: () => stopProcess(child) };
}

/**
 * Spawns jam-server with exactly `args` (stderr to ours, or to the file descriptor given); resolves
 * with the process and the URL it prints once listening, or rejects if it exits first.
 */
export async function spawnServer(
  args: string[],
  stderr: "inherit" | number = "inherit",
): Promise<{ child: ChildProcess; url: string }> {
  if (!existsSync(SERVER_BIN)) {
    throw new Error(`${SERVER_BIN} not found: run \`cargo build -p jam-server\` first`);
  }
  const child = spawn(SERVER_BIN, args, { stdio: ["ignore", "pipe", stderr] });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolveUrl(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`jam-server exited early with ${code}`)));
  });
  return { child, url };
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once("exit", () => done());
    child.kill("SIGTERM");
  });
}

/** The transport set-ups every protocol test runs under. */
export const TRANSPORTS: Record<string, ConnectOptions> = {
  websocket: { transports: ["websocket"] },
  "polling with upgrade": {},
  "polling only": { transports: ["polling"] },
};

const openServices: SocketService[] = [];
const openSockets: Socket[] = [];

/** A connected socketService instance. */
export async function connectService(url: string, options: ConnectOptions = {}): Promise<SocketService> {
  const service = new SocketService(10_000);
  openServices.push(service);
  await service.connect(url, { reconnection: false, ...options });
  return service;
}

/** A bare socket.io-client socket, for sending payloads the service would never produce. */
export async function connectRaw(url: string, options: ConnectOptions = {}): Promise<Socket> {
  const socket = io(url, { forceNew: true, reconnection: false, ...options });
  openSockets.push(socket);
  await new Promise<void>((done, fail) => {
    socket.once("connect", () => done());
    socket.once("connect_error", fail);
  });
  return socket;
}

export function closeAllClients(): void {
  for (const service of openServices.splice(0)) service.disconnect();
  for (const socket of openSockets.splice(0)) socket.disconnect();
}

/** A participant in a room: a connected service that has joined it. */
export interface Member {
  service: SocketService;
  id: string;
  name: string;
  resumeToken: string;
}

export async function joinAs(
  url: string,
  roomCode: string,
  name: string,
  options: ConnectOptions = {},
): Promise<Member> {
  const service = await connectService(url, options);
  const joined = await service.joinSession(roomCode, name);
  return { service, id: joined.you.id, name, resumeToken: joined.you.resumeToken };
}

/**
 * Resolves with the next payload a subscription delivers. `subscribe` is one of the service's
 * `on…` methods, bound.
 */
export function next<T>(subscribe: (handler: (payload: T) => void) => () => void): Promise<T> {
  return new Promise((done) => {
    const unsubscribe = subscribe((payload) => {
      unsubscribe();
      done(payload);
    });
  });
}

/** Collects every payload a subscription delivers from now on. */
export function collect<T>(subscribe: (handler: (payload: T) => void) => () => void): T[] {
  const seen: T[] = [];
  subscribe((payload) => seen.push(payload));
  return seen;
}

/**
 * A round trip through this client's own connection. Anything the server had queued for it
 * before the round trip has arrived once this resolves: the barrier for "nothing was received".
 */
export async function flush(service: SocketService): Promise<void> {
  await service.createSession();
}

/** Waits until `check` passes, polling; for state with no event to await (metrics, expiry). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A subscribe function for any event on a bare socket, for use with `next` and `collect`. */
export function onRaw<T>(socket: Socket, event: string) {
  return (handler: (payload: T) => void) => {
    socket.on(event, handler);
    return () => {
      socket.off(event, handler);
    };
  };
}

/**
 * One server for the whole test file (started before its first test, stopped after its last), with
 * every client a test opened closed after it. `url` is ready once the tests run.
 */
export function serverForThisFile(flags: string[] = []): { readonly url: string } {
  let running: RunningServer | undefined;
  beforeAll(async () => {
    running = await startServer(flags);
  });
  afterAll(async () => {
    await running?.stop();
  });
  afterEach(() => closeAllClients());
  return {
    get url() {
      if (!running) throw new Error("the server starts in beforeAll: use its url inside tests");
      return running.url;
    },
  };
}
