/**
 * The metronome, scheduled on the shared clock: every tick re-computes the next beat's server time
 * from the transport and `serverNow()`, so a clock re-sync or a tempo change is followed at once and
 * no drift accumulates (a plain setInterval would drift, and disagree between pages).
 */
import { useEffect, useRef, useState } from "react";
import { beatAt, beatPeriod, beatTime, firstBeat } from "../music/beatClock";
import type { BeatLog } from "../music/beatLog";
import type { Transport } from "../types/protocol";

export interface MetronomeClock {
  /** The server's time now, in ms since the epoch. */
  serverNow(): number;
}

/** Schedules a click `inSeconds` from now; `accent` on the downbeat. */
export type ClickScheduler = (inSeconds: number, accent: boolean) => void;

export interface MetronomeOptions {
  transport: Transport;
  clock: MetronomeClock;
  /** Where fired beats' server times go (for tests). */
  log?: BeatLog;
  /** Set while the audible click is on. */
  click?: ClickScheduler | null;
  /** Tells the click which beat is the downbeat. */
  isDownbeat(n: number): boolean;
}

/** A timer this late after its beat is not a beat any more (e.g. a throttled tab): skip it silently. */
const LATE_LIMIT_MS = 60;
/** Ticks at least this often, to follow tempo changes and clock re-syncs, and to schedule clicks. */
const MAX_TICK_MS = 100;
/** Clicks are handed to Web Audio this far ahead, so a late timer cannot make them late. */
const CLICK_LOOKAHEAD_MS = 150;

/** The beat number last fired (null before the first, or when stopped). */
export function useMetronome({ transport, clock, log, click, isDownbeat }: MetronomeOptions): number | null {
  const [beat, setBeat] = useState<number | null>(null);
  const clickRef = useRef(click);
  clickRef.current = click;
  const downbeatRef = useRef(isDownbeat);
  downbeatRef.current = isDownbeat;
  // Server times of the last beat shown and the last click scheduled. They outlive a transport
  // change: a tempo change re-anchors the transport mid-beat, and that beat must not come twice.
  const lastShownAt = useRef(Number.NEGATIVE_INFINITY);
  const lastClickAt = useRef(Number.NEGATIVE_INFINITY);

  useEffect(() => {
    if (!transport.playing || !(transport.bpm > 0)) return setBeat(null);
    const halfBeat = beatPeriod(transport.bpm) / 2;
    let lastFired = Number.NEGATIVE_INFINITY;
    let timer: ReturnType<typeof setTimeout> | undefined;

    /** Clicks for the beats due within the lookahead, each once, at their exact audio time. */
    const scheduleClicks = (now: number, from: number) => {
      const schedule = clickRef.current;
      for (let n = from; schedule && beatTime(transport, n) - now < CLICK_LOOKAHEAD_MS; n++) {
        const at = beatTime(transport, n);
        if (at - lastClickAt.current < halfBeat) continue;
        schedule((at - now) / 1000, downbeatRef.current(n));
        lastClickAt.current = at;
      }
    };

    /** Shows beat `n` (and logs when it fired), unless it is stale or was just shown. */
    const fire = (n: number, now: number) => {
      lastFired = n;
      if (now - beatTime(transport, n) > LATE_LIMIT_MS || now - lastShownAt.current < halfBeat) return;
      lastShownAt.current = now;
      log?.push(now);
      setBeat(n);
    };

    const tick = () => {
      const now = clock.serverNow();
      const current = Math.floor(beatAt(transport, now));
      if (current >= firstBeat(transport) && current > lastFired) fire(current, now);
      const next = Math.max(current + 1, firstBeat(transport));
      scheduleClicks(now, next);
      const wait = beatTime(transport, next) - clock.serverNow();
      timer = setTimeout(tick, Math.min(Math.max(wait, 0), MAX_TICK_MS));
    };
    tick();
    return () => clearTimeout(timer);
  }, [transport, clock, log]);

  return beat;
}
