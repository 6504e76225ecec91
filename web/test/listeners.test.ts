/**
 * Listeners over the official client: they hear and see everything and may chat, but their
 * broadcasts are refused with `listen_only`; they take no player seat (maxParticipants counts
 * players) and at most --max-listeners listen; the host moves people between playing and listening
 * with `session:set-role`, which everyone hears as `session:user-updated`.
 */
import { describe, expect, it } from "vitest";
import type { BroadcastEvent, UserUpdated } from "../src/types/protocol";
import { collect, connectService, flush, joinAs, next, serverForThisFile, type Member } from "./harness";

const server = serverForThisFile(["--max-participants", "2", "--max-listeners", "2"]);

async function listenerJoins(code: string, name: string): Promise<Member> {
  const service = await connectService(server.url);
  const joined = await service.joinSession(code, name, "listener");
  return { service, id: joined.you.id, name, resumeToken: joined.you.resumeToken };
}

async function room(): Promise<string> {
  return (await (await connectService(server.url)).createSession()).roomCode;
}

describe("listeners", () => {
  it("a listener hears the players and is listed as one, but cannot play (listen_only)", async () => {
    const code = await room();
    const host = await joinAs(server.url, code, "Host");
    const lis = await listenerJoins(code, "Lis");
    const heard = collect<BroadcastEvent>(lis.service.onEvent.bind(lis.service));
    await host.service.broadcastWithAck(code, "note:on", { note: 60 });
    await flush(lis.service);
    expect(heard.map((e) => e.data)).toEqual([{ note: 60 }]);

    const hostHeard = collect<BroadcastEvent>(host.service.onEvent.bind(host.service));
    await expect(lis.service.broadcastWithAck(code, "note:on", { note: 61 })).rejects.toMatchObject({
      code: "listen_only",
      event: "event:broadcast",
    });
    await flush(host.service);
    expect(hostHeard).toEqual([]);
    const joined = await (await connectService(server.url)).joinSession(code, "Third");
    expect(joined.participants.map((p) => [p.name, p.role])).toEqual([
      ["Host", "player"],
      ["Lis", "listener"],
      ["Third", "player"],
    ]);
  });

  it("listeners take no player seat; --max-listeners bounds them; an unknown role is invalid_payload", async () => {
    const code = await room();
    await joinAs(server.url, code, "P1");
    await listenerJoins(code, "L1");
    await listenerJoins(code, "L2");
    await joinAs(server.url, code, "P2"); // Two players fit beside two listeners.
    await expect(listenerJoins(code, "L3")).rejects.toMatchObject({ code: "room_full" });
    await expect(joinAs(server.url, code, "P3")).rejects.toMatchObject({ code: "room_full" });
    const raw = await connectService(server.url);
    for (const role of ["dj", null, 3]) {
      await expect(
        raw.rawSocket!.emitWithAck("session:join", { roomCode: code, user: { name: "X", role } }),
      ).resolves.toMatchObject({ error: { code: "invalid_payload" } });
    }
  });

  it("the host invites a listener to play: everyone hears user-updated, and then they can play", async () => {
    const code = await room();
    const host = await joinAs(server.url, code, "Host");
    const lis = await listenerJoins(code, "Lis");
    const updates = collect<UserUpdated>(lis.service.onUserUpdated.bind(lis.service));
    await expect(lis.service.setRole(code, lis.id, "player")).rejects.toMatchObject({ code: "forbidden" });
    const ack = await host.service.setRole(code, lis.id, "player");
    await flush(lis.service);
    expect(updates).toEqual([{ roomCode: code, seq: ack.seq, user: { id: lis.id, name: "Lis", away: false, role: "player", instrument: "piano" } }]);
    await expect(lis.service.broadcastWithAck(code, "note:on", { note: 62 })).resolves.toMatchObject({ recipients: 1 });

    // Back to listening; the host cannot make itself a listener, nor hand the host role to one.
    await host.service.setRole(code, lis.id, "listener");
    await expect(host.service.setRole(code, host.id, "listener")).rejects.toMatchObject({ code: "invalid_payload" });
    await expect(host.service.transferHost(code, lis.id)).rejects.toMatchObject({ code: "invalid_payload" });
  });

  it("inviting a listener into a full band is room_full; a listener may chat", async () => {
    const code = await room();
    const host = await joinAs(server.url, code, "Host");
    await joinAs(server.url, code, "P2");
    const lis = await listenerJoins(code, "Lis");
    await expect(host.service.setRole(code, lis.id, "player")).rejects.toMatchObject({ code: "room_full" });
    const said = next(host.service.onChatMessage.bind(host.service));
    await lis.service.sendChat(code, "great groove");
    expect(await said).toMatchObject({ userId: lis.id, text: "great groove" });
  });
});
