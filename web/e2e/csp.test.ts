/**
 * The page under the server's Content-Security-Policy in Chromium: a session doing everything
 * breaks no rule; and a deliberate breach is caught, which shows that browser.ts's check, run after
 * every browser test, works.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { activity, createSession, errorsOf, jamBrowserSuite, joinSession, participants, poll } from "./browser";

const jam = jamBrowserSuite();

/** The policy each page's document was served with, in order. */
const policies: string[] = [];

/** A person whose documents' Content-Security-Policy headers are recorded in `policies`. */
async function personUnderPolicy(): Promise<Page> {
  const page = await jam.person();
  page.on("response", (res) => {
    if (res.request().resourceType() === "document") policies.push(res.headers()["content-security-policy"] ?? "");
  });
  return page;
}

describe("the page under its Content-Security-Policy in Chromium", () => {
  it("a session with keys, drums, tempo, chat and a take breaks no rule of the policy", async () => {
    const ann = await personUnderPolicy();
    const bob = await personUnderPolicy();
    const code = await createSession(ann, jam.url(), "Ann");
    await joinSession(bob, jam.url(), "Bob", code);
    await poll(() => participants(ann).count()).toBe(2);
    expect(policies.slice(-2).map((p) => p.includes("style-src 'self'"))).toEqual([true, true]);

    await ann.getByRole("button", { name: "Record", exact: true }).click();
    await ann.getByRole("button", { name: "Start", exact: true }).click();
    await ann.getByLabel("Tempo (BPM)").fill("90");
    await ann.getByLabel("Tempo (BPM)").press("Enter");
    await poll(() => bob.getByTestId("settings").textContent()).toBe("90 BPM · 4/4");
    await ann.locator('[data-note="64"]').click(); // Lights the key on both pages (a style prop).
    await ann.locator('[data-drum="38"]').click();
    await poll(() => activity(bob).textContent()).toMatch(/Ann played Snare/);
    await bob.getByLabel("Message").fill("nice");
    await bob.getByLabel("Message").press("Enter");
    await poll(() => ann.getByRole("list", { name: "Chat" }).textContent()).toContain("nice");
    await ann.getByRole("button", { name: "Stop recording", exact: true }).click();
    await bob.getByTestId("download-take").waitFor({ timeout: 10_000 });
    await poll(() => ann.getByTestId("connection").textContent()).toBe("connected");
    // Every page's violations, if any, fail this test after it (browser.ts).
  });

  it("an inline style breaking the policy is caught as a page error", async () => {
    const ann = await personUnderPolicy();
    await createSession(ann, jam.url(), "Ann");
    await ann.evaluate(() => {
      const style = document.createElement("style");
      style.textContent = "body { outline: 1px solid red; }";
      document.head.append(style);
    });
    // Chromium's own report on the console, and the violation event that browser.ts listens for.
    const caught = () => errorsOf(ann).join("\n");
    await poll(caught).toMatch(/violates the following Content Security Policy directive/);
    await poll(caught).toMatch(/Content Security Policy violation: style-src-elem blocked inline/);
    errorsOf(ann).splice(0); // Expected here; in any other test they fail it.
  });
});
