/**
 * Cluster harness: a throwaway redis-server of its own and several jam-server nodes sharing it (each
 * cluster under its own `--redis-prefix`), with the failures a cluster must survive: kill -9 of a node,
 * a graceful stop and restart on the same port, Redis stopped and started again on the same port
 * (append-only file fsynced on every write, so the data survives). Clients connect with the helpers
 * of ./harness. A failed test leaves its nodes' and Redis's logs in test-output/cluster/<prefix>/.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { connect as tcpConnect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import type { SocketService } from "../src/session/service/socketService";
import type { BroadcastEvent } from "../src/types/protocol";
import { closeAllClients, eventually, spawnServer } from "./harness";

const LOG_ROOT = fileURLToPath(new URL("../../test-output/cluster/", import.meta.url));

/** Generous bounds for a loaded 2-core machine; they only cap how long a failing test hangs. */
export const SLACK_MS = 10_000;

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** `promise`, or a clear failure naming what did not happen in time. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`not in ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Heartbeats quick enough for tests: a dead node is noticed in seconds, a dropped seat freed soon. */
export const QUICK = {
  nodeTtlMs: 2_000,
  resumeGraceMs: 4_000,
  pingIntervalMs: 1_000,
  pingTimeoutMs: 2_000,
};

export interface Timings {
  nodeTtlMs: number;
  resumeGraceMs: number;
  pingIntervalMs: number;
  pingTimeoutMs: number;
}

export interface ClusterOptions {
  /** How many jam-server nodes (named A, B, C, …). */
  nodes: number;
  timings?: Partial<Timings>;
  /** Further jam-server flags for every node. */
  flags?: string[];
}

/** One jam-server process of the cluster; `url` and `port` stay the same across restarts. */
export interface ClusterNode {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  child: ChildProcess;
}

/** A free TCP port on 127.0.0.1 (free when asked: the OS picks it and we let it go). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

/** True when a redis-server answers PING on `port` (false while it is down or still loading its data). */
export function redisAnswers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = tcpConnect(port, "127.0.0.1");
    let reply = "";
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) finish(reply.startsWith("+PONG"));
    });
    socket.once("error", () => finish(false));
  });
}

/** The HTTP status of GET `path` on a node, or 0 when nothing answers. */
export async function httpStatus(node: ClusterNode, path: string): Promise<number> {
  try {
    const response = await fetch(`${node.url}${path}`, { signal: AbortSignal.timeout(3_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once("exit", (code) => done(code)));
}

function ms(value: number): string {
  return `${Math.round(value)}ms`;
}

let clusterCount = 0;

export class Cluster {
  readonly nodes: ClusterNode[] = [];
  readonly timings: Timings;
  private redis: ChildProcess | null = null;

  private constructor(
    readonly prefix: string,
    readonly redisPort: number,
    private readonly redisDir: string,
    private readonly logDir: string,
    private readonly flags: string[],
    timings: Timings,
  ) {
    this.timings = timings;
  }

  /** Starts Redis, then the nodes (in parallel); resolves once every node is ready. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const timings = { ...QUICK, ...options.timings };
    const prefix = `jamtest-${process.pid}-${++clusterCount}-${Date.now().toString(36)}`;
    const logDir = join(LOG_ROOT, prefix);
    mkdirSync(logDir, { recursive: true });
    const redisDir = mkdtempSync(join(tmpdir(), "jam-cluster-redis-"));
    const cluster = new Cluster(prefix, await freePort(), redisDir, logDir, options.flags ?? [], timings);
    started.push(cluster);
    await cluster.startRedis();
    const names = Array.from({ length: options.nodes }, (_, i) => String.fromCharCode(65 + i));
    await Promise.all(names.map((name) => cluster.startNode(name)));
    cluster.nodes.sort((a, b) => a.name.localeCompare(b.name));
    await Promise.all(cluster.nodes.map((node) => cluster.waitReady(node)));
    return cluster;
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.redisPort}/`;
  }

  /** Starts redis-server on this cluster's port and data directory; resolves once it answers PING. */
  async startRedis(): Promise<void> {
    if (this.redis) throw new Error("redis is already running");
    const log = openSync(join(this.logDir, "redis.log"), "a");
    const args = ["--bind", "127.0.0.1", "--port", String(this.redisPort), "--dir", this.redisDir];
    args.push("--save", "", "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no");
    const child = spawn("redis-server", args, { stdio: ["ignore", log, log] });
    closeSync(log);
    this.redis = child;
    const gone = exited(child).then((code) => {
      throw new Error(`redis-server exited with ${code} (see ${this.logDir}/redis.log)`);
    });
    gone.catch(() => undefined);
    await Promise.race([eventually(() => redisAnswers(this.redisPort), 15_000), gone]);
  }

  /** Stops redis-server (SIGTERM); every write so far is on disk. */
  async stopRedis(): Promise<void> {
    const child = this.redis;
    this.redis = null;
    if (!child) return;
    child.kill("SIGTERM");
    await exited(child);
  }

  /** The flags every node gets: Redis, this cluster's prefix, quick timings, quiet logs (unless `flags` say). */
  private nodeArgs(port: number): string[] {
    const t = this.timings;
    return [
      ["--port", String(port)],
      this.flags.includes("--log") ? [] : ["--log", "warn"],
      ["--redis-url", this.redisUrl, "--redis-prefix", this.prefix],
      ["--node-ttl", ms(t.nodeTtlMs), "--resume-grace", ms(t.resumeGraceMs)],
      ["--ping-interval", ms(t.pingIntervalMs), "--ping-timeout", ms(t.pingTimeoutMs)],
      this.flags,
    ].flat();
  }

  private async spawnNode(name: string, port: number): Promise<{ child: ChildProcess; url: string }> {
    const logPath = join(this.logDir, `node-${name}.log`);
    const log = openSync(logPath, "a");
    try {
      return await spawnServer(this.nodeArgs(port), log);
    } catch (err) {
      const tail = readFileSync(logPath, "utf8").split("\n").slice(-15).join("\n");
      throw new Error(`node ${name}: ${(err as Error).message}\n${tail}`);
    } finally {
      closeSync(log);
    }
  }

  private async startNode(name: string): Promise<ClusterNode> {
    const { child, url } = await this.spawnNode(name, 0);
    const node = { name, url, port: Number(new URL(url).port), child };
    this.nodes.push(node);
    return node;
  }

  /** Kills a node at once (SIGKILL): no goodbye to its clients, no clean-up in Redis. */
  async kill9(node: ClusterNode): Promise<void> {
    node.child.kill("SIGKILL");
    await exited(node.child);
  }

  /** Stops a node gracefully (SIGTERM); resolves with its exit code. */
  async stop(node: ClusterNode): Promise<number | null> {
    const done = exited(node.child);
    node.child.kill("SIGTERM");
    return done;
  }

  /**
   * Starts a stopped node again on the same port (stopping it first if it still runs); resolves once
   * it listens. Retries briefly if the port is not yet free again.
   */
  async restart(node: ClusterNode): Promise<void> {
    if (node.child.exitCode === null && node.child.signalCode === null) await this.stop(node);
    for (let attempt = 1; ; attempt++) {
      try {
        node.child = (await this.spawnNode(node.name, node.port)).child;
        return;
      } catch (err) {
        if (attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }

  /** Waits until the node's GET /readyz answers 200. */
  async waitReady(node: ClusterNode, timeoutMs = 15_000): Promise<void> {
    await eventually(async () => (await httpStatus(node, "/readyz")) === 200, timeoutMs);
  }

  /** Kills every node and Redis, and removes Redis's data (and the logs, unless `keepLogs`). */
  async shutdown(keepLogs: boolean): Promise<void> {
    await Promise.all(this.nodes.map((node) => this.kill9(node)));
    await this.stopRedis();
    rmSync(this.redisDir, { recursive: true, force: true });
    if (!keepLogs) rmSync(this.logDir, { recursive: true, force: true });
  }
}

const started: Cluster[] = [];

/**
 * For a test file whose tests each start their own cluster with `Cluster.start`: after each test its
 * clients are closed and its clusters shut down, whatever the outcome; a failed test's logs are kept.
 */
export function clustersForThisFile(): void {
  afterEach(async ({ task }) => {
    closeAllClients();
    const failed = task.result?.state === "fail" || (task.result?.errors?.length ?? 0) > 0;
    await Promise.all(started.splice(0).map((cluster) => cluster.shutdown(failed)));
  });
}

/**
 * Sends a tick every ~100 ms until stopped; keeps the seqs the server acknowledged. `flowing` waits
 * for five more acknowledged ticks and for the latest to reach every receiver (`heard`: what each
 * receiver's service delivered).
 */
export function keepBroadcasting(sender: SocketService, roomCode: string, heard: BroadcastEvent[][]) {
  const acked: number[] = [];
  let running = true;
  const done = (async () => {
    for (let n = 0; running; n++) {
      try {
        acked.push((await sender.broadcastWithAck(roomCode, "tick", { n })).seq);
      } catch {
        // Reconnecting or not resumed yet: this tick reached nobody, and the test does not expect it.
      }
      await sleep(100);
    }
  })();
  const latestHeard = async () => {
    const last = acked.at(-1) ?? Infinity;
    return heard.every((events) => events.some((e) => e.seq >= last));
  };
  const flowed = () => eventually(latestHeard, SLACK_MS);
  return {
    acked,
    flowed,
    flowing: async () => {
      const from = acked.length;
      await eventually(async () => acked.length >= from + 5, 4 * SLACK_MS);
      await flowed();
    },
    stop: async () => {
      running = false;
      await done;
    },
  };
}
