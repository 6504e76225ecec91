/**
 * The session by keyboard alone, in Chromium: Tab from the top of the page reaches every control,
 * each with an accessible name and a visible focus ring, and the host's, an away player's and a
 * recording's state show as text, not as colour alone.
 */
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DRUM_PADS, keyboardLayout } from "../src/music/notes";
import { createSession, goAway, jamBrowserSuite, joinSession, joinToListen, participant, participants, poll } from "./browser";

// A long resume grace keeps an away seat listed; quick heartbeats notice a silent connection soon.
const jam = jamBrowserSuite(["--resume-grace", "30s", "--ping-interval", "1s", "--ping-timeout", "2s"]);

/** A new person; the page comes with the server's Content-Security-Policy. */
const person = () => jam.person();

/** Upper bound for a test that walks the page by Tab, stop by stop, on a loaded 2-core machine. */
const WALK_TEST_MS = 120_000;

/** More stops than the page has: a walk that does not come round by then is stuck. */
const MAX_STOPS = 250;

/** One place Tab stopped: the focused element as the accessibility tree names it, and its focus ring. */
interface TabStop {
  /** First line of the element's ARIA snapshot, e.g. `- button "C4"`. */
  aria: string;
  role: string;
  name: string;
  ringVisible: boolean;
}

type Control = [role: Parameters<Page["getByRole"]>[0], name: string];

/** Marks the focused element as reached; null once focus is back on the body or on a reached one. */
function markFocused(): { ringVisible: boolean } | null {
  const seen = ((window as unknown as { __tabStops?: Element[] }).__tabStops ??= []);
  const el = document.activeElement;
  if (!el || el === document.body || seen.includes(el)) return null;
  seen.push(el);
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shown = outline && style.outlineColor !== "rgba(0, 0, 0, 0)";
  return { ringVisible: shown || style.boxShadow !== "none" };
}

/** Presses Tab from the top of the page until focus comes round, recording each stop. */
async function tabWalk(page: Page): Promise<TabStop[]> {
  await page.evaluate(() => {
    delete (window as unknown as { __tabStops?: Element[] }).__tabStops;
    window.scrollTo(0, 0);
  });
  await page.locator("body").click({ position: { x: 5, y: 5 } }); // Tab starts from where one clicked.
  const stops: TabStop[] = [];
  for (let i = 0; i < MAX_STOPS; i++) {
    await page.keyboard.press("Tab");
    const mark = await page.evaluate(markFocused);
    if (!mark) return stops;
    const aria = (await page.locator(":focus").ariaSnapshot()).split("\n")[0];
    const [, role = "", name = ""] = /^- ([\w-]+)(?: "((?:[^"\\]|\\.)*)")?/.exec(aria) ?? [];
    stops.push({ aria, role, name, ringVisible: mark.ringVisible });
  }
  throw new Error(`Tab went ${MAX_STOPS} stops without coming round`);
}

/** The controls (by role and exact accessible name) that Tab never reached. */
async function unreached(page: Page, controls: Control[]): Promise<string[]> {
  const missing: string[] = [];
  for (const [role, name] of controls) {
    const found = page.getByRole(role, { name, exact: true });
    const reached =
      (await found.count()) === 1 &&
      (await found.evaluate((el) => ((window as unknown as { __tabStops?: Element[] }).__tabStops ?? []).includes(el)));
    if (!reached) missing.push(`${role} "${name}"`);
  }
  return missing;
}

/** Every stop has a name and a visible ring, and all of `controls` are among them. */
async function expectWalkable(page: Page, controls: Control[]): Promise<TabStop[]> {
  const stops = await tabWalk(page);
  expect(stops.filter((s) => !s.role || !s.name).map((s) => s.aria), "stops without a role or name").toEqual([]);
  expect(stops.filter((s) => !s.ringVisible).map((s) => s.aria), "stops without a visible focus ring").toEqual([]);
  expect(await unreached(page, controls), "controls Tab does not reach").toEqual([]);
  return stops;
}

const pianoKeys: Control[] = keyboardLayout().map((key) => ["button", key.name]);
const drumPads: Control[] = DRUM_PADS.map((pad) => ["button", pad.label]);

/** Ann hosts with Bob playing and Lis listening, and has a chat line typed (so Send is enabled). */
async function band(): Promise<{ ann: Page; bob: Page; code: string }> {
  const [ann, bob, lis] = [await person(), await person(), await person()];
  const code = await createSession(ann, jam.url(), "Ann");
  await joinSession(bob, jam.url(), "Bob", code);
  await joinToListen(lis, jam.url(), "Lis", code);
  await poll(() => participants(ann).count()).toBe(3);
  await ann.getByLabel("Message").fill("ready?");
  return { ann, bob, code };
}

/** `text` is shown within `scope` and is in the accessibility tree there (not hidden from it). */
async function expectSaid(scope: Locator, text: string | RegExp): Promise<void> {
  await poll(() => scope.getByText(text, { exact: true }).isVisible()).toBe(true);
  expect(await scope.ariaSnapshot()).toMatch(typeof text === "string" ? new RegExp(`\\b${text}\\b`) : text);
}

describe("the session by keyboard in Chromium", () => {
  it("as host, Tab reaches every control, each named and with a visible focus ring", async () => {
    const { ann, code } = await band();
    const stops = await expectWalkable(ann, [
      ["button", "Copy code"],
      ["button", "Leave"],
      ["spinbutton", "Tempo (BPM)"],
      ["button", "Start"],
      ["checkbox", "Click"],
      ["combobox", "Sound"],
      ["button", "Octave down"],
      ["button", "Octave up"],
      ...pianoKeys,
      ...drumPads,
      ["button", "Record"],
      ["button", "Make Bob host"],
      ["button", "Make Bob a listener"],
      ["button", "Remove Bob"],
      ["button", "Invite Lis to play"],
      ["button", "Remove Lis"],
      ["list", "Chat"],
      ["textbox", "Message"],
      ["button", "Send"],
      ["list", "Activity"],
    ]);
    // The code itself is text, under the "Session code" heading; the invite link carries it too.
    expect(stops.some((s) => s.role === "link" && s.name.includes(`?room=${code}`))).toBe(true);
    await poll(() => ann.getByRole("region", { name: "Session code" }).getByTestId("room-code").textContent()).toBe(code);
  }, WALK_TEST_MS);

  it("with the metronome and a take running, Stop and Stop recording are reachable; then the take's links", async () => {
    const { ann } = await band();
    await ann.getByRole("button", { name: "Start", exact: true }).click();
    await ann.getByRole("button", { name: "Record", exact: true }).click();
    await poll(() => ann.getByTestId("recording").getAttribute("data-recording")).toBe("true");
    await expectWalkable(ann, [
      ["button", "Stop"],
      ["button", "Stop recording"],
      ["spinbutton", "Tempo (BPM)"],
    ]);

    await ann.getByRole("button", { name: "Stop recording", exact: true }).click();
    await ann.getByTestId("download-take").waitFor({ timeout: 10_000 });
    const download = (await ann.getByTestId("download-take").textContent()) ?? "";
    await expectWalkable(ann, [
      ["button", "Record"],
      ["link", download],
      ["link", "JSON"],
    ]);
  }, WALK_TEST_MS);

  it("host, listening, away and recording show as text, not as colour alone", async () => {
    const { ann, bob } = await band();
    for (const page of [ann, bob]) {
      await expectSaid(participant(page, "Ann"), "host");
      await expectSaid(participant(page, "Lis"), "listening");
    }
    await expectSaid(ann.getByTestId("recording"), "Not recording");
    await ann.getByRole("button", { name: "Record", exact: true }).click();
    await expectSaid(bob.getByTestId("recording"), /REC \d+:\d\d/); // The red dot is decoration.
    await ann.getByRole("button", { name: "Start", exact: true }).click();
    await poll(() => bob.getByRole("img", { name: /^Beat [1-4] of 4$/ }).count()).toBe(1); // The lit dot, said.

    await goAway(bob, ann, "Bob");
    await expectSaid(participant(ann, "Bob"), "away");
    await expectSaid(bob.getByTestId("connection"), "reconnecting");
  });
});
