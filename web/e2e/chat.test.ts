/** Chat and listeners in Chromium: a line typed on one page shows on both (markup as text); a listener hears but cannot play until invited. */
import { describe, expect, it } from "vitest";
import { createSession, jamBrowserSuite, joinSession, poll, screenshot } from "./browser";

const jam = jamBrowserSuite();

describe("chat in Chromium", () => {
  it("Ann's line shows on Bob's page and hers, markup as text; Bob answers", async () => {
    const ann = await jam.person();
    const bob = await jam.person();
    const code = await createSession(ann, jam.url(), "Ann");
    await joinSession(bob, jam.url(), "Bob", code);
    const chat = (page: typeof ann) => page.getByRole("list", { name: "Chat" });

    const line = `<img src=x onerror="window.__pwned=1"> let's go`;
    await ann.getByLabel("Message").fill(line);
    await ann.getByLabel("Message").press("Enter");
    await poll(() => chat(bob).textContent()).toContain(line);
    await poll(() => chat(ann).textContent()).toContain(line);
    expect(await chat(bob).locator("img").count()).toBe(0);
    expect(await bob.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await ann.getByLabel("Message").inputValue()).toBe("");

    await bob.getByLabel("Message").fill("ready when you are");
    await bob.getByRole("button", { name: "Send" }).click();
    await poll(() => chat(ann).locator("li").allTextContents()).toEqual([`Ann ${line}`, "Bob ready when you are"]);
    await screenshot(ann, "chat");
  });
});

describe("a listener in Chromium", () => {
  it("joins to listen: hears the others' notes, has no keyboard, may chat; invited, it plays", async () => {
    const ann = await jam.person();
    const lis = await jam.person();
    const code = await createSession(ann, jam.url(), "Ann");
    await lis.goto(jam.url());
    await lis.getByLabel("Your name").fill("Lis");
    await lis.getByLabel("Room code").fill(code);
    await lis.getByLabel(/Just listen/).check();
    await lis.getByRole("button", { name: "Join" }).click();
    await poll(() => lis.getByTestId("room-code").textContent()).toBe(code);
    expect(await lis.getByLabel("Listening").isVisible()).toBe(true);
    expect(await lis.locator(".keyboard, .drum-pads").count()).toBe(0);
    await lis.keyboard.press("a"); // The instrument keys do nothing for a listener.
    await poll(() => ann.getByRole("list", { name: "Participants" }).textContent()).toContain("listening");
    expect(await ann.getByRole("list", { name: "Activity" }).textContent()).not.toMatch(/Lis played/);

    await ann.keyboard.press("a");
    await poll(() => lis.getByRole("list", { name: "Activity" }).textContent()).toMatch(/Ann played C4/);
    await lis.getByLabel("Message").fill("sounds great");
    await lis.getByLabel("Message").press("Enter");
    await poll(() => ann.getByRole("list", { name: "Chat" }).textContent()).toContain("sounds great");
    await screenshot(lis, "listener");

    await ann.getByRole("button", { name: "Invite Lis to play" }).click();
    await poll(() => lis.getByLabel("Listening").count()).toBe(0);
    await lis.locator('[data-note="62"]').click();
    await poll(() => ann.getByRole("list", { name: "Activity" }).textContent()).toMatch(/Lis played D4/);
  });
});

describe("a sound per player in Chromium", () => {
  it("Ann picks the organ; Bob's page plays her notes with the organ, and his own with his piano", async () => {
    const ann = await jam.person();
    const bob = await jam.person();
    const code = await createSession(ann, jam.url(), "Ann");
    await joinSession(bob, jam.url(), "Bob", code);
    await bob.locator("body").click(); // A gesture: Bob's page may start its audio.
    await ann.getByLabel("Sound").selectOption("organ");
    await poll(() => bob.getByRole("list", { name: "Activity" }).textContent()).toMatch(/Ann: now on organ/);
    const annId = await ann.evaluate(() => document.querySelector(".participants li.me")?.getAttribute("data-id"));

    await ann.locator('[data-note="64"]').click();
    const voices = () => bob.evaluate(() => window.__jamDebug?.voices() ?? []);
    await poll(async () => (await voices()).find((v) => v.key === `${annId}:64`)?.instrument).toBe("organ");
    await bob.locator('[data-note="60"]').click();
    await poll(async () => (await voices()).find((v) => v.key === "local:60")?.instrument).toBe("piano");
    await screenshot(ann, "instrument");
  });
});
