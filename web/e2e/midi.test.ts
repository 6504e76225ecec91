/**
 * MIDI keyboards in Chromium: a stand-in MIDIAccess (the real API's shape) is injected into Ann's
 * page before it loads; her keyboard's notes, velocity, sustain pedal, bend and mod wheel sound on
 * her page and on Bob's, unplugging it is shown, and the take she records has all of it.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { installFakeMidi } from "../src/testSupport/fakeMidi";
import { createSession, jamBrowserSuite, joinSession, poll, screenshot } from "./browser";

const jam = jamBrowserSuite();

const KEYS = "k1";

/** An event of a take as `?format=json` serves it (the fields this test reads). */
interface TakeEvent {
  type: string;
  note?: number;
  velocity?: number;
  controller?: number;
  value?: number;
}
const send = (page: Page, bytes: number[]) => page.evaluate(([id, data]) => window.__fakeMidi!.send(id, data), [KEYS, bytes] as const);
const voices = (page: Page) => page.evaluate(() => window.__jamDebug?.voices() ?? []);
const sounding = (page: Page) => page.evaluate(() => window.__jamDebug?.sounding() ?? []);
const midiBar = (page: Page) => page.getByLabel("MIDI", { exact: true });

describe("a MIDI keyboard in Chromium", () => {
  it("plays with its velocity, pedal, bend and wheel on both pages and in the take; its unplugging is shown", async () => {
    const ann = await jam.person();
    await ann.addInitScript(installFakeMidi);
    const bob = await jam.person();
    const code = await createSession(ann, jam.url(), "Ann");
    await joinSession(bob, jam.url(), "Bob", code);
    for (const page of [ann, bob]) await page.locator("body").click(); // Gestures: audio may start.
    await ann.getByLabel("Sound").selectOption("organ"); // A long sound: the pedal's hold is plain to see.
    const annId = await ann.evaluate(() => document.querySelector(".participants li.me")?.getAttribute("data-id"));
    await poll(() => midiBar(ann).textContent()).toMatch(/Plug in a MIDI keyboard/);

    await ann.getByRole("button", { name: "Record" }).click(); // The take must get what the keyboard played.
    await poll(() => ann.getByTestId("recording").getAttribute("data-recording")).toBe("true");
    await ann.evaluate(() => window.__fakeMidi!.plug("k1", "Keystation 49"));
    await poll(() => ann.getByLabel("MIDI input").locator("option").allTextContents()).toEqual(["All inputs (1)", "Keystation 49"]);

    await send(ann, [0x90, 60, 77]);
    await poll(async () => (await voices(bob)).find((v) => v.key === `${annId}:60`)?.velocity).toBe(77);
    expect((await voices(ann)).find((v) => v.key === "local:60")).toMatchObject({ velocity: 77, instrument: "organ" });
    await poll(() => ann.getByRole("status", { name: "MIDI activity" }).textContent()).toContain("Playing from Keystation 49");

    await send(ann, [0xb0, 64, 127]); // Pedal down, then let go of the key.
    await send(ann, [0x90, 60, 0]);
    await send(ann, [0x90, 64, 90]); // A later note: once Bob hears it, he has had the note off too.
    await poll(async () => (await voices(bob)).some((v) => v.key === `${annId}:64`)).toBe(true);
    expect(await sounding(bob)).toContain(`${annId}:60`);
    expect(await sounding(ann)).toContain("local:60");
    await send(ann, [0xb0, 64, 0]); // Pedal up: the released note stops; the held one rings on.
    await poll(() => sounding(bob)).not.toContain(`${annId}:60`);
    expect(await sounding(bob)).toContain(`${annId}:64`);
    expect(await sounding(ann)).not.toContain("local:60");

    await send(ann, [0xe0, 0x00, 0x60]); // Bend up half way, and some mod wheel.
    await send(ann, [0xb0, 1, 100]);
    const bobHears = () => bob.evaluate((id) => window.__jamDebug?.expression()[id ?? ""], annId);
    await poll(bobHears).toEqual({ bend: 4096, modulation: 100 });
    expect(await ann.evaluate(() => window.__jamDebug?.expression().local)).toEqual({ bend: 4096, modulation: 100 });
    await screenshot(ann, "midi");

    await ann.evaluate(() => window.__fakeMidi!.unplug("k1")); // Unplugged with a key down: it is let go.
    await poll(() => midiBar(ann).textContent()).toMatch(/Keystation 49 unplugged/);
    await poll(() => sounding(bob)).not.toContain(`${annId}:64`);
    await screenshot(ann, "midi-unplugged");

    await ann.getByRole("button", { name: "Stop recording" }).click();
    const href = (await ann.getByTestId("download-take").getAttribute("href", { timeout: 10_000 })) ?? "";
    const json = new URL(href);
    json.searchParams.set("format", "json");
    const take = (await (await fetch(json)).json()) as { events: TakeEvent[] };
    const played = take.events.map(({ type, note, velocity, controller, value }) => ({ type, note, velocity, controller, value }));
    expect(played).toEqual([
      { type: "note_on", note: 60, velocity: 77 },
      { type: "control_change", controller: 64, value: 127 },
      { type: "note_off", note: 60 },
      { type: "note_on", note: 64, velocity: 90 },
      { type: "control_change", controller: 64, value: 0 },
      { type: "pitch_bend", value: 4096 },
      { type: "control_change", controller: 1, value: 100 },
      { type: "note_off", note: 64 },
    ].map((e) => ({ note: undefined, velocity: undefined, controller: undefined, value: undefined, ...e })));
  });

  it("a browser without Web MIDI says so in one line, and the keys still play", async () => {
    const ann = await jam.person();
    await ann.addInitScript(() => delete (Navigator.prototype as { requestMIDIAccess?: unknown }).requestMIDIAccess);
    await createSession(ann, jam.url(), "Ann");
    await poll(() => midiBar(ann).textContent()).toMatch(/No MIDI in this browser/);
    await ann.keyboard.press("a");
    await poll(() => ann.getByRole("list", { name: "Activity" }).textContent()).toMatch(/Ann played C4/);
  });
});
