/**
 * Links to a finished take. The server sends them relative ("/recordings/…mid"); they resolve
 * against the jam-server's URL, not the page's, because in `vite` dev mode the two differ.
 */
export interface TakeLinks {
  midi: string;
  json: string;
}

/** Absolute MIDI and JSON links for `downloadUrl`; null if it cannot be made into a URL. */
export function takeLinks(downloadUrl: string, serverUrl: string): TakeLinks | null {
  try {
    const midi = new URL(downloadUrl, serverUrl);
    const json = new URL(midi);
    json.searchParams.set("format", "json");
    return { midi: midi.href, json: json.href };
  } catch {
    return null; // A malformed link is left out rather than breaking the page.
  }
}

/** A take's length as a recorder shows it: "0:07", "12:34", "1:02:03". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const seconds = String(total % 60).padStart(2, "0");
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}
