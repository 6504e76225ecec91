/**
 * The jam page end to end: the real server serving the built page, two people in two Chromium
 * contexts. Each test names what a musician does and sees.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  activity,
  createSession as createSessionAt,
  jamBrowserSuite,
  joinSession as joinSessionAt,
  participants,
  poll,
  screenshot,
} from "./browser";

/** How soon a note played by one person must light up on the other's page. */
const NOTE_DEADLINE_MS = 2_000;

const jam = jamBrowserSuite();
const person = jam.person;

const createSession = (page: Page, name: string) => createSessionAt(page, jam.url(), name);
const joinSession = (page: Page, name: string, code: string) => joinSessionAt(page, jam.url(), name, code);

describe("the jam page in Chromium", () => {
  it("A creates, B joins with A's code, and both see both names, 'you' marked", async () => {
    const ann = await person();
    const bob = await person();
    const code = await createSession(ann, "Ann");
    await joinSession(bob, "Bob", code);

    await poll(() => participants(ann).allTextContents()).toHaveLength(2);
    await poll(() => participants(bob).allTextContents()).toHaveLength(2);
    const annSees = (await participants(ann).allTextContents()).join(" | ");
    const bobSees = (await participants(bob).allTextContents()).join(" | ");
    expect(annSees).toMatch(/Ann.*\(you\)/);
    expect(annSees).toContain("Bob");
    expect(bobSees).toMatch(/Bob.*\(you\)/);
    expect(bobSees).toContain("Ann");
    await poll(() => ann.getByTestId("connection").textContent()).toBe("connected");
    await screenshot(ann, "ann-in-session");
    await screenshot(bob, "bob-in-session");
  });

  it("a key A plays lights on B's page in A's colour within 2 s, and B's log shows it", async () => {
    const ann = await person();
    const bob = await person();
    const code = await createSession(ann, "Ann");
    await joinSession(bob, "Bob", code);
    await poll(() => participants(ann).count()).toBe(2);

    const bobsKey = bob.locator('[data-note="60"]');
    expect(await bobsKey.getAttribute("data-active")).toBe("false");
    await ann.locator("body").click({ position: { x: 5, y: 5 } });
    const pressedAt = Date.now();
    await ann.keyboard.down("a");
    await bob.locator('[data-note="60"][data-active="true"]').waitFor({ timeout: NOTE_DEADLINE_MS });
    expect(Date.now() - pressedAt).toBeLessThan(NOTE_DEADLINE_MS);
    const keyColour = await bobsKey.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(keyColour).not.toBe(await bob.locator('[data-note="62"]').evaluate((el) => getComputedStyle(el).backgroundColor));
    await poll(() => activity(bob).textContent()).toMatch(/Ann played C4/);
    await screenshot(bob, "bob-sees-ann-play");
    await ann.keyboard.up("a");
    await bob.locator('[data-note="60"][data-active="false"]').waitFor({ timeout: 10_000 });
  });

  it("clicking an on-screen key and a drum pad reaches the other page", async () => {
    const ann = await person();
    const bob = await person();
    const code = await createSession(ann, "Ann");
    await joinSession(bob, "Bob", code);
    await poll(() => participants(ann).count()).toBe(2);

    await ann.locator('[data-note="64"]').click();
    await poll(() => activity(bob).textContent()).toMatch(/Ann played E4/);
    await ann.locator('[data-drum="38"]').click();
    await poll(() => activity(bob).textContent()).toMatch(/Ann.*Snare/i);
  });

  it("B leaves: B is back on the landing view and A's list drops B at once", async () => {
    const ann = await person();
    const bob = await person();
    const code = await createSession(ann, "Ann");
    await joinSession(bob, "Bob", code);
    await poll(() => participants(ann).count()).toBe(2);

    await bob.getByRole("button", { name: "Leave" }).click();
    await bob.getByRole("button", { name: "Create session" }).waitFor();
    await poll(() => participants(ann).allTextContents()).toHaveLength(1);
    expect((await participants(ann).allTextContents()).join()).not.toContain("Bob");
    await poll(() => activity(ann).textContent()).toMatch(/Bob left/);
  });

  it("a bad code shows a readable error in place, not a blank page", async () => {
    const bob = await person();
    await bob.goto(jam.url());
    await bob.getByLabel("Your name").fill("Bob");
    await bob.getByLabel("Room code").fill("ZZZZZZ");
    await bob.getByRole("button", { name: "Join" }).click();
    const alert = bob.getByRole("alert");
    await poll(() => alert.textContent()).toMatch(/ZZZZZZ|no session|not found/i);
    expect(await bob.getByRole("button", { name: "Join" }).isVisible()).toBe(true);
    await screenshot(bob, "bad-code");
  });

  it("a share link /?room=CODE pre-fills the code", async () => {
    const ann = await person();
    const code = await createSession(ann, "Ann");
    const link = await ann.getByTestId("share-link").getAttribute("href");
    expect(link).toContain(`?room=${code}`);

    const bob = await person();
    await bob.goto(`${jam.url()}/?room=${code}`);
    expect(await bob.getByLabel("Room code").inputValue()).toBe(code);
  });

  it("fits a phone-sized screen without sideways scrolling of the page", async () => {
    const ann = await person({ width: 375, height: 667 });
    await createSession(ann, "Ann");
    const overflow = await ann.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(ann, "phone");
  });
});
