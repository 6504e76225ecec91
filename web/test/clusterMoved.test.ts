/**
 * Each room lives on one node of a cluster, its creator's. A join or resume that reaches another
 * node is answered `moved` with the owner's public URL (by default the node's own address), and
 * GET /api/rooms/{code} on any node names the owner. The service follows `moved` by itself: its
 * caller just gets the answer, from a connection now on the room's node.
 */
import { describe, expect, it } from "vitest";
import type { SocketService } from "../src/session/service/socketService";
import type { BroadcastEvent, ErrorPayload, SessionJoined, SessionResumed, UserPresence } from "../src/types/protocol";
import { Cluster, type ClusterNode, SLACK_MS, clustersForThisFile, within } from "./cluster";
import { collect, connectRaw, connectService, joinAs, next, onRaw } from "./harness";

clustersForThisFile();

/** A node's public URL as the cluster hands it out: its own address, ending with `/`. */
const publicUrl = (node: ClusterNode) => new URL(node.url).href;

/** host:port of the node a service's socket is connected to. */
function nodeOf(service: SocketService): string {
  const socket = service.rawSocket;
  expect(socket?.connected, "the service is connected").toBe(true);
  // The manager's URI is not in socket.io-client's types; it is the address the socket was opened on.
  return new URL((socket!.io as unknown as { uri: string }).uri).host;
}

/** Two nodes, and a room created and joined by Host through node A (so A serves it). */
async function roomOnA() {
  const cluster = await Cluster.start({ nodes: 2 });
  const [a, b] = cluster.nodes;
  const host = await connectService(a.url);
  const { roomCode } = await host.createSession();
  const hostJoined = await host.joinSession(roomCode, "Host");
  return { a, b, roomCode, host, hostId: hostJoined.you.id };
}

/** What GET /api/rooms/{code} answers at a node's public URL. */
async function roomLookup(node: ClusterNode, roomCode: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${publicUrl(node)}api/rooms/${roomCode}`, { signal: AbortSignal.timeout(SLACK_MS) });
  return { status: response.status, body: await response.json() };
}

describe("a join or resume on a node that does not serve the room", () => {
  it("the service follows `moved`: Bob, connected to B, joins A's room and is then connected to A", async () => {
    const { a, b, roomCode, host, hostId } = await roomOnA();
    const bob = await connectService(b.url, { transports: ["websocket"] });
    const errors = collect<ErrorPayload>(bob.onError.bind(bob));

    const joined: SessionJoined = await bob.joinSession(roomCode, "Bob");
    expect(joined.roomCode).toBe(roomCode);
    expect(joined.participants.map((p) => p.id), "Bob's snapshot has the creator").toContain(hostId);
    expect(joined.participants.map((p) => p.name).sort()).toEqual(["Bob", "Host"]);
    expect(nodeOf(bob), "Bob's service is connected to the room's node").toBe(new URL(a.url).host);
    expect(bob.rawSocket!.io.opts, "the connection keeps the options connect was given").toMatchObject({
      transports: ["websocket"],
      reconnection: false,
    });
    expect(bob.connectionState).toBe("connected");

    const heard = next<BroadcastEvent>(host.onEvent.bind(host));
    await bob.broadcastWithAck(roomCode, "note:on", { note: 60 });
    expect(await within(heard, SLACK_MS, "Host hears Bob")).toMatchObject({
      roomCode,
      eventName: "note:on",
      data: { note: 60 },
      senderId: joined.you.id,
    });
    expect(errors, "a `moved` that was followed is no error").toEqual([]);
  }, 60_000);

  it("on the wire: the ack and the `error` event say `moved`, with the owner's public URL", async () => {
    const { a, b, roomCode } = await roomOnA();
    const bob = await joinAs(a.url, roomCode, "Bob");
    const raw = await connectRaw(b.url, { transports: ["websocket"] });
    const moved = { code: "moved", url: publicUrl(a), message: expect.any(String) };

    const joinError = next<ErrorPayload>(onRaw(raw, "error"));
    const joinReply = await raw.emitWithAck("session:join", { roomCode, user: { name: "Eve" } });
    expect(joinReply).toEqual({ error: { ...moved, event: "session:join" } });
    expect(await within(joinError, SLACK_MS, "the error event")).toEqual({ ...moved, event: "session:join" });

    const resumeError = next<ErrorPayload>(onRaw(raw, "error"));
    const resumeReply = await raw.emitWithAck("session:resume", {
      roomCode,
      resumeToken: bob.resumeToken,
      lastSeq: 0,
    });
    expect(resumeReply).toEqual({ error: { ...moved, event: "session:resume" } });
    expect(await within(resumeError, SLACK_MS, "the error event")).toEqual({ ...moved, event: "session:resume" });
    expect(bob.service.rawSocket!.connected, "Bob's seat is untouched").toBe(true);
  }, 60_000);

  it("GET /api/rooms/{code} on either node names the room's node; an unknown code is 404 room_not_found", async () => {
    const { a, b, roomCode } = await roomOnA();
    for (const node of [a, b]) {
      expect(await roomLookup(node, roomCode), `asked at node ${node.name}`).toEqual({
        status: 200,
        body: { roomCode, url: publicUrl(a) },
      });
    }
    expect(await roomLookup(b, "ZZZZZZ")).toMatchObject({ status: 404, body: { code: "room_not_found" } });
  }, 60_000);

  it("the service's resume follows `moved` too: a seat on A resumed from a service connected to B", async () => {
    const { a, b, roomCode, host } = await roomOnA();
    const cai = await joinAs(a.url, roomCode, "Cai");
    const away = next<UserPresence>(host.onUserAway.bind(host));
    cai.service.rawSocket!.io.engine.close(); // a network loss: the seat is held for a resume
    expect(await within(away, SLACK_MS, "Cai away")).toMatchObject({ userId: cai.id });

    const again = await connectService(b.url);
    const resumed: SessionResumed = await again.resumeSession(roomCode, cai.resumeToken, 0);
    expect(resumed.you.id, "Cai's own seat").toBe(cai.id);
    expect(nodeOf(again)).toBe(new URL(a.url).host);
  }, 60_000);

  it("after a drop, a service that had followed `moved` comes back through B and follows it again", async () => {
    const { a, b, roomCode, host } = await roomOnA();
    const bob = await connectService(b.url);
    const joined = await bob.joinSession(roomCode, "Bob");
    const away = next<UserPresence>(host.onUserAway.bind(host));
    const back = next<UserPresence>(host.onUserBack.bind(host));
    const resumed = next<SessionResumed>(bob.onSessionResumed.bind(bob));

    bob.rawSocket!.io.engine.close(); // a network loss; reconnection is off: the service comes back by itself
    expect(await within(away, SLACK_MS, "Bob away")).toMatchObject({ userId: joined.you.id });
    expect((await within(resumed, 2 * SLACK_MS, "Bob resumed")).you.id, "Bob's own seat").toBe(joined.you.id);
    expect(await within(back, SLACK_MS, "Bob back")).toMatchObject({ userId: joined.you.id });
    expect(nodeOf(bob)).toBe(new URL(a.url).host);
    await bob.broadcastWithAck(roomCode, "hello-again", 1);
  }, 60_000);
});
