/**
 * Drops and resumes, kicks and locks, over the official client. An abrupt drop is made by killing
 * the client's transport (not by calling disconnect()).
 */
import { describe, expect, it } from "vitest";
import type { BroadcastEvent } from "../src/types/protocol";
import {
  TRANSPORTS,
  collect,
  connectRaw,
  connectService,
  flush,
  joinAs,
  next,
  onRaw,
  startServer,
  type Member,
  serverForThisFile,
} from "./harness";

const GRACE_MS = 1_500;
const server = serverForThisFile(["--resume-grace", `${GRACE_MS}ms`]);

/** Kills the member's transport the way a network loss would, and waits for the room to see it. */
async function dropAbruptly(member: Member, watcher: Member): Promise<void> {
  const away = next(watcher.service.onUserAway.bind(watcher.service));
  member.service.rawSocket!.io.engine.close();
  expect(await away).toMatchObject({ userId: member.id });
}

/** Reconnects a dropped member's socket; its service resumes every room by itself. */
function reconnect(member: Member): void {
  member.service.rawSocket!.connect();
}

describe.each(Object.entries(TRANSPORTS))("over %s", (_label, transport) => {
  const roomWith = async (...names: string[]) => {
    const code = (await (await connectService(server.url, transport)).createSession()).roomCode;
    const members: Member[] = [];
    for (const name of names) members.push(await joinAs(server.url, code, name, transport));
    return { code, members };
  };

  it("an abrupt drop → away; resume → same id, missed events in order, no duplicates, user-back", async () => {
    const { code, members } = await roomWith("Host", "Bob");
    const [host, bob] = members;
    await dropAbruptly(bob, host);
    for (let i = 0; i < 5; i++) await host.service.broadcastWithAck(code, "note:on", { i });

    const events = collect<BroadcastEvent>(bob.service.onEvent.bind(bob.service));
    const resumed = next(bob.service.onSessionResumed.bind(bob.service));
    const back = next(host.service.onUserBack.bind(host.service));
    reconnect(bob);
    const session = await resumed;
    expect(session.you.id).toBe(bob.id);
    expect(session.gap).toBe(false);
    expect(session.participants.find((p) => p.id === bob.id)?.away).toBe(false);
    expect(await back).toMatchObject({ userId: bob.id, roomCode: code });
    expect(events.map((e) => e.data)).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));

    await host.service.broadcastWithAck(code, "note:on", { i: 5 });
    await flush(bob.service);
    expect(events.map((e) => e.seq)).toEqual([...new Set(events.map((e) => e.seq))].sort((a, b) => a - b));
    expect(events).toHaveLength(6);
  });

  it("the host role is kept across a resume", async () => {
    const { code, members } = await roomWith("Host", "Bob");
    const [host, bob] = members;
    await dropAbruptly(host, bob);
    const resumed = next(host.service.onSessionResumed.bind(host.service));
    reconnect(host);
    expect((await resumed).hostId).toBe(host.id);
    await host.service.updateSettings(code, { bpm: 99 });
  });

  it("a resume after the grace gets resume_failed, and the service falls back to a fresh join", async () => {
    const { code, members } = await roomWith("Host", "Bob");
    const [host, bob] = members;
    const token = bob.resumeToken;
    const left = next(host.service.onUserLeft.bind(host.service));
    await dropAbruptly(bob, host);
    expect(await left).toMatchObject({ userId: bob.id, reason: "timeout" });

    const raw = await connectRaw(server.url, transport);
    const failed = await raw.emitWithAck("session:resume", { roomCode: code, resumeToken: token, lastSeq: 0 });
    expect(failed).toMatchObject({ error: { code: "resume_failed", event: "session:resume" } });

    const rejoined = next(bob.service.onSessionJoined.bind(bob.service));
    reconnect(bob);
    const fresh = await rejoined;
    expect(fresh.roomCode).toBe(code);
    expect(fresh.you.id).not.toBe(bob.id);
  });

  it("a resume while the old connection still looks alive takes the seat over and closes the old one", async () => {
    const { code, members } = await roomWith("Host", "Bob");
    const [host, bob] = members;
    const joined = await bob.service.joinSession(code, "Bob");
    const oldClosed = new Promise<string>((r) => bob.service.rawSocket!.once("disconnect", r));
    const hostHeard = collect(host.service.onUserLeft.bind(host.service));
    const raw = await connectRaw(server.url, transport);
    const resumed = await raw.emitWithAck("session:resume", {
      roomCode: code,
      resumeToken: joined.you.resumeToken,
      lastSeq: joined.seq,
    });
    expect(resumed.you.id).toBe(bob.id);
    expect(resumed.you.resumeToken).not.toBe(joined.you.resumeToken);
    expect(await oldClosed).toBe("io server disconnect");
    const got = next<BroadcastEvent>(onRaw(raw, "event:broadcast"));
    await host.service.broadcastWithAck(code, "still", 1);
    expect((await got).eventName).toBe("still");
    await flush(host.service);
    expect(hostHeard).toEqual([]);
  });

  it("tokens are rotated on each resume and never sent to others", async () => {
    const { code, members } = await roomWith("Host");
    const [host] = members;
    const joinedNotices: unknown[] = [];
    host.service.onUserJoined((p) => joinedNotices.push(p));
    const raw = await connectRaw(server.url, transport);
    const joined = await raw.emitWithAck("session:join", { roomCode: code, user: { name: "Bob" } });
    await flush(host.service);
    expect(JSON.stringify(joinedNotices)).not.toContain(joined.you.resumeToken);
    const raw2 = await connectRaw(server.url, transport);
    const first = await raw2.emitWithAck("session:resume", {
      roomCode: code,
      resumeToken: joined.you.resumeToken,
      lastSeq: joined.seq,
    });
    const reuse = await (await connectRaw(server.url, transport)).emitWithAck("session:resume", {
      roomCode: code,
      resumeToken: joined.you.resumeToken,
      lastSeq: 0,
    });
    expect(reuse).toMatchObject({ error: { code: "resume_failed" } });
    expect(first.you.resumeToken).toMatch(/^[0-9a-f]{32}$/);
  });

  it("a gap is reported when the replay buffer no longer holds everything missed", async () => {
    const small = await startServer(["--replay-buffer", "3", "--resume-grace", "30s"]);
    try {
      const code = (await (await connectService(small.url, transport)).createSession()).roomCode;
      const host = await joinAs(small.url, code, "Host", transport);
      const bob = await joinAs(small.url, code, "Bob", transport);
      await dropAbruptly(bob, host);
      for (let i = 0; i < 6; i++) await host.service.broadcastWithAck(code, "n", i);
      const resumed = next(bob.service.onSessionResumed.bind(bob.service));
      reconnect(bob);
      const session = await resumed;
      expect(session.gap).toBe(true);
      expect(session.missed.map((m) => (m.data as BroadcastEvent).data)).toEqual([3, 4, 5]);
    } finally {
      await small.stop();
    }
  });
});

describe("moderation", () => {
  it("kick: the target gets session:kicked and loses seat and token; others hear user-left 'kicked'", async () => {
    const code = (await (await connectService(server.url)).createSession()).roomCode;
    const host = await joinAs(server.url, code, "Host");
    const bob = await joinAs(server.url, code, "Bob");
    const token = bob.resumeToken;
    await expect(bob.service.kick(code, host.id)).rejects.toMatchObject({ code: "forbidden" });
    const kicked = next(bob.service.onKicked.bind(bob.service));
    const left = next(host.service.onUserLeft.bind(host.service));
    await host.service.kick(code, bob.id);
    expect(await kicked).toEqual({ roomCode: code });
    expect(await left).toMatchObject({ userId: bob.id, reason: "kicked" });
    await expect(bob.service.broadcastWithAck(code, "x", 1)).rejects.toMatchObject({ code: "not_in_room" });
    await expect(bob.service.resumeSession(code, token, 0)).rejects.toMatchObject({ code: "resume_failed" });
  });

  it("a locked room refuses new joins with room_locked, but a resume still gets in", async () => {
    const code = (await (await connectService(server.url)).createSession()).roomCode;
    const host = await joinAs(server.url, code, "Host");
    const bob = await joinAs(server.url, code, "Bob");
    await host.service.updateSettings(code, { locked: true });
    const outsider = await connectService(server.url);
    await expect(outsider.joinSession(code, "Eve")).rejects.toMatchObject({ code: "room_locked" });
    await dropAbruptly(bob, host);
    const resumed = next(bob.service.onSessionResumed.bind(bob.service));
    reconnect(bob);
    expect((await resumed).you.id).toBe(bob.id);
  });
});

describe("the service on its own", () => {
  it("explicit disconnect() gives the seat up at once (no away, no resume)", async () => {
    const code = (await (await connectService(server.url)).createSession()).roomCode;
    const host = await joinAs(server.url, code, "Host");
    const bob = await joinAs(server.url, code, "Bob");
    const away = collect(host.service.onUserAway.bind(host.service));
    const left = next(host.service.onUserLeft.bind(host.service));
    bob.service.disconnect();
    expect(await left).toMatchObject({ userId: bob.id, reason: "left" });
    expect(away).toEqual([]);
  });
});
