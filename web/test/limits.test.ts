/**
 * Abuse limits over the official client: the per-connection event rate, room-code guessing (per
 * connection and per IP), and room creation. Each server here is started for its own limit.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ErrorPayload } from "../src/types/protocol";
import {
  closeAllClients,
  collect,
  connectRaw,
  connectService,
  joinAs,
  next,
  onRaw,
  startServer,
  type RunningServer,
} from "./harness";

const servers: RunningServer[] = [];
async function serverWith(flags: string[]): Promise<RunningServer> {
  const server = await startServer(flags);
  servers.push(server);
  return server;
}
afterEach(async () => {
  closeAllClients();
  for (const server of servers.splice(0)) await server.stop();
});

describe("event rate", () => {
  it("beyond --rate-burst events are dropped with rate_limited, the error event at most once a second", async () => {
    const server = await serverWith(["--rate-limit", "5", "--rate-burst", "5"]);
    const code = (await (await connectService(server.url)).createSession()).roomCode;
    const peer = await joinAs(server.url, code, "Peer");
    const flood = await connectRaw(server.url);
    await flood.emitWithAck("session:join", { roomCode: code, user: { name: "Flood" } });
    const errorEvents = collect<ErrorPayload>(onRaw(flood, "error"));
    const relayed = collect(peer.service.onEvent.bind(peer.service));
    const started = Date.now();
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        flood.emitWithAck("event:broadcast", { roomCode: code, eventName: "n", data: i }),
      ),
    );
    const elapsedSeconds = (Date.now() - started) / 1000;
    const refused = acks.filter((ack) => ack.error?.code === "rate_limited");
    // Five in the burst, plus five a second of refill while the flood lasts.
    expect(refused.length).toBeGreaterThanOrEqual(20 - 5 - Math.ceil(elapsedSeconds * 5));
    expect(refused.length).toBeGreaterThan(0);
    expect(relayed.length).toBeLessThanOrEqual(20 - refused.length);
    const notices = errorEvents.filter((e) => e.code === "rate_limited").length;
    expect(notices).toBeGreaterThanOrEqual(1);
    expect(notices).toBeLessThanOrEqual(1 + Math.floor(elapsedSeconds));
  });

  it("continuous excess for --rate-disconnect-after disconnects the client; its rooms hear it leave at once", async () => {
    const server = await serverWith(["--rate-limit", "20", "--rate-burst", "20", "--rate-disconnect-after", "1s"]);
    const code = (await (await connectService(server.url)).createSession()).roomCode;
    const peer = await joinAs(server.url, code, "Peer");
    const flood = await connectRaw(server.url, { transports: ["websocket"] });
    const joined = await flood.emitWithAck("session:join", { roomCode: code, user: { name: "Flood" } });
    const left = next(peer.service.onUserLeft.bind(peer.service));
    const gone = new Promise<string>((r) => flood.once("disconnect", r));
    const timer = setInterval(() => {
      for (let i = 0; i < 10; i++) flood.emit("event:broadcast", { roomCode: code, eventName: "n", data: i });
    }, 20);
    try {
      expect(await gone).toBe("io server disconnect");
    } finally {
      clearInterval(timer);
    }
    expect(await left).toMatchObject({ userId: joined.you.id, reason: "rate_limited" });
  });
});

describe("room-code guessing", () => {
  it("after 10 wrong codes in a minute every join from that connection is refused, even a right one", async () => {
    const server = await serverWith([]);
    const code = (await (await connectService(server.url)).createSession()).roomCode;
    const guesser = await connectService(server.url);
    for (let i = 0; i < 10; i++) {
      await expect(guesser.joinSession("ZZZZZZ", "G")).rejects.toMatchObject({ code: "room_not_found" });
    }
    await expect(guesser.joinSession(code, "G")).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("the limit also holds per IP: a new connection from the same address is refused too", async () => {
    const server = await serverWith([]);
    const code = (await (await connectService(server.url)).createSession()).roomCode;
    for (let i = 0; i < 10; i++) {
      const guesser = await connectService(server.url);
      await expect(guesser.joinSession("ZZZZZZ", "G")).rejects.toMatchObject({ code: "room_not_found" });
    }
    const fresh = await connectService(server.url);
    await expect(fresh.joinSession(code, "G")).rejects.toMatchObject({ code: "rate_limited" });
  });
});

describe("room creation", () => {
  it("at most --max-creates-per-minute rooms per connection, then too_many_rooms", async () => {
    const server = await serverWith(["--max-creates-per-minute", "3"]);
    const service = await connectService(server.url);
    for (let i = 0; i < 3; i++) await service.createSession();
    await expect(service.createSession()).rejects.toMatchObject({ code: "too_many_rooms" });
    await expect((await connectService(server.url)).createSession()).resolves.toHaveProperty("roomCode");
  });
});
