/**
 * Room events watched on bare sockets, where a repeated or out-of-order seq stays visible (the
 * service would drop it), and the rules every client's stream must keep. For the cluster tests.
 */
import type { Socket } from "socket.io-client";
import { expect } from "vitest";
import { ROOM_EVENTS } from "../src/session/service/subscriptions";
import type { ErrorPayload, SessionJoined } from "../src/types/protocol";
import type { ClusterNode } from "./cluster";
import { connectRaw, connectService } from "./harness";

export interface RoomEvent {
  event: string;
  payload: { seq: number; roomCode: string; userId?: string; user?: { id: string }; senderId?: string };
}

/** A participant on a bare socket that records every room event it receives, in arrival order. */
export interface Watcher {
  name: string;
  node: ClusterNode;
  socket: Socket;
  id: string;
  token: string;
  joined: SessionJoined;
  events: RoomEvent[];
}

export async function listen(node: ClusterNode): Promise<{ socket: Socket; events: RoomEvent[] }> {
  const socket = await connectRaw(node.url, { transports: ["websocket"] });
  const events: RoomEvent[] = [];
  socket.onAny((event: string, payload: RoomEvent["payload"]) => {
    if (event in ROOM_EVENTS) events.push({ event, payload });
  });
  return { socket, events };
}

/** A node of `nodes` that serves the room `url` names (a `moved` answer's URL). */
function nodeAt(nodes: readonly ClusterNode[], url: string): ClusterNode {
  const node = nodes.find((n) => n.url.replace(/\/?$/, "/") === url);
  if (!node) throw new Error(`moved to ${url}, which is no node of this cluster`);
  return node;
}

export interface Reply<T> {
  node: ClusterNode;
  socket: Socket;
  events: RoomEvent[];
  reply: T | { error: ErrorPayload };
  /** The nodes that answered `moved` on the way. */
  movedFrom: ClusterNode[];
}

/**
 * Sends `event` through `node`, following `moved` answers to the node that serves the room (each
 * time on a new socket), as socketService does; resolves with the last reply.
 */
export async function sendFollowing<T>(
  nodes: readonly ClusterNode[],
  node: ClusterNode,
  event: string,
  payload: unknown,
): Promise<Reply<T>> {
  const movedFrom: ClusterNode[] = [];
  for (let hop = 0; ; hop++) {
    const { socket, events } = await listen(node);
    const reply: T | { error: ErrorPayload } = await socket.emitWithAck(event, payload);
    const error = (reply as { error?: ErrorPayload }).error;
    if (error?.code !== "moved" || hop >= 3) return { node, socket, events, reply, movedFrom };
    socket.disconnect();
    movedFrom.push(node);
    node = nodeAt(nodes, error.url!);
  }
}

/** A member who joined through `node` (and ended on the room's owner). */
export async function watch(
  node: ClusterNode,
  roomCode: string,
  name: string,
  nodes: readonly ClusterNode[] = [node],
): Promise<Watcher & { movedFrom: ClusterNode[] }> {
  const sent = await sendFollowing<SessionJoined>(nodes, node, "session:join", { roomCode, user: { name } });
  const joined = sent.reply as SessionJoined;
  expect(joined, `${name} joins through node ${node.name}`).not.toHaveProperty("error");
  const { socket, events, movedFrom } = sent;
  return { name, node: sent.node, socket, id: joined.you.id, token: joined.you.resumeToken, joined, events, movedFrom };
}

export function payloadsOf<T>(w: Watcher, event: string): T[] {
  return w.events.filter((e) => e.event === event).map((e) => e.payload as unknown as T);
}

/** The presence events (`session:user-away`, …) a watcher received about one participant. */
export function about(w: Watcher, event: string, userId: string): RoomEvent["payload"][] {
  return w.events.filter((e) => e.event === event && e.payload.userId === userId).map((e) => e.payload);
}

export function lastSeq(w: Watcher): number {
  return Math.max(w.joined.seq, ...w.events.map((e) => e.payload.seq));
}

/** Rule: a client sees a room's seqs strictly increasing, none repeated, all after its snapshot's. */
export function expectSeqsStrictlyIncreasing(w: Watcher, after = w.joined.seq): void {
  const seqs = w.events.map((e) => e.payload.seq);
  expect(seqs, `${w.name}'s seqs in arrival order`).toEqual([...new Set(seqs)].sort((x, y) => x - y));
  if (seqs.length > 0) expect(seqs[0], `${w.name}'s first seq`).toBeGreaterThan(after);
}

/** What an event is, in a form comparable between recipients. */
function identify(e: RoomEvent): string {
  const p = e.payload;
  return `${e.event} ${p.userId ?? p.user?.id ?? ""} ${p.senderId ?? ""}`;
}

/** Rule: one seq means one event, whoever received it. */
export function expectSameEventPerSeq(watchers: Watcher[]): void {
  const bySeq = new Map<number, string>();
  for (const w of watchers) {
    for (const e of w.events) {
      const known = bySeq.get(e.payload.seq);
      if (known === undefined) bySeq.set(e.payload.seq, identify(e));
      else expect(identify(e), `seq ${e.payload.seq} as ${w.name} got it`).toBe(known);
    }
  }
}

export async function createRoom(node: { url: string }): Promise<string> {
  return (await (await connectService(node.url)).createSession()).roomCode;
}
