/**
 * Recording end to end: the host records a take in Chromium while a guest listens; both pages get
 * the take's link, and what it serves is the MIDI file (and JSON) of what was played.
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

const jam = jamBrowserSuite();
const person = jam.person;

/** The take as `?format=json` serves it (only the fields this test reads). */
interface TakeJson {
  events: { type: string; note?: number; channel: number }[];
}

const indicator = (page: Page) => page.getByTestId("recording");
const downloadLink = (page: Page) => page.getByTestId("download-take");

/** Plays C, D, E on the computer keys (down, then up) and hits the snare pad. */
async function playSomething(page: Page): Promise<void> {
  await page.locator("body").click({ position: { x: 5, y: 5 } }); // Keys go to the page, not a field.
  for (const key of ["a", "s", "d"]) {
    await page.keyboard.down(key);
    await page.keyboard.up(key);
  }
  await page.locator('[data-drum="38"]').click();
}

describe("recording in Chromium", () => {
  it("the host records a take; both pages get a link that serves its MIDI file and JSON", async () => {
    const ann = await person();
    const bob = await person();
    const code = await createSession(ann, jam.url(), "Ann");
    await joinSession(bob, jam.url(), "Bob", code);
    await poll(() => participants(ann).count()).toBe(2);
    expect(await bob.getByRole("button", { name: "Record" }).count()).toBe(0); // Host only.

    await ann.getByRole("button", { name: "Record" }).click();
    await poll(() => indicator(ann).getAttribute("data-recording")).toBe("true");
    await playSomething(ann);
    await poll(() => indicator(bob).getAttribute("data-recording")).toBe("true");
    expect(await indicator(bob).textContent()).toMatch(/^● REC \d+:\d\d$/);
    await screenshot(bob, "recording-guest");
    // Bob heard everything, so the server relayed (and recorded) it before the stop.
    await poll(() => activity(bob).textContent()).toMatch(/Ann played Snare/);
    for (const note of ["C4", "D4", "E4"]) expect(await activity(bob).textContent()).toContain(`Ann played ${note}`);

    await ann.getByRole("button", { name: "Stop recording" }).click();
    await downloadLink(ann).waitFor({ timeout: 10_000 });
    await downloadLink(bob).waitFor({ timeout: 10_000 });
    expect(await indicator(bob).getAttribute("data-recording")).toBe("false");
    const href = (await downloadLink(ann).getAttribute("href")) ?? "";
    expect(await downloadLink(bob).getAttribute("href")).toBe(href);
    expect(href.startsWith(jam.url())).toBe(true);
    await poll(() => activity(bob).textContent()).toMatch(/Recording stopped — \d+ events/);
    await screenshot(ann, "recording");

    const midi = await fetch(new URL(href));
    expect(midi.status).toBe(200);
    expect(midi.headers.get("content-type")).toBe("audio/midi");
    const bytes = new Uint8Array(await midi.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 4))).toBe("MThd");

    const jsonUrl = new URL(href);
    jsonUrl.searchParams.set("format", "json");
    expect(await ann.getByRole("link", { name: "JSON" }).getAttribute("href")).toBe(jsonUrl.href);
    const take = (await (await fetch(jsonUrl)).json()) as TakeJson;
    const noteOns = take.events.filter((e) => e.type === "note_on");
    expect(noteOns.filter((e) => e.channel !== 9).map((e) => e.note)).toEqual([60, 62, 64]);
    expect(noteOns.filter((e) => e.channel === 9).map((e) => e.note)).toEqual([38]);
    expect(await downloadLink(ann).textContent()).toBe(`Download MIDI (${take.events.length} events)`);

    // And the way a musician gets it: clicking the link saves a .mid file.
    const [download] = await Promise.all([ann.waitForEvent("download"), downloadLink(ann).click()]);
    expect(download.suggestedFilename()).toMatch(/\.mid$/);
  });

  it("someone joining after the take still gets its link", async () => {
    const ann = await person();
    const code = await createSession(ann, jam.url(), "Ann");
    await ann.getByRole("button", { name: "Record" }).click();
    await poll(() => indicator(ann).getAttribute("data-recording")).toBe("true");

    const bob = await person();
    await joinSession(bob, jam.url(), "Bob", code);
    await poll(() => indicator(bob).getAttribute("data-recording")).toBe("true"); // From session:joined.
    await ann.getByRole("button", { name: "Stop recording" }).click();
    await downloadLink(bob).waitFor({ timeout: 10_000 });

    const cleo = await person();
    await joinSession(cleo, jam.url(), "Cleo", code);
    expect(await downloadLink(cleo).getAttribute("href")).toBe(await downloadLink(ann).getAttribute("href"));
  });
});
