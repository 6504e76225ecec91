/**
 * The service's own recovery: after `server:closing` it reconnects by itself (socket.io-client would
 * not) and resumes its seats; after any other server-side disconnect (kicked, seat taken over
 * elsewhere) it stays away.
 */
import { describe, expect, it } from "vitest";
import { Cluster, SLACK_MS, clustersForThisFile, sleep, within } from "./cluster";
import { collect, connectRaw, eventually, joinAs, next, startServer } from "./harness";
import { createRoom } from "./roomWatch";

clustersForThisFile();

describe("the service after server:closing", () => {
  it("a client told server:closing reconnects by itself once the node is back, and resumes its seat", async () => {
    const cluster = await Cluster.start({ nodes: 1, timings: { resumeGraceMs: 30_000 } });
    const [a] = cluster.nodes;
    const roomCode = await createRoom(a);
    const ana = await joinAs(a.url, roomCode, "Ana", { transports: ["websocket"] });
    const ben = await joinAs(a.url, roomCode, "Ben");
    const anaResumed = next(ana.service.onSessionResumed.bind(ana.service));
    const benResumed = next(ben.service.onSessionResumed.bind(ben.service));
    expect(await cluster.stop(a)).toBe(0);
    await eventually(async () => ana.service.connectionState === "reconnecting", SLACK_MS);
    await cluster.restart(a);
    expect((await within(anaResumed, 2 * SLACK_MS, "Ana resumed")).you.id).toBe(ana.id);
    expect((await within(benResumed, 2 * SLACK_MS, "Ben resumed")).you.id).toBe(ben.id);
    await ana.service.broadcastWithAck(roomCode, "hello-again", 1);
  }, 60_000);
});

describe("the service after a server-side disconnect without server:closing", () => {
  it("stays offline: a seat taken over elsewhere is not fought for", async () => {
    const server = await startServer(["--resume-grace", "5s"]);
    try {
      const roomCode = await createRoom(server);
      const bob = await joinAs(server.url, roomCode, "Bob");
      const states = collect(bob.service.onConnectionState.bind(bob.service));
      const closed = new Promise<string>((r) => bob.service.rawSocket!.once("disconnect", r));
      const thief = await connectRaw(server.url);
      const taken = await thief.emitWithAck("session:resume", { roomCode, resumeToken: bob.resumeToken, lastSeq: 0 });
      expect(taken.you.id).toBe(bob.id);
      expect(await closed).toBe("io server disconnect");
      // No event says "it did not reconnect": wait past the service's first reconnect delays.
      await sleep(2_000);
      expect(bob.service.rawSocket!.connected).toBe(false);
      expect(states).toEqual(["offline"]);
    } finally {
      await server.stop();
    }
  });
});
