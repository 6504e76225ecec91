/**
 * nginx in front of jam-server nodes, set up as docs/operations.md ("Behind nginx") says: each node
 * under its own path /n/<name>/ (its public URL), and the root balanced over all of them with ip_hash,
 * WebSocket upgrades passed through everywhere. Each `Nginx` is a throwaway nginx in the foreground on
 * a free loopback port, its config, pid, logs and temp files in a directory of its own (so it runs as
 * any user). `NginxCluster` puts one in front of a cluster: Redis from ./cluster, and nodes started
 * with `--public-url` (their path behind this nginx) and `--trusted-proxy 127.0.0.1`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { Cluster, type ClusterNode, type Timings, clustersForThisFile, freePort } from "./cluster";
import { closeAllClients, eventually, spawnServer } from "./harness";

const NGINX_BIN = process.env.JAM_NGINX ?? "/usr/sbin/nginx";
const CLUSTER_LOG_ROOT = fileURLToPath(new URL("../../test-output/cluster/", import.meta.url));
const NGINX_LOG_ROOT = fileURLToPath(new URL("../../test-output/nginx/", import.meta.url));

/** A node nginx sends requests to: served at /n/<name>/, and one of the root's upstream servers. */
export interface Backend {
  name: string;
  port: number;
}

/**
 * The whole nginx config, everything nginx writes inside `dir`. Started by root, nginx would switch
 * its workers to `nobody`, who cannot enter `dir` (mode 0700): they stay root. Started by anyone
 * else, they run as that user and need no `user` directive.
 */
export function nginxConfig(dir: string, port: number, backends: Backend[]): string {
  const asRoot = process.getuid?.() === 0 ? "user root;" : "";
  const servers = backends.map((b) => `    server 127.0.0.1:${b.port} max_fails=1 fail_timeout=10s;`);
  const perNode = backends.map((b) => `    location /n/${b.name}/ { proxy_pass http://127.0.0.1:${b.port}/; }`);
  return `${asRoot}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  # Any node for connections through the root (and GET /api/rooms/…): sticky by client address, so
  # the HTTP requests of one long-polling session reach the node that holds it.
  upstream jam_any {
    ip_hash;
${servers.join("\n")}
  }
  map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
  }
  server {
    listen 127.0.0.1:${port};
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_read_timeout 1h;
    proxy_send_timeout 1h;
    proxy_buffering off;

    # One node, by its public URL: the prefix is cut off (the trailing / of proxy_pass).
${perNode.join("\n")}
    location / { proxy_pass http://jam_any; }
  }
}
`;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}

/** True once something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = tcpConnect(port, "127.0.0.1");
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}

const running: Nginx[] = [];

export class Nginx {
  private constructor(
    readonly port: number,
    readonly dir: string,
    /** Where its config and logs are copied if the test fails. */
    readonly keepLogsIn: string,
    private readonly child: ChildProcess,
  ) {}

  /**
   * Writes the config into a new temp dir and starts nginx in the foreground on `port` (a free one
   * unless given); resolves once it accepts connections. A failed test's nginx logs go to
   * `keepLogsIn` (default: test-output/nginx/<pid>-<port>/).
   */
  static async start(backends: Backend[], options: { port?: number; keepLogsIn?: string } = {}): Promise<Nginx> {
    if (!existsSync(NGINX_BIN)) {
      throw new Error(`${NGINX_BIN} not found: run scripts/ensure-nginx.sh (or set JAM_NGINX)`);
    }
    const port = options.port ?? (await freePort());
    const dir = mkdtempSync(join(tmpdir(), "jam-nginx-"));
    writeFileSync(join(dir, "nginx.conf"), nginxConfig(dir, port, backends));
    const args = ["-p", `${dir}/`, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log"), "-g", "daemon off;"];
    const child = spawn(NGINX_BIN, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    const keepLogsIn = options.keepLogsIn ?? join(NGINX_LOG_ROOT, `${process.pid}-${port}`);
    const nginx = new Nginx(port, dir, keepLogsIn, child);
    running.push(nginx);
    const gone = exited(child).then(() => {
      throw new Error(`nginx exited at start: ${stderr}${nginx.errorLog()}`);
    });
    gone.catch(() => undefined);
    await Promise.race([eventually(() => listening(port), 15_000), gone]);
    return nginx;
  }

  /** The root, balanced over every node; ends with `/`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Where one node is reached (its public URL); ends with `/`. */
  nodeUrl(name: string): string {
    return `${this.url}n/${name}/`;
  }

  errorLog(): string {
    const path = join(this.dir, "error.log");
    return existsSync(path) ? readFileSync(path, "utf8") : "";
  }

  /** Stops nginx at once (SIGTERM: open connections are closed). */
  async stop(): Promise<void> {
    const done = exited(this.child);
    this.child.kill("SIGTERM");
    await done;
  }
}

/**
 * For a test file whose tests start nginx (`Nginx` or `NginxCluster`): after each test its clients
 * are closed first, then every nginx it started is stopped and its directory removed (a failed test's
 * nginx config and logs kept), then (./cluster) its clusters are shut down.
 */
export function nginxForThisFile(): void {
  clustersForThisFile();
  afterEach(async ({ task }) => {
    closeAllClients();
    const failed = task.result?.state === "fail" || (task.result?.errors?.length ?? 0) > 0;
    for (const nginx of running.splice(0)) {
      await nginx.stop();
      if (failed) keepLogs(nginx);
      rmSync(nginx.dir, { recursive: true, force: true });
    }
  });
}

function keepLogs(nginx: Nginx): void {
  mkdirSync(nginx.keepLogsIn, { recursive: true });
  for (const file of ["nginx.conf", "error.log", "access.log"]) {
    const path = join(nginx.dir, file);
    if (existsSync(path)) cpSync(path, join(nginx.keepLogsIn, file));
  }
}

export interface NginxClusterOptions {
  /** How many nodes (named a, b, c, …; at /n/a/, /n/b/, …). */
  nodes: number;
  timings?: Partial<Timings>;
  /** Further jam-server flags for every node (e.g. `--static-dir`). */
  flags?: string[];
}

const ms = (value: number) => `${Math.round(value)}ms`;

/**
 * A cluster behind nginx. ./cluster's `Cluster` gives flags only to all nodes alike, and each node
 * needs its own `--public-url`: it runs Redis here (with no nodes of its own), and the nodes are
 * started by this class and added to its list, so its `kill9`, `stop`, `waitReady` and clean-up
 * apply to them.
 */
export class NginxCluster {
  private constructor(
    readonly cluster: Cluster,
    readonly nginx: Nginx,
    private readonly flags: string[],
  ) {}

  static async start(options: NginxClusterOptions): Promise<NginxCluster> {
    const cluster = await Cluster.start({ nodes: 0, timings: options.timings });
    const port = await freePort();
    const names = Array.from({ length: options.nodes }, (_, i) => String.fromCharCode(97 + i));
    const logDir = join(CLUSTER_LOG_ROOT, cluster.prefix);
    const flags = options.flags ?? [];
    // The nodes first (each must know its public URL, hence nginx's port), then nginx with their
    // ports. Each joins the cluster's list once started, so it is shut down even if another fails.
    const start = async (name: string) => {
      const node = await spawnNode(cluster, logDir, name, 0, port, flags);
      cluster.nodes.push(node);
      return node;
    };
    const nodes = await Promise.all(names.map(start));
    cluster.nodes.sort((x, y) => x.name.localeCompare(y.name));
    const nginx = await Nginx.start(nodes, { port, keepLogsIn: join(logDir, "nginx") });
    const jam = new NginxCluster(cluster, nginx, flags);
    await Promise.all(nodes.map((node) => cluster.waitReady(node)));
    return jam;
  }

  get nodes(): ClusterNode[] {
    return this.cluster.nodes;
  }

  get timings(): Timings {
    return this.cluster.timings;
  }

  /** nginx's root (any node); ends with `/`. */
  get url(): string {
    return this.nginx.url;
  }

  /** A node's public URL: its path behind nginx. */
  publicUrl(node: ClusterNode): string {
    return this.nginx.nodeUrl(node.name);
  }

  /** The node whose public URL this is. */
  nodeAt(publicUrl: string): ClusterNode {
    const node = this.nodes.find((n) => this.publicUrl(n) === publicUrl);
    if (!node) throw new Error(`no node has the public URL ${publicUrl}`);
    return node;
  }

  kill9(node: ClusterNode): Promise<void> {
    return this.cluster.kill9(node);
  }

  /** SIGTERM; resolves with the exit code. */
  stop(node: ClusterNode): Promise<number | null> {
    return this.cluster.stop(node);
  }

  waitReady(node: ClusterNode, timeoutMs?: number): Promise<void> {
    return this.cluster.waitReady(node, timeoutMs);
  }

  /** Starts a stopped node again on its port, with its flags; retries while the port is not free yet. */
  async restart(node: ClusterNode): Promise<void> {
    if (node.child.exitCode === null && node.child.signalCode === null) await this.stop(node);
    const logDir = join(CLUSTER_LOG_ROOT, this.cluster.prefix);
    for (let attempt = 1; ; attempt++) {
      try {
        const again = await spawnNode(this.cluster, logDir, node.name, node.port, this.nginx.port, this.flags);
        node.child = again.child;
        return;
      } catch (err) {
        if (attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }
}

/** A node's flags: those ./cluster gives its nodes, plus its public URL and the trusted proxy. */
function nodeArgs(cluster: Cluster, name: string, port: number, nginxPort: number, flags: string[]): string[] {
  const t = cluster.timings;
  return [
    ["--port", String(port), "--log", "warn"],
    ["--redis-url", cluster.redisUrl, "--redis-prefix", cluster.prefix],
    ["--node-ttl", ms(t.nodeTtlMs), "--resume-grace", ms(t.resumeGraceMs)],
    ["--ping-interval", ms(t.pingIntervalMs), "--ping-timeout", ms(t.pingTimeoutMs)],
    ["--public-url", `http://127.0.0.1:${nginxPort}/n/${name}/`, "--trusted-proxy", "127.0.0.1"],
    flags,
  ].flat();
}

async function spawnNode(
  cluster: Cluster,
  logDir: string,
  name: string,
  port: number,
  nginxPort: number,
  flags: string[],
): Promise<ClusterNode> {
  const logPath = join(logDir, `node-${name}.log`);
  const log = openSync(logPath, "a");
  try {
    const { child, url } = await spawnServer(nodeArgs(cluster, name, port, nginxPort, flags), log);
    return { name, url, port: Number(new URL(url).port), child };
  } catch (err) {
    const tail = readFileSync(logPath, "utf8").split("\n").slice(-15).join("\n");
    throw new Error(`node ${name}: ${(err as Error).message}\n${tail}`);
  } finally {
    closeSync(log);
  }
}
