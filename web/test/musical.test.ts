/**
 * Musical sessions over the official client: host and succession, settings, the shared clock,
 * the transport, and per-room sequence numbers. Each test names the rule it checks.
 */
import { describe, expect, it } from "vitest";
import type { Grid, SessionJoined } from "../src/types/protocol";
import {
  collect,
  connectRaw,
  connectService,
  flush,
  joinAs,
  next,
  onRaw,
  serverForThisFile,
} from "./harness";

const server = serverForThisFile(["--max-participants", "8"]);

async function room(settings?: Parameters<Awaited<ReturnType<typeof connectService>>["createSession"]>[0]) {
  return (await (await connectService(server.url)).createSession(settings)).roomCode;
}

describe("host and settings", () => {
  it("session:joined carries you {id, resumeToken}, hostId, settings, transport, seq and serverTime", async () => {
    const code = await room();
    const service = await connectService(server.url);
    const before = Date.now();
    const joined: SessionJoined = await service.joinSession(code, "Ann");
    expect(joined.you.resumeToken).toMatch(/^[0-9a-f]{32}$/);
    expect(joined.hostId).toBe(joined.you.id);
    expect(joined.settings).toEqual({
      bpm: 120,
      beatsPerBar: 4,
      beatUnit: 4,
      key: null,
      locked: false,
      maxParticipants: 8,
    });
    expect(joined.transport).toMatchObject({ playing: false, bpm: 120 });
    expect(joined.seq).toBe(1);
    expect(Math.abs(joined.serverTime - before)).toBeLessThan(5_000);
  });

  it("session:create may carry partial settings; out-of-range ones are refused, naming the field", async () => {
    const code = await room({ bpm: 90, key: "F# minor" });
    const ann = await (await connectService(server.url)).joinSession(code, "Ann");
    expect(ann.settings).toMatchObject({ bpm: 90, key: "F# minor", beatsPerBar: 4 });
    const service = await connectService(server.url);
    await expect(service.createSession({ bpm: 301 })).rejects.toMatchObject({
      code: "invalid_payload",
      message: expect.stringContaining("bpm"),
    });
  });

  it("only the host changes settings; everyone, host included, hears settings-changed with `by`", async () => {
    const code = await room();
    const host = await joinAs(server.url, code, "Host");
    const bob = await joinAs(server.url, code, "Bob");
    const hostHears = next(host.service.onSettingsChanged.bind(host.service));
    const bobHears = next(bob.service.onSettingsChanged.bind(bob.service));
    await host.service.updateSettings(code, { bpm: 96, beatsPerBar: 3, key: "D" });
    for (const heard of [await hostHears, await bobHears]) {
      expect(heard).toMatchObject({ by: host.id, roomCode: code, settings: { bpm: 96, beatsPerBar: 3, key: "D" } });
    }
    await expect(bob.service.updateSettings(code, { bpm: 100 })).rejects.toMatchObject({ code: "forbidden" });
    for (const [field, patch] of [
      ["bpm", { bpm: 19 }],
      ["beatsPerBar", { beatsPerBar: 17 }],
      ["beatUnit", { beatUnit: 3 }],
      ["maxParticipants", { maxParticipants: 1 }],
    ] as const) {
      await expect(host.service.updateSettings(code, patch)).rejects.toMatchObject({
        code: "invalid_payload",
        message: expect.stringContaining(field),
      });
    }
    const late = await (await connectService(server.url)).joinSession(code, "Late");
    expect(late.settings).toMatchObject({ bpm: 96, beatsPerBar: 3, key: "D" });
  });

  it("the host hands over with transfer-host; everyone hears host-changed; others may not", async () => {
    const code = await room();
    const host = await joinAs(server.url, code, "Host");
    const bob = await joinAs(server.url, code, "Bob");
    await expect(bob.service.transferHost(code, bob.id)).rejects.toMatchObject({ code: "forbidden" });
    const changed = next(bob.service.onHostChanged.bind(bob.service));
    await host.service.transferHost(code, bob.id);
    expect(await changed).toMatchObject({ hostId: bob.id, roomCode: code });
    await expect(host.service.updateSettings(code, { bpm: 100 })).rejects.toMatchObject({ code: "forbidden" });
    await expect(host.service.transferHost(code, "nobody")).rejects.toMatchObject({ code: "forbidden" });
    await expect(bob.service.transferHost(code, "nobody")).rejects.toMatchObject({ code: "invalid_payload" });
  });

  it("when the host leaves, the earliest-joined remaining participant becomes host", async () => {
    const code = await room();
    const host = await joinAs(server.url, code, "Host");
    const second = await joinAs(server.url, code, "Second");
    const third = await joinAs(server.url, code, "Third");
    const changed = next(third.service.onHostChanged.bind(third.service));
    await host.service.leaveSession(code);
    expect(await changed).toMatchObject({ hostId: second.id });
  });
});

describe("shared clock", () => {
  it("clock:ping is answered with {t0, t1, t2}: as the ack, or as clock:pong without one", async () => {
    const socket = await connectRaw(server.url);
    const before = Date.now();
    const acked = await socket.emitWithAck("clock:ping", { t0: 123.5 });
    expect(acked.t0).toBe(123.5);
    expect(acked.t2).toBeGreaterThanOrEqual(acked.t1);
    expect(Math.abs(acked.t1 - before)).toBeLessThan(5_000);
    const pong = next<{ t0: number }>(onRaw(socket, "clock:pong"));
    socket.emit("clock:ping", { t0: 7 });
    expect((await pong).t0).toBe(7);
  });

  it("syncClock's offset is within 5 ms on loopback and serverNow() tracks the server", async () => {
    const service = await connectService(server.url);
    const estimate = await service.syncClock();
    expect(Math.abs(estimate.offset)).toBeLessThan(5);
    const socket = await connectRaw(server.url);
    const before = service.serverNow();
    const { t1 } = await socket.emitWithAck("clock:ping", { t0: 0 });
    const after = service.serverNow();
    expect(t1).toBeGreaterThan(before - 5);
    expect(t1).toBeLessThan(after + 5);
  });

  it("reported round trips reach the room as session:latency (no seq)", async () => {
    const code = await room();
    const ann = await joinAs(server.url, code, "Ann");
    const bob = await joinAs(server.url, code, "Bob");
    const report = next(bob.service.onLatency.bind(bob.service));
    await ann.service.rawSocket!.emitWithAck("clock:ping", { t0: 0, rttMs: 42 });
    const latency = await report;
    expect(latency).toEqual({ roomCode: code, participants: [{ id: ann.id, rttMs: 42 }] });
    expect("seq" in latency).toBe(false);
  });
});

describe("transport", () => {
  it("only the host starts and stops; everyone hears transport:state", async () => {
    const code = await room();
    const host = await joinAs(server.url, code, "Host");
    const bob = await joinAs(server.url, code, "Bob");
    await expect(bob.service.startTransport(code)).rejects.toMatchObject({ code: "forbidden" });
    await host.service.syncClock(3);
    const started = next(bob.service.onTransportState.bind(bob.service));
    const now = host.service.serverNow();
    await host.service.startTransport(code);
    const state = await started;
    expect(state).toMatchObject({ playing: true, bpm: 120, startBeat: 0, roomCode: code });
    expect(state.startedAt - now).toBeGreaterThan(100);
    expect(state.startedAt - now).toBeLessThan(2_000);
    const stopped = next(bob.service.onTransportState.bind(bob.service));
    await host.service.stopTransport(code);
    expect(await stopped).toMatchObject({ playing: false });
    await expect(bob.service.stopTransport(code)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("a tempo change while playing lands on a whole beat ≥ 200 ms ahead; the old tempo holds until then", async () => {
    const code = await room();
    const host = await joinAs(server.url, code, "Host");
    await host.service.syncClock(3);
    const at = host.service.serverNow() - 3_000;
    const states = collect(host.service.onTransportState.bind(host.service));
    await host.service.startTransport(code, { at, startBeat: 8 });
    const askedAt = host.service.serverNow();
    await host.service.updateSettings(code, { bpm: 60 });
    await flush(host.service);
    const [first, second] = states;
    expect(second).toMatchObject({ playing: true, bpm: 60, previous: { bpm: 120, startBeat: 8 } });
    expect(second.previous?.startedAt).toBeCloseTo(first.startedAt, 6);
    const beat = (s: Grid, t: number) => s.startBeat + ((t - s.startedAt) * s.bpm) / 60_000;
    const t = second.startedAt;
    expect(t - askedAt).toBeGreaterThanOrEqual(200 - 5); // Our clock is good to a few ms here.
    expect(t - askedAt).toBeLessThan(200 + 500 + 1_000); // The first beat after the lead (and a slow machine).
    expect(second.startBeat).toBe(Math.round(second.startBeat)); // A whole beat of the old grid ...
    expect(Math.abs(beat(first, t) - second.startBeat)).toBeLessThan(1e-6); // ... reached at the old tempo.
    expect(second.startBeat).toBeGreaterThan(8 + 5);
  });

  it("a start without a time while playing lands on the running grid's next beat after the lead", async () => {
    const code = await room();
    const host = await joinAs(server.url, code, "Host");
    await host.service.syncClock(3);
    const states = collect(host.service.onTransportState.bind(host.service));
    await host.service.startTransport(code, { at: host.service.serverNow() - 1_234, startBeat: 0 });
    const askedAt = host.service.serverNow();
    await host.service.startTransport(code, { startBeat: 4 });
    await flush(host.service);
    const [first, second] = states;
    expect(second).toMatchObject({ playing: true, startBeat: 4, previous: { startBeat: 0 } });
    const onOldGrid = ((second.startedAt - first.startedAt) * first.bpm) / 60_000;
    expect(Math.abs(onOldGrid - Math.round(onOldGrid))).toBeLessThan(1e-6);
    expect(second.startedAt - askedAt).toBeGreaterThanOrEqual(200 - 5);
  });

  it("a start time far from now is refused", async () => {
    const code = await room();
    const host = await joinAs(server.url, code, "Host");
    await expect(host.service.startTransport(code, { at: 1 })).rejects.toMatchObject({
      code: "invalid_payload",
      message: expect.stringContaining("at"),
    });
  });
});

describe("sequence numbers", () => {
  it("every room event carries roomCode and a strictly increasing seq; broadcasts carry serverTime", async () => {
    const code = await room();
    const host = await joinAs(server.url, code, "Host");
    const seen: number[] = [];
    for (const subscribe of [
      host.service.onUserJoined,
      host.service.onUserLeft,
      host.service.onEvent,
      host.service.onSettingsChanged,
      host.service.onTransportState,
      host.service.onHostChanged,
    ]) {
      subscribe.call(host.service, (payload: { seq: number; roomCode: string }) => {
        expect(payload.roomCode).toBe(code);
        seen.push(payload.seq);
      });
    }
    const bob = await joinAs(server.url, code, "Bob");
    const relayed = next(host.service.onEvent.bind(host.service));
    const before = Date.now();
    await bob.service.broadcastWithAck(code, "note:on", { note: 60 });
    const event = await relayed;
    expect(Math.abs(event.serverTime - before)).toBeLessThan(5_000);
    await host.service.updateSettings(code, { bpm: 100 });
    await host.service.startTransport(code);
    await host.service.transferHost(code, bob.id);
    await bob.service.leaveSession(code);
    await flush(host.service);
    // user-joined, broadcast, settings-changed + transport:state (bpm), transport:state (start),
    // host-changed (to Bob), user-left + host-changed (Bob leaves as host).
    expect(seen).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
