/**
 * Keeps the shared clock fresh for the service: a sync waits for the page to settle, sends a few
 * pings spaced apart, and folds them into the rolling window (./clockSync.ts). After the first sync
 * it re-syncs by itself: after 1, 2 and 4 s, every 5 s in the first minute (the estimate tightens
 * while the page is quiet), then every half minute. One sync runs at a time.
 */
import type { ClockPong } from "../../types/protocol";
import { ClockFilter, estimateFrom, localNow, pageSettled, type ClockEstimate } from "./clockSync";

/** Sends one `clock:ping {t0, rttMs}` and resolves with its pong. */
export type ClockPinger = (t0: number, rttMs: number | undefined) => Promise<ClockPong>;

export const CLOCK_SAMPLES = 5;
/** Between the pings of one sync, so one hiccup of the page does not spoil them all. */
const PING_SPACING_MS = 20;
/** Re-syncs after the first: soon (a first sync taken while the page was busy is replaced within
 * seconds), then every `FAST_RESYNC_MS` during the first minute, then every `SLOW_RESYNC_MS`. */
const EARLY_RESYNCS_MS = [1_000, 2_000, 4_000];
const FAST_RESYNC_MS = 5_000;
const FAST_PERIOD_MS = 60_000;
const SLOW_RESYNC_MS = 30_000;
const RESYNC_SAMPLES = 3;

const NO_ESTIMATE: ClockEstimate = { offset: 0, rtt: 0, spread: 0, samples: 0 };

export class ClockKeeper {
  private readonly filter = new ClockFilter();
  private current: ClockEstimate | null = null;
  private lastRtt: number | undefined;
  private running: Promise<ClockEstimate> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private firstSyncAt: number | null = null;
  private resyncs = 0;

  constructor(
    private readonly ping: ClockPinger,
    private readonly online: () => boolean,
  ) {}

  /** Measures `samples` round trips (once the page is idle) and updates the estimate. */
  sync(samples = CLOCK_SAMPLES): Promise<ClockEstimate> {
    this.running ??= this.measure(samples).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The server's time now, in ms since the epoch (local time until the clock is synced). */
  now(): number {
    return localNow() + (this.current?.offset ?? 0);
  }

  get estimate(): ClockEstimate | null {
    return this.current;
  }

  /** Another server (a move to another node): its samples start afresh; the estimate holds meanwhile. */
  forgetSamples(): void {
    this.filter.clear();
    this.firstSyncAt = null;
    this.resyncs = 0;
  }

  /** No more re-syncs (until the next `sync`). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.firstSyncAt = null;
    this.resyncs = 0;
  }

  private async measure(samples: number): Promise<ClockEstimate> {
    try {
      for (let i = 0; i < samples; i++) {
        await pageSettled();
        const pong = await this.ping(localNow(), this.lastRtt);
        const sample = estimateFrom(pong, localNow());
        this.lastRtt = sample.rtt;
        this.filter.add(sample);
        this.current = this.filter.estimate() ?? this.current;
        if (i + 1 < samples) await new Promise((resolve) => setTimeout(resolve, PING_SPACING_MS));
      }
    } finally {
      this.scheduleNext();
    }
    return this.current ?? NO_ESTIMATE;
  }

  private scheduleNext(): void {
    if (this.timer) clearTimeout(this.timer);
    this.firstSyncAt ??= Date.now();
    const fast = Date.now() - this.firstSyncAt < FAST_PERIOD_MS;
    const delay = EARLY_RESYNCS_MS[this.resyncs++] ?? (fast ? FAST_RESYNC_MS : SLOW_RESYNC_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.online()) this.sync(RESYNC_SAMPLES).catch(() => undefined);
      else this.scheduleNext();
    }, delay);
  }
}
