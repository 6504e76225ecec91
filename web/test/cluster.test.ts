/**
 * Several jam-server nodes sharing one Redis (see ./cluster.ts): a room lives on the node it was
 * created on; joins and resumes through any other node are answered `moved` and followed there;
 * its seats are counted once; when its node dies, the first survivor asked takes it over and its
 * members resume there. Room events are watched on bare sockets (./roomWatch.ts) where repeats must
 * be visible: the service would drop a repeated seq. Redis outages and restarts:
 * ./clusterRestarts.test.ts; `moved` with socketService: ./clusterMoved.test.ts.
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
import { collect, eventually, next, onRaw } from "./harness";
import {
  type Watcher,
  about,
  createRoom,
  expectSameEventPerSeq,
  expectSeqsStrictlyIncreasing,
  lastSeq,
  payloadsOf,
  sendFollowing,
  watch,
} from "./roomWatch";

clustersForThisFile();

const range = (n: number) => Array.from({ length: n }, (_, i) => i);


describe("a room on one node, reached through any", () => {
  it("joins through either node land on the owner; broadcasts and leaves reach everyone; seqs strictly increase", async () => {
    const cluster = await Cluster.start({ nodes: 2 });
    const [a, b] = cluster.nodes;
    const roomCode = await createRoom(a);
    const names = ["Ana", "Ben", "Cai", "Dee"];
    const members: Watcher[] = [];
    for (const [i, name] of names.entries()) {
      const member = await watch(i % 2 === 0 ? a : b, roomCode, name, cluster.nodes);
      expect(member.joined.participants.map((p) => p.name), `${name}'s snapshot`).toEqual(names.slice(0, i + 1));
      expect(member.node, `${name} is served by the owner`).toBe(a);
      expect(member.movedFrom, `${name} was moved`).toEqual(i % 2 === 0 ? [] : [b]);
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

  it("16 seats, 40 joiners on 3 nodes at the same instant: exactly 16 join, 24 get room_full, all see the same 16", async () => {
    const cluster = await Cluster.start({ nodes: 3 });
    const [a, b] = cluster.nodes;
    const roomCode = await createRoom(a);
    // Two thirds join through the other nodes: they are moved to the owner, then race for the seats.
    const sent = await Promise.all(
      range(40).map((i) =>
        sendFollowing<SessionJoined>(cluster.nodes, cluster.nodes[i % 3], "session:join", {
          roomCode,
          user: { name: `P${i}` },
        }),
      ),
    );
    const clients = sent.map(({ socket, events }) => ({ socket, events }));
    const errors = clients.map(({ socket }) => collect<ErrorPayload>(onRaw(socket, "error")));
    const replies = sent.map((s) => s.reply);
    expect(sent.filter((s) => s.movedFrom.length > 0), "joins moved to A").toHaveLength(26);
    expect(sent.every((s) => s.node === a), "every joiner ends on the owner").toBe(true);

    const seatedAt = range(40).filter((i) => !("error" in replies[i]));
    const refusedAt = range(40).filter((i) => "error" in replies[i]);
    expect(seatedAt, "joins that got a seat").toHaveLength(16);
    expect(refusedAt.map((i) => (replies[i] as { error: ErrorPayload }).error.code)).toEqual(Array(24).fill("room_full"));

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
    const late = await sendFollowing(cluster.nodes, b, "session:join", { roomCode, user: { name: "Late" } });
    expect(late.reply).toMatchObject({ error: { code: "room_full" } });
    for (const i of seatedAt) expect(errors[i], `errors of seated P${i}`).toEqual([]);
  }, 90_000);

  it("every node's /metrics counts the cluster's rooms and seats, not only its own", async () => {
    const cluster = await Cluster.start({ nodes: 2 });
    const [a, b] = cluster.nodes;
    const roomCode = await createRoom(a);
    await watch(a, roomCode, "Ana", cluster.nodes);
    await watch(b, roomCode, "Ben", cluster.nodes);
    await watch(b, roomCode, "Cai", cluster.nodes);
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

describe("resuming through another node", () => {
  it("a resume through a node that does not own the room is moved; the owner closes the old connection", async () => {
    const cluster = await Cluster.start({ nodes: 2 });
    const [a, b] = cluster.nodes;
    const roomCode = await createRoom(a);
    const host = await watch(a, roomCode, "Host", cluster.nodes);
    const cai = await watch(b, roomCode, "Cai", cluster.nodes);
    const closed = new Promise<string>((resolve) => cai.socket.once("disconnect", resolve));
    const again = await sendFollowing<SessionResumed>(cluster.nodes, b, "session:resume", {
      roomCode,
      resumeToken: cai.token,
      lastSeq: lastSeq(cai),
    });
    expect(again.movedFrom).toEqual([b]);
    expect(again.node).toBe(a);
    expect((again.reply as SessionResumed).you.id).toBe(cai.id);
    expect(await closed).toBe("io server disconnect");
    const heard = next<BroadcastEvent>(onRaw(again.socket, "event:broadcast"));
    await host.socket.emitWithAck("event:broadcast", { roomCode, eventName: "after-resume", data: 1 });
    expect((await heard).eventName).toBe("after-resume");
  });
});

describe("the owner dies (kill -9)", () => {
  it("the first survivor asked takes the room over; members resume there, the others' seats expire once", async () => {
    const cluster = await Cluster.start({ nodes: 3, timings: { resumeGraceMs: 6_000 } });
    const [a, b, c] = cluster.nodes;
    const { nodeTtlMs, resumeGraceMs } = cluster.timings;
    const roomCode = await createRoom(b);
    const members = [];
    for (const [name, via] of [["B1", b], ["A1", a], ["C1", c], ["A2", a]] as const) {
      members.push(await watch(via, roomCode, name, cluster.nodes));
    }
    const [b1, a1, c1, a2] = members;
    expect(members.every((m) => m.node === b), "everyone is served by the owner").toBe(true);
    const sent: BroadcastAck = await b1.socket.emitWithAck("event:broadcast", { roomCode, eventName: "before", data: 0 });
    await eventually(async () => [a1, c1, a2].every((w) => lastSeq(w) >= sent.seq), SLACK_MS);

    await cluster.kill9(b);
    // A1 resumes through C, as soon as B's heartbeat has lapsed: C takes the room over.
    const resumeThrough = async (w: Watcher, via: typeof a) => {
      const payload = { roomCode, resumeToken: w.token, lastSeq: lastSeq(w) };
      for (const deadline = Date.now() + nodeTtlMs + SLACK_MS; ; await sleep(200)) {
        const live = cluster.nodes.filter((n) => n !== b);
        const sentNow = await sendFollowing<SessionResumed>(live, via, "session:resume", payload).catch(() => null);
        if (sentNow && !("error" in sentNow.reply)) return { ...sentNow, resumed: sentNow.reply as SessionResumed };
        if (Date.now() > deadline) throw new Error(`${w.name} could not resume: ${JSON.stringify(sentNow?.reply)}`);
      }
    };
    const a1back = await resumeThrough(a1, c);
    expect(a1back.node).toBe(c);
    expect(a1back.resumed.you.id).toBe(a1.id);
    // What B relayed last may not have reached Redis before it died: the resume says it may be missing.
    expect(a1back.resumed.gap).toBe(true);
    const away = Object.fromEntries(a1back.resumed.participants.map((p) => [p.id, p.away]));
    expect(away).toEqual({ [b1.id]: true, [a1.id]: false, [c1.id]: true, [a2.id]: true });
    expect(a1back.resumed.seq, "seqs jump past anything B could have given").toBeGreaterThan(sent.seq + 2 ** 20);

    // B1 resumes through A: C owns the room now, so A moves it there.
    const b1back = await resumeThrough(b1, a);
    expect(b1back.movedFrom).toEqual([a]);
    expect(b1back.node).toBe(c);
    const watchers: Watcher[] = [a1back, b1back].map((back, i) => ({
      ...[a1, b1][i],
      node: back.node,
      socket: back.socket,
      events: back.events,
      joined: back.resumed,
    }));
    await eventually(async () => about(watchers[0], "session:user-back", b1.id).length > 0, SLACK_MS);

    // C1 and A2 never come back: their graces run out, once.
    const left = (w: Watcher) => [c1, a2].every((x) => about(w, "session:user-left", x.id).length > 0);
    await eventually(async () => watchers.every(left), resumeGraceMs + SLACK_MS);
    await sleep(nodeTtlMs);
    const last: BroadcastAck = await watchers[0].socket.emitWithAck("event:broadcast", { roomCode, eventName: "last", data: 0 });
    await eventually(async () => lastSeq(watchers[1]) >= last.seq, SLACK_MS);
    for (const w of watchers) {
      for (const x of [c1, a2]) {
        expect(about(w, "session:user-left", x.id), `${x.name} left, as ${w.name} saw it`).toEqual([
          expect.objectContaining({ reason: "timeout", roomCode }),
        ]);
      }
      expectSeqsStrictlyIncreasing(w);
    }
    expectSameEventPerSeq(watchers);
    const located = await (await fetch(`${a.url}/api/rooms/${roomCode}`)).json();
    expect(located).toEqual({ roomCode, url: c.url.replace(/\/?$/, "/") });
  }, 90_000);
});
