/**
 * Bad input in bulk (docs/protocol.md §1, §3–§7, §10–§12, §16): a seeded corpus (./corpus.ts) of nearly
 * 2 000 cases over every client event and unknown names — wrong types, arrays, nulls, huge, unicode and
 * escaped strings and names, `__proto__` keys, binary where text is expected, raw packets, random clock
 * times — with and without acks. Rules checked for every case:
 * - it gets its exact outcome: the coded `error` (as the event, and as the `{error}` ack when one was
 *   asked for, naming the event sent; an `invalid_payload` about a field names it), or the documented
 *   answer;
 * - the connection survives, and a failed request leaves the room as it was;
 * - meanwhile `/healthz` answers and a well-behaved room elsewhere on the server hears every note.
 * The cases run one at a time on one connection, the host of its own room with a second member (so
 * host commands reach their checks). One test per category, so a failure names its category and cases.
 */
import { isDeepStrictEqual } from "node:util";
import type { Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { ClientEvents, type BroadcastAck, type ErrorPayload, type SessionJoined } from "../src/types/protocol";
import { BASELINE, CATEGORIES, buildCorpus, type Case, type Ctx, type Expect } from "./corpus";
import { collect, connectRaw, connectService, flush, joinAs, serverForThisFile, type Member } from "./harness";

// Raised limits: 2 000 events from one connection must not be rate limited, nor its creates and
// wrong room codes blocked (those limits have their own tests in limits.test.ts).
const server = serverForThisFile([
  "--rate-limit",
  "100000",
  "--rate-burst",
  "100000",
  "--max-creates-per-minute",
  "100000",
  "--max-code-misses-per-minute",
  "100000",
]);

const CORPUS = buildCorpus();
const CASE_TIMEOUT_MS = 5_000;
/** A missing answer may still come this long after a later `clock:ping` was answered (failures only). */
const GRACE_MS = 1_000;
const BUSY_NOTES = 20;
const WS = { transports: ["websocket"] };
/** What may answer a case sent without an ack (the room events the host hears included). */
const ANSWERS = new Set([
  "error",
  "session:created",
  "session:joined",
  "session:resumed",
  "clock:pong",
  "session:settings-changed",
  "transport:state",
  "recording:state",
  "session:host-changed",
  "session:user-left",
  "chat:message",
  "session:user-updated",
]);

type Json = Record<string, unknown>;
interface Received {
  event: string;
  payload: unknown;
}
/** What came back: the ack (when asked for) or the first answer, and every event meanwhile. */
interface Outcome {
  ack?: unknown;
  answer?: Received;
  seen: Received[];
}

const show = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
};
const asJson = (value: unknown): Json => (typeof value === "object" && value !== null ? (value as Json) : {});

/** An acked request that must succeed. */
async function request<T>(socket: Socket, event: string, ...args: unknown[]): Promise<T> {
  const reply = await socket.timeout(CASE_TIMEOUT_MS).emitWithAck(event, ...args);
  if (asJson(reply).error) throw new Error(`${event} failed: ${show(reply)}`);
  return reply as T;
}

// ---------------------------------------------------------------------------------------------
// The corpus room
// ---------------------------------------------------------------------------------------------

/** The corpus's own room: the host connection the cases are sent on, and a second member. */
class CorpusRoom {
  host!: Socket;
  member!: Socket;
  ctx!: Ctx;

  constructor(private readonly url: string) {}

  /** A fresh room (replacing the current one, if any). */
  async open(): Promise<void> {
    this.host?.disconnect();
    this.member?.disconnect();
    this.host = await connectRaw(this.url, WS);
    this.member = await connectRaw(this.url, WS);
    const { roomCode } = await request<{ roomCode: string }>(this.host, "session:create");
    const you = await request<SessionJoined>(this.host, "session:join", { roomCode, user: { name: "Host" } });
    const other = await request<SessionJoined>(this.member, "session:join", { roomCode, user: { name: "Member" } });
    this.ctx = { roomCode, hostId: you.you.id, memberId: other.you.id, resumeToken: you.you.resumeToken };
  }

  /** How the room differs from how it started, read by re-joining (which changes nothing). */
  async drift(): Promise<{ what: string; settingsOnly: boolean } | undefined> {
    const moved = (what: string) => ({ what, settingsOnly: false });
    if (!this.host.connected || !this.member.connected) return moved("a connection closed");
    const { roomCode, hostId, memberId } = this.ctx;
    const joined = await request<SessionJoined>(this.host, "session:join", { roomCode, user: { name: "Host" } }).catch(
      (err: Error) => err,
    );
    if (joined instanceof Error) return moved(joined.message);
    if (joined.you.id !== hostId) return moved("the host had left the room");
    this.ctx.resumeToken = joined.you.resumeToken; // a resume rotates it
    const ids = joined.participants.map((p) => (p.away ? `${p.id} (away)` : p.id)).sort();
    if (!isDeepStrictEqual(ids, [hostId, memberId].sort())) return moved(`participants are now ${ids.join(", ")}`);
    if (joined.hostId !== hostId) return moved("the host role moved");
    if (joined.participants.some((p) => p.role !== "player")) return moved("someone listens now");
    if (joined.participants.some((p) => p.instrument !== "piano")) return moved("someone changed their sound");
    if (!isDeepStrictEqual(joined.settings, BASELINE)) {
      return { what: `settings are now ${show(joined.settings)}`, settingsOnly: true };
    }
    return undefined;
  }

  /** Puts the settings back, or starts over in a fresh room. */
  async restore(settingsOnly: boolean): Promise<void> {
    if (settingsOnly) {
      await request(this.host, "session:update-settings", { roomCode: this.ctx.roomCode, settings: BASELINE });
      if (!(await this.drift())) return;
    }
    await this.open();
  }
}

// ---------------------------------------------------------------------------------------------
// Sending one case
// ---------------------------------------------------------------------------------------------

async function send(socket: Socket, c: Case, ctx: Ctx): Promise<Outcome> {
  const seen: Received[] = [];
  const record = (event: string, payload: unknown) => seen.push({ event, payload });
  socket.onAny(record);
  try {
    if (c.withAck) {
      return { ack: await socket.timeout(CASE_TIMEOUT_MS).emitWithAck(c.event, ...c.args(ctx)), seen };
    }
    const sendIt = c.raw ? () => socket.io.engine.send(c.raw!(ctx)) : () => socket.emit(c.event, ...c.args(ctx));
    return { answer: await answerTo(socket, sendIt), seen };
  } finally {
    socket.offAny(record);
  }
}

/**
 * The first answer to a case sent without an ack. A `clock:ping` sent right after bounds the wait when
 * none comes: the answer should come first, but handlers run concurrently, so it gets a grace period.
 */
function answerTo(socket: Socket, sendIt: () => void): Promise<Received> {
  return new Promise((resolve, reject) => {
    const timers: ReturnType<typeof setTimeout>[] = [];
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      socket.offAny(onAny);
      socket.off("disconnect", onClose);
      timers.forEach(clearTimeout);
      settle();
    };
    const fail = (why: string) => () => finish(() => reject(new Error(why)));
    const onAny = (event: string, payload: unknown) => {
      if (ANSWERS.has(event)) finish(() => resolve({ event, payload }));
    };
    const onClose = (reason: string) => fail(`the connection closed (${reason})`)();
    socket.onAny(onAny);
    socket.on("disconnect", onClose);
    timers.push(setTimeout(fail(`no answer within ${CASE_TIMEOUT_MS} ms`), CASE_TIMEOUT_MS));
    sendIt();
    socket
      .timeout(CASE_TIMEOUT_MS)
      .emitWithAck("clock:ping", { t0: 0 })
      .then(() => !done && timers.push(setTimeout(fail("no answer (a later clock:ping was answered)"), GRACE_MS)))
      .catch(() => undefined);
  });
}

// ---------------------------------------------------------------------------------------------
// Checking one case
// ---------------------------------------------------------------------------------------------

function check(c: Case, ctx: Ctx, o: Outcome): string[] {
  const e = c.expect;
  switch (e.kind) {
    case "error":
      return checkError(c, e, o);
    case "pong":
      return [...checkPong(c, e.t0, o), ...strayErrors(o)];
    default:
      return [...(c.withAck ? checkAck(e, ctx, o) : checkReply(e, ctx, o.answer)), ...strayErrors(o)];
  }
}

function isErrorPayload(value: unknown): value is ErrorPayload {
  const p = asJson(value);
  return typeof p.code === "string" && typeof p.message === "string" && typeof p.event === "string";
}

function checkError(c: Case, e: Extract<Expect, { kind: "error" }>, o: Outcome): string[] {
  const payload = c.withAck ? asJson(o.ack).error : o.answer?.event === "error" ? o.answer.payload : undefined;
  if (!isErrorPayload(payload)) return [`expected error ${e.code}, got ${show(c.withAck ? o.ack : o.answer)}`];
  const problems: string[] = [];
  if (payload.code !== e.code) problems.push(`code ${payload.code} (${show(payload.message)}), expected ${e.code}`);
  if (payload.event !== e.event) problems.push(`error.event ${show(payload.event)}, expected ${show(e.event)}`);
  if (payload.message.length === 0) problems.push("an empty message");
  if (e.includes && !payload.message.includes(e.includes)) {
    problems.push(`message ${show(payload.message)} does not name ${e.includes}`);
  }
  if (c.withAck && !o.seen.some((r) => r.event === "error" && isDeepStrictEqual(r.payload, payload))) {
    problems.push("no `error` event equal to the {error} ack");
  }
  return problems;
}

/** Distance in units in the last place between two doubles of the same sign. */
function ulps(a: number, b: number): bigint {
  const bits = (x: number) => new BigInt64Array(new Float64Array([x]).buffer)[0];
  const d = bits(a) - bits(b);
  return d < 0n ? -d : d;
}

function checkPong(c: Case, t0: number, o: Outcome): string[] {
  const pong = asJson(c.withAck ? o.ack : o.answer?.event === "clock:pong" ? o.answer.payload : undefined);
  if (typeof pong.t0 !== "number") return [`expected a pong, got ${show(c.withAck ? o.ack : o.answer)}`];
  const problems: string[] = [];
  if (!Object.is(pong.t0, t0)) problems.push(`t0 came back as ${pong.t0}, ${ulps(pong.t0, t0)} ULP from ${t0}`);
  if (!(typeof pong.t1 === "number" && typeof pong.t2 === "number" && pong.t2 >= pong.t1)) {
    problems.push(`t1/t2 are not server times in order: ${show(pong)}`);
  }
  // §3: clock:pong only when no ack was requested.
  if (c.withAck && o.seen.some((r) => r.event === "clock:pong")) problems.push("a clock:pong as well as the ack");
  return problems;
}

type Success = Extract<Expect, { kind: "answer" | "command" | "broadcast" | "left" }>;

function checkAck(e: Success, ctx: Ctx, o: Outcome): string[] {
  const ack = asJson(o.ack);
  if (ack.error !== undefined) return [`expected success, got ${show(o.ack)}`];
  const seq = ack.seq;
  switch (e.kind) {
    case "answer": {
      const reply = o.seen.find((r) => r.event === e.event);
      if (!isDeepStrictEqual(reply?.payload, o.ack)) return [`no ${e.event} event equal to the ack ${show(o.ack)}`];
      return checkReply(e, ctx, reply);
    }
    case "command": {
      if (!isDeepStrictEqual(ack, { roomCode: ctx.roomCode, seq }) || !Number.isInteger(seq)) {
        return [`expected the ack {roomCode, seq}, got ${show(o.ack)}`];
      }
      // The room events a command causes are sent before its ack.
      const roomEvent = o.seen.find((r) => r.event === e.roomEvent);
      return e.roomEvent ? checkReply(e, ctx, roomEvent) : [];
    }
    case "broadcast":
      return isDeepStrictEqual(ack, { roomCode: ctx.roomCode, recipients: 1, seq }) && Number.isInteger(seq)
        ? []
        : [`expected the ack {roomCode, recipients: 1, seq}, got ${show(o.ack)}`];
    case "left":
      return isDeepStrictEqual(ack, { roomCode: ctx.roomCode })
        ? []
        : [`expected the ack {roomCode}, got ${show(o.ack)}`];
  }
}

/** The reply event (or the room event a command causes) is the one expected, about this room. */
function checkReply(e: Success, ctx: Ctx, reply: Received | undefined): string[] {
  const expected = e.kind === "answer" ? e.event : e.kind === "command" ? e.roomEvent : undefined;
  if (!reply || reply.event !== expected) return [`expected ${expected}, got ${show(reply)}`];
  const p = asJson(reply.payload);
  if (e.kind === "answer" && e.event === "session:created") {
    return /^[A-HJKMNP-Z2-9]{6}$/.test(String(p.roomCode)) ? [] : [`not a room code: ${show(p)}`];
  }
  if (p.roomCode !== ctx.roomCode) return [`${reply.event} for another room: ${show(p)}`];
  if (e.kind === "answer" && asJson(p.you).id !== ctx.hostId) {
    return [`${reply.event} is not about the host: ${show(p)}`];
  }
  if (e.kind === "command" && e.settings && !isDeepStrictEqual(p.settings, e.settings)) {
    return [`settings ${show(p.settings)}, expected ${show(e.settings)}`];
  }
  return [];
}

function strayErrors(o: Outcome): string[] {
  return o.seen.filter((r) => r.event === "error").map((r) => `an unexpected error ${show(r.payload)}`);
}

// ---------------------------------------------------------------------------------------------
// Running a category
// ---------------------------------------------------------------------------------------------

async function runCase(room: CorpusRoom, c: Case): Promise<string[]> {
  const ctx = { ...room.ctx };
  const problems = await send(room.host, c, ctx).then(
    (outcome) => check(c, ctx, outcome),
    (err: Error) => [err.message],
  );
  const survived = room.host.connected;
  if (!survived) problems.push("the connection did not survive");
  const drift = await room.drift();
  if (drift) {
    if (survived && c.expect.kind === "error") problems.push(`the room changed: ${drift.what}`);
    await room.restore(drift.settingsOnly);
  }
  return problems;
}

/** Runs the cases in order; returns one line per case that went wrong. */
async function runAll(url: string, cases: Case[], busy: BusyRoom): Promise<string[]> {
  const room = new CorpusRoom(url);
  await room.open();
  const failures: string[] = [];
  for (const [i, c] of cases.entries()) {
    const problems = await runCase(room, c);
    if (problems.length > 0) {
      failures.push(`#${c.index} ${c.description} [${c.withAck ? "ack" : "no ack"}]: ${problems.join("; ")}`);
    }
    await busy.playDuring(i, cases.length);
  }
  const pong = await request<{ t0: number }>(room.host, "clock:ping", { t0: 42.5 });
  expect(pong.t0, "a clock:ping round trip after the last case").toBe(42.5);
  return failures;
}

function report(category: string, failures: string[]): string {
  const shown = failures.slice(0, 10).map((f) => `  ${f}`);
  const more = failures.length > shown.length ? [`  … and ${failures.length - shown.length} more`] : [];
  return [`${failures.length} case(s) of "${category}" went wrong:`, ...shown, ...more].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Bystanders: /healthz and a well-behaved room
// ---------------------------------------------------------------------------------------------

/** A room elsewhere on the server: Ann plays notes to Ben while the corpus runs. */
class BusyRoom {
  private readonly acks: BroadcastAck[] = [];
  private readonly heard;
  private readonly echoed;
  private readonly trouble: unknown[][];

  private constructor(
    private readonly roomCode: string,
    private readonly ann: Member,
    private readonly ben: Member,
  ) {
    this.heard = collect(ben.service.onEvent.bind(ben.service));
    this.echoed = collect(ann.service.onEvent.bind(ann.service));
    this.trouble = [ann, ben].flatMap(({ service: s }) => [
      collect(s.onError.bind(s)),
      collect(s.onUserLeft.bind(s)),
      collect(s.onUserAway.bind(s)),
      collect(s.onKicked.bind(s)),
    ]);
  }

  static async open(url: string): Promise<BusyRoom> {
    const { roomCode } = await (await connectService(url)).createSession();
    return new BusyRoom(roomCode, await joinAs(url, roomCode, "Ann"), await joinAs(url, roomCode, "Ben"));
  }

  /** Spreads BUSY_NOTES notes over the run: the ones due after case `i` of `n`. */
  async playDuring(i: number, n: number): Promise<void> {
    const due = Math.min(BUSY_NOTES, Math.floor(((i + 1) * BUSY_NOTES) / n));
    while (this.acks.length < due) await this.play();
  }

  private async play(): Promise<void> {
    const note = 40 + this.acks.length;
    this.acks.push(await this.ann.service.broadcastWithAck(this.roomCode, "note:on", { note, velocity: 100 }));
  }

  /** Ben heard every note once, in seq order; nobody got an error, left, went away or was kicked. */
  async verify(): Promise<void> {
    while (this.acks.length < BUSY_NOTES) await this.play();
    await flush(this.ben.service);
    await flush(this.ann.service);
    const sent = this.acks.map((a, i) => ({ seq: a.seq, note: 40 + i, senderId: this.ann.id }));
    const heard = this.heard.map((e) => ({ seq: e.seq, note: asJson(e.data).note, senderId: e.senderId }));
    expect(heard, "the notes Ben heard").toEqual(sent);
    expect(this.acks.map((a) => a.recipients)).toEqual(this.acks.map(() => 1));
    const seqs = sent.map((s) => s.seq);
    expect(seqs, "seqs strictly increasing").toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(this.echoed, "no echo to Ann").toEqual([]);
    expect(this.trouble.flat(), "errors, departures, kicks in the busy room").toEqual([]);
  }
}

async function expectHealthy(url: string): Promise<void> {
  const res = await fetch(`${url}/healthz`);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("ok");
}

// ---------------------------------------------------------------------------------------------

describe("the bad-input corpus", () => {
  it("is seeded (the same every run) and has over 1 000 cases over every client event and unknown names", () => {
    const fingerprint = (c: Case) => `${c.index} ${c.category} ${c.withAck} ${c.description} ${show(c.expect)}`;
    expect(buildCorpus().map(fingerprint)).toEqual(CORPUS.map(fingerprint));
    expect(CORPUS.length).toBeGreaterThanOrEqual(1000);
    for (const event of Object.values(ClientEvents)) {
      const cases = CORPUS.filter((c) => c.event === event);
      expect(cases.filter((c) => c.withAck).length, `${event} with an ack`).toBeGreaterThan(10);
      expect(cases.filter((c) => !c.withAck).length, `${event} without an ack`).toBeGreaterThan(10);
    }
    expect(CORPUS.filter((c) => c.category === CATEGORIES.unknownNames).length).toBeGreaterThan(50);
  });

  for (const category of Object.values(CATEGORIES)) {
    const cases = CORPUS.filter((c) => c.category === category);
    const title = `${category}: ${cases.length} cases, each its exact outcome; connection, /healthz, busy room unharmed`;
    it(title, { timeout: 60_000 }, async () => {
      await expectHealthy(server.url);
      const busy = await BusyRoom.open(server.url);
      const failures = await runAll(server.url, cases, busy);
      await busy.verify();
      await expectHealthy(server.url);
      expect(failures.length, report(category, failures)).toBe(0);
    });
  }
});
