/** Chat between two pages in Chromium: a line typed on one shows on both, markup stays text. */
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
