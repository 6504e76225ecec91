/**
 * The metronome, on one time base: a beat happens at its server time on the shared grid, mapped to
 * this page's clock. Clicks are handed to Web Audio ahead of time at that exact time (and taken back
 * when the transport changes under them); the beat is drawn by requestAnimationFrame on the first
 * frame at or after it. No timer decides when a beat happened, so none can make it late.
 */
import { useEffect, useRef, useState } from "react";
import { nextBeat, type Beat } from "../music/beatClock";
import { ClickQueue, type ClickScheduler } from "../music/clickQueue";
import type { MetronomeLog } from "../music/beatLog";
import { localNow } from "../session/clock/clockSync";
import type { Transport } from "../types/protocol";

export type { ClickScheduler, ScheduledClick } from "../music/clickQueue";

export interface MetronomeClock {
  /** The server's time now, in ms since the epoch. */
  serverNow(): number;
}

export interface MetronomeOptions {
  transport: Transport;
  clock: MetronomeClock;
  /** Where beats shown and clicks scheduled go (for tests). */
  log?: MetronomeLog;
  /** Set while the audible click is on. */
  click?: ClickScheduler | null;
  /** Tells the click which beat is the downbeat. */
  isDownbeat(n: number): boolean;
}

/** A beat drawn this late (a throttled tab) is not shown any more: skip it silently. */
const LATE_LIMIT_MS = 60;
/** Clicks are handed to Web Audio this far ahead, so a late timer cannot make them late; less than
 * the server's lead for a change (200 ms), so a change reaches us before its clicks are handed over. */
const CLICK_LOOKAHEAD_MS = 150;
/** How often clicks are topped up. */
const CLICK_FILL_MS = 25;

/** The beat number last shown (null before the first, or when stopped). */
export function useMetronome({ transport, clock, log, click, isDownbeat }: MetronomeOptions): number | null {
  const [beat, setBeat] = useState<number | null>(null);
  const clickRef = useRef(click);
  clickRef.current = click;
  const downbeatRef = useRef(isDownbeat);
  downbeatRef.current = isDownbeat;
  const [queue] = useState(() => new ClickQueue(log?.clicks));
  // The server time of the last beat shown. It outlives a transport change: a change lands on a
  // beat of the running grid, and that beat must not come twice.
  const lastShownAt = useRef(Number.NEGATIVE_INFINITY);

  useEffect(() => {
    queue.retime(transport, clock.serverNow());
    if (!transport.playing || !(transport.bpm > 0)) return setBeat(null);
    // From a beat just due but not drawn yet (a frame is coming), never one already shown.
    const from = Math.max(clock.serverNow() - LATE_LIMIT_MS, lastShownAt.current + 0.5);
    let upcoming: Beat | null = nextBeat(transport, from);
    let frame = 0;
    const draw = () => {
      const now = clock.serverNow();
      while (upcoming && upcoming.at <= now) {
        if (now - upcoming.at <= LATE_LIMIT_MS) {
          lastShownAt.current = upcoming.at;
          log?.beats.push(upcoming.at, now - localNow());
          setBeat(upcoming.n);
        }
        upcoming = nextBeat(transport, upcoming.at + 0.5);
      }
      frame = requestAnimationFrame(draw);
    };
    const fill = () => {
      const click = clickRef.current;
      if (!click) return;
      const now = clock.serverNow();
      queue.fill(transport, now, now + CLICK_LOOKAHEAD_MS, { click, accent: downbeatRef.current, offset: now - localNow() });
    };
    fill();
    const filler = setInterval(fill, CLICK_FILL_MS);
    frame = requestAnimationFrame(draw);
    return () => {
      clearInterval(filler);
      cancelAnimationFrame(frame);
    };
  }, [transport, clock, log, queue]);

  // Clicks turned off (or the metronome gone): the ones still to come are taken back.
  useEffect(() => {
    if (!click) queue.cancelAll(clock.serverNow());
    return () => queue.cancelAll(clock.serverNow());
  }, [click, clock, queue]);

  return beat;
}
