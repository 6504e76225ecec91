/**
 * A cluster behind nginx (./nginx.ts), as docs/operations.md ("Behind nginx") runs it: each room lives
 * on one node, reached at its public URL /n/<name>/; clients come in through the root, are told
 * `moved` by a node that does not hold their room, and follow by themselves (socketService). When
 * the room's node dies or is restarted, its members come back through the root and the room goes on
 * on a survivor. Every client here is the official one, through socketService.
 */
import { describe, expect, it } from "vitest";
import type { SocketService } from "../src/session/service/socketService";
import type { BroadcastEvent, SessionJoined, SessionResumed } from "../src/types/protocol";
import { type ClusterNode, SLACK_MS, keepBroadcasting } from "./cluster";
import { type Member, collect, connectRaw, connectService, eventually, joinAs, startServer } from "./harness";
import { Nginx, NginxCluster, nginxForThisFile } from "./nginx";

nginxForThisFile();

/** What GET /api/rooms/{code} answers, at `base` (nginx's root or a node's public URL). */
async function roomLookup(base: string, roomCode: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}api/rooms/${roomCode}`, { signal: AbortSignal.timeout(SLACK_MS) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { status: response.status, body: { notJson: text.slice(0, 200) } };
  }
}

const publicUrls = (jam: NginxCluster, nodes: ClusterNode[]) => nodes.map((n) => jam.publicUrl(n));

/** The room's node, by its public URL, as the root says; the same answer from every live node's path. */
async function ownerOf(jam: NginxCluster, roomCode: string, live: ClusterNode[] = jam.nodes): Promise<string> {
  const answers = await Promise.all([jam.url, ...publicUrls(jam, live)].map((base) => roomLookup(base, roomCode)));
  for (const answer of answers) {
    expect(answer, "GET /api/rooms/{code}").toMatchObject({ status: 200, body: { roomCode, url: answers[0].body.url } });
  }
  expect(answers[0].body.url, "the room's public URL").toEqual(expect.any(String));
  return answers[0].body.url as string;
}

/** A member's service with socket.io-client's reconnection on (needed after a kill -9). */
const AUTO = { reconnection: true };

interface RoomBehindNginx {
  roomCode: string;
  owner: ClusterNode;
  members: Member[];
  /** Every broadcast each member's service delivered, by member name, from the first join on. */
  got: Map<string, BroadcastEvent[]>;
}

/**
 * A room made through nginx's root, and four members: Host (its creator), Ben (polling, then
 * websocket) and Cai (websocket) through the root, Dee through the path of a node that does not hold
 * the room, so it is certainly told `moved`.
 */
async function roomOfFour(jam: NginxCluster): Promise<RoomBehindNginx> {
  const creator = await connectService(jam.url, AUTO);
  const { roomCode } = await creator.createSession();
  const owner = jam.nodeAt(await ownerOf(jam, roomCode));
  const elsewhere = jam.nodes.find((n) => n !== owner)!;
  const host = await memberOf(creator, roomCode, "Host");
  const ben = await joinAs(jam.url, roomCode, "Ben", AUTO);
  const cai = await joinAs(jam.url, roomCode, "Cai", { ...AUTO, transports: ["websocket"] });
  const dee = await joinAs(jam.url, roomCode, "Dee", { ...AUTO, path: `/n/${elsewhere.name}/socket.io/` });
  const deePath = dee.service.rawSocket?.io.opts.path?.replace(/\/?$/, "/");
  expect(deePath, "Dee followed `moved` to the room's node").toBe(`/n/${owner.name}/socket.io/`);
  const members = [host, ben, cai, dee];
  const got = new Map(members.map((m) => [m.name, collect<BroadcastEvent>(m.service.onEvent.bind(m.service))]));
  return { roomCode, owner, members, got };
}

async function memberOf(service: SocketService, roomCode: string, name: string): Promise<Member> {
  const joined: SessionJoined = await service.joinSession(roomCode, name);
  return { service, id: joined.you.id, name, resumeToken: joined.you.resumeToken };
}

/**
 * Each member broadcasts one `label` event (acked); resolves once every other member's service has
 * delivered each of them, and checks none was delivered twice.
 */
async function everyoneHearsEveryone(room: RoomBehindNginx, label: string): Promise<void> {
  const { roomCode, members, got } = room;
  await Promise.all(members.map((m) => m.service.broadcastWithAck(roomCode, label, { from: m.name })));
  const heard = (name: string) => got.get(name)!.filter((e) => e.eventName === label);
  await eventually(async () => members.every((m) => heard(m.name).length >= members.length - 1), SLACK_MS);
  for (const m of members) {
    const senders = heard(m.name).map((e) => (e.data as { from: string }).from);
    const others = members.filter((o) => o !== m).map((o) => o.name);
    expect(senders.sort(), `${label} broadcasts ${m.name} got`).toEqual(others.sort());
  }
}

/** Watches every member's service for `session:resumed`, from now on. */
function watchResumes(room: RoomBehindNginx): SessionResumed[][] {
  return room.members.map((m) => collect<SessionResumed>(m.service.onSessionResumed.bind(m.service)));
}

/** Waits until every member has resumed (else names who has not), each in its own seat. */
async function everyoneResumed(room: RoomBehindNginx, resumes: SessionResumed[][], timeoutMs: number): Promise<void> {
  const missing = () => room.members.filter((_, i) => resumes[i].length === 0).map((m) => m.name);
  await eventually(async () => missing().length === 0, timeoutMs).catch(() => {
    throw new Error(`not resumed in ${timeoutMs} ms: ${missing().join(", ")}`);
  });
  room.members.forEach((m, i) => expect(resumes[i][0].you.id, `${m.name} got its own seat back`).toBe(m.id));
}

/** Rule: a member's service delivers each room event once: no seq and no sent payload twice. */
function expectNoDuplicates(room: RoomBehindNginx): void {
  for (const [name, events] of room.got) {
    const seqs = events.map((e) => e.seq);
    const payloads = events.map((e) => `${e.eventName} ${JSON.stringify(e.data)}`);
    expect(new Set(seqs).size, `${name}: no seq twice`).toBe(seqs.length);
    expect(new Set(payloads).size, `${name}: no broadcast twice`).toBe(payloads.length);
  }
}

describe("nginx in front of nodes", () => {
  it("nginx routes /n/<name>/ to that node and the root to any node", async () => {
    const flags = ["--trusted-proxy", "127.0.0.1"];
    const plain = [await startServer(flags), await startServer(flags)];
    try {
      const [a, b] = plain;
      const nginx = await Nginx.start([
        { name: "a", port: Number(new URL(a.url).port) },
        { name: "b", port: Number(new URL(b.url).port) },
      ]);
      for (const path of ["n/a/healthz", "n/b/healthz", "healthz"]) {
        const response = await fetch(`${nginx.url}${path}`);
        expect(`${response.status} ${await response.text()}`, `GET /${path}`).toBe("200 ok");
      }
      // Which node a path reaches: a room made through it is known to that node only (no Redis).
      const knows = async (url: string, roomCode: string) => {
        const probe = await connectRaw(url, { transports: ["websocket"] });
        const reply = await probe.emitWithAck("session:join", { roomCode, user: { name: "Probe" } });
        probe.disconnect();
        return !("error" in reply);
      };
      const madeThrough = async (path: string, transports?: ("websocket" | "polling")[]) => {
        const service = await connectService(nginx.url, { path, ...(transports && { transports }) });
        return (await service.createSession()).roomCode;
      };
      const onA = await madeThrough("/n/a/socket.io/", ["polling"]);
      const onB = await madeThrough("/n/b/socket.io/", ["websocket"]);
      const viaRoot = await madeThrough("/socket.io/");
      const knownBy = async (roomCode: string) => [await knows(a.url, roomCode), await knows(b.url, roomCode)];
      expect(await knownBy(onA), "a room made through /n/a/ is on a").toEqual([true, false]);
      expect(await knownBy(onB), "a room made through /n/b/ is on b").toEqual([false, true]);
      expect((await knownBy(viaRoot)).filter(Boolean), "a room made through / is on one").toHaveLength(1);

      // A node that is gone: its path fails, the root goes to the other one.
      await b.stop();
      expect((await fetch(`${nginx.url}n/b/healthz`)).status).toBe(502);
      for (let i = 0; i < 3; i++) {
        expect((await fetch(`${nginx.url}healthz`)).status, "GET /healthz with b gone").toBe(200);
      }
    } finally {
      await Promise.all(plain.map((server) => server.stop()));
    }
  });
});

describe("a cluster behind nginx", () => {
  it("a room made through the root lives on one node, /api/rooms names it, members who land elsewhere follow `moved`", async () => {
    const jam = await NginxCluster.start({ nodes: 3 });
    const room = await roomOfFour(jam);
    expect(jam.publicUrl(room.owner)).toMatch(/\/n\/[abc]\/$/);
    expect(await roomLookup(jam.url, "ZZZZZZ")).toMatchObject({ status: 404, body: { code: "room_not_found" } });
    await everyoneHearsEveryone(room, "hello");
    expectNoDuplicates(room);
  }, 90_000);

  it("kill -9 of the room's node: members come back through the root and resume on a survivor, which /api/rooms then names", async () => {
    const jam = await NginxCluster.start({ nodes: 3, timings: { resumeGraceMs: 30_000 } });
    const room = await roomOfFour(jam);
    await everyoneHearsEveryone(room, "before");
    const resumes = watchResumes(room);
    const freshJoins = room.members.map((m) => collect(m.service.onSessionJoined.bind(m.service)));

    await jam.kill9(room.owner);
    const survivors = jam.nodes.filter((n) => n !== room.owner);
    await everyoneResumed(room, resumes, jam.timings.nodeTtlMs + 6 * SLACK_MS);
    const now = await ownerOf(jam, room.roomCode, survivors);
    expect(publicUrls(jam, survivors), "the room's node now").toContain(now);

    await everyoneHearsEveryone(room, "after");
    expectNoDuplicates(room);
    for (const joins of freshJoins) expect(joins, "fresh joins (each would mean a lost seat)").toEqual([]);
  }, 120_000);

  it("rolling restart of every node: each broadcast acknowledged meanwhile reaches every member exactly once", async () => {
    const jam = await NginxCluster.start({ nodes: 3, timings: { resumeGraceMs: 30_000 } });
    const room = await roomOfFour(jam);
    const [sender, ...receivers] = room.members;
    const freshJoins = room.members.map((m) => collect(m.service.onSessionJoined.bind(m.service)));
    const ticks = keepBroadcasting(sender.service, room.roomCode, receivers.map((r) => room.got.get(r.name)!));
    try {
      await ticks.flowing();
      let moves = 0;
      for (const node of jam.nodes) if (await restartInTurn(jam, room, node, ticks)) moves++;
      // The room is always on some node and each is stopped in turn: at least one stop was of its node.
      expect(moves, "restarts of the room's node").toBeGreaterThanOrEqual(1);
    } finally {
      await ticks.stop();
    }
    await ticks.flowed();

    for (const r of receivers) {
      const seqs = room.got.get(r.name)!.map((e) => e.seq);
      expect(ticks.acked.filter((seq) => !seqs.includes(seq)), `ticks ${r.name} never got`).toEqual([]);
    }
    expectNoDuplicates(room);
    for (const joins of freshJoins) expect(joins, "fresh joins (each would mean a lost seat)").toEqual([]);
    expect(publicUrls(jam, jam.nodes)).toContain(await ownerOf(jam, room.roomCode));
  }, 240_000);
});

/**
 * One step of a rolling restart: stops `node` (SIGTERM), starts it again, and checks ticks still
 * reach everyone. If it held the room, its members must resume on another node while it is down.
 * True when it held the room.
 */
async function restartInTurn(jam: NginxCluster, room: RoomBehindNginx, node: ClusterNode, ticks: Ticks): Promise<boolean> {
  const held = (await ownerOf(jam, room.roomCode)) === jam.publicUrl(node);
  const resumes = watchResumes(room);
  expect(await jam.stop(node), `node ${node.name} exits cleanly`).toBe(0);
  if (held) {
    const others = jam.nodes.filter((n) => n !== node);
    await everyoneResumed(room, resumes, 4 * SLACK_MS);
    expect(publicUrls(jam, others), "the room's node now").toContain(await ownerOf(jam, room.roomCode, others));
    await ticks.flowing();
  }
  await jam.restart(node);
  await jam.waitReady(node, SLACK_MS);
  await ticks.flowing();
  return held;
}

type Ticks = ReturnType<typeof keepBroadcasting>;

