/**
 * The jam page behind nginx in front of a 3-node cluster (../test/nginx.ts), as docs/operations.md
 * ("Behind nginx") runs it: every node serves the built page, two people open it at nginx's root, and
 * when the node holding their session is killed, both pages come back to the session on a survivor
 * by themselves.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NginxCluster, nginxForThisFile } from "../test/nginx";
import {
  DIST_DIR,
  activity,
  createSession,
  errorsOf,
  joinSession,
  launchChromium,
  openPerson,
  participants,
  poll,
  screenshot,
} from "./browser";

nginxForThisFile();

let browser: Browser | undefined;
const pages: Page[] = [];
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const page of pages) expect(errorsOf(page)).toEqual([]);
  for (const page of pages.splice(0)) await page.context().close();
});

async function person(): Promise<Page> {
  const page = await openPerson(browser!);
  pages.push(page);
  return page;
}

/** What a page shows of the session: who is listed (away ones marked) and the connection. */
async function seen(page: Page): Promise<string> {
  const names = await participants(page).evaluateAll((items) =>
    items.map((li) => `${li.querySelector(".participant-name")?.textContent}${li.dataset.away ? " (away)" : ""}`),
  );
  return `${names.sort().join(", ")}; ${await page.getByTestId("connection").textContent()}`;
}

/** The public URL of the room's node, as nginx's root answers GET /api/rooms/{code}. */
async function roomUrl(jam: NginxCluster, code: string): Promise<string> {
  const response = await fetch(`${jam.url}api/rooms/${code}`);
  expect(response.status, `GET /api/rooms/${code}`).toBe(200);
  return ((await response.json()) as { url: string }).url;
}

describe("the jam page behind nginx", () => {
  it("A creates, B joins, notes get through; kill -9 of the session's node: both pages come back to it, notes too", async () => {
    const jam = await NginxCluster.start({
      nodes: 3,
      timings: { resumeGraceMs: 30_000 },
      flags: ["--static-dir", DIST_DIR],
    });
    const ann = await person();
    const bob = await person();
    const code = await createSession(ann, jam.url, "Ann");
    await joinSession(bob, jam.url, "Bob", code);
    const together = "Ann, Bob; connected";
    await poll(() => seen(ann)).toBe(together);
    await poll(() => seen(bob)).toBe(together);
    await ann.locator('[data-note="64"]').click();
    await poll(() => activity(bob).textContent()).toMatch(/Ann played E4/);

    const owner = jam.nodeAt(await roomUrl(jam, code));
    await jam.kill9(owner);
    // Each page says "Reconnected" once back in its own seat ("Reconnected — back in …" would be a
    // fresh join: the seat lost); only then is its list worth reading.
    const comeBack = jam.timings.nodeTtlMs + 60_000;
    for (const page of [ann, bob]) {
      await poll(() => activity(page).textContent(), comeBack).toMatch(/Reconnected(?! —)/);
      await poll(() => seen(page)).toBe(together);
    }
    expect(await roomUrl(jam, code), "the session's node now").not.toBe(jam.publicUrl(owner));

    await ann.locator('[data-note="67"]').click();
    await poll(() => activity(bob).textContent()).toMatch(/Ann played G4/);
    await bob.locator('[data-note="60"]').click();
    await poll(() => activity(ann).textContent()).toMatch(/Bob played C4/);
    await screenshot(bob, "cluster-nginx-after-kill");
  }, 180_000);
});
