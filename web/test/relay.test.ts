/**
 * What `data` may be and how big: any JSON value relayed intact (key order, binary Buffers anywhere),
 * the per-event size limit, and a client sending more than the engine's max payload being cut off
 * without disturbing anyone else.
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
  serverForThisFile,
} from "./harness";

const server = serverForThisFile(["--resume-grace", "1s"]);

const KIB = 1024;

function bytes(length: number, seed: number): Buffer {
  const buffer = Buffer.alloc(length);
  for (let i = 0; i < length; i++) buffer[i] = (i * 31 + seed) & 0xff;
  return buffer;
}

describe.each(Object.entries(TRANSPORTS))("over %s", (_label, transport) => {
  async function pair() {
    const roomCode = (await (await connectService(server.url, transport)).createSession()).roomCode;
    const sender = await joinAs(server.url, roomCode, "Sender", transport);
    const receiver = await joinAs(server.url, roomCode, "Receiver", transport);
    return { roomCode, sender, receiver };
  }

  it("any JSON value is relayed unchanged, object key order included", async () => {
    const { roomCode, sender, receiver } = await pair();
    const values: unknown[] = [
      null,
      true,
      0,
      -12.5,
      1e21,
      "plain",
      "ünïcødé ♫ \"quoted\" \\ \n",
      [],
      {},
      [1, "two", null, [3], { four: 4 }],
      { z: 1, a: 2, m: { y: [true, false], b: null }, "": "empty key" },
    ];
    const got = collect(receiver.service.onEvent.bind(receiver.service));
    for (const data of values) await sender.service.broadcastWithAck(roomCode, "json", data);
    await flush(receiver.service);
    expect(got.map((e) => e.data)).toEqual(values);
    const ordered = got[got.length - 1].data as Record<string, unknown>;
    expect(Object.keys(ordered)).toEqual(["z", "a", "m", ""]);
    expect(Object.keys(ordered.m as object)).toEqual(["y", "b"]);
  });

  it("binary attachments nested in objects and arrays are relayed byte for byte", async () => {
    const { roomCode, sender, receiver } = await pair();
    const data = {
      kind: "sample",
      clip: bytes(3000, 1),
      parts: [bytes(1, 2), { inner: bytes(0, 3), after: "text" }, bytes(256, 4)],
      tail: 7,
    };
    const got = next(receiver.service.onEvent.bind(receiver.service));
    await sender.service.broadcastWithAck(roomCode, "audio:clip", data);
    const relayed = (await got).data as typeof data;
    expect(Object.keys(relayed)).toEqual(["kind", "clip", "parts", "tail"]);
    expect(Buffer.from(relayed.clip).equals(data.clip)).toBe(true);
    expect(Buffer.from(relayed.parts[0] as Buffer).equals(bytes(1, 2))).toBe(true);
    const inner = relayed.parts[1] as { inner: Buffer; after: string };
    expect(Buffer.from(inner.inner).length).toBe(0);
    expect(inner.after).toBe("text");
    expect(Buffer.from(relayed.parts[2] as Buffer).equals(bytes(256, 4))).toBe(true);
    expect(relayed.tail).toBe(7);
  });

  it("a top-level Buffer as data is relayed as binary", async () => {
    const { roomCode, sender, receiver } = await pair();
    const got = next(receiver.service.onEvent.bind(receiver.service));
    await sender.service.broadcastWithAck(roomCode, "raw", bytes(100, 9));
    expect(Buffer.from((await got).data as Buffer).equals(bytes(100, 9))).toBe(true);
  });

  it("payload_too_large: an event over --max-event-bytes (64 KiB) is refused and not relayed", async () => {
    const { roomCode, sender, receiver } = await pair();
    const got = collect(receiver.service.onEvent.bind(receiver.service));
    await expect(
      sender.service.broadcastWithAck(roomCode, "big", "x".repeat(65 * KIB)),
    ).rejects.toMatchObject({ code: "payload_too_large" });
    await expect(
      sender.service.broadcastWithAck(roomCode, "big", { blob: bytes(65 * KIB, 0) }),
    ).rejects.toMatchObject({ code: "payload_too_large" });
    const fits = await sender.service.broadcastWithAck(roomCode, "fits", "x".repeat(60 * KIB));
    expect(fits.recipients).toBe(1);
    await flush(receiver.service);
    expect(got.map((e) => e.eventName)).toEqual(["fits"]);
  });

  it("a message over the engine's --max-payload (1 MB) closes that one connection; others carry on", async () => {
    const { roomCode, sender, receiver } = await pair();
    const hog = await connectRaw(server.url, transport);
    const hogJoined = await hog.emitWithAck("session:join", { roomCode, user: { name: "Hog" } });
    const hogGone = new Promise<string>((r) => hog.once("disconnect", r));
    const hogAway = next(receiver.service.onUserAway.bind(receiver.service));
    const hogLeft = next(receiver.service.onUserLeft.bind(receiver.service));

    hog.emit("event:broadcast", { roomCode, eventName: "hog", data: "x".repeat(1_100_000) });
    await hogGone;
    expect(await hogAway).toMatchObject({ userId: hogJoined.you.id, roomCode });
    expect(await hogLeft).toMatchObject({ userId: hogJoined.you.id, roomCode, reason: "timeout" });

    const got = next(receiver.service.onEvent.bind(receiver.service));
    await sender.service.broadcastWithAck(roomCode, "still:here", 1);
    expect((await got).eventName).toBe("still:here");
    const newcomer = await joinAs(server.url, roomCode, "Newcomer", transport);
    expect(newcomer.id).toBeTruthy();
  });
});
