/**
 * The bad-input corpus behind badInput.corpus.test.ts: nearly 2 000 client events, each with the exact
 * outcome docs/protocol.md promises (a coded `error`, or the documented answer). Cases mutate a valid
 * payload of every client event one field at a time (every wrong type, null, arrays, huge, unicode and
 * escaped strings, binary, numbers in and out of range, missing fields, extra keys such as `__proto__`),
 * replace whole payloads, and add unknown and escaped event names, raw packets and random `clock:ping`
 * times. A seeded PRNG draws the random parts and the ack flags, so every run sends the same cases in
 * the same order. Values that depend on the live room (its code, the ids, the resume token, server
 * time) are filled in when a case is sent.
 */
import type { ErrorCode, Settings } from "../src/types/protocol";
import { DEFAULT_SETTINGS } from "../src/session/state/jamState";

export const SEED = 0x6a616d21;

/** mulberry32: a tiny seeded PRNG; floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type Rng = () => number;

/** What a case may use of the live room; filled in when the case is sent. */
export interface Ctx {
  roomCode: string;
  hostId: string;
  memberId: string;
  resumeToken: string;
}

/** A stand-in room for working out expectations while the corpus is built. */
const DUMMY: Ctx = {
  roomCode: "ABCDEF",
  hostId: "HostHostHostHost",
  memberId: "MembMembMembMemb",
  resumeToken: "0".repeat(32),
};

/** A value computed when the case is sent, from the live room or the clock. */
export class Live {
  constructor(
    readonly label: string,
    readonly make: (ctx: Ctx) => unknown,
  ) {}
}

export type Answer = "session:created" | "session:joined" | "session:resumed";
export type RoomEventName =
  | "session:settings-changed"
  | "transport:state"
  | "session:host-changed"
  | "session:user-left"
  | "session:user-updated"
  | "chat:message";

/** The exact outcome of a case. */
export type Expect =
  | { kind: "error"; code: ErrorCode; event: string; includes?: string }
  | { kind: "answer"; event: Answer }
  | { kind: "command"; roomEvent?: RoomEventName; settings?: Settings }
  | { kind: "broadcast" }
  | { kind: "left" }
  | { kind: "pong"; t0: number };

export const CATEGORIES = {
  unknownNames: "unknown event names",
  escapedNames: "event names that need JSON escapes",
  rawPackets: "raw packets: JSON escapes, duplicate keys, extra arguments",
  wholePayload: "whole payload of the wrong type, missing, or in the second argument",
  arrays: "arrays where objects are required",
  wrongTypes: "fields of the wrong type",
  nulls: "null for typed settings and optional fields (settings.key: null clears the key)",
  settingsTypes: "settings values of the wrong type",
  strings: "huge, unicode and escaped strings",
  binary: "binary where text or an object is expected",
  values: "field values in and out of range, and live variants",
  missing: "missing fields",
  extraKeys: "extra keys: __proto__, constructor, unknown ones",
  clock: "clock:ping t0 echoed bit-exactly",
} as const;
export type Category = (typeof CATEGORIES)[keyof typeof CATEGORIES];

export interface Case {
  index: number;
  category: Category;
  description: string;
  /** The event name sent (for raw packets, what its JSON decodes to). */
  event: string;
  /** The arguments after the event name (the server reads the first as the payload). */
  args: (ctx: Ctx) => unknown[];
  withAck: boolean;
  /** A Socket.IO packet sent as is through the engine instead of `emit` (never with an ack). */
  raw?: (ctx: Ctx) => string;
  expect: Expect;
}

type Draft = Omit<Case, "index" | "withAck"> & { acks: "random" | "both" };
type Payload = Record<string, unknown>;
type Failure = { code: ErrorCode; includes?: string };
type Verdict = "ok" | Failure;
type Judge = (value: unknown) => Verdict;
type WireType = "number" | "string" | "boolean" | "null" | "array" | "object" | "binary";

/** A room's settings as the server creates them (the page shows the same defaults). */
export const BASELINE: Settings = DEFAULT_SETTINGS;
const MAX_PARTICIPANTS = 16; // the server's default --max-participants
const HUGE = 100_000;
const MAX_EVENT_BYTES = 65_536;
const U64_MAX = 2 ** 64 - 2048; // the largest double that fits in a u64

// ---- Values, as the server sees them --------------------------------------------------------

function isBinary(v: unknown): boolean {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
}

function isPlainObject(v: unknown): v is Payload {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isBinary(v);
}

/** JSON has no NaN or infinities: socket.io-client sends them as null. */
function onWire(v: unknown): unknown {
  return typeof v === "number" && !Number.isFinite(v) ? null : v;
}

function wireType(v: unknown): WireType {
  const w = onWire(v);
  if (w === null) return "null";
  if (isBinary(w)) return "binary";
  return Array.isArray(w) ? "array" : (typeof w as WireType);
}

/** `payload` with `path` set to `value` (or removed), copying only along the path. */
function withPath(payload: Payload, path: string[], value: unknown, remove = false): Payload {
  const [key, ...rest] = path;
  const copy: Payload = { ...payload };
  if (rest.length > 0) {
    return define(copy, key, withPath(isPlainObject(copy[key]) ? copy[key] : {}, rest, value, remove));
  }
  if (remove) delete copy[key];
  return remove ? copy : define(copy, key, value);
}

/** Sets an own property, so that `__proto__` is a key like any other (as JSON.parse makes it). */
function define(target: Payload, key: string, value: unknown): Payload {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

function resolve(value: unknown, ctx: Ctx): unknown {
  return value instanceof Live ? value.make(ctx) : value;
}

function label(value: unknown): string {
  if (value instanceof Live) return value.label;
  if (typeof value === "string" && value.length > 40) return `string of ${value.length} UTF-16 units`;
  if (isBinary(value)) return `binary ${(value as object).constructor.name}`;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// ---- The rules (§4, §5, §7, §11), as judges of one field's value ----------------------------

const invalid = (includes?: string): Failure =>
  includes ? { code: "invalid_payload", includes } : { code: "invalid_payload" };
const within = (ok: boolean, bad: Verdict): Verdict => (ok ? "ok" : bad);
const codePoints = (s: string) => Array.from(s).length;

function text(rule: (s: string) => Verdict): Judge {
  return (v) => (typeof v === "string" ? rule(v) : invalid());
}

function finite(rule: (n: number) => Verdict, bad = invalid()): Judge {
  return (v) => (typeof v === "number" && Number.isFinite(v) ? rule(v) : bad);
}

/** An unsigned integer of at most `max` (u8, u32, u64); anything else is a type error. */
function unsigned(max: number, rule: (n: number) => Verdict, bad = invalid()): Judge {
  return (v) => (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max ? rule(v) : bad);
}

/** 1–32 characters after trimming, no control characters (JS and Rust trim alike on these samples). */
function nameRule(s: string): Verdict {
  const name = s.trim();
  return within(codePoints(name) >= 1 && codePoints(name) <= 32 && !/\p{Cc}/u.test(name), { code: "name_invalid" });
}

const eventNameRule = (s: string) => within(/^[A-Za-z0-9:_.-]{1,64}$/.test(s), invalid());
/** An instrument: one of the six. */
const instrumentRule = (s: string) =>
  within(["piano", "electric-piano", "organ", "synth-lead", "bass", "pad"].includes(s), invalid());
/** A role: exactly "player" or "listener". */
const roleRule = (s: string) => within(s === "player" || s === "listener", invalid());
/** Chat text: 1–500 characters once trimmed. */
const chatRule = (s: string) => within(codePoints(s.trim()) >= 1 && codePoints(s.trim()) <= 500, invalid("text"));
const keyRule = (s: string) => within(/^[A-Za-z0-9 #♯♭-]{1,16}$/u.test(s.trim()), invalid("key"));

/** `data` may be anything; a string past --max-event-bytes (with "note:on") is too large. */
function dataRule(v: unknown): Verdict {
  const big = typeof v === "string" && Buffer.byteLength(v) + 2 + "note:on".length > MAX_EVENT_BYTES;
  return big ? { code: "payload_too_large" } : "ok";
}

/** The typed settings fields; every error names the field (§5: "whose message names the field"). */
function settingJudges(minParticipants: number): Record<keyof Settings, Judge> {
  const range = (field: string, ok: (n: number) => boolean) => (n: number) => within(ok(n), invalid(field));
  return {
    bpm: finite(
      range("bpm", (n) => n >= 20 && n <= 300),
      invalid("bpm"),
    ),
    beatsPerBar: unsigned(
      255,
      range("beatsPerBar", (n) => n >= 1 && n <= 16),
      invalid("beatsPerBar"),
    ),
    beatUnit: unsigned(
      255,
      range("beatUnit", (n) => [2, 4, 8, 16].includes(n)),
      invalid("beatUnit"),
    ),
    key: (v) => (v === null ? "ok" : typeof v === "string" ? keyRule(v) : invalid("key")),
    locked: (v) => (typeof v === "boolean" ? "ok" : invalid("locked")),
    maxParticipants: unsigned(
      2 ** 32 - 1,
      range("maxParticipants", (n) => n >= minParticipants && n <= MAX_PARTICIPANTS),
      invalid("maxParticipants"),
    ),
  };
}

/** The settings after a valid `session:update-settings` patch on the baseline. */
function patched(patch: unknown): Settings {
  const next: Record<string, unknown> = { ...BASELINE };
  for (const key of Object.keys(BASELINE)) {
    if (!isPlainObject(patch) || !Object.hasOwn(patch, key)) continue;
    const value = onWire(patch[key]);
    next[key] = key === "key" && typeof value === "string" ? value.trim() : value;
  }
  return next as Settings;
}

// ---- The client events: a base payload, its fields, and what success looks like ------------

interface Field {
  path: string[];
  type: "string" | "number" | "integer" | "boolean" | "object" | "any" | "stringOrNull";
  /** For integers: the largest the Rust type holds (u8, u32, u64). */
  max?: number;
  judge: Judge;
  /** Absent is allowed; null is not (it is a mistyped value, named in the message). */
  optional?: boolean;
  /** A typed settings field. */
  setting?: boolean;
  /** Values for this field beyond the shared samples: in and out of range, live variants. */
  values?: Sample[];
}

interface Sample {
  value: unknown;
  /** Overrides the field's judge (for live values). */
  verdict?: Verdict;
}

interface EventSpec {
  event: string;
  base: (ctx: Ctx) => Payload;
  fields: Field[];
  /** The outcome when every field passes (worked out on the DUMMY room). */
  success: (payload: Payload, ctx: Ctx) => Expect;
}

const field = (path: string, type: Field["type"], judge: Judge, more: Partial<Field> = {}): Field => ({
  path: path.split("."),
  type,
  judge,
  ...more,
});
const values = (...list: unknown[]): Sample[] => list.map((value) => ({ value }));
const live = (what: string, make: (c: Ctx) => unknown, verdict?: Verdict): Sample =>
  verdict ? { value: new Live(what, make), verdict } : { value: new Live(what, make) };
const error = (event: string, v: Failure): Expect => ({ kind: "error", event, ...v });
const command = (roomEvent?: RoomEventName, settings?: Settings): Expect => ({
  kind: "command",
  ...(roomEvent ? { roomEvent } : {}),
  ...(settings ? { settings } : {}),
});
const answer = (event: Answer): Expect => ({ kind: "answer", event });
const sameRoom = (p: Payload, ctx: Ctx) =>
  typeof p.roomCode === "string" && p.roomCode.trim().toUpperCase() === ctx.roomCode;

/** A string field no string can satisfy here (a code no room has, an id no one has). */
const anyStringFails = (code: ErrorCode): Judge => text(() => ({ code }));

function roomCode(code: ErrorCode): Field {
  const real = live("the room's code in lower case with spaces", (c) => ` ${c.roomCode.toLowerCase()} `, "ok");
  return field("roomCode", "string", anyStringFails(code), { values: [real, ...values("ZZ2ZZ2")] });
}

const swapCase = (s: string) =>
  s.replace(/[a-z]/gi, (ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()));
const otherLast = (s: string) => s.slice(0, -1) + (s.endsWith("0") ? "1" : "0");

function userId(): Field {
  const ids = [
    live("the other member's id", (c) => c.memberId, "ok"),
    live("the host's own id", (c) => c.hostId, "ok"),
    live("the host's id with its letters' case swapped", (c) => swapCase(c.hostId), invalid()),
  ];
  return field("userId", "string", anyStringFails("invalid_payload"), { values: ids });
}

function settingsFields(prefix: string, minParticipants: number): Field[] {
  const judges = settingJudges(minParticipants);
  const setting = (name: keyof Settings, type: Field["type"], list: unknown[], max?: number) =>
    field(`${prefix}.${name}`, type, judges[name], {
      optional: true,
      setting: true,
      values: values(...list),
      ...(max ? { max } : {}),
    });
  return [
    setting("bpm", "number", [19.999, 20, 96.5, 300, 300.001, -120, 1e308]),
    setting("beatsPerBar", "integer", [1, 16, 17, 255, 256, 1.5, -1], 255),
    setting("beatUnit", "integer", [1, 2, 3, 8, 16, 32, 2.5], 255),
    setting("key", "stringOrNull", ["C", "F# minor", "E♭ major", "x".repeat(16), "x".repeat(17), "  D  ", "Ré", "C\n"]),
    setting("locked", "boolean", [true, false]),
    setting("maxParticipants", "integer", [1, 2, 16, 17, 2 ** 32, -1, 2.5], 2 ** 32 - 1),
  ];
}

function at(): Field {
  const from = (ms: number, verdict: Verdict) =>
    live(`server time ${ms < 0 ? "-" : "+"} ${Math.abs(ms) / 1000} s`, () => Date.now() + ms, verdict);
  const times = [from(1000, "ok"), from(-5000, "ok"), from(-20_000, invalid()), from(120_000, invalid())];
  // Fixed numbers are all far from server time (~1.8e12): only live ones can be in range.
  return field(
    "at",
    "number",
    finite(() => invalid()),
    { optional: true, values: times },
  );
}

const anyNumber: Judge = finite(() => "ok");
const anyU64: Judge = unsigned(U64_MAX, () => "ok");
const startBeatRule: Judge = finite((n) => within(n >= 0 && n <= 1e6, invalid()));
const patchObject: Judge = (v) => (isPlainObject(v) ? "ok" : invalid());
const userObject: Judge = (v) => (isPlainObject(v) && typeof v.name === "string" ? nameRule(v.name) : invalid());
const roomOnly = (event: string, success: Expect): EventSpec => ({
  event,
  base: (c) => ({ roomCode: c.roomCode }),
  fields: [roomCode("not_in_room")],
  success: () => success,
});

export const SPECS: EventSpec[] = [
  {
    event: "session:create",
    base: () => ({ settings: { bpm: 120 } }),
    fields: [field("settings", "object", patchObject, { optional: true }), ...settingsFields("settings", 1)],
    success: () => answer("session:created"),
  },
  {
    event: "session:join",
    base: (c) => ({ roomCode: c.roomCode, user: { name: "Host" } }),
    fields: [
      roomCode("room_not_found"),
      field("user", "object", userObject),
      field("user.name", "string", text(nameRule), {
        values: values("x", "é".repeat(32), "é".repeat(33), "🎸".repeat(32), "🎸".repeat(33), "  Ann  ", "a\nb", "\t"),
      }),
      // The host joins again: its identity (and role) stay whatever role it asks for.
      field("user.role", "string", text(roleRule), {
        optional: true,
        values: values("player", "listener", "Listener", "dj", ""),
      }),
    ],
    success: () => answer("session:joined"),
  },
  {
    event: "session:resume",
    base: (c) => ({ roomCode: c.roomCode, resumeToken: c.resumeToken, lastSeq: 0 }),
    fields: [
      roomCode("resume_failed"),
      field("resumeToken", "string", anyStringFails("resume_failed"), {
        values: [
          live("the token with its last character changed", (c) => otherLast(c.resumeToken)),
          ...values("0".repeat(32)),
        ],
      }),
      field("lastSeq", "integer", anyU64, { max: U64_MAX, values: values(0, 7, 2 ** 53 - 1, -1, 1.5, 1e20) }),
    ],
    success: () => answer("session:resumed"),
  },
  {
    // Base: a code this connection is not in (leaving the real room is a live variant).
    event: "session:leave",
    base: () => ({ roomCode: "ZZZZZZ" }),
    fields: [roomCode("not_in_room")],
    success: (p, c) => (sameRoom(p, c) ? { kind: "left" } : error("session:leave", { code: "not_in_room" })),
  },
  {
    event: "event:broadcast",
    base: (c) => ({ roomCode: c.roomCode, eventName: "note:on", data: { note: 60, velocity: 100 } }),
    fields: [
      roomCode("not_in_room"),
      field("eventName", "string", text(eventNameRule), {
        values: values("x".repeat(64), "x".repeat(65), "note on", "nöte", "a.b-c_d:9", "é".repeat(32)),
      }),
      field("data", "any", dataRule, {
        optional: true,
        values: values(
          null,
          [1, 2],
          { nested: { deep: [1, { x: null }] } },
          { sample: new Uint8Array([1, 2, 3]) },
          "y".repeat(60_000),
          "y".repeat(70_000),
        ),
      }),
    ],
    success: () => ({ kind: "broadcast" }),
  },
  {
    // Base: handing the role to oneself, which changes nothing.
    event: "session:transfer-host",
    base: (c) => ({ roomCode: c.roomCode, userId: c.hostId }),
    fields: [roomCode("not_in_room"), userId()],
    success: (p, c) => (p.userId === c.memberId ? command("session:host-changed") : command()),
  },
  {
    event: "session:update-settings",
    base: (c) => ({ roomCode: c.roomCode, settings: { bpm: 120 } }),
    fields: [roomCode("not_in_room"), field("settings", "object", patchObject), ...settingsFields("settings", 2)],
    success: (p) => command("session:settings-changed", patched(p.settings)),
  },
  {
    // Base: the host kicking itself (invalid_payload); kicking the member is a live variant.
    event: "session:kick",
    base: (c) => ({ roomCode: c.roomCode, userId: c.hostId }),
    fields: [roomCode("not_in_room"), userId()],
    success: (p, c) => (p.userId === c.memberId ? command("session:user-left") : error("session:kick", invalid())),
  },
  {
    event: "transport:start",
    base: (c) => ({ roomCode: c.roomCode, startBeat: 0 }),
    fields: [
      roomCode("not_in_room"),
      at(),
      field("startBeat", "number", startBeatRule, { optional: true, values: values(0, 3.5, 1e6, 1e6 + 1, -0.5) }),
    ],
    success: () => command("transport:state"),
  },
  roomOnly("transport:stop", command("transport:state")),
  {
    // Base: the host asks for the member to play, which it already does (no change).
    event: "session:set-role",
    base: (c) => ({ roomCode: c.roomCode, userId: c.memberId, role: "player" }),
    fields: [
      roomCode("not_in_room"),
      userId(),
      field("role", "string", text(roleRule), { values: values("player", "listener", "Player", "dj", "") }),
    ],
    success: (p, c) => {
      if (p.role !== "listener") return command();
      return p.userId === c.memberId ? command("session:user-updated") : error("session:set-role", invalid());
    },
  },
  {
    // Base: the host's sound set to what it is (no change); another sound is a user-updated.
    event: "session:update-profile",
    base: (c) => ({ roomCode: c.roomCode, instrument: "piano" }),
    fields: [
      roomCode("not_in_room"),
      field("instrument", "string", text(instrumentRule), {
        values: values("piano", "organ", "synth-lead", "Piano", "kazoo", ""),
      }),
    ],
    success: (p) => (p.instrument === "piano" ? command() : command("session:user-updated")),
  },
  {
    event: "chat:send",
    base: (c) => ({ roomCode: c.roomCode, text: "hello" }),
    fields: [
      roomCode("not_in_room"),
      field("text", "string", text(chatRule), {
        values: values("x", "é".repeat(500), "é".repeat(501), "  padded  ", "\n\t", "<b>markup</b>", "🎸".repeat(500)),
      }),
    ],
    success: () => command("chat:message"),
  },
  roomOnly("recording:start", command()),
  roomOnly("recording:stop", command()),
  {
    event: "clock:ping",
    base: () => ({ t0: 1.5 }),
    fields: [
      field("t0", "number", anyNumber),
      // Any number: an out-of-range round trip is ignored silently (§6).
      field("rttMs", "number", anyNumber, { optional: true, values: values(-1, 0, 3.4, 60_001, 1e308) }),
    ],
    success: (p) => ({ kind: "pong", t0: p.t0 as number }),
  },
];

function specOf(event: string): EventSpec {
  const found = SPECS.find((spec) => spec.event === event);
  if (!found) throw new Error(`no spec for ${event}`);
  return found;
}

// ---- Shared samples: every field gets each of these -----------------------------------------

/** Random text from scripts that need no JSON escapes: Latin, Greek, Cyrillic, Hebrew, kana, CJK, emoji. */
function unicodeString(rng: Rng, length: number): string {
  const ranges = [
    [0xc0, 0x24f],
    [0x391, 0x3c9],
    [0x410, 0x44f],
    [0x5d0, 0x5ea],
    [0x3041, 0x3096],
    [0x4e00, 0x9fff],
    [0x1f300, 0x1f5ff],
  ];
  let out = "";
  for (let i = 0; i < length; i++) {
    const [lo, hi] = ranges[Math.floor(rng() * ranges.length)];
    out += String.fromCodePoint(lo + Math.floor(rng() * (hi - lo + 1)));
  }
  return out;
}

function sharedSamples(rng: Rng): Sample[] {
  const proto = define({}, "__proto__", { polluted: true });
  return values(
    ...[42, -1.5, 0, true, false, null, NaN, {}, { a: 1 }, proto, [], ["x", 1], [42]],
    ...["x", "", "a".repeat(HUGE), "🎸".repeat(HUGE / 4), 'say "hi" \\ back\\slash \t tab', "bell\u0007 nul\u0000"],
    ...[unicodeString(rng, 8), unicodeString(rng, 40), "<script>alert(1)</script>' OR '1'='1"],
    ...[Buffer.from("ABCDEF"), new Uint8Array([0, 1, 2, 255]), new ArrayBuffer(8)],
  );
}

// ---- Case builders --------------------------------------------------------------------------

function verdictOf(f: Field, sample: Sample): Verdict {
  if (sample.verdict) return sample.verdict;
  const value = onWire(resolve(sample.value, DUMMY));
  const name = f.path[f.path.length - 1];
  return value === null && f.optional && f.type !== "any" && f.type !== "stringOrNull" ? invalid(name) : f.judge(value);
}

function outcome(spec: EventSpec, verdict: Verdict, payload: Payload): Expect {
  return verdict === "ok" ? spec.success(payload, DUMMY) : error(spec.event, verdict);
}

/** A case of `spec`'s event. */
function draft(spec: EventSpec, category: Category, what: string, args: Draft["args"], expect: Expect): Draft {
  const acks = category === CATEGORIES.nulls || category === CATEGORIES.arrays ? "both" : "random";
  return { category, description: `${spec.event} ${what}`, event: spec.event, args, expect, acks };
}

/** Whether the value has the field's JSON (and, for integers, Rust) type. */
function typeMatches(f: Field, value: unknown): boolean {
  const wire = wireType(value);
  if (f.type === "any") return true;
  if (f.type === "stringOrNull") return wire === "string" || wire === "null";
  if (f.type === "integer") {
    return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= (f.max ?? 0);
  }
  return wire === f.type;
}

function categoryOf(f: Field, sample: Sample): Category {
  const value = resolve(sample.value, DUMMY);
  const wire = wireType(value);
  const matches = typeMatches(f, value);
  if (wire === "null" && (f.setting || (f.optional && f.type !== "any"))) return CATEGORIES.nulls;
  if (f.setting && !matches) return CATEGORIES.settingsTypes;
  if (wire === "binary") return CATEGORIES.binary;
  if (wire === "array" && f.type === "object") return CATEGORIES.arrays;
  if (!matches) return CATEGORIES.wrongTypes;
  if (sample.verdict === undefined && wire === "string" && !f.values?.includes(sample)) return CATEGORIES.strings;
  return CATEGORIES.values;
}

/** §1: "the `message` of an `invalid_payload` names the field at fault". */
function naming(f: Field, verdict: Verdict): Verdict {
  const name = f.path[f.path.length - 1];
  return verdict !== "ok" && verdict.code === "invalid_payload" ? { includes: name, ...verdict } : verdict;
}

function fieldCase(spec: EventSpec, f: Field, sample: Sample): Draft {
  const build = (ctx: Ctx) => withPath(spec.base(ctx), f.path, resolve(sample.value, ctx));
  const expect = outcome(spec, naming(f, verdictOf(f, sample)), build(DUMMY));
  const what = `${f.path.join(".")} = ${label(sample.value)}`;
  return draft(spec, categoryOf(f, sample), what, (ctx) => [build(ctx)], expect);
}

function missingCase(spec: EventSpec, f: Field): Draft[] {
  const parent = f.path.slice(0, -1).reduce<unknown>((o, k) => (isPlainObject(o) ? o[k] : undefined), spec.base(DUMMY));
  if (!isPlainObject(parent) || !Object.hasOwn(parent, f.path[f.path.length - 1])) return [];
  const build = (ctx: Ctx) => withPath(spec.base(ctx), f.path, undefined, true);
  const expect = outcome(spec, f.optional ? "ok" : naming(f, invalid()), build(DUMMY));
  return [draft(spec, CATEGORIES.missing, `without ${f.path.join(".")}`, (ctx) => [build(ctx)], expect)];
}

function fieldCases(rng: Rng): Draft[] {
  const shared = sharedSamples(rng);
  return SPECS.flatMap((spec) =>
    spec.fields.flatMap((f) => [
      ...[...shared, ...(f.values ?? [])].map((sample) => fieldCase(spec, f, sample)),
      ...missingCase(spec, f),
    ]),
  );
}

/** What whole payloads are replaced by: none of them an object (but `{}`). */
const WHOLE_PAYLOADS: unknown[] = [
  ...[42, "x", true, null, NaN, [], ["x", 1], {}, "a".repeat(HUGE), "🎸漢字"],
  ...[Buffer.from("ABCDEF"), new Uint8Array([1])],
];

/** Whole payloads: each of these instead of an object; none at all; the payload in the second argument. */
function wholePayloadCases(): Draft[] {
  return SPECS.flatMap((spec) => {
    const creating = spec.event === "session:create"; // its payload is optional
    const valid = spec.success(spec.base(DUMMY), DUMMY);
    const bad = error(spec.event, invalid());
    const replaced = WHOLE_PAYLOADS.map((value) => {
      const wire = wireType(value);
      const category =
        wire === "binary" ? CATEGORIES.binary : wire === "array" ? CATEGORIES.arrays : CATEGORIES.wholePayload;
      const expect = creating && wire === "object" ? valid : bad;
      return draft(spec, category, `with the payload ${label(value)}`, () => [value], expect);
    });
    const both = (what: string, args: Draft["args"], expect: Expect): Draft => ({
      ...draft(spec, CATEGORIES.wholePayload, what, args, expect),
      acks: "both",
    });
    return [
      ...replaced,
      both("with no payload", () => [], creating ? valid : bad),
      both("with 42 first and the valid payload second", (c) => [42, spec.base(c)], bad),
      both("with the valid payload first and 42 second", (c) => [spec.base(c), 42], valid),
    ];
  });
}

/** JSON arrays where an object is required (§1: "All payloads are single JSON objects"). */
function arrayCases(): Draft[] {
  const list: [string, string, (c: Ctx) => unknown][] = [
    ["session:create", "[]", () => []],
    ["session:create", "[{bpm: 100}]", () => [{ bpm: 100 }]],
    ["session:create", "{settings: [100]}", () => ({ settings: [100] })],
    ["session:join", "[roomCode, {name}]", (c) => [c.roomCode, { name: "Ann" }]],
    ["session:join", "{roomCode, user: [name]}", (c) => ({ roomCode: c.roomCode, user: ["Ann"] })],
    ["session:resume", "[roomCode, resumeToken, lastSeq]", (c) => [c.roomCode, c.resumeToken, 0]],
    ["session:leave", "[roomCode]", (c) => [c.roomCode]],
    ["event:broadcast", "[roomCode, eventName, data]", (c) => [c.roomCode, "note:on", { note: 60 }]],
    ["session:transfer-host", "[roomCode, member's id]", (c) => [c.roomCode, c.memberId]],
    ["session:kick", "[roomCode, member's id]", (c) => [c.roomCode, c.memberId]],
    ["session:update-settings", "[roomCode, {bpm: 100}]", (c) => [c.roomCode, { bpm: 100 }]],
    ["session:update-settings", "{roomCode, settings: []}", (c) => ({ roomCode: c.roomCode, settings: [] })],
    [
      "session:update-settings",
      "{roomCode, settings: [100, 3]}",
      (c) => ({ roomCode: c.roomCode, settings: [100, 3] }),
    ],
    ["transport:start", "[roomCode]", (c) => [c.roomCode]],
    ["transport:stop", "[roomCode]", (c) => [c.roomCode]],
    ["recording:start", "[roomCode]", (c) => [c.roomCode]],
    ["recording:stop", "[roomCode]", (c) => [c.roomCode]],
    ["clock:ping", "[t0]", () => [1.5]],
    ["clock:ping", "[t0, rttMs]", () => [1.5, 3]],
  ];
  return list.map(([event, what, payload]) => ({
    category: CATEGORIES.arrays,
    description: `${event} with the payload ${what}`,
    event,
    args: (c) => [payload(c)],
    expect: error(event, invalid()),
    acks: "both",
  }));
}

/** Unknown keys are ignored (§1), `__proto__` and `constructor` included, at the top and nested. */
function extraKeyCases(): Draft[] {
  const extras: [string, unknown][] = [
    ["__proto__", { roomCode: "ZZZZZZ", t0: 9, settings: { bpm: 999 }, polluted: true }],
    ["constructor", { prototype: { polluted: true } }],
    ["toString", "not a function"],
    ["hasOwnProperty", 1],
    ["unknownKey", [1, { deep: true }]],
    ["ROOMCODE", "ZZZZZZ"],
  ];
  const top = SPECS.flatMap((spec) =>
    extras.map(([key, value]) => extraKeyCase(spec, [key], value, spec.success(spec.base(DUMMY), DUMMY))),
  );
  const [join, update] = [specOf("session:join"), specOf("session:update-settings")];
  const unchanged = command("session:settings-changed", BASELINE);
  return [
    ...top,
    extraKeyCase(join, ["user", "__proto__"], { name: "" }, answer("session:joined")),
    extraKeyCase(update, ["settings", "__proto__"], { bpm: 999, locked: true }, unchanged),
    extraKeyCase(update, ["settings", "constructor"], { bpm: 999 }, unchanged),
  ];
}

function extraKeyCase(spec: EventSpec, path: string[], value: unknown, expect: Expect): Draft {
  const what = `with the extra key ${path.join(".")} = ${label(value)}`;
  return draft(spec, CATEGORIES.extraKeys, what, (c) => [withPath(spec.base(c), path, value)], expect);
}

/**
 * JSON objects shaped like socket.io's binary placeholder, sent as text with no attachment: plain
 * objects, so valid wherever an object is (unknown keys ignored), relayed as they are in `data`.
 */
function placeholderCases(): Draft[] {
  const p = { _placeholder: true, num: 0 };
  const cases: [string, string, (c: Ctx) => Payload, Expect][] = [
    ["session:create", "payload", () => ({ ...p }), answer("session:created")],
    ["session:create", "settings", () => ({ settings: p }), answer("session:created")],
    [
      "session:update-settings",
      "settings",
      (c) => ({ roomCode: c.roomCode, settings: p }),
      command("session:settings-changed", BASELINE),
    ],
    ["session:join", "user", (c) => ({ roomCode: c.roomCode, user: { name: "Host", ...p } }), answer("session:joined")],
    ["event:broadcast", "data", (c) => ({ roomCode: c.roomCode, eventName: "x", data: p }), { kind: "broadcast" }],
    ["clock:ping", "payload", () => ({ t0: 1.5, ...p }), { kind: "pong", t0: 1.5 }],
  ];
  return cases.map(([event, where, payload, expect]) => ({
    category: CATEGORIES.binary,
    description: `${event} with a placeholder-shaped object as text in its ${where}`,
    event,
    args: (c: Ctx) => [payload(c)],
    expect,
    acks: "both",
  }));
}

// ---- Event names ----------------------------------------------------------------------------

/** The name the server reports for an unknown event: its first 64 characters (code points). */
export function shownName(name: string): string {
  return Array.from(name).slice(0, 64).join("");
}

const UNKNOWN_NAMES = [
  ...["session:explode", "SESSION:CREATE", "session:create ", " session:join", "session:Join", "event:Broadcast"],
  ...["clock:pong", "session:created", "error", "x", "a".repeat(64), "a".repeat(65)],
  ...["a".repeat(1000), "b".repeat(HUGE), "é", "café", "🎸", "🎸".repeat(100), "漢字", "ｓｅｓｓｉｏｎ:ｃｒｅａｔｅ"],
  ...["session:create\u200b", "e\u0301", "line\u2028separator", "del\u007f", "42", "null", "__proto__"],
  ...["constructor", "toString", "hasOwnProperty", "../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --"],
  ...["%s%s%n", "${x}{{x}}"],
];

/** Names JSON.stringify escapes: quotes, backslashes, control characters. */
const ESCAPED_NAMES = [
  ...['say "hi"', "tab\there", "back\\slash", "session:join\u0000", "session:create\u0000", "line\nbreak"],
  ...["carriage\rreturn", "bell\u0007", "unit\u001fsep", '"', "\\", "ends with \\", "\b\f", '🎸 "quoted" \\ 🎹'],
  ...["x".repeat(63) + '"' + "y".repeat(10), "é".repeat(60) + "\t".repeat(10), "\u0000".repeat(100), 'session:leave"'],
];

function nameCases(rng: Rng): Draft[] {
  const payloads: [string, (c: Ctx) => unknown[]][] = [
    ["no payload", () => []],
    ["{roomCode}", (c) => [{ roomCode: c.roomCode }]],
    ["42", () => [42]],
    ["binary", () => [Buffer.from("x")]],
  ];
  return [...UNKNOWN_NAMES, ...ESCAPED_NAMES].map((name): Draft => {
    const [what, args] = payloads[Math.floor(rng() * payloads.length)];
    const escaped = JSON.stringify(name) !== `"${name}"`;
    return {
      category: escaped ? CATEGORIES.escapedNames : CATEGORIES.unknownNames,
      description: `unknown event ${label(name)} with ${what}`,
      event: name,
      args,
      expect: error(shownName(name), { code: "unknown_event" }),
      acks: "both",
    };
  });
}

const unknown = (name: string) => error(name, { code: "unknown_event" });
const escapeFirstLetter = (code: string) => code.replace(/[A-Z]/, (ch) => `\\u00${ch.charCodeAt(0).toString(16)}`);

/** Packets written by hand, for JSON the official client never produces (escapes it need not use). */
const RAW_PACKETS: [string, (c: Ctx) => string, Expect][] = [
  ["caf\\u00e9", () => `2["caf\\u00e9"]`, unknown("café")],
  ['say \\"hi\\"', () => `2["say \\"hi\\""]`, unknown('say "hi"')],
  ["a\\/b", () => `2["a\\/b"]`, unknown("a/b")],
  ["\\u0041BC", () => `2["\\u0041BC",{}]`, unknown("ABC")],
  ["\\ud83c\\udfb8", () => `2["\\ud83c\\udfb8"]`, unknown("🎸")],
  ["x\\u0000y", () => `2["x\\u0000y"]`, unknown("x\u0000y")],
  ["session\\/leave", () => `2["session\\/leave",{"roomCode":"ZZZZZZ"}]`, unknown("session/leave")],
  // §1: "A known name spelled with escapes, e.g. "session:cre\u0061te", is treated as unknown too."
  ["session:cre\\u0061te", () => `2["session:cre\\u0061te"]`, unknown("session:create")],
  ["clock:p\\u0069ng", () => `2["clock:p\\u0069ng",{"t0":2.5}]`, unknown("clock:ping")],
  ["session:le\\u0061ve", () => `2["session:le\\u0061ve",{"roomCode":"ZZZZZZ"}]`, unknown("session:leave")],
  ["clock:ping with t0 twice", () => `2["clock:ping",{"t0":1,"t0":2}]`, error("clock:ping", invalid())],
  ["clock:ping with an escaped key t\\u0030", () => `2["clock:ping",{"t\\u0030":7}]`, { kind: "pong", t0: 7 }],
  ["clock:ping with t0 1e400", () => `2["clock:ping",{"t0":1e400}]`, error("clock:ping", invalid())],
  ["clock:ping with a second argument", () => `2["clock:ping",{"t0":1},5]`, { kind: "pong", t0: 1 }],
  [
    "clock:ping with a lone surrogate in rttMs",
    () => `2["clock:ping",{"t0":1,"rttMs":"\\ud800"}]`,
    error("clock:ping", invalid()),
  ],
  [
    "session:join with an escaped name",
    () => `2["session:join",{"roomCode":"ZZZZZZ","user":{"name":"\\u0041nn"}}]`,
    error("session:join", { code: "room_not_found" }),
  ],
  [
    "session:join with roomCode twice",
    (c) => `2["session:join",{"roomCode":"${c.roomCode}","roomCode":"x","user":{"name":"A"}}]`,
    error("session:join", invalid()),
  ],
  [
    "transport:stop with an escaped room code",
    (c) => `2["transport:stop",{"roomCode":"${escapeFirstLetter(c.roomCode)}"}]`,
    command("transport:state"),
  ],
];

function rawCases(): Draft[] {
  return RAW_PACKETS.map(([what, raw, expect]) => ({
    category: CATEGORIES.rawPackets,
    description: `raw packet ${what}`,
    event: expect.kind === "error" ? expect.event : "",
    args: () => [],
    raw,
    expect,
    acks: "random",
  }));
}

// ---- Clock ----------------------------------------------------------------------------------

/** t0 values: edge cases, then random doubles of three kinds (server-time like, any magnitude, any bits). */
function clockCases(rng: Rng): Draft[] {
  const edges = [
    ...[0.1, 0.2, 0.3, 0.1 + 0.2, 1 / 3, 2 / 3, Math.PI, Math.E, 4.35, 52817.25, 1767225600120.412, 123456789.123],
    ...[
      1e-7,
      1e21,
      1e23,
      8.41e21,
      1e308,
      1e-300,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.MIN_VALUE,
      7 * Number.MIN_VALUE,
    ],
    ...[
      2.2250738585072014e-308,
      2.225073858507201e-308,
      Number.EPSILON,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      2 ** 53 + 2,
      -1,
    ],
  ];
  const randoms = Array.from({ length: 300 }, (_, i) => randomDouble(rng, i % 3));
  // JSON.stringify(-0) is "0": what comes back is 0.
  return [...[...edges, ...randoms].map((t0) => pingCase(t0, t0)), pingCase(-0, 0)];
}

function pingCase(t0: number, echoed: number): Draft {
  const expect: Expect = { kind: "pong", t0: echoed };
  return {
    category: CATEGORIES.clock,
    description: `clock:ping t0 = ${label(t0)}`,
    event: "clock:ping",
    args: () => [{ t0 }],
    expect,
    acks: "random",
  };
}

function randomDouble(rng: Rng, kind: number): number {
  if (kind === 0) return Math.floor(rng() * 1e12) + Math.round(rng() * 1000) / 1000;
  const mantissa = (Math.floor(rng() * 2 ** 26) * 2 ** 27 + Math.floor(rng() * 2 ** 27)) / 2 ** 53;
  if (kind === 1) return mantissa * 10 ** Math.floor(rng() * 40 - 20);
  const bits = new DataView(new ArrayBuffer(8));
  bits.setUint32(0, Math.floor(rng() * 0x7fe00000) + (rng() < 0.5 ? 0x80000000 : 0)); // finite: exponent below all-ones
  bits.setUint32(4, Math.floor(rng() * 2 ** 32));
  return bits.getFloat64(0) || 0; // no -0
}

// ---- The corpus -----------------------------------------------------------------------------

/** Cases that succeed silently without an ack are sent with one, so there is something to check. */
function needsAck(expect: Expect): boolean {
  return expect.kind === "broadcast" || expect.kind === "left" || (expect.kind === "command" && !expect.roomEvent);
}

function finish(drafts: Draft[], rng: Rng): Case[] {
  const cases: Case[] = [];
  for (const { acks, ...draft } of drafts) {
    const flags = draft.raw
      ? [false]
      : needsAck(draft.expect)
        ? [true]
        : acks === "both"
          ? [true, false]
          : [rng() < 0.5];
    for (const withAck of flags) cases.push({ ...draft, index: cases.length, withAck });
  }
  return cases;
}

/** The whole corpus, in the order it is sent. Same seed, same cases. */
export function buildCorpus(seed = SEED): Case[] {
  const rng = mulberry32(seed);
  const drafts = [
    ...nameCases(rng),
    ...rawCases(),
    ...wholePayloadCases(),
    ...arrayCases(),
    ...fieldCases(rng),
    ...extraKeyCases(),
    ...placeholderCases(),
    ...clockCases(rng),
  ];
  return finish(drafts, rng);
}
