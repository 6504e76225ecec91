// Smoke test for any server speaking the Jam Session events, with the official socket.io-client.
// Usage: node smoke.mjs http://127.0.0.1:3020
// Checks: create, join x3 (+ user-joined), broadcast to others only (same data, right senderId, ack
// recipients), the three error codes, leave (+ user-left, ack), disconnect (+ user-left).
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const url = process.argv[2];
if (!url) {
  console.error("usage: node smoke.mjs URL");
  process.exit(2);
}
const TIMEOUT_MS = 5_000;
let passed = 0;

/** Resolves with the next `event` on `socket`, or rejects after a timeout. */
function next(socket, event) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), TIMEOUT_MS);
    socket.once(event, (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Deep-equal on the fields `expected` names: servers may add fields (docs/protocol.md). */
function assertHas(actual, expected, path = "payload") {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path} is an array`);
    assert.equal(actual.length, expected.length, `${path}.length`);
    expected.forEach((item, i) => assertHas(actual[i], item, `${path}[${i}]`));
  } else if (typeof expected === "object" && expected !== null) {
    assert.ok(typeof actual === "object" && actual !== null, `${path} is an object`);
    for (const [key, value] of Object.entries(expected)) assertHas(actual[key], value, `${path}.${key}`);
  } else {
    assert.equal(actual, expected, path);
  }
}

function connect() {
  const socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true });
  const received = [];
  socket.onAny((event, payload) => received.push({ event, payload }));
  socket.received = received;
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

async function step(name, fn) {
  await fn();
  passed += 1;
  console.log(`ok - ${name}`);
}

const clients = [];
try {
  const [a, b, c] = await Promise.all([connect(), connect(), connect()]);
  clients.push(a, b, c);
  let roomCode;
  const ids = [];

  await step("session:create replies session:created and acks", async () => {
    const created = next(a, "session:created");
    const ack = await a.timeout(TIMEOUT_MS).emitWithAck("session:create");
    assert.match(ack.roomCode, /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
    assertHas(await created, { roomCode: ack.roomCode });
    roomCode = ack.roomCode;
  });

  await step("three clients join; earlier members get session:user-joined", async () => {
    for (const [i, socket] of [a, b, c].entries()) {
      const others = [a, b, c].slice(0, i).map((s) => next(s, "session:user-joined"));
      const event = next(socket, "session:joined");
      const name = `player-${i}`;
      const joined = await socket.timeout(TIMEOUT_MS).emitWithAck("session:join", { roomCode, user: { name } });
      assert.deepEqual(await event, joined);
      assert.equal(joined.roomCode, roomCode);
      assert.equal(typeof joined.you.id, "string");
      assert.deepEqual(joined.participants.map((p) => p.name), ["player-0", "player-1", "player-2"].slice(0, i + 1));
      assert.equal(joined.participants.at(-1).id, joined.you.id);
      ids.push(joined.you.id);
      for (const notice of await Promise.all(others)) {
        assertHas(notice, { user: { id: joined.you.id, name }, roomCode });
      }
    }
    assert.equal(new Set(ids).size, 3);
  });

  await step("event:broadcast reaches the two others with the same data, not the sender", async () => {
    const data = { t: 1234.5, s: 7, nested: { notes: [60, 64, 67], on: true, name: "é ♪ \"q\"" }, z: null };
    const got = [b, c].map((s) => next(s, "event:broadcast"));
    const before = a.received.length;
    const ack = await a.timeout(TIMEOUT_MS).emitWithAck("event:broadcast", { roomCode, eventName: "note:on", data });
    assertHas(ack, { roomCode, recipients: 2 });
    for (const event of await Promise.all(got)) {
      assertHas(event, { eventName: "note:on", senderId: ids[0], roomCode });
      assert.deepEqual(event.data, data);
      assert.equal(JSON.stringify(event.data), JSON.stringify(data)); // relayed verbatim, key order kept
    }
    // The ack went out after any echo would have, so an echo would already be here.
    assert.deepEqual(a.received.slice(before).filter((r) => r.event === "event:broadcast"), []);
  });

  await step("broadcast without ack, from another member", async () => {
    const got = [a, c].map((s) => next(s, "event:broadcast"));
    b.emit("event:broadcast", { roomCode, eventName: "tempo.set", data: [120, "bpm"] });
    for (const event of await Promise.all(got)) {
      assertHas(event, { eventName: "tempo.set", senderId: ids[1], roomCode });
      assert.deepEqual(event.data, [120, "bpm"]);
    }
  });

  await step("errors: room_not_found, not_in_room, invalid_payload", async () => {
    const cases = [
      ["session:join", { roomCode: "ZZZZZZ", user: { name: "x" } }, "room_not_found"],
      ["event:broadcast", { roomCode: "ZZZZZZ", eventName: "note:on", data: 1 }, "not_in_room"],
      ["session:leave", { roomCode: "ZZZZZZ" }, "not_in_room"],
      ["session:join", { roomCode: 42 }, "invalid_payload"],
      ["event:broadcast", "nonsense", "invalid_payload"],
    ];
    for (const [event, payload, code] of cases) {
      const error = next(a, "error");
      const ack = await a.timeout(TIMEOUT_MS).emitWithAck(event, payload);
      assert.equal(ack.error?.code, code, `${event} ack`);
      const e = await error;
      assert.equal(e.code, code);
      assert.equal(e.event, event);
      assert.equal(typeof e.message, "string");
    }
  });

  await step("session:leave acks and the others get session:user-left", async () => {
    const left = [a, b].map((s) => next(s, "session:user-left"));
    const ack = await c.timeout(TIMEOUT_MS).emitWithAck("session:leave", { roomCode });
    assertHas(ack, { roomCode });
    for (const notice of await Promise.all(left)) assertHas(notice, { userId: ids[2], roomCode });
    const after = await a.timeout(TIMEOUT_MS).emitWithAck("event:broadcast", { roomCode, eventName: "x", data: 0 });
    assert.equal(after.recipients, 1);
  });

  await step("disconnect: the others get session:user-left", async () => {
    const left = next(a, "session:user-left");
    b.disconnect();
    assertHas(await left, { userId: ids[1], roomCode });
  });

  console.log(`smoke: ${passed} passed, 0 failed`);
} catch (err) {
  console.error(`not ok - ${err.stack ?? err}`);
  console.log(`smoke: ${passed} passed, 1 failed`);
  process.exitCode = 1;
} finally {
  for (const socket of clients) socket.disconnect();
}
