/**
 * Participant colours: each id maps to one of ten distinct colours that read well on the dark page
 * and as a lit piano key, so everyone sees the same person in the same colour.
 */

export const PARTICIPANT_PALETTE = [
  "#ff6b6b", // coral
  "#ffa94d", // orange
  "#ffd43b", // yellow
  "#a9e34b", // lime
  "#38d9a9", // teal
  "#4dabf7", // sky
  "#748ffc", // indigo
  "#b197fc", // violet
  "#f783ac", // pink
  "#e599f7", // orchid
] as const;

/** FNV-1a: a tiny, well-spread string hash; stable across sessions and browsers. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function colorForId(id: string): string {
  return PARTICIPANT_PALETTE[hashString(id) % PARTICIPANT_PALETTE.length];
}

/**
 * Colours for everyone in a room, distinct while the palette lasts: in join order, each takes the
 * colour its id hashes to, or the next free one if someone earlier has it. Every page sees the same
 * list in the same order, so everyone sees the same colours.
 */
export function assignColors(ids: readonly string[]): Map<string, string> {
  const colors = new Map<string, string>();
  const taken = new Set<number>();
  const size = PARTICIPANT_PALETTE.length;
  for (const id of ids) {
    const preferred = hashString(id) % size;
    let index = preferred;
    for (let step = 0; step < size && taken.has(index); step++) index = (preferred + step + 1) % size;
    if (taken.size < size) taken.add(index);
    colors.set(id, PARTICIPANT_PALETTE[index]);
  }
  return colors;
}

/** The colour of `id` among `participants` (its hashed colour if it is not among them). */
export function colorIn(participants: readonly { id: string }[], id: string): string {
  return assignColors(participants.map((p) => p.id)).get(id) ?? colorForId(id);
}
