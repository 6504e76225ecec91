/** The clock filter: the median of the samples whose round trip is near the best; bad samples do not count. */
import { describe, expect, it } from "vitest";
import { ClockFilter, estimateFrom } from "../src/session/clock/clockSync";

describe("ClockFilter", () => {
  it("trusts the samples with the best round trips and ignores one that waited in a busy page", () => {
    const filter = new ClockFilter();
    for (const [offset, rtt] of [
      [10.2, 0.8],
      [10.0, 0.6],
      [10.1, 0.7],
      [55.0, 120], // Its reply sat 120 ms in a page busy rendering.
    ]) {
      filter.add({ offset, rtt });
    }
    const estimate = filter.estimate()!;
    expect(estimate.offset).toBeCloseTo(10.1, 6);
    expect(estimate.rtt).toBe(0.6);
    expect(estimate.samples).toBe(3);
    expect(estimate.spread).toBeCloseTo(0.2, 6);
  });

  it("a single stray sample with a good round trip cannot move the median far", () => {
    const filter = new ClockFilter();
    for (let i = 0; i < 6; i++) filter.add({ offset: 3 + i * 0.01, rtt: 1 });
    filter.add({ offset: 9, rtt: 0.9 });
    expect(filter.estimate()!.offset).toBeLessThan(3.1);
  });

  it("keeps a rolling window and forgets everything on clear", () => {
    const filter = new ClockFilter();
    filter.add({ offset: 100, rtt: 0.1 });
    for (let i = 0; i < 30; i++) filter.add({ offset: 5, rtt: 1 });
    expect(filter.estimate()!.offset).toBe(5); // The old best sample has left the window.
    filter.clear();
    expect(filter.estimate()).toBeNull();
  });

  it("estimateFrom: NTP's offset and round trip from the four stamps", () => {
    const sample = estimateFrom({ t0: 1_000, t1: 1_505, t2: 1_506 }, 1_011);
    expect(sample).toEqual({ offset: 500, rtt: 10 });
  });
});
