/**
 * Nothing is lost silently under a burst (protocol.md §10, "Slow consumers"): every event that asks
 * for an ack gets one, or the connection ends; a recipient that stops reading either gets every
 * room event or is disconnected as a slow consumer, resumes, and then has every event once, in order.
 */
import { describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import type { BroadcastEvent } from "../src/types/protocol";
import { collect, connectRaw, eventually, joinAs, next, onRaw, startServer, type Member } from "./harness";

/** A counter from the server's /metrics. */
async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`${name} missing from /metrics`);
  return Number(line.split(" ")[1]);
}

/** The Node net.Socket under a websocket client, to stop and restart reading from it. */
function tcpOf(member: Member): { pause(): void; resume(): void } {
  const engine = member.service.rawSocket!.io.engine as unknown as {
    transport: { ws: { _socket: { pause(): void; resume(): void } } };
  };
  return engine.transport.ws._socket;
}

describe("bursts", () => {
  it("5 000 back-to-back broadcasts with acks: each is answered, ok or rate_limited", async () => {
    const server = await startServer();
    try {
      const code = (await newRoom(server.url)).roomCode;
      const host = await joinAs(server.url, code, "Host", { transports: ["websocket"] });
      const socket: Socket = host.service.rawSocket!;
      const closed = new Promise<string>((done) => socket.once("disconnect", (reason) => done(reason)));
      const answers = { ok: 0, rateLimited: 0, other: [] as unknown[] };
      const all = new Promise<void>((done) => {
        let left = 5_000;
        const answered = (ack: { seq?: number; error?: { code: string } }) => {
          if (typeof ack.seq === "number") answers.ok++;
          else if (ack.error?.code === "rate_limited") answers.rateLimited++;
          else answers.other.push(ack);
          if (--left === 0) done();
        };
        for (let i = 0; i < 5_000; i++) socket.emit("event:broadcast", { roomCode: code, eventName: "note:on", data: { i } }, answered);
      });
      const outcome = await Promise.race([all.then(() => "all answered"), closed]);
      if (outcome === "all answered") {
        expect(answers.other).toEqual([]);
        expect(answers.ok + answers.rateLimited).toBe(5_000);
        expect(answers.ok).toBeGreaterThanOrEqual(120); // the burst allowance
        expect(answers.rateLimited).toBeGreaterThan(0);
        expect(socket.connected).toBe(true);
      } else {
        // The documented alternative: closed as a slow consumer, counted in /metrics.
        expect(await metric(server.url, "jam_slow_consumer_disconnects_total")).toBeGreaterThan(0);
      }
    } finally {
      await server.stop();
    }
  });

  it("a recipient that stops reading is disconnected as a slow consumer, resumes and has every event once, in order", async () => {
    const server = await startServer([
      "--send-buffer", "32",
      "--replay-buffer", "4096",
      "--rate-limit", "100000",
      "--rate-burst", "100000",
    ]);
    try {
      const code = (await newRoom(server.url)).roomCode;
      const sender = await joinAs(server.url, code, "Sender", { transports: ["websocket"] });
      const slow = await joinAs(server.url, code, "Slow", {
        transports: ["websocket"],
        reconnection: true,
        reconnectionDelay: 50,
        reconnectionDelayMax: 200,
      });
      const received = collect<BroadcastEvent>(slow.service.onEvent.bind(slow.service));
      const resumed = next(slow.service.onSessionResumed.bind(slow.service));

      tcpOf(slow).pause();
      // 32 KB events fill the kernel's socket buffers, then the 32-packet send buffer.
      const blob = "x".repeat(32 * 1024);
      const sent: number[] = [];
      for (let i = 0; sent.length < 3_000; i++) {
        const ack = await sender.service.broadcastWithAck(code, "note:on", { i, blob });
        sent.push(ack.seq);
        if (i % 50 === 49 && (await metric(server.url, "jam_slow_consumer_disconnects_total")) > 0) break;
      }
      expect(await metric(server.url, "jam_slow_consumer_disconnects_total")).toBe(1);
      tcpOf(slow).resume();

      const session = await resumed;
      expect(session.gap).toBe(false);
      await eventually(async () => received.length >= sent.length, 30_000);
      const seqs = received.map((e) => e.seq);
      expect(seqs).toEqual(sent);
      expect(received.map((e) => (e.data as { i: number }).i)).toEqual(sent.map((_, i) => i));
    } finally {
      await server.stop();
    }
  });
});

async function newRoom(url: string) {
  const socket = await connectRaw(url);
  const created = next<{ roomCode: string }>(onRaw(socket, "session:created"));
  socket.emit("session:create");
  return created;
}
