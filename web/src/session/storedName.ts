/** Remembers the last name used on this device, so returning players need not type it again. */
const STORAGE_KEY = "jam-session:name";

export function readStoredName(): string {
  try {
    return window.localStorage.getItem(STORAGE_KEY) ?? "";
  } catch {
    return ""; // Storage can be blocked (privacy modes); the name is only a convenience.
  }
}

export function storeName(name: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, name);
  } catch {
    // As above.
  }
}
