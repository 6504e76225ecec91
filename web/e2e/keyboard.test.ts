/**
 * The on-screen piano in Chromium: four octaves fit a laptop, a phone shows two at a time and
 * scrolls to the rest (the octave buttons take it there), and where a key is pressed sets how
 * loud the note reaches the others.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createSession, jamBrowserSuite, joinSession, participants, poll, screenshot } from "./browser";

const jam = jamBrowserSuite();

/** Narrowest a white key may get on a phone and still be hit reliably by a finger. */
const MIN_PHONE_KEY_WIDTH = 24;

interface WhiteKey {
  note: number;
  left: number;
  width: number;
  /** Wholly inside both the window and the keyboard's scrolling box. */
  visible: boolean;
}

/** Where each white key is, and whether it can be seen whole without scrolling. */
function whiteKeys(page: Page): Promise<WhiteKey[]> {
  return page.evaluate(() => {
    const box = document.querySelector(".keyboard-scroll")!.getBoundingClientRect();
    const left = Math.max(0, box.left);
    const right = Math.min(window.innerWidth, box.right);
    return [...document.querySelectorAll<HTMLElement>(".piano-key.white")].map((key) => {
      const r = key.getBoundingClientRect();
      return { note: Number(key.dataset.note), left: r.left, width: r.width, visible: r.left >= left && r.right <= right };
    });
  });
}

/** The most white keys seen whole side by side. */
function longestVisibleRun(keys: WhiteKey[]): number {
  let best = 0;
  let run = 0;
  for (const key of keys) {
    run = key.visible ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

/** Presses `note` on `page` with the mouse `fraction` of the way down the key, then lets go. */
async function pressAt(page: Page, note: number, fraction: number): Promise<void> {
  const key = page.locator(`[data-note="${note}"]`);
  await key.scrollIntoViewIfNeeded();
  const box = (await key.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * fraction);
  await page.mouse.down();
  await page.mouse.up();
}

describe("the on-screen piano in Chromium", () => {
  it("shows all four octaves, C3 to B6, on a laptop without scrolling", async () => {
    const ann = await jam.person({ width: 1280, height: 800 });
    await createSession(ann, jam.url(), "Ann");
    const keys = await whiteKeys(ann);
    expect(keys.map((k) => k.note)).toHaveLength(28);
    expect([keys[0].note, keys[27].note]).toEqual([48, 95]);
    expect(keys.filter((k) => !k.visible)).toEqual([]);
    const fits = await ann.locator(".keyboard-scroll").evaluate((el) => el.scrollWidth <= el.clientWidth);
    expect(fits).toBe(true);
    await screenshot(ann, "keyboard-laptop");
  });

  it("shows two full octaves on a phone, big enough to hit, and the octave buttons scroll to the rest", async () => {
    const ann = await jam.person({ width: 390, height: 844 });
    await createSession(ann, jam.url(), "Ann");
    for (const width of [390, 360]) {
      await ann.setViewportSize({ width, height: 800 });
      const keys = await whiteKeys(ann);
      expect(longestVisibleRun(keys)).toBeGreaterThanOrEqual(14);
      expect(Math.min(...keys.map((k) => k.width))).toBeGreaterThanOrEqual(MIN_PHONE_KEY_WIDTH - 0.01);
    }
    await ann.setViewportSize({ width: 390, height: 844 });
    await poll(async () => (await whiteKeys(ann)).find((k) => k.note === 60)?.visible).toBe(true);
    await screenshot(ann, "keyboard-phone");

    await ann.getByRole("button", { name: "Octave up" }).click();
    await ann.getByRole("button", { name: "Octave up" }).click();
    expect(await ann.getByRole("button", { name: "Octave up" }).isDisabled()).toBe(true);
    const shown = async () => (await whiteKeys(ann)).filter((k) => k.visible).map((k) => k.note);
    await poll(shown).toEqual(expect.arrayContaining([84, 86, 88, 89, 91, 93, 95])); // C6 … B6
    await ann.getByRole("button", { name: "Octave down" }).click();
    await ann.getByRole("button", { name: "Octave down" }).click();
    await ann.getByRole("button", { name: "Octave down" }).click();
    await poll(shown).toEqual(expect.arrayContaining([48, 50, 52, 53, 55, 57, 59, 60])); // C3 … C4
  });

  it("a press near a key's bottom edge reaches the other page louder than one near its top", async () => {
    const ann = await jam.person({ width: 1280, height: 800 });
    const bob = await jam.person({ width: 1280, height: 800 });
    const code = await createSession(ann, jam.url(), "Ann");
    await joinSession(bob, jam.url(), "Bob", code);
    await poll(() => participants(ann).count()).toBe(2);
    await bob.locator("body").click({ position: { x: 5, y: 5 } }); // A gesture lets Bob's page sound.
    const annId = await ann.evaluate(() => document.querySelector(".participants li.me")?.getAttribute("data-id"));
    const velocities = async () =>
      (await bob.evaluate(() => window.__jamDebug?.voices() ?? []))
        .filter((voice) => voice.key === `${annId}:64`)
        .map((voice) => voice.velocity);

    await pressAt(ann, 64, 0.05);
    await poll(velocities).toHaveLength(1);
    await pressAt(ann, 64, 0.95);
    await poll(velocities).toHaveLength(2);
    const [soft, loud] = await velocities();
    expect(soft).toBeLessThan(50);
    expect(loud).toBeGreaterThan(110);
  });
});
