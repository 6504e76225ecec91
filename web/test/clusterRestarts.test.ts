/**
 * A cluster (./cluster.ts) across outages and restarts: Redis going away and coming back, and a
 * rolling restart of every node with clients that come back by themselves, losing no event.
 */
import { describe, expect, it } from "vitest";
import type { SocketService } from "../src/services/socketService";
import type { BroadcastEvent, ErrorPayload, UserPresence } from "../src/types/protocol";
import { Cluster, SLACK_MS, clustersForThisFile, httpStatus, sleep, within } from "./cluster";
import { type Member, collect, connectRaw, connectService, eventually, joinAs, next, onRaw } from "./harness";
import { createRoom } from "./roomWatch";

clustersForThisFile();

const range = (n: number) => Array.from({ length: n }, (_, i) => i);


describe("Redis unreachable", () => {
  it("readiness 503 and `unavailable` errors while Redis is down; back to ready, the room intact, once it returns", async () => {
    const cluster = await Cluster.start({ nodes: 2 });
    const [a, b] = cluster.nodes;
    const { nodeTtlMs, resumeGraceMs } = cluster.timings;
    const roomCode = await createRoom(a);
    const host = await joinAs(a.url, roomCode, "Host");
    const bob = await joinAs(b.url, roomCode, "Bob");
    const probe = await connectRaw(a.url);
    const probeErrors = collect<ErrorPayload>(onRaw(probe, "error"));
    const hostLefts = collect(host.service.onUserLeft.bind(host.service));
    for (const node of cluster.nodes) expect(await httpStatus(node, "/readyz")).toBe(200);

    await cluster.stopRedis();
    for (const node of cluster.nodes) {
      await eventually(async () => (await httpStatus(node, "/readyz")) === 503, SLACK_MS);
      expect(await httpStatus(node, "/healthz"), `node ${node.name} stays alive`).toBe(200);
    }
    const create = await probe.timeout(SLACK_MS).emitWithAck("session:create");
    expect(create).toMatchObject({ error: { code: "unavailable", event: "session:create" } });
    await eventually(async () => probeErrors.some((e) => (e.code as string) === "unavailable"), SLACK_MS);
    await expect(host.service.broadcastWithAck(roomCode, "note:on", 1)).rejects.toMatchObject({
      code: "unavailable",
    });

    // Bob's connection drops during the outage; his service keeps trying to resume (the server
    // answers `unavailable` meanwhile) and gets his seat back once Redis is there again.
    const bobUnavailable = next<ErrorPayload>(bob.service.onError.bind(bob.service));
    const bobResumed = next(bob.service.onSessionResumed.bind(bob.service));
    bob.service.rawSocket!.io.engine.close();
    bob.service.rawSocket!.connect();
    expect(await within(bobUnavailable, SLACK_MS, "Bob's resume refused")).toMatchObject({
      code: "unavailable",
      event: "session:resume",
    });

    await cluster.startRedis();
    for (const node of cluster.nodes) await cluster.waitReady(node, SLACK_MS);
    expect((await within(bobResumed, SLACK_MS, "Bob resumed")).you.id).toBe(bob.id);
    expect(await probe.emitWithAck("session:create")).toHaveProperty("roomCode");

    const cara = await connectService(b.url);
    const joined = await cara.joinSession(roomCode, "Cara");
    expect(joined.participants.map((p) => p.id)).toEqual(expect.arrayContaining([host.id, bob.id]));
    const bobGot = next<BroadcastEvent>(bob.service.onEvent.bind(bob.service));
    await host.service.broadcastWithAck(roomCode, "after", 2);
    expect(await bobGot).toMatchObject({ eventName: "after", data: 2, senderId: host.id });

    // Rule: connected members are never evicted because Redis blinked (their nodes' heartbeats
    // lapsed with it). Nothing signals "it did not happen": wait out a grace and a heartbeat period.
    await sleep(resumeGraceMs + 2 * nodeTtlMs);
    const dan = await connectService(a.url);
    const later = await dan.joinSession(roomCode, "Dan");
    expect(later.participants.filter((p) => !p.away).map((p) => p.id)).toEqual(
      expect.arrayContaining([host.id, bob.id, joined.you.id]),
    );
    expect(hostLefts).toEqual([]);
  }, 90_000);
});

/** Sends a tick every ~100 ms until stopped; keeps the seqs the server acknowledged. */
function keepBroadcasting(sender: SocketService, roomCode: string) {
  const acked: number[] = [];
  let running = true;
  const done = (async () => {
    for (let n = 0; running; n++) {
      try {
        acked.push((await sender.broadcastWithAck(roomCode, "tick", { n })).seq);
      } catch {
        // Disconnected or not resumed yet: this tick reached nobody, and the test does not expect it.
      }
      await sleep(100);
    }
  })();
  return {
    acked,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

describe("graceful shutdown (server:closing)", () => {
  it("rolling restart of both nodes: clients come back and resume by themselves, every broadcast reaches everyone once", async () => {
    const cluster = await Cluster.start({ nodes: 2, timings: { resumeGraceMs: 30_000 } });
    const [a, b] = cluster.nodes;
    const roomCode = await createRoom(b);
    // Half with socket.io-client's own reconnection on (the app's default), half with it off.
    const options = (i: number) => (i % 2 === 0 ? {} : { reconnection: true });
    const onA: Member[] = [];
    const onB: Member[] = [];
    for (const i of range(3)) onA.push(await joinAs(a.url, roomCode, `A${i}`, options(i)));
    for (const i of range(3)) onB.push(await joinAs(b.url, roomCode, `B${i}`, { transports: ["websocket"], ...options(i) }));
    const [sender, ...receivers] = [...onA, ...onB];
    const got = new Map(receivers.map((r) => [r.name, collect<BroadcastEvent>(r.service.onEvent.bind(r.service))]));
    const resumes = new Map([...onA, ...onB].map((m) => [m.name, collect(m.service.onSessionResumed.bind(m.service))]));
    const freshJoins = [...onA, ...onB].map((m) => collect(m.service.onSessionJoined.bind(m.service)));
    const closing = new Map([...onA, ...onB].map((m) => [m.name, collect(onRaw(m.service.rawSocket!, "server:closing"))]));
    const awayOnB = collect<UserPresence>(onB[0].service.onUserAway.bind(onB[0].service));
    const ticks = keepBroadcasting(sender.service, roomCode);
    const everyoneHas = (count: number) => async () => [...got.values()].every((events) => events.length >= count);

    await eventually(everyoneHas(5), SLACK_MS);
    let missedTicks = 0;
    for (const [node, members] of [
      [a, onA],
      [b, onB],
    ] as const) {
      const ticksBefore = ticks.acked.length;
      expect(await cluster.stop(node), `node ${node.name} exits cleanly`).toBe(0);
      await cluster.restart(node);
      await cluster.waitReady(node, SLACK_MS);
      await eventually(async () => members.every((m) => (resumes.get(m.name)?.length ?? 0) >= 1), 2 * SLACK_MS);
      for (const m of members) {
        expect(closing.get(m.name), `${m.name} was told the node is closing`).toHaveLength(1);
        const resumed = resumes.get(m.name)![0];
        expect(resumed.you.id, `${m.name} got its own seat back`).toBe(m.id);
        missedTicks += resumed.missed.filter((e) => e.event === "event:broadcast").length;
        resumes.get(m.name)!.length = 0;
        closing.get(m.name)!.length = 0;
      }
      await eventually(async () => ticks.acked.length >= ticksBefore + 5, 2 * SLACK_MS);
    }
    await ticks.stop();
    // The sender (on A) kept going while B restarted: B's members got those ticks on resuming.
    expect(missedTicks, "ticks delivered in `missed`").toBeGreaterThan(0);

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
    // Rule: a node shutting down holds its participants' seats as away, and says so to the room.
    expect(awayOnB.map((p) => p.userId), "A's seats held as away").toEqual(expect.arrayContaining(onA.map((m) => m.id)));
  }, 120_000);
});
