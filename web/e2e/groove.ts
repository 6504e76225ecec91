/**
 * One groove run in Chromium, shared by the e2e test (loose bounds) and the timing benchmark (the
 * strict goals, e2e/grooveBench.ts): Ann hosts, Bob joins, both tick Click; Ann starts; Cara joins
 * late; Ann changes the tempo up (150) and down (90) while playing. Then every page's beats and
 * clicks are read back on the **machine's clock** and compared with each other and with the grid
 * the server announced. The reference for the server's clock is a protocol client in this process
 * (many pings, best round trip), on the same machine clock as the pages.
 */
import type { Page } from "playwright-core";
import { createSession, joinSession, poll } from "./browser";
import { collect, joinAs, type Member } from "../test/harness";
import type { LoggedBeat } from "../src/music/beatLog";
import type { ClockEstimate } from "../src/session/clock/clockSync";
import type { Grid, TransportState } from "../src/types/protocol";

const TEMPO_UP = 150;
const TEMPO_DOWN = 90;
/** How long each phase plays before the next step. */
const PHASE_MS = 2_500;
/** Two times closer than this (server clock) are the same beat. */
const SAME_BEAT_MS = 1;
/** Clicks this close to a tempo change's landing count as "at the change". */
const CHANGE_WINDOW_MS = 1_200;

export interface GrooveRun {
  /** |page offset − reference offset| per page (ms). */
  clockErrorMs: number[];
  /** Same beat on Ann's and Bob's pages, machine clock: median and max (ms). */
  beatsAB: { median: number; max: number; compared: number };
  /** Cara's beats against Ann's and Bob's, machine clock: max (ms). */
  lateJoinerMax: number;
  /** Clicks near a tempo change against the announced grid, machine clock: max (ms). */
  clickAtChangeMax: number;
  /** Grid beats with no click, clicks on no grid beat, and beats with two clicks, all pages. */
  skipped: number;
  offGrid: number;
  doubled: number;
  clicksAtChanges: number;
  clocks: (ClockEstimate | null)[];
}

export interface GrooveDeps {
  url: string;
  person(): Promise<Page>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function tickClick(page: Page): Promise<void> {
  await page.getByLabel("Click").check();
}

async function setTempo(host: Page, bpm: number): Promise<void> {
  const tempo = host.getByLabel("Tempo (BPM)");
  await tempo.fill(String(bpm));
  await tempo.press("Enter");
}

/** Waits until the page's clock has been synced from a few samples. */
async function clockReady(page: Page): Promise<void> {
  await poll(() => page.evaluate(() => window.__jamDebug?.clock()?.samples ?? 0), 15_000).toBeGreaterThanOrEqual(3);
}

/** The reference offset: a protocol client's best of many round trips (the page's own filter). */
async function referenceClock(member: Member): Promise<ClockEstimate> {
  return member.service.syncClock(40);
}

interface PageLog {
  beats: LoggedBeat[];
  clicks: LoggedBeat[];
  clock: ClockEstimate | null;
}

async function readPage(page: Page): Promise<PageLog> {
  return page.evaluate(() => {
    const debug = window.__jamDebug!;
    return { beats: debug.beats(), clicks: debug.clicks(), clock: debug.clock() };
  });
}

export async function runGroove({ url, person }: GrooveDeps): Promise<GrooveRun> {
  const ann = await person();
  const code = await createSession(ann, url, "Ann");
  const bob = await person();
  await joinSession(bob, url, "Bob", code);
  const meter = await joinAs(url, code, "Meter");
  const states = collect<TransportState>(meter.service.onTransportState.bind(meter.service));
  await Promise.all([tickClick(ann), tickClick(bob), clockReady(ann), clockReady(bob)]);
  await sleep(1_000); // The pages settle; their clocks take a second round of samples.

  await ann.getByRole("button", { name: "Start" }).click();
  await sleep(PHASE_MS);
  const cara = await person();
  await joinSession(cara, url, "Cara", code);
  await Promise.all([tickClick(cara), clockReady(cara)]);
  await sleep(PHASE_MS);
  await setTempo(ann, TEMPO_UP);
  await sleep(PHASE_MS);
  await setTempo(ann, TEMPO_DOWN);
  await sleep(PHASE_MS);

  const reference = await referenceClock(meter);
  const logs = await Promise.all([ann, bob, cara].map(readPage));
  const announced = [...states]; // Start, up, down: what the pages played.
  await ann.getByRole("button", { name: "Stop" }).click();
  meter.service.disconnect();
  return analyse(logs, announced, reference);
}

/** The beats the server announced, in server time, from the first state's start to `until`. */
export function gridBeats(states: readonly TransportState[], until: number): number[] {
  const beats: number[] = [];
  states.forEach((state, k) => {
    if (!state.playing) return;
    const end = Math.min(states[k + 1]?.startedAt ?? until, until);
    const grid: Grid = state;
    const first = Math.ceil(grid.startBeat);
    for (let n = first; ; n++) {
      const at = grid.startedAt + ((n - grid.startBeat) * 60_000) / grid.bpm;
      if (at >= end - SAME_BEAT_MS / 2) break;
      beats.push(at);
    }
  });
  return beats;
}

function stats(values: number[]): { median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

/** For each beat both pages logged (same server time), the distance on the machine's clock. */
function alignment(a: LoggedBeat[], b: LoggedBeat[]): number[] {
  return a.flatMap((x) => {
    const y = b.find((e) => Math.abs(e.at - x.at) < SAME_BEAT_MS);
    return y ? [Math.abs(x.local - y.local)] : [];
  });
}

function analyse(logs: PageLog[], states: TransportState[], reference: ClockEstimate): GrooveRun {
  const [ann, bob, cara] = logs;
  const until = Math.max(...logs.flatMap((log) => log.clicks.map((c) => c.at))) + 1;
  const grid = gridBeats(states, until);
  const changes = states.slice(1).map((s) => s.startedAt);
  let skipped = 0;
  let offGrid = 0;
  let doubled = 0;
  const atChange: number[] = [];
  for (const log of logs) {
    const clicks = log.clicks;
    if (clicks.length === 0) continue;
    const span = [clicks[0].at, clicks[clicks.length - 1].at];
    for (const beat of grid.filter((t) => t >= span[0] - SAME_BEAT_MS && t <= span[1] + SAME_BEAT_MS)) {
      const matching = clicks.filter((c) => Math.abs(c.at - beat) < SAME_BEAT_MS).length;
      if (matching === 0) skipped++;
      if (matching > 1) doubled++;
    }
    for (const click of clicks) {
      const nearest = grid.reduce((best, t) => (Math.abs(t - click.at) < Math.abs(best - click.at) ? t : best), Infinity);
      if (Math.abs(nearest - click.at) >= SAME_BEAT_MS) offGrid++;
      if (changes.some((c) => Math.abs(click.at - c) <= CHANGE_WINDOW_MS)) {
        // On the machine's clock: where the page put it against where the grid is.
        atChange.push(Math.abs(click.local - (nearest - reference.offset)));
      }
    }
  }
  const ab = stats(alignment(ann.beats, bob.beats));
  const late = [...alignment(cara.beats, ann.beats), ...alignment(cara.beats, bob.beats)];
  return {
    clockErrorMs: logs.map((log) => Math.abs((log.clock?.offset ?? NaN) - reference.offset)),
    beatsAB: { ...ab, compared: alignment(ann.beats, bob.beats).length },
    lateJoinerMax: late.length ? Math.max(...late) : NaN,
    clickAtChangeMax: atChange.length ? Math.max(...atChange) : NaN,
    skipped,
    offGrid,
    doubled,
    clicksAtChanges: atChange.length,
    clocks: logs.map((log) => log.clock),
  };
}
