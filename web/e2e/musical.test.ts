/**
 * The musical session end to end: two people in two Chromium contexts on the real server. The host
 * sets the tempo and starts the shared metronome; both pages beat together; a dropped connection
 * comes back into the room under the same identity.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  activity,
  createSession,
  jamBrowserSuite,
  joinSession,
  participants,
  poll,
  screenshot,
} from "./browser";

/** How closely two pages' metronomes must agree on the same beat. */
const BEAT_AGREEMENT_MS = 30;

// A long resume grace, so the dropped page's seat is surely still held when it comes back; quick
// heartbeats, so the server notices a connection gone silent (offline) within seconds.
const jam = jamBrowserSuite(["--resume-grace", "30s", "--ping-interval", "1s", "--ping-timeout", "2s"]);
const person = jam.person;

/** Ann creates (and so hosts) a session; Bob joins it; both see both. */
async function annAndBob(): Promise<[Page, Page]> {
  const ann = await person();
  const bob = await person();
  const code = await createSession(ann, jam.url(), "Ann");
  await joinSession(bob, jam.url(), "Bob", code);
  await poll(() => participants(ann).count()).toBe(2);
  return [ann, bob];
}

const settingsText = (page: Page) => page.getByTestId("settings").textContent();
const beatTimes = (page: Page) => page.evaluate(() => window.__jamDebug?.beatTimes() ?? []);

/** For each of `mine` within the span of `theirs`, the distance to the nearest of `theirs`. */
function nearestGaps(mine: number[], theirs: number[]): number[] {
  const lo = Math.min(...theirs);
  const hi = Math.max(...theirs);
  return mine
    .filter((t) => t >= lo - BEAT_AGREEMENT_MS && t <= hi + BEAT_AGREEMENT_MS)
    .map((t) => Math.min(...theirs.map((u) => Math.abs(t - u))));
}

/** Names on a page's list, in order, without badges or buttons. */
const names = (page: Page) => participants(page).locator(".participant-name").allTextContents();

describe("the musical session in Chromium", () => {
  it("the host changes the tempo and the other page shows it", async () => {
    const [ann, bob] = await annAndBob();
    await poll(() => settingsText(bob)).toBe("120 BPM · 4/4");
    expect(await bob.getByLabel("Tempo (BPM)").count()).toBe(0); // Bob is not the host.
    expect(await bob.getByRole("button", { name: "Start" }).count()).toBe(0);

    const tempo = ann.getByLabel("Tempo (BPM)");
    await tempo.fill("90");
    await tempo.press("Enter");
    await poll(() => settingsText(bob)).toBe("90 BPM · 4/4");
    await poll(() => settingsText(ann)).toBe("90 BPM · 4/4");
    await poll(() => activity(bob).textContent()).toMatch(/Ann set tempo 90 BPM/);
  });

  it("after Start, both pages' metronomes fire the same beats within 30 ms", async () => {
    const [ann, bob] = await annAndBob();
    await ann.getByRole("button", { name: "Start" }).click();
    await poll(() => bob.getByTestId("metronome").getAttribute("data-playing")).toBe("true");
    await poll(async () => (await beatTimes(bob)).length).toBeGreaterThanOrEqual(5);
    await ann.waitForTimeout(2_000);
    const annTimes = await beatTimes(ann);
    const bobTimes = await beatTimes(bob);

    const gaps = nearestGaps(annTimes, bobTimes);
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    for (const gap of gaps) expect(gap).toBeLessThan(BEAT_AGREEMENT_MS);
    // And they are beats at 120 BPM: half a second apart.
    const periods = annTimes.slice(1).map((t, i) => t - annTimes[i]);
    for (const period of periods) expect(Math.abs(period - 500)).toBeLessThan(BEAT_AGREEMENT_MS);
    const beat = Number(await ann.getByTestId("metronome").getAttribute("data-beat"));
    expect(beat).toBeGreaterThanOrEqual(1);
    expect(beat).toBeLessThanOrEqual(4);
    await screenshot(ann, "host-metronome");
    await screenshot(bob, "guest-metronome");

    await ann.getByRole("button", { name: "Stop" }).click();
    await poll(() => bob.getByTestId("metronome").getAttribute("data-playing")).toBe("false");
  });

  it("a page whose connection is cut comes back into the room with the same identity", async () => {
    const [ann, bob] = await annAndBob();
    const bobOnAnns = participants(ann).filter({ hasText: "Bob" });
    const bobId = await bobOnAnns.getAttribute("data-id");

    await bob.context().setOffline(true);
    // Chromium's offline mode leaves an open websocket alone; socket.io-client closes it on the
    // browser's "offline" event (except on localhost). Should that not happen, cut it by hand.
    const indicator = bob.getByTestId("connection");
    const dropped = await indicator.filter({ hasText: "reconnecting" }).waitFor({ timeout: 3_000 }).then(
      () => true,
      () => false,
    );
    if (!dropped) await bob.evaluate(() => window.__jamDebug?.dropConnection());
    await poll(() => bobOnAnns.getAttribute("data-away")).toBe("true");
    await poll(() => bob.getByTestId("connection").textContent()).toBe("reconnecting");
    expect(await bob.getByTestId("room-code").isVisible()).toBe(true); // Bob's view stays.
    await screenshot(ann, "host-sees-bob-away");

    await bob.context().setOffline(false);
    await poll(() => bob.getByTestId("connection").textContent(), 20_000).toBe("connected");
    await poll(() => bobOnAnns.getAttribute("data-away")).toBeNull();
    await poll(() => names(bob)).toEqual(["Ann", "Bob"]);
    expect(await names(ann)).toEqual(["Ann", "Bob"]);
    expect(await bobOnAnns.getAttribute("data-id")).toBe(bobId);
    expect(await participants(bob).filter({ hasText: "(you)" }).getAttribute("data-id")).toBe(bobId);
    expect(await ann.locator('[data-away="true"]').count()).toBe(0);
    expect(await bob.locator('[data-away="true"]').count()).toBe(0);
    await poll(() => activity(bob).textContent()).toMatch(/Reconnected/);
    await poll(() => activity(ann).textContent()).toMatch(/Bob is back/);
  });
});
