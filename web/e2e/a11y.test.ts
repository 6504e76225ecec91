/**
 * The page through axe-core in Chromium: the landing view, the session as host (on a laptop and a
 * phone) and as guests with everything on screen, a recording running with someone away, and the
 * finished take. A serious or critical violation fails the test, listed with the nodes it is on;
 * colour contrast is also measured behind the page's gradients (./contrast.ts), where axe alone
 * leaves it unchecked.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  activity,
  createSession,
  goAway,
  jamBrowserSuite,
  joinSession,
  joinToListen,
  participants,
  poll,
  screenshot,
} from "./browser";
import { contrastViolations } from "./contrast";

// A long resume grace keeps an away seat listed; quick heartbeats notice a silent connection soon.
const jam = jamBrowserSuite(["--resume-grace", "30s", "--ping-interval", "1s", "--ping-timeout", "2s"]);

/** A new person; the page comes with the server's Content-Security-Policy, so axe runs under it. */
const person = () => jam.person();

/** Upper bound for a test that runs axe several times on a loaded 2-core machine. */
const AXE_TEST_MS = 150_000;

/** axe's serious and critical findings on `page`, one readable line each (none is the goal). */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  return [...serious, ...(await contrastViolations(page))];
}

async function expectAccessible(page: Page, what: string): Promise<void> {
  expect(await seriousViolations(page), `axe: ${what}`).toEqual([]);
}

/** Says `text` in the chat and waits until it shows and the field has cleared (ready for the next). */
async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel("Message").fill(text);
  await page.getByLabel("Message").press("Enter");
  await poll(() => page.getByRole("list", { name: "Chat" }).textContent()).toContain(text);
  await poll(() => page.getByLabel("Message").inputValue()).toBe("");
}

/** Ann hosts; Bob plays; Lis listens. Ann has said something and played a note. */
async function band(): Promise<{ ann: Page; bob: Page; lis: Page; code: string }> {
  const [ann, bob, lis] = [await person(), await person(), await person()];
  const code = await createSession(ann, jam.url(), "Ann");
  await joinSession(bob, jam.url(), "Bob", code);
  await joinToListen(lis, jam.url(), "Lis", code);
  await poll(() => participants(ann).count()).toBe(3);
  await say(ann, "hello band");
  await ann.locator('[data-note="60"]').click();
  await poll(() => activity(bob).textContent()).toMatch(/Ann played C4/);
  await poll(() => lis.getByRole("list", { name: "Chat" }).textContent()).toContain("hello band");
  await keysUnlit(ann, bob, lis);
  return { ann, bob, lis, code };
}

/** Waits until no key or pad is lit: a lit one is a moment's flash, not what is being checked. */
async function keysUnlit(...pages: Page[]): Promise<void> {
  for (const page of pages) await poll(() => page.locator('[data-active="true"]').count()).toBe(0);
}

describe("accessibility (axe) in Chromium", () => {
  it("the landing view, empty and with an error shown, has no serious violations", async () => {
    const page = await person();
    await page.goto(jam.url());
    await page.getByRole("button", { name: "Create session" }).waitFor();
    await expectAccessible(page, "landing");

    await page.getByLabel("Your name").fill("Bob");
    await page.getByLabel("Room code").fill("ZZZZZZ");
    await page.getByRole("button", { name: "Join" }).click();
    await poll(() => page.getByRole("alert").textContent()).not.toBe("");
    await expectAccessible(page, "landing with an error");
  }, AXE_TEST_MS);

  it("a session seen by its host, a player and a listener has no serious violations", async () => {
    const { ann, bob, lis } = await band();
    await expectAccessible(ann, "host with a player and a listener");
    await expectAccessible(bob, "player");
    await expectAccessible(lis, "listener");
    await screenshot(ann, "a11y-host");
    await ann.setViewportSize({ width: 390, height: 844 });
    await expectAccessible(ann, "host on a phone");
  }, AXE_TEST_MS);

  it("a recording running, with someone away, has no serious violations", async () => {
    const { ann, bob } = await band();
    await ann.getByRole("button", { name: "Start", exact: true }).click();
    await ann.getByRole("button", { name: "Record", exact: true }).click();
    await poll(() => bob.getByTestId("recording").getAttribute("data-recording")).toBe("true");
    await expectAccessible(bob, "player while recording");
    await goAway(bob, ann, "Bob");
    await expectAccessible(ann, "host while recording, a player away");
    await screenshot(ann, "a11y-recording-away");
  }, AXE_TEST_MS);

  it("the finished take and a long chat have no serious violations", async () => {
    const { ann } = await band();
    await ann.getByRole("button", { name: "Record", exact: true }).click();
    await ann.getByRole("button", { name: "Stop recording", exact: true }).click();
    await ann.getByTestId("download-take").waitFor({ timeout: 10_000 });
    for (let i = 1; i <= 10; i++) await say(ann, `line ${i}`);
    for (let note = 60; note < 72; note++) await ann.locator(`[data-note="${note}"]`).click();
    await poll(() => activity(ann).textContent()).toMatch(/Ann played B4/);
    await keysUnlit(ann);
    const overflows = (list: string) =>
      ann.getByRole("list", { name: list }).evaluate((el) => el.scrollHeight > el.clientHeight);
    expect([await overflows("Chat"), await overflows("Activity")]).toEqual([true, true]); // Both scroll.
    await expectAccessible(ann, "host with a finished take and a long chat");
  }, AXE_TEST_MS);
});
