/**
 * The seed's protocol end to end, over every transport: create, join, leave, broadcast, presence.
 * Each test names the rule it checks.
 */
import { describe, expect, it } from "vitest";
import {
  TRANSPORTS,
  collect,
  connectRaw,
  connectService,
  flush,
  joinAs,
  next,
  onRaw,
  serverForThisFile,
} from "./harness";

const CODE_PATTERN = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/;

const server = serverForThisFile(["--resume-grace", "1s"]);

describe.each(Object.entries(TRANSPORTS))("over %s", (_label, transport) => {
  const connect = () => connectService(server.url, transport);
  const join = (code: string, name: string) => joinAs(server.url, code, name, transport);

  it("session:create answers session:created with a 6-character code without look-alikes", async () => {
    const client = await connect();
    const created = next(onRaw(client.rawSocket!, "session:created"));
    const reply = await client.createSession();
    expect(reply.roomCode).toMatch(CODE_PATTERN);
    expect(await created).toEqual(reply);
  });

  it("session:join answers session:joined with every participant and tells the others", async () => {
    const host = await connect();
    const { roomCode } = await host.createSession();
    const ann = await host.joinSession(roomCode, "Ann");
    expect(ann.roomCode).toBe(roomCode);
    expect(ann.participants).toEqual([{ id: ann.you.id, name: "Ann", away: false, role: "player", instrument: "piano" }]);

    const userJoined = next(host.onUserJoined.bind(host));
    const bob = await join(roomCode, "Bob");
    const notice = await userJoined;
    expect(notice).toMatchObject({ user: { id: bob.id, name: "Bob", away: false }, roomCode });
    const again = await bob.service.joinSession(roomCode, "Bob");
    expect(again.participants.map((p) => p.name)).toEqual(["Ann", "Bob"]);
  });

  it("room codes match case-insensitively and ignore surrounding spaces", async () => {
    const host = await connect();
    const { roomCode } = await host.createSession();
    const joined = await (await connect()).joinSession(`  ${roomCode.toLowerCase()} `, "Cy");
    expect(joined.roomCode).toBe(roomCode);
  });

  it("joining a room one is already in answers session:joined again without a second user-joined", async () => {
    const host = await connect();
    const { roomCode } = await host.createSession();
    const ann = await join(roomCode, "Ann");
    const notices = collect(ann.service.onUserJoined.bind(ann.service));
    const bob = await join(roomCode, "Bob");
    const first = await bob.service.joinSession(roomCode, "Bob");
    const second = await bob.service.joinSession(roomCode, "Bob");
    expect({ ...second, serverTime: 0 }).toEqual({ ...first, serverTime: 0 });
    await flush(ann.service);
    expect(notices.map((n) => n.user.id)).toEqual([bob.id]);
  });

  it("participant ids are server-generated, distinct, and not the socket id", async () => {
    const host = await connect();
    const { roomCode } = await host.createSession();
    const ann = await join(roomCode, "Ann");
    const bob = await join(roomCode, "Bob");
    expect(ann.id).not.toBe(bob.id);
    expect(ann.id).not.toBe(ann.service.rawSocket?.id);
  });

  it("event:broadcast reaches every other member, never the sender, with the server's senderId", async () => {
    const host = await connect();
    const { roomCode } = await host.createSession();
    const ann = await join(roomCode, "Ann");
    const bob = await join(roomCode, "Bob");
    const cy = await join(roomCode, "Cy");
    const annGot = collect(ann.service.onEvent.bind(ann.service));
    const toBob = next(bob.service.onEvent.bind(bob.service));
    const toCy = next(cy.service.onEvent.bind(cy.service));

    const data = { note: 60, velocity: 100 };
    const ack = await ann.service.broadcastWithAck(roomCode, "note:on", data);
    expect(ack).toMatchObject({ roomCode, recipients: 2 });
    const expected = { eventName: "note:on", data, senderId: ann.id, roomCode, seq: ack.seq };
    expect(await toBob).toMatchObject(expected);
    expect(await toCy).toMatchObject(expected);
    await flush(ann.service);
    expect(annGot).toEqual([]);
  });

  it("senderId is always the server's, whatever the client sends", async () => {
    const host = await connect();
    const { roomCode } = await host.createSession();
    const ann = await join(roomCode, "Ann");
    const bob = await join(roomCode, "Bob");
    const raw = await connectRaw(server.url, transport);
    const mallory = await raw.emitWithAck("session:join", { roomCode, user: { name: "Mal" } });
    const got = next(bob.service.onEvent.bind(bob.service));
    raw.emit("event:broadcast", { roomCode, eventName: "x", data: 1, senderId: ann.id });
    const event = await got;
    expect(event.senderId).toBe(mallory.you.id);
    expect(event.senderId).not.toBe(ann.id);
  });

  it("fire-and-forget broadcast (no ack) is relayed too", async () => {
    const host = await connect();
    const { roomCode } = await host.createSession();
    const ann = await join(roomCode, "Ann");
    const bob = await join(roomCode, "Bob");
    const got = next(bob.service.onEvent.bind(bob.service));
    ann.service.broadcast(roomCode, "note:off", { note: 60 });
    expect(await got).toMatchObject({ eventName: "note:off", data: { note: 60 }, senderId: ann.id });
  });

  it("two rooms at once: each broadcast stays in its own room", async () => {
    const host = await connect();
    const one = (await host.createSession()).roomCode;
    const two = (await host.createSession()).roomCode;
    const a1 = await join(one, "A1");
    const b1 = await join(one, "B1");
    const a2 = await join(two, "A2");
    const b2 = await join(two, "B2");
    const gotB1 = collect(b1.service.onEvent.bind(b1.service));
    const gotB2 = collect(b2.service.onEvent.bind(b2.service));

    await a1.service.broadcastWithAck(one, "note:on", { room: 1 });
    await a2.service.broadcastWithAck(two, "note:on", { room: 2 });
    await Promise.all([flush(b1.service), flush(b2.service)]);
    expect(gotB1.map((e) => e.data)).toEqual([{ room: 1 }]);
    expect(gotB2.map((e) => e.data)).toEqual([{ room: 2 }]);
  });

  it("one connection in two rooms gets each room's events tagged with its roomCode", async () => {
    const host = await connect();
    const one = (await host.createSession()).roomCode;
    const two = (await host.createSession()).roomCode;
    const both = await join(one, "Both");
    await both.service.joinSession(two, "Both");
    const a = await join(one, "A");
    const b = await join(two, "B");
    const got = collect(both.service.onEvent.bind(both.service));
    await a.service.broadcastWithAck(one, "x", "from one");
    await b.service.broadcastWithAck(two, "x", "from two");
    await flush(both.service);
    expect(got.map((e) => [e.roomCode, e.data])).toEqual([
      [one, "from one"],
      [two, "from two"],
    ]);
  });

  it("session:leave tells the others at once and ends the right to broadcast", async () => {
    const host = await connect();
    const { roomCode } = await host.createSession();
    const ann = await join(roomCode, "Ann");
    const bob = await join(roomCode, "Bob");
    const left = next(ann.service.onUserLeft.bind(ann.service));
    expect(await bob.service.leaveSession(roomCode)).toEqual({ roomCode });
    expect(await left).toMatchObject({ userId: bob.id, roomCode, reason: "left" });

    const annGot = collect(ann.service.onEvent.bind(ann.service));
    await expect(bob.service.broadcastWithAck(roomCode, "x", 1)).rejects.toMatchObject({
      code: "not_in_room",
    });
    await flush(ann.service);
    expect(annGot).toEqual([]);
    const rejoined = await bob.service.joinSession(roomCode, "Bob");
    expect(rejoined.participants.map((p) => p.name)).toEqual(["Ann", "Bob"]);
  });

  it("a client that disconnects leaves every room and the others get session:user-left", async () => {
    const host = await connect();
    const one = (await host.createSession()).roomCode;
    const two = (await host.createSession()).roomCode;
    const a = await join(one, "A");
    const b = await join(two, "B");
    const leaver = await join(one, "Leaver");
    const secondId = (await leaver.service.joinSession(two, "Leaver")).you.id;
    const leftOne = next(a.service.onUserLeft.bind(a.service));
    const leftTwo = next(b.service.onUserLeft.bind(b.service));
    leaver.service.disconnect();
    expect(await leftOne).toMatchObject({ userId: leaver.id, roomCode: one, reason: "left" });
    expect(await leftTwo).toMatchObject({ userId: secondId, roomCode: two, reason: "left" });
  });

  it("a transport that closes without a goodbye makes the participant away, then gone after the grace", async () => {
    const host = await connect();
    const { roomCode } = await host.createSession();
    const a = await join(roomCode, "A");
    const raw = await connectRaw(server.url, transport);
    const dropped = await raw.emitWithAck("session:join", { roomCode, user: { name: "Drop" } });
    const away = next(a.service.onUserAway.bind(a.service));
    const left = next(a.service.onUserLeft.bind(a.service));
    raw.io.engine.close();
    expect(await away).toMatchObject({ userId: dropped.you.id, roomCode });
    expect(await left).toMatchObject({ userId: dropped.you.id, roomCode, reason: "timeout" });
  });

  it("without an ack callback the seed's reply events alone answer", async () => {
    const raw = await connectRaw(server.url, transport);
    const created = new Promise<{ roomCode: string }>((r) => raw.once("session:created", r));
    raw.emit("session:create");
    const { roomCode } = await created;
    const joined = new Promise<{ roomCode: string }>((r) => raw.once("session:joined", r));
    raw.emit("session:join", { roomCode, user: { name: "Seed" } });
    expect((await joined).roomCode).toBe(roomCode);
  });
});
