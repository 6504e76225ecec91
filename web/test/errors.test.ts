/**
 * Bad input always gets an `error {message, code, event}` reply (and an `{error}` ack when asked for),
 * changes nothing and disturbs no one else. One test per error code and cause.
 */
import { describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import type { ErrorPayload } from "../src/types/protocol";
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

// Every client here shares 127.0.0.1: lift the per-IP wrong-code limit (tested in limits.test.ts).
const server = serverForThisFile([
  "--max-participants",
  "3",
  "--max-rooms-per-socket",
  "2",
  "--max-code-misses-per-minute",
  "1000",
]);

/** Emits with an ack and returns both the ack and the `error` event that must accompany it. */
async function expectError(socket: Socket, event: string, ...args: unknown[]): Promise<ErrorPayload> {
  const errorEvent = next<ErrorPayload>(onRaw(socket, "error"));
  const ack = await socket.emitWithAck(event, ...args);
  const payload = await errorEvent;
  expect(ack).toEqual({ error: payload });
  expect(payload.event).toBe(event);
  expect(typeof payload.message).toBe("string");
  expect(payload.message.length).toBeGreaterThan(0);
  return payload;
}

describe.each(Object.entries(TRANSPORTS))("over %s", (_label, transport) => {
  const raw = () => connectRaw(server.url, transport);
  const newRoom = async () => (await (await connectService(server.url, transport)).createSession()).roomCode;

  it("invalid_payload: session:join without the fields the seed requires", async () => {
    const socket = await raw();
    expect((await expectError(socket, "session:join", {})).code).toBe("invalid_payload");
    expect((await expectError(socket, "session:join", { roomCode: 42, user: { name: "A" } })).code).toBe(
      "invalid_payload",
    );
    expect((await expectError(socket, "session:join", "ABCDEF")).code).toBe("invalid_payload");
    expect((await expectError(socket, "session:join")).code).toBe("invalid_payload");
  });

  it("invalid_payload: session:leave and event:broadcast with malformed payloads", async () => {
    const socket = await raw();
    expect((await expectError(socket, "session:leave", { room: "x" })).code).toBe("invalid_payload");
    expect((await expectError(socket, "event:broadcast", { roomCode: "ABCDEF" })).code).toBe(
      "invalid_payload",
    );
    expect((await expectError(socket, "event:broadcast", null)).code).toBe("invalid_payload");
  });

  it("invalid_payload: an eventName outside 1-64 characters of A-Z a-z 0-9 : _ - . is not relayed", async () => {
    const roomCode = await newRoom();
    const sender = await raw();
    await sender.emitWithAck("session:join", { roomCode, user: { name: "S" } });
    const peer = await joinAs(server.url, roomCode, "Peer", transport);
    const got = collect(peer.service.onEvent.bind(peer.service));
    for (const eventName of ["", "note on", "nöte", "x".repeat(65), "<script>"]) {
      const error = await expectError(sender, "event:broadcast", { roomCode, eventName, data: 1 });
      expect(error.code).toBe("invalid_payload");
    }
    await flush(peer.service);
    expect(got).toEqual([]);
  });

  it("room_not_found: joining a code that no live room has", async () => {
    const socket = await raw();
    const error = await expectError(socket, "session:join", { roomCode: "ZZZZZZ", user: { name: "A" } });
    expect(error.code).toBe("room_not_found");
    const malformed = await expectError(socket, "session:join", { roomCode: "x", user: { name: "A" } });
    expect(malformed.code).toBe("room_not_found");
  });

  it("not_in_room: broadcast or leave for a room the socket has not joined relays nothing", async () => {
    const roomCode = await newRoom();
    const member = await joinAs(server.url, roomCode, "Member", transport);
    const got = collect(member.service.onEvent.bind(member.service));
    const left = collect(member.service.onUserLeft.bind(member.service));
    const outsider = await raw();
    const broadcast = await expectError(outsider, "event:broadcast", { roomCode, eventName: "x", data: 1 });
    expect(broadcast.code).toBe("not_in_room");
    expect((await expectError(outsider, "session:leave", { roomCode })).code).toBe("not_in_room");
    await flush(member.service);
    expect(got).toEqual([]);
    expect(left).toEqual([]);
  });

  it("name_invalid: empty, too long, or with control characters; nobody joins", async () => {
    const roomCode = await newRoom();
    const member = await joinAs(server.url, roomCode, "Member", transport);
    const joinedNotices = collect(member.service.onUserJoined.bind(member.service));
    const socket = await raw();
    for (const name of ["", "   ", "x".repeat(33), "bell\u0007", "new\nline"]) {
      const error = await expectError(socket, "session:join", { roomCode, user: { name } });
      expect(error.code).toBe("name_invalid");
    }
    await flush(member.service);
    expect(joinedNotices).toEqual([]);
    const exactly32 = await socket.emitWithAck("session:join", { roomCode, user: { name: "é".repeat(32) } });
    expect(exactly32.participants).toHaveLength(2);
  });

  it("room_full: one more than --max-participants is refused and the room is unchanged", async () => {
    const roomCode = await newRoom();
    for (const name of ["A", "B", "C"]) await joinAs(server.url, roomCode, name, transport);
    const socket = await raw();
    const error = await expectError(socket, "session:join", { roomCode, user: { name: "D" } });
    expect(error.code).toBe("room_full");
  });

  it("too_many_rooms: one more room than --max-rooms-per-socket is refused", async () => {
    const rooms = [await newRoom(), await newRoom(), await newRoom()];
    const socket = await raw();
    await socket.emitWithAck("session:join", { roomCode: rooms[0], user: { name: "A" } });
    await socket.emitWithAck("session:join", { roomCode: rooms[1], user: { name: "A" } });
    const error = await expectError(socket, "session:join", { roomCode: rooms[2], user: { name: "A" } });
    expect(error.code).toBe("too_many_rooms");
    const again = await socket.emitWithAck("session:join", { roomCode: rooms[1], user: { name: "A" } });
    expect(again.roomCode).toBe(rooms[1]);
  });

  it("unknown_event: an event the server does not know gets an error, not silence", async () => {
    const socket = await raw();
    const error = await expectError(socket, "session:explode", { roomCode: "ABCDEF" });
    expect(error.code).toBe("unknown_event");
  });

  it("without an ack callback the error event alone answers", async () => {
    const socket = await raw();
    const error = next<ErrorPayload>(onRaw(socket, "error"));
    socket.emit("session:join", { roomCode: "ZZZZZZ", user: { name: "A" } });
    expect(await error).toMatchObject({ code: "room_not_found", event: "session:join" });
  });

  it("the service rejects with the server's error code", async () => {
    const service = await connectService(server.url, transport);
    await expect(service.joinSession("ZZZZZZ", "A")).rejects.toMatchObject({
      name: "JamServiceError",
      code: "room_not_found",
      event: "session:join",
    });
    const errors = collect(service.onError.bind(service));
    await expect(service.leaveSession("ZZZZZZ")).rejects.toMatchObject({ code: "not_in_room" });
    expect(errors.map((e) => e.code)).toEqual(["not_in_room"]);
  });
});

describe("error metrics", () => {
  it("/metrics counts error replies by code", async () => {
    const socket = await connectRaw(server.url);
    await expectError(socket, "session:join", { roomCode: "ZZZZZZ", user: { name: "A" } });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const match = /jam_errors_total\{code="room_not_found"\} (\d+)/.exec(text);
    expect(Number(match?.[1])).toBeGreaterThan(0);
  });
});
