/**
 * Recording a take and exporting it, over the official client and plain HTTP: the file is checked
 * with a MIDI parser we did not write (@tonejs/midi) and with midly (through our midi-inspect tool).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Midi } from "@tonejs/midi";
import { describe, expect, it } from "vitest";
import type { BroadcastEvent, RecordingState } from "../src/types/protocol";
import {
  collect,
  connectService,
  eventually,
  flush,
  joinAs,
  next,
  onRaw,
  startServer,
  type Member,
  serverForThisFile,
} from "./harness";

const PPQ = 480;
const MIDI_INSPECT = fileURLToPath(new URL("../../target/debug/midi-inspect", import.meta.url));
const OUTPUT = fileURLToPath(new URL("../../test-output", import.meta.url));

const server = serverForThisFile(["--max-recording-events", "50"]);

async function roomWithHostAndGuest(url = server.url): Promise<{ code: string; host: Member; guest: Member }> {
  const code = (await (await connectService(url)).createSession({ bpm: 120 })).roomCode;
  const host = await joinAs(url, code, "Host", {});
  const guest = await joinAs(url, code, "Guest", {});
  return { code, host, guest };
}

const recordingState = (member: Member) => next<RecordingState>(onRaw(member.service.rawSocket!, "recording:state"));

/** Ticks at server time `at` through a tempo map of [{at, bpm}], as the issue defines them. */
function expectedTicks(at: number, tempoMap: { at: number; bpm: number }[]): number {
  let ticks = 0;
  for (let i = 0; i < tempoMap.length; i++) {
    const start = tempoMap[i].at;
    const end = Math.min(at, tempoMap[i + 1]?.at ?? Infinity);
    if (end > start) ticks += ((end - start) * tempoMap[i].bpm * PPQ) / 60_000;
  }
  return ticks;
}

describe("a scripted take", () => {
  it("records notes, drums and a tempo change; the file is right for two independent parsers", async () => {
    const { code, host, guest } = await roomWithHostAndGuest();
    const heard = collect<BroadcastEvent>(host.service.onEvent.bind(host.service));
    const started = recordingState(guest);
    await host.service.rawSocket!.emitWithAck("recording:start", { roomCode: code });
    const start = await started;
    expect(start).toMatchObject({ recording: true, events: 0, roomCode: code });

    const send = (eventName: string, data: unknown) => guest.service.broadcastWithAck(code, eventName, data);
    await send("note:on", { note: 60, velocity: 100 });
    await send("note:off", { note: 60 });
    await send("note:on", { note: 38, velocity: 90, channel: 9 });
    await send("note:on", { note: 200, velocity: 100 }); // relayed, not recorded
    await send("chat", { text: "not music" }); // relayed, not recorded
    await host.service.updateSettings(code, { bpm: 60 });
    await send("note:on", { note: 64, velocity: 80 }); // left hanging: closed at stop
    const stopped = recordingState(guest);
    await host.service.rawSocket!.emitWithAck("recording:stop", { roomCode: code });
    const stop = await stopped;
    expect(stop).toMatchObject({ recording: false, reason: "stopped", roomCode: code });
    expect(stop.downloadUrl).toMatch(/^\/recordings\/[A-Za-z0-9]+-[0-9a-f]{32}\.mid$/);
    await flush(host.service);
    expect(heard.map((e) => e.eventName)).toEqual(["note:on", "note:off", "note:on", "note:on", "chat", "note:on"]);

    const json = await (await fetch(`${server.url}${stop.downloadUrl}?format=json`)).json();
    expect(json.invalid).toBe(1);
    const tempoMap = json.tempoMap.map((t: { at: number; bpm: number }) => ({ at: t.at, bpm: t.bpm }));
    expect(tempoMap.map((t: { bpm: number }) => t.bpm)).toEqual([120, 60]);
    expect(tempoMap[0].at).toBe(start.startedAt);

    const response = await fetch(`${server.url}${stop.downloadUrl}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("audio/midi");
    const bytes = new Uint8Array(await response.arrayBuffer());
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(`${OUTPUT}/recording.mid`, bytes);

    // Where each note should land: the relay time the host observed, through the tempo map.
    const relayTimes = heard.filter((e) => e.eventName.startsWith("note:")).map((e) => e.serverTime);
    const [onC, offC, drum, , onE] = relayTimes;
    const expected = (at: number) => expectedTicks(at, tempoMap);

    const midi = new Midi(bytes);
    expect(midi.header.ppq).toBe(PPQ);
    expect(midi.header.tempos.map((t) => Math.round(t.bpm))).toEqual([120, 60]);
    const track = midi.tracks.find((t) => t.name === "Guest");
    expect(track, "a track named after the participant").toBeTruthy();
    const notes = track!.notes.map((n) => ({
      midi: n.midi,
      ticks: n.ticks,
      end: n.ticks + n.durationTicks,
      velocity: Math.round(n.velocity * 127),
    }));
    const c4 = notes.find((n) => n.midi === 60)!;
    expect(Math.abs(c4.ticks - expected(onC))).toBeLessThanOrEqual(1);
    expect(Math.abs(c4.end - expected(offC))).toBeLessThanOrEqual(1);
    expect(c4.velocity).toBe(100);
    const e4 = notes.find((n) => n.midi === 64)!;
    expect(Math.abs(e4.ticks - expected(onE))).toBeLessThanOrEqual(1);
    expect(Math.abs(e4.end - expected(json.stoppedAt))).toBeLessThanOrEqual(1);
    expect(e4.velocity).toBe(80);
    const snare = midi.tracks.flatMap((t) => t.notes.map((n) => ({ ...n.toJSON(), channel: t.channel }))).find((n) => n.midi === 38)!;
    expect(snare.channel).toBe(9);
    expect(Math.abs(snare.ticks - expected(drum))).toBeLessThanOrEqual(1);
    expect(notes.map((n) => n.midi).sort(), "note 200 was not recorded").toEqual([60, 64]);

    // midly, through our inspector: the same ticks.
    const inspected = JSON.parse(execFileSync(MIDI_INSPECT, [`${OUTPUT}/recording.mid`]).toString());
    expect(inspected.format).toBe("Parallel");
    expect(inspected.ppq).toBe(PPQ);
    expect(inspected.tracks[0].tempos.map((t: { bpm: number }) => Math.round(t.bpm))).toEqual([120, 60]);
    const guestTrack = inspected.tracks.find((t: { name: string }) => t.name === "Guest");
    const ons = guestTrack.notes.filter((n: { on: boolean }) => n.on);
    expect(ons.map((n: { note: number }) => n.note)).toEqual(expect.arrayContaining([60, 64]));
    const midlyC4 = ons.find((n: { note: number }) => n.note === 60);
    expect(Math.abs(midlyC4.tick - expected(onC))).toBeLessThanOrEqual(1);
  });

  it("only the host records: others get forbidden", async () => {
    const { code, guest } = await roomWithHostAndGuest();
    const reply = await guest.service.rawSocket!.emitWithAck("recording:start", { roomCode: code });
    expect(reply).toMatchObject({ error: { code: "forbidden", event: "recording:start" } });
  });

  it("a take with no events is a valid file with just the tempo track", async () => {
    const { code, host } = await roomWithHostAndGuest();
    await host.service.rawSocket!.emitWithAck("recording:start", { roomCode: code });
    const stopped = recordingState(host);
    await host.service.rawSocket!.emitWithAck("recording:stop", { roomCode: code });
    const { downloadUrl, events } = await stopped;
    expect(events).toBe(0);
    const midi = new Midi(new Uint8Array(await (await fetch(`${server.url}${downloadUrl}`)).arrayBuffer()));
    expect(midi.tracks.length).toBeLessThanOrEqual(1);
    expect(midi.tracks.flatMap((t) => t.notes)).toEqual([]);
    expect(midi.header.tempos).toHaveLength(1);
  });

  it("unknown or forged links are 404", async () => {
    const { code, host } = await roomWithHostAndGuest();
    await host.service.rawSocket!.emitWithAck("recording:start", { roomCode: code });
    const stopped = recordingState(host);
    await host.service.rawSocket!.emitWithAck("recording:stop", { roomCode: code });
    const { downloadUrl } = await stopped;
    expect((await fetch(`${server.url}${downloadUrl}`)).status).toBe(200);
    const forged = downloadUrl!.replace(/[0-9a-f](?=\.mid$)/, (c) => (c === "0" ? "1" : "0"));
    expect((await fetch(`${server.url}${forged}`)).status).toBe(404);
    expect((await fetch(`${server.url}/recordings/nothing-here.mid`)).status).toBe(404);
  });

  it("at --max-recording-events the take stops itself with reason 'limit'", async () => {
    const { code, host, guest } = await roomWithHostAndGuest();
    await host.service.rawSocket!.emitWithAck("recording:start", { roomCode: code });
    const stopped = recordingState(host);
    for (let i = 0; i < 60; i++) guest.service.broadcast(code, "note:on", { note: 60, velocity: 1 + (i % 100) });
    const state = await stopped;
    expect(state).toMatchObject({ recording: false, reason: "limit" });
    // Fifty recorded, plus the note-offs that close the notes still sounding at the stop.
    expect(state.events).toBeGreaterThanOrEqual(50);
    const json = await (await fetch(`${server.url}${state.downloadUrl}?format=json`)).json();
    expect(json.events.filter((e: { type: string }) => e.type === "note_on")).toHaveLength(50);
  });
});

describe("link lifetime", () => {
  it("a take stays downloadable while its room lives and for --recording-ttl after, then 404", async () => {
    const short = await startServer(["--empty-room-ttl", "200ms", "--recording-ttl", "1s"]);
    try {
      const { code, host, guest } = await roomWithHostAndGuest(short.url);
      await host.service.rawSocket!.emitWithAck("recording:start", { roomCode: code });
      await guest.service.broadcastWithAck(code, "note:on", { note: 61, velocity: 70 });
      const ended = recordingState(host);
      await guest.service.leaveSession(code);
      await host.service.rawSocket!.emitWithAck("recording:stop", { roomCode: code });
      const { downloadUrl } = await ended;
      await host.service.leaveSession(code);
      expect((await fetch(`${short.url}${downloadUrl}`)).status).toBe(200);
      await eventually(async () => (await fetch(`${short.url}${downloadUrl}`)).status === 404, 15_000);
    } finally {
      await short.stop();
    }
  });

  it("a take still running when the room empties is closed with reason 'room_ended'", async () => {
    const { code, host, guest } = await roomWithHostAndGuest();
    await host.service.rawSocket!.emitWithAck("recording:start", { roomCode: code });
    await guest.service.leaveSession(code);
    const watcher = await connectService(server.url);
    const states = collect<RecordingState>(onRaw(host.service.rawSocket!, "recording:state"));
    await host.service.leaveSession(code);
    const late = await watcher.joinSession(code, "Late");
    expect(late.recording).toMatchObject({ recording: false, reason: "room_ended" });
    expect(states).toEqual([]);
  });
});
