/**
 * A sound per player over the official client: `session:update-profile {roomCode, instrument}` →
 * everyone (the sender included) hears `session:user-updated`; participants carry `instrument`;
 * unknown values are refused; a take's MIDI file gives each player's track its General MIDI program,
 * read back with a parser we did not write (@tonejs/midi). (A change during a take is a program change
 * at that tick: server/src/recording/midi_tests.rs.)
 */
import { Midi } from "@tonejs/midi";
import { describe, expect, it } from "vitest";
import type { RecordingState, UserUpdated } from "../src/types/protocol";
import { collect, connectRaw, connectService, flush, joinAs, next, onRaw, serverForThisFile } from "./harness";

const server = serverForThisFile();

async function room(): Promise<string> {
  return (await (await connectService(server.url)).createSession()).roomCode;
}

describe("a sound per player", () => {
  it("update-profile reaches everyone as user-updated; joiners see it; the same sound again changes nothing", async () => {
    const code = await room();
    const ann = await joinAs(server.url, code, "Ann");
    const bob = await joinAs(server.url, code, "Bob");
    const [toAnn, toBob] = [ann, bob].map((m) => collect<UserUpdated>(m.service.onUserUpdated.bind(m.service)));
    const ack = await ann.service.updateProfile(code, "electric-piano");
    await Promise.all([flush(ann.service), flush(bob.service)]);
    const user = { id: ann.id, name: "Ann", away: false, role: "player", instrument: "electric-piano" };
    expect(toAnn).toEqual([{ roomCode: code, seq: ack.seq, user }]);
    expect(toBob).toEqual([{ roomCode: code, seq: ack.seq, user }]);
    const again = await ann.service.updateProfile(code, "electric-piano");
    expect(again.seq).toBe(ack.seq);
    const joined = await (await connectService(server.url)).joinSession(code, "Cy");
    expect(joined.participants.map((p) => p.instrument)).toEqual(["electric-piano", "piano", "piano"]);
  });

  it("an unknown instrument is invalid_payload; someone outside the room is not_in_room", async () => {
    const code = await room();
    const ann = await joinAs(server.url, code, "Ann");
    for (const instrument of ["kazoo", "Piano", null, 3]) {
      expect(await ann.service.rawSocket!.emitWithAck("session:update-profile", { roomCode: code, instrument })).toMatchObject({
        error: { code: "invalid_payload", event: "session:update-profile" },
      });
    }
    const outsider = await connectRaw(server.url);
    expect(await outsider.emitWithAck("session:update-profile", { roomCode: code, instrument: "organ" })).toMatchObject({
      error: { code: "not_in_room" },
    });
    outsider.disconnect();
  });

  it("a take with two instruments: each player's track has its General MIDI program", async () => {
    const code = await room();
    const ann = await joinAs(server.url, code, "Ann");
    const bob = await joinAs(server.url, code, "Bob");
    await ann.service.updateProfile(code, "organ");
    await bob.service.updateProfile(code, "bass");
    const started = next<RecordingState>(onRaw(bob.service.rawSocket!, "recording:state"));
    await ann.service.rawSocket!.emitWithAck("recording:start", { roomCode: code });
    await started;
    await ann.service.broadcastWithAck(code, "note:on", { note: 60, velocity: 100 });
    await ann.service.broadcastWithAck(code, "note:off", { note: 60 });
    await bob.service.broadcastWithAck(code, "note:on", { note: 40, velocity: 90 });
    await bob.service.broadcastWithAck(code, "note:off", { note: 40 });
    const stopped = next<RecordingState>(onRaw(bob.service.rawSocket!, "recording:state"));
    await ann.service.rawSocket!.emitWithAck("recording:stop", { roomCode: code });
    const { downloadUrl } = await stopped;
    const midi = new Midi(new Uint8Array(await (await fetch(`${server.url}${downloadUrl}`)).arrayBuffer()));
    const track = (name: string, channel: number) => midi.tracks.find((t) => t.name === name && t.channel === channel);
    expect(track("Ann", 0)?.instrument.number).toBe(16); // Drawbar Organ
    expect(track("Bob", 0)?.instrument.number).toBe(33); // Electric Bass (finger)
  });
});
