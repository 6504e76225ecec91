/**
 * A cluster (./cluster.ts) across outages and restarts: Redis going away and coming back, and a
 * rolling restart of every node with clients that come back by themselves, losing no event.
 */
import { describe, expect, it } from "vitest";
import type { BroadcastEvent, SessionResumed, UserPresence } from "../src/types/protocol";
import { Cluster, SLACK_MS, clustersForThisFile, httpStatus, keepBroadcasting, sleep, within } from "./cluster";
import { type Member, collect, connectRaw, eventually, joinAs, next, onRaw } from "./harness";
import { createRoom, sendFollowing } from "./roomWatch";

clustersForThisFile();

const range = (n: number) => Array.from({ length: n }, (_, i) => i);


describe("Redis unreachable", () => {
  it("rooms keep playing on their owner; what needs the directory is `unavailable`; the log catches up", async () => {
    const cluster = await Cluster.start({ nodes: 2 });
    const [a, b] = cluster.nodes;
    const { nodeTtlMs } = cluster.timings;
    const roomCode = await createRoom(a);
    const host = await joinAs(a.url, roomCode, "Host", { transports: ["websocket"] });
    const bob = await joinAs(a.url, roomCode, "Bob", { transports: ["websocket"] });
    const probeA = await connectRaw(a.url);
    const probeB = await connectRaw(b.url);
    for (const node of cluster.nodes) expect(await httpStatus(node, "/readyz")).toBe(200);

    await cluster.stopRedis();
    for (const node of cluster.nodes) {
      await eventually(async () => (await httpStatus(node, "/readyz")) === 503, SLACK_MS);
      expect(await httpStatus(node, "/healthz"), `node ${node.name} stays alive`).toBe(200);
    }
    const create = await probeA.timeout(SLACK_MS).emitWithAck("session:create");
    expect(create).toMatchObject({ error: { code: "unavailable", event: "session:create" } });
    const through = await probeB.timeout(SLACK_MS).emitWithAck("session:join", { roomCode, user: { name: "Eve" } });
    expect(through, "a join through a node that must ask the directory").toMatchObject({
      error: { code: "unavailable", event: "session:join" },
    });

    // The room plays on: a broadcast, and Bob dropping and resuming, all on the owner.
    const bobGot = next<BroadcastEvent>(bob.service.onEvent.bind(bob.service));
    const during = await host.service.broadcastWithAck(roomCode, "during", 1);
    expect(await within(bobGot, SLACK_MS, "Bob hears the host")).toMatchObject({ eventName: "during" });
    const bobResumed = next(bob.service.onSessionResumed.bind(bob.service));
    bob.service.rawSocket!.io.engine.close();
    bob.service.rawSocket!.connect();
    const bobBack = await within(bobResumed, SLACK_MS, "Bob resumed on the owner");
    expect(bobBack.you.id).toBe(bob.id);

    await cluster.startRedis();
    for (const node of cluster.nodes) await cluster.waitReady(node, SLACK_MS);
    expect(await probeA.emitWithAck("session:create")).toHaveProperty("roomCode");
    const cara = await sendFollowing(cluster.nodes, b, "session:join", { roomCode, user: { name: "Cara" } });
    expect(cara.node, "a join through B is moved to the owner again").toBe(a);

    // What the room did during the outage reached Redis once it was back: after A dies, the room is
    // taken over from Redis with the broadcast sent while Redis was down.
    await sleep(1_000); // the writer retries every 500 ms
    await cluster.kill9(a);
    const payload = { roomCode, resumeToken: bobBack.you.resumeToken, lastSeq: during.seq - 1 };
    let resumed: SessionResumed | undefined;
    for (const deadline = Date.now() + nodeTtlMs + SLACK_MS; !resumed; await sleep(200)) {
      const reply = await probeB.emitWithAck("session:resume", payload);
      if (!("error" in reply)) resumed = reply as SessionResumed;
      else if (Date.now() > deadline) throw new Error(`no takeover: ${JSON.stringify(reply)}`);
    }
    expect(resumed.missed).toContainEqual({
      event: "event:broadcast",
      data: expect.objectContaining({ eventName: "during", seq: during.seq }),
    });
  }, 90_000);
});


describe("graceful shutdown (server:closing)", () => {
  it("rolling restart of both nodes: clients come back and resume by themselves, every broadcast reaches everyone once", async () => {
    const cluster = await Cluster.start({ nodes: 2, timings: { resumeGraceMs: 30_000 } });
    const [a, b] = cluster.nodes;
    const roomCode = await createRoom(b);
    // Half with socket.io-client's own reconnection on (the app's default), half with it off; half
    // join through A and are moved to B, where the room lives.
    const options = (i: number) => (i % 2 === 0 ? {} : { reconnection: true });
    const members: Member[] = [];
    for (const i of range(6)) {
      const via = i < 3 ? a : b;
      members.push(await joinAs(via.url, roomCode, `M${i}`, { transports: ["websocket"], ...options(i) }));
    }
    const [sender, ...receivers] = members;
    const got = new Map(receivers.map((r) => [r.name, collect<BroadcastEvent>(r.service.onEvent.bind(r.service))]));
    const resumes = new Map(members.map((m) => [m.name, collect(m.service.onSessionResumed.bind(m.service))]));
    const freshJoins = members.map((m) => collect(m.service.onSessionJoined.bind(m.service)));
    const closing = new Map(members.map((m) => [m.name, collect(onRaw(m.service.rawSocket!, "server:closing"))]));
    const away = collect<UserPresence>(members[1].service.onUserAway.bind(members[1].service));
    const ticks = keepBroadcasting(sender.service, roomCode, [...got.values()]);
    const everyoneHas = (count: number) => async () => [...got.values()].every((events) => events.length >= count);
    await eventually(everyoneHas(5), SLACK_MS);

    // A holds none of the room: its restart goes unnoticed.
    let ticksBefore = ticks.acked.length;
    expect(await cluster.stop(a), "node A exits cleanly").toBe(0);
    await cluster.restart(a);
    await cluster.waitReady(a, SLACK_MS);
    await eventually(async () => ticks.acked.length >= ticksBefore + 5, 2 * SLACK_MS);
    for (const m of members) expect(closing.get(m.name), `${m.name} was not told anything`).toEqual([]);

    // B owns the room: it writes it down and releases it; everyone resumes, nothing lost.
    ticksBefore = ticks.acked.length;
    expect(await cluster.stop(b), "node B exits cleanly").toBe(0);
    await cluster.restart(b);
    await cluster.waitReady(b, SLACK_MS);
    await eventually(async () => members.every((m) => (resumes.get(m.name)?.length ?? 0) >= 1), 2 * SLACK_MS);
    for (const m of members) {
      expect(closing.get(m.name), `${m.name} was told the node is closing`).toHaveLength(1);
      const [resumed] = resumes.get(m.name)!;
      expect(resumed.you.id, `${m.name} got its own seat back`).toBe(m.id);
      expect(resumed.gap, `${m.name} missed nothing`).toBe(false);
    }
    await eventually(async () => ticks.acked.length >= ticksBefore + 5, 2 * SLACK_MS);
    await ticks.stop();

    const lastAcked = Math.max(...ticks.acked);
    await eventually(async () => [...got.values()].every((events) => events.some((e) => e.seq >= lastAcked)), SLACK_MS);
    for (const [name, events] of got) {
      const seqs = events.map((e) => e.seq);
      const ns = events.map((e) => (e.data as { n: number }).n);
      expect(new Set(seqs).size, `${name}: no seq twice`).toBe(seqs.length);
      expect(new Set(ns).size, `${name}: no tick twice`).toBe(ns.length);
      expect(ticks.acked.filter((seq) => !seqs.includes(seq)), `ticks ${name} never got`).toEqual([]);
    }
    for (const joins of freshJoins) expect(joins, "fresh joins (each would mean a lost seat)").toEqual([]);
    // Rule: the seats of a node going down are held as away, and the room says so.
    expect(away.map((p) => p.userId), "seats held as away").toEqual(expect.arrayContaining([sender.id]));
  }, 120_000);
});
