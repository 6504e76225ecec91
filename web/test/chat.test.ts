/**
 * Chat over the official client: `chat:send` reaches everyone in the room, the sender included, as
 * `chat:message` with a seq; text is trimmed and 1–500 characters; markup is carried as plain text;
 * joiners get the last 50; a member who dropped gets what was said meanwhile on resume, once.
 */
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../src/types/protocol";
import { collect, connectRaw, connectService, flush, joinAs, next, serverForThisFile, type Member } from "./harness";

const server = serverForThisFile(["--resume-grace", "10s"]);

async function roomWith(...names: string[]): Promise<{ code: string; members: Member[] }> {
  const code = (await (await connectService(server.url)).createSession()).roomCode;
  const members: Member[] = [];
  for (const name of names) members.push(await joinAs(server.url, code, name));
  return { code, members };
}

const chatOf = (member: Member) => collect<ChatMessage>(member.service.onChatMessage.bind(member.service));

describe("chat", () => {
  it("a message reaches everyone, the sender included, trimmed, with seq, name and server time", async () => {
    const { code, members } = await roomWith("Ann", "Bob");
    const [ann, bob] = members;
    const [toAnn, toBob] = [chatOf(ann), chatOf(bob)];
    const ack = await ann.service.sendChat(code, "  let's play a blues in A \n");
    await Promise.all([flush(ann.service), flush(bob.service)]);
    const expected = { roomCode: code, seq: ack.seq, userId: ann.id, name: "Ann", text: "let's play a blues in A" };
    expect(toAnn).toEqual([expect.objectContaining(expected)]);
    expect(toBob).toEqual([expect.objectContaining(expected)]);
    expect(typeof toBob[0].serverTime).toBe("number");
  });

  it("empty, blank and over-500-character text is invalid_payload and nobody hears anything", async () => {
    const { code, members } = await roomWith("Ann", "Bob");
    const [ann, bob] = members;
    const heard = chatOf(bob);
    for (const text of ["", "   \n ", "x".repeat(501)]) {
      await expect(ann.service.sendChat(code, text)).rejects.toMatchObject({ code: "invalid_payload" });
    }
    await ann.service.sendChat(code, "é".repeat(500)); // 500 characters (1 000 bytes) is fine.
    await flush(bob.service);
    expect(heard.map((m) => m.text.length)).toEqual([500]);
  });

  it("markup is carried as the text it is", async () => {
    const { code, members } = await roomWith("Ann", "Bob");
    const heard = chatOf(members[1]);
    const text = `<img src=x onerror="alert(1)"> <b>bold</b> & "quotes"`;
    await members[0].service.sendChat(code, text);
    await flush(members[1].service);
    expect(heard[0].text).toBe(text);
  });

  it("someone outside the room is not_in_room; a bad payload is invalid_payload", async () => {
    const { code } = await roomWith("Ann");
    const outsider = await connectRaw(server.url);
    expect(await outsider.emitWithAck("chat:send", { roomCode: code, text: "hi" })).toMatchObject({
      error: { code: "not_in_room", event: "chat:send" },
    });
    for (const bad of [{ roomCode: code }, { roomCode: code, text: 5 }, { roomCode: code, text: null }, ["x"]]) {
      expect(await outsider.emitWithAck("chat:send", bad)).toMatchObject({ error: { code: "invalid_payload" } });
    }
    outsider.disconnect();
  });

  it("a joiner gets the last 50 messages, oldest first", async () => {
    const { code, members } = await roomWith("Ann");
    for (let i = 1; i <= 55; i++) await members[0].service.sendChat(code, `line ${i}`);
    const joined = await (await connectService(server.url)).joinSession(code, "Late");
    expect(joined.chat.map((m) => m.text)).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i + 6}`));
  });

  it("what was said while a member was away comes with the resume, once", async () => {
    const { code, members } = await roomWith("Ann", "Bob");
    const [ann, bob] = members;
    const away = next(ann.service.onUserAway.bind(ann.service));
    bob.service.rawSocket!.io.engine.close();
    await away;
    await ann.service.sendChat(code, "are you there?");
    const heard = chatOf(bob);
    const resumed = next(bob.service.onSessionResumed.bind(bob.service));
    bob.service.rawSocket!.connect();
    const session = await resumed;
    await flush(bob.service);
    expect(heard.map((m) => m.text)).toEqual(["are you there?"]);
    expect(session.missed.filter((m) => m.event === "chat:message")).toHaveLength(1);
    expect(session.chat.map((m) => m.text)).toEqual(["are you there?"]);
  });
});
