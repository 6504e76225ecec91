/**
 * Which keys and drum pads are lit, and in whose colour. Several people can hold the same note:
 * each key keeps a stack of holders and shows the latest, so one person's note off does not
 * unlight another's. Remote notes also go dark after a while in case their note off is lost.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

interface Holder {
  owner: string;
  color: string;
}

/** Colour per note (or per drum pad) for lit ones; absent means unlit. */
export type LitColors = Readonly<Record<number, string>>;

export interface NoteLights {
  keyColors: LitColors;
  padColors: LitColors;
  /** Lights `note` for `owner`; with `autoOffMs` it goes dark by itself after that long. */
  lightKey(owner: string, note: number, color: string, autoOffMs?: number): void;
  unlightKey(owner: string, note: number): void;
  flashPad(note: number, color: string): void;
  clear(): void;
}

export const REMOTE_NOTE_SAFETY_MS = 2_000;
const PAD_FLASH_MS = 180;

export function useNoteLights(): NoteLights {
  const [holders, setHolders] = useState<Record<number, Holder[]>>({});
  const [padColors, setPadColors] = useState<Record<number, string>>({});
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  const cancelTimer = useCallback((key: string) => {
    const timer = timers.current.get(key);
    if (timer !== undefined) clearTimeout(timer);
    timers.current.delete(key);
  }, []);

  const startTimer = useCallback(
    (key: string, ms: number, onExpire: () => void) => {
      cancelTimer(key);
      const timer = setTimeout(() => {
        timers.current.delete(key);
        onExpire();
      }, ms);
      timers.current.set(key, timer);
    },
    [cancelTimer],
  );

  const unlightKey = useCallback(
    (owner: string, note: number) => {
      cancelTimer(`key:${owner}:${note}`);
      setHolders((current) => withoutHolder(current, owner, note));
    },
    [cancelTimer],
  );

  const lightKey = useCallback(
    (owner: string, note: number, color: string, autoOffMs?: number) => {
      setHolders((current) => ({
        ...current,
        [note]: [...(current[note] ?? []).filter((h) => h.owner !== owner), { owner, color }],
      }));
      if (autoOffMs === undefined) cancelTimer(`key:${owner}:${note}`);
      else startTimer(`key:${owner}:${note}`, autoOffMs, () => setHolders((c) => withoutHolder(c, owner, note)));
    },
    [cancelTimer, startTimer],
  );

  const flashPad = useCallback(
    (note: number, color: string) => {
      setPadColors((current) => ({ ...current, [note]: color }));
      startTimer(`pad:${note}`, PAD_FLASH_MS, () => setPadColors((current) => withoutKey(current, note)));
    },
    [startTimer],
  );

  const clear = useCallback(() => {
    for (const timer of timers.current.values()) clearTimeout(timer);
    timers.current.clear();
    setHolders({});
    setPadColors({});
  }, []);

  useEffect(() => clear, [clear]);

  const keyColors = useMemo(() => {
    const colors: Record<number, string> = {};
    for (const [note, stack] of Object.entries(holders)) {
      if (stack.length > 0) colors[Number(note)] = stack[stack.length - 1].color;
    }
    return colors;
  }, [holders]);

  return { keyColors, padColors, lightKey, unlightKey, flashPad, clear };
}

function withoutHolder(current: Record<number, Holder[]>, owner: string, note: number): Record<number, Holder[]> {
  const stack = current[note];
  if (!stack?.some((h) => h.owner === owner)) return current;
  const rest = stack.filter((h) => h.owner !== owner);
  return rest.length > 0 ? { ...current, [note]: rest } : withoutKey(current, note);
}

function withoutKey<T>(record: Record<number, T>, key: number): Record<number, T> {
  const { [key]: _removed, ...rest } = record;
  return rest;
}
