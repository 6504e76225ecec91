/**
 * Several jam-server nodes sharing one Redis (see ./cluster.ts): a room spans nodes, its seats are
 * counted once, and a dead node's participants are handled exactly once by the survivors. Room
 * events are watched on bare sockets (./roomWatch.ts) where repeats must be visible: the service
 * would drop a repeated seq. Redis outages and restarts: ./clusterRestarts.test.ts.
 */
import { describe, expect, it } from "vitest";
import type {
  BroadcastAck,
  BroadcastEvent,
  ErrorPayload,
  SessionJoined,
  SessionResumed,
  UserJoined,
  UserLeft,
} from "../src/types/protocol";
import { Cluster, SLACK_MS, clustersForThisFile, sleep } from "./cluster";
import { collect, connectRaw, eventually, next, onRaw } from "./harness";
import {
  type Watcher,
  about,
  createRoom,
  expectSameEventPerSeq,
  expectSeqsStrictlyIncreasing,
  lastSeq,
  listen,
  payloadsOf,
  watch,
} from "./roomWatch";

clustersForThisFile();

const range = (n: number) => Array.from({ length: n }, (_, i) => i);


describe("a room spanning nodes", () => {
  it("joins, broadcasts and leaves on either node reach everyone; each client sees seqs strictly increasing", async () => {
    const cluster = await Cluster.start({ nodes: 2 });
    const [a, b] = cluster.nodes;
    const roomCode = await createRoom(a);
    const names = ["Ana", "Ben", "Cai", "Dee"];
    const members: Watcher[] = [];
    for (const [i, name] of names.entries()) {
      const member = await watch(i % 2 === 0 ? a : b, roomCode, name);
      expect(member.joined.participants.map((p) => p.name), `${name}'s snapshot`).toEqual(names.slice(0, i + 1));
      members.push(member);
    }
    const joinedNames = (w: Watcher) => payloadsOf<UserJoined>(w, "session:user-joined").map((p) => p.user.name);
    await eventually(async () => members.every((m, i) => joinedNames(m).length >= names.length - 1 - i), SLACK_MS);
    members.forEach((m, i) => expect(joinedNames(m), `user-joined as ${m.name} saw them`).toEqual(names.slice(i + 1)));

    // Everyone sends five at the same time, from both nodes.
    const sends = members.flatMap((m) =>
      range(5).map(async (k) => {
        const ack: BroadcastAck = await m.socket.emitWithAck("event:broadcast", {
          roomCode,
          eventName: "note:on",
          data: { from: m.name, k },
        });
        return { key: `${m.name}/${k}`, seq: ack.seq };
      }),
    );
    const acked = await Promise.all(sends);
    expect(new Set(acked.map((s) => s.seq)).size, "distinct seqs given").toBe(acked.length);
    const seqOf = new Map(acked.map((s) => [s.key, s.seq]));
    const relayed = (w: Watcher) => payloadsOf<BroadcastEvent>(w, "event:broadcast");
    await eventually(async () => members.every((m) => relayed(m).length >= 15), SLACK_MS);
    for (const m of members) {
      const got = relayed(m).map((e) => {
        const data = e.data as { from: string; k: number };
        expect(e.senderId).toBe(members.find((s) => s.name === data.from)?.id);
        expect(e.seq, `the seq of ${data.from}/${data.k}`).toBe(seqOf.get(`${data.from}/${data.k}`));
        return `${data.from}/${data.k}`;
      });
      const expected = acked.map((s) => s.key).filter((key) => !key.startsWith(`${m.name}/`));
      expect([...got].sort(), `broadcasts ${m.name} got`).toEqual([...expected].sort());
    }

    const [ana, ben, cai, dee] = members;
    await cai.socket.emitWithAck("session:leave", { roomCode });
    const stayed = [ana, ben, dee];
    await eventually(async () => stayed.every((m) => about(m, "session:user-left", cai.id).length > 0), SLACK_MS);
    for (const m of stayed) {
      expect(payloadsOf<UserLeft>(m, "session:user-left")).toEqual([
        expect.objectContaining({ userId: cai.id, roomCode, reason: "left" }),
      ]);
    }
    for (const m of members) expectSeqsStrictlyIncreasing(m);
    expectSameEventPerSeq(members);
  }, 60_000);

  it("16 seats, 40 joiners on 2 nodes at the same instant: exactly 16 join, 24 get room_full, all see the same 16", async () => {
    const cluster = await Cluster.start({ nodes: 2 });
    const [a, b] = cluster.nodes;
    const roomCode = await createRoom(a);
    const clients = await Promise.all(range(40).map((i) => listen(i % 2 === 0 ? a : b)));
    const errors = clients.map(({ socket }) => collect<ErrorPayload>(onRaw(socket, "error")));

    const replies: (SessionJoined | { error: ErrorPayload })[] = await Promise.all(
      clients.map(({ socket }, i) => socket.emitWithAck("session:join", { roomCode, user: { name: `P${i}` } })),
    );

    const seatedAt = range(40).filter((i) => !("error" in replies[i]));
    const refusedAt = range(40).filter((i) => "error" in replies[i]);
    expect(seatedAt, "joins that got a seat").toHaveLength(16);
    expect(refusedAt.map((i) => (replies[i] as { error: ErrorPayload }).error.code)).toEqual(Array(24).fill("room_full"));
    await eventually(async () => refusedAt.every((i) => errors[i].length > 0), SLACK_MS);
    for (const i of refusedAt) {
      expect(errors[i]).toEqual([expect.objectContaining({ code: "room_full", event: "session:join" })]);
    }
    for (const i of seatedAt) expect(errors[i], `errors of seated P${i}`).toEqual([]);

    const seated = seatedAt.map((i) => replies[i] as SessionJoined);
    const seatIds = new Set(seated.map((j) => j.you.id));
    expect(seatIds.size).toBe(16);
    // Each member's view: its snapshot, plus later joins, minus later leaves.
    const view = (i: number) => {
      const ids = new Set((replies[i] as SessionJoined).participants.map((p) => p.id));
      for (const e of clients[i].events) {
        if (e.event === "session:user-joined") ids.add((e.payload as unknown as UserJoined).user.id);
        if (e.event === "session:user-left") ids.delete(e.payload.userId!);
      }
      return ids;
    };
    await eventually(async () => seatedAt.every((i) => view(i).size === 16), SLACK_MS);
    for (const i of seatedAt) {
      expect([...view(i)].sort(), `seats as P${i} sees them`).toEqual([...seatIds].sort());
      const seqs = clients[i].events.map((e) => e.payload.seq);
      expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
      if (seqs.length > 0) expect(seqs[0]).toBeGreaterThan((replies[i] as SessionJoined).seq);
    }
    const late = await connectRaw(b.url, { transports: ["websocket"] });
    expect(await late.emitWithAck("session:join", { roomCode, user: { name: "Late" } })).toMatchObject({
      error: { code: "room_full" },
    });
  }, 90_000);

  it("every node's /metrics counts the cluster's rooms and seats, not only its own", async () => {
    const cluster = await Cluster.start({ nodes: 2 });
    const [a, b] = cluster.nodes;
    const roomCode = await createRoom(a);
    await watch(a, roomCode, "Ana");
    await watch(b, roomCode, "Ben");
    await watch(b, roomCode, "Cai");
    const gauge = async (url: string, name: string) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return Number(/^(\S+) (\d+)$/m.exec(text.split("\n").find((l) => l.startsWith(`${name} `)) ?? "")?.[2]);
    };
    await eventually(async () => {
      for (const node of [a, b]) {
        if ((await gauge(node.url, "jam_participants")) !== 3) return false;
        if ((await gauge(node.url, "jam_rooms")) !== 1) return false;
      }
      return true;
    }, SLACK_MS);
  });
});

describe("acting on a connection of another node", () => {
  it("a host kicks a member connected to the other node; a seat resumed on one node closes the old connection on the other", async () => {
    const cluster = await Cluster.start({ nodes: 2 });
    const [a, b] = cluster.nodes;
    const roomCode = await createRoom(a);
    const host = await watch(a, roomCode, "Host");
    const bob = await watch(b, roomCode, "Bob");
    const cai = await watch(a, roomCode, "Cai");

    const kicked = next<{ roomCode: string }>(onRaw(bob.socket, "session:kicked"));
    const ack = await host.socket.emitWithAck("session:kick", { roomCode, userId: bob.id });
    expect(ack).not.toHaveProperty("error");
    expect(await kicked).toEqual({ roomCode });
    const bobAfter = collect<BroadcastEvent>(onRaw(bob.socket, "event:broadcast"));
    const caiGot = next<BroadcastEvent>(onRaw(cai.socket, "event:broadcast"));
    await host.socket.emitWithAck("event:broadcast", { roomCode, eventName: "after-kick", data: 1 });
    await caiGot;
    await sleep(300);
    expect(bobAfter, "a kicked member hears nothing more of the room").toEqual([]);

    // Cai's seat (on A) is resumed by a new connection on B: A closes Cai's old connection.
    const closed = new Promise<string>((resolve) => cai.socket.once("disconnect", resolve));
    const { socket: again } = await listen(b);
    const resumed: SessionResumed = await again.emitWithAck("session:resume", {
      roomCode,
      resumeToken: cai.token,
      lastSeq: lastSeq(cai),
    });
    expect(resumed.you.id).toBe(cai.id);
    expect(await closed).toBe("io server disconnect");
  });
});

describe("a node dies (kill -9)", () => {
  it("its participants go away on the survivors, then leave after the grace, each exactly once; one resumes elsewhere", async () => {
    const cluster = await Cluster.start({ nodes: 3, timings: { resumeGraceMs: 6_000 } });
    const [a, b, c] = cluster.nodes;
    const { nodeTtlMs, resumeGraceMs } = cluster.timings;
    const roomCode = await createRoom(b);
    const b1 = await watch(b, roomCode, "B1");
    const a1 = await watch(a, roomCode, "A1");
    const c1 = await watch(c, roomCode, "C1");
    const a2 = await watch(a, roomCode, "A2");
    const b2 = await watch(b, roomCode, "B2");
    const c2 = await watch(c, roomCode, "C2");
    const survivors = [b1, b2, c1, c2];
    const settled = c2.joined.seq;
    await eventually(async () => [b1, a1, c1, a2, b2].every((w) => lastSeq(w) >= settled), SLACK_MS);
    const a1SeenUpTo = lastSeq(a1);

    await cluster.kill9(a);
    const awayBoth = (w: Watcher) => [a1, a2].every((x) => about(w, "session:user-away", x.id).length > 0);
    await eventually(async () => survivors.every(awayBoth), nodeTtlMs + SLACK_MS);

    // While A1 is away the room goes on; it resumes on another node with its token.
    const whileAway: BroadcastAck = await b1.socket.emitWithAck("event:broadcast", {
      roomCode,
      eventName: "while-away",
      data: { n: 1 },
    });
    const back = await listen(c);
    const resumed: SessionResumed = await back.socket.emitWithAck("session:resume", {
      roomCode,
      resumeToken: a1.token,
      lastSeq: a1SeenUpTo,
    });
    expect(resumed, "resume on a survivor").not.toHaveProperty("error");
    expect(resumed.you.id).toBe(a1.id);
    expect(resumed.gap).toBe(false);
    const missedSeqs = resumed.missed.map((m) => (m.data as { seq: number }).seq);
    expect(missedSeqs).toEqual([...new Set(missedSeqs)].sort((x, y) => x - y));
    expect(missedSeqs[0]).toBeGreaterThan(a1SeenUpTo);
    expect(resumed.missed).toContainEqual({
      event: "event:broadcast",
      data: expect.objectContaining({ eventName: "while-away", seq: whileAway.seq, senderId: b1.id }),
    });
    for (const x of [a1, a2]) {
      expect(resumed.missed, `the missed user-away of ${x.name}`).toContainEqual({
        event: "session:user-away",
        data: expect.objectContaining({ userId: x.id }),
      });
    }
    const awayFlags = Object.fromEntries(resumed.participants.map((p) => [p.id, p.away]));
    expect(awayFlags[a1.id]).toBe(false);
    expect(awayFlags[a2.id]).toBe(true);
    const a1back: Watcher = { ...a1, node: c, socket: back.socket, events: back.events, joined: resumed };
    await eventually(async () => survivors.every((w) => about(w, "session:user-back", a1.id).length > 0), SLACK_MS);

    // A2 never comes back: the grace runs out once, for the whole cluster.
    const everyone = [...survivors, a1back];
    const a2Left = (w: Watcher) => about(w, "session:user-left", a2.id).length > 0;
    await eventually(async () => everyone.every(a2Left), resumeGraceMs + nodeTtlMs + SLACK_MS);
    // Nothing announces "no second copy is coming": give every node a heartbeat period or two to
    // (wrongly) act again, then a broadcast that everyone receives closes the window.
    await sleep(2 * nodeTtlMs);
    const last: BroadcastAck = await c1.socket.emitWithAck("event:broadcast", { roomCode, eventName: "last", data: 0 });
    const hearers = everyone.filter((w) => w !== c1); // the sender gets no echo
    await eventually(async () => hearers.every((w) => lastSeq(w) >= last.seq), SLACK_MS);

    for (const w of survivors) {
      expect(about(w, "session:user-away", a1.id), `A1 away, as ${w.name} saw it`).toHaveLength(1);
      expect(about(w, "session:user-away", a2.id), `A2 away, as ${w.name} saw it`).toHaveLength(1);
      expect(about(w, "session:user-back", a1.id), `A1 back, as ${w.name} saw it`).toHaveLength(1);
      expect(about(w, "session:user-left", a1.id), `A1 never left, as ${w.name} saw it`).toEqual([]);
      expectSeqsStrictlyIncreasing(w);
    }
    for (const w of everyone) {
      expect(about(w, "session:user-left", a2.id), `A2 left, as ${w.name} saw it`).toEqual([
        expect.objectContaining({ reason: "timeout", roomCode }),
      ]);
    }
    expectSeqsStrictlyIncreasing(a1back, resumed.seq);
    expectSameEventPerSeq(everyone);
  }, 90_000);
});
