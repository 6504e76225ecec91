/**
 * What the client remembers of each room it is in, to resume after a dropped connection: its
 * participant id and resume token, and the last room `seq` it saw — so replayed and live events are
 * delivered once each, in order.
 */
import type { Role, SessionJoined } from "../../types/protocol";

export interface TrackedRoom {
  roomCode: string;
  name: string;
  /** As the room last said (a fresh join after a lost seat asks for it again). */
  role: Role;
  participantId: string;
  resumeToken: string;
  lastSeq: number;
}

export class RoomTracker {
  private readonly rooms = new Map<string, TrackedRoom>();

  /** A join or resume answered: remember (or refresh) the room, seq starting at the snapshot's. */
  enter(session: SessionJoined): void {
    const known = this.rooms.get(session.roomCode);
    const me = session.participants.find((p) => p.id === session.you.id);
    this.rooms.set(session.roomCode, {
      roomCode: session.roomCode,
      name: me?.name ?? known?.name ?? "",
      role: me?.role ?? known?.role ?? "player",
      participantId: session.you.id,
      resumeToken: session.you.resumeToken,
      lastSeq: Math.max(known?.participantId === session.you.id ? known.lastSeq : 0, session.seq),
    });
  }

  forget(roomCode: string): void {
    this.rooms.delete(roomCode);
  }

  forgetAll(): void {
    this.rooms.clear();
  }

  get(roomCode: string): TrackedRoom | undefined {
    return this.rooms.get(roomCode);
  }

  all(): TrackedRoom[] {
    return [...this.rooms.values()];
  }

  /**
   * True when a room event is new (and records its seq); false for one already seen, so a replayed
   * event that also arrived live is delivered once. Events of rooms we do not track pass through.
   */
  accept(roomCode: string, seq: number): boolean {
    const room = this.rooms.get(roomCode);
    if (!room) return true;
    if (seq <= room.lastSeq) return false;
    room.lastSeq = seq;
    return true;
  }
}
