/**
 * The timing benchmark (bench/groove.sh): RUNS (default 6) groove runs in Chromium, each with fresh
 * pages, reporting per run the pages' clock error, beat alignment between pages (median / max), the
 * late joiner against the others, and click error at tempo changes, all on the machine's clock,
 * against the goals. Writes bench/results/groove/latest.md (and .json). Not part of the test suite:
 * these goals are for a quiet machine.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { jamBrowserSuite } from "./browser";
import { runGroove, type GrooveRun } from "./groove";

const RUNS = Number(process.env.RUNS ?? 6);
const OUT = fileURLToPath(new URL("../../bench/results/groove/", import.meta.url));
const GOALS = { clockMs: 1, beatsMaxMs: 5, beatsMedianMs: 1, lateJoinerMs: 5, clickAtChangeMs: 2 };

const jam = jamBrowserSuite();
const runs: (GrooveRun | { failed: string })[] = [];

for (let i = 1; i <= RUNS; i++) {
  it(`groove run ${i}`, async () => {
    try {
      const run = await runGroove({ url: jam.url(), person: () => jam.person() });
      runs.push(run);
      console.log(`run ${i}: ${JSON.stringify(run)}`);
      expect(run.clicksAtChanges).toBeGreaterThan(0); // The run measured something.
    } catch (err) {
      runs.push({ failed: String(err).split("\n")[0] }); // A failed run is reported, never dropped.
      throw err;
    }
  }, 120_000);
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : "–");
const mark = (ok: boolean) => (ok ? "✓" : "✗");

function row(result: GrooveRun | { failed: string }, i: number): string {
  if ("failed" in result) return `| ${i + 1} | failed: ${result.failed.replaceAll("|", "/")} | | | | | |`;
  const run = result;
  const clock = Math.max(...run.clockErrorMs);
  const ok = {
    clock: clock <= GOALS.clockMs,
    beats: run.beatsAB.max <= GOALS.beatsMaxMs && run.beatsAB.median <= GOALS.beatsMedianMs,
    late: run.lateJoinerMax <= GOALS.lateJoinerMs,
    click: run.clickAtChangeMax <= GOALS.clickAtChangeMs && run.skipped + run.offGrid + run.doubled === 0,
  };
  const best = run.clocks.map((c) => (c ? `${c.rtt.toFixed(2)}/${c.spread.toFixed(2)}` : "–")).join(", ");
  return `| ${i + 1} | ${ms(clock)} ${mark(ok.clock)} | ${ms(run.beatsAB.median)} / ${ms(run.beatsAB.max)} ${mark(ok.beats)} | ${ms(run.lateJoinerMax)} ${mark(ok.late)} | ${ms(run.clickAtChangeMax)} (${run.clicksAtChanges}) ${mark(ok.click)} | ${run.skipped} / ${run.offGrid} / ${run.doubled} | ${best} |`;
}

afterAll(() => {
  const header = [
    "# Groove timing benchmark",
    "",
    `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${runs.length} runs, headless Chromium, 3 pages + 1 protocol client. Goals: page clock ≤ ${GOALS.clockMs} ms; beats A vs B ≤ ${GOALS.beatsMedianMs} ms median, ≤ ${GOALS.beatsMaxMs} ms max; late joiner ≤ ${GOALS.lateJoinerMs} ms; click at a tempo change ≤ ${GOALS.clickAtChangeMs} ms. All on the machine's clock.`,
    "",
    "| run | page clock error, worst of 3 (ms) | beats A vs B, median / max (ms) | late joiner vs A and B, max (ms) | click at tempo changes, max (ms) (clicks) | skipped / off grid / doubled | clock best RTT / spread per page (ms) |",
    "|---:|---:|---:|---:|---:|---:|---|",
  ];
  mkdirSync(OUT, { recursive: true });
  writeFileSync(`${OUT}latest.md`, [...header, ...runs.map(row), ""].join("\n"));
  writeFileSync(`${OUT}latest.json`, JSON.stringify(runs, null, 2));
  console.log([...header, ...runs.map(row)].join("\n"));
});
