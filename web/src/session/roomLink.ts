/** Room codes in URLs and inputs: `/?room=CODE` links, and the normal form the server matches on. */

/** Trimmed and upper-cased, as the server compares codes (docs/protocol.md, *Room codes*). */
export function normalizeRoomCode(code: string): string {
  return code.trim().toUpperCase();
}

/** The `room` query parameter of a location search string ("?room=K7RMQ2"), or "". */
export function roomCodeFromSearch(search: string): string {
  return normalizeRoomCode(new URLSearchParams(search).get("room") ?? "");
}

export function shareLink(origin: string, roomCode: string): string {
  return `${origin}/?room=${encodeURIComponent(roomCode)}`;
}
