/**
 * Real Chromium for the end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core
 * (no browser download), headless, with the flags this sandboxed, offline machine needs.
 */
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { startServer, type RunningServer } from "../test/harness";

const CHROMIUM = process.env.JAM_CHROMIUM ?? "/usr/bin/chromium";

export const DIST_DIR = fileURLToPath(new URL("../dist", import.meta.url));
export const OUTPUT_DIR = fileURLToPath(new URL("../../test-output/e2e", import.meta.url));

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set JAM_CHROMIUM)`);
  }
  if (!existsSync(`${DIST_DIR}/index.html`)) {
    throw new Error(`${DIST_DIR}/index.html not found: run \`npm run build\` in web/ first`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

/**
 * A fresh browser context (its own cookies and storage: a second person) with one page. Uncaught
 * exceptions and Content-Security-Policy violations (Chromium's console report, and each
 * `securitypolicyviolation` event, which also covers what the console leaves out) are its errors.
 */
export async function openPerson(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().includes(CSP)) errors.push(message.text());
  });
  await page.addInitScript(reportPolicyViolations, CSP);
  pageErrors.set(page, errors);
  return page;
}

const CSP = "Content Security Policy";

/** Runs in the page before its scripts: says each policy violation on the console, where it is collected. */
function reportPolicyViolations(csp: string): void {
  document.addEventListener("securitypolicyviolation", (event) => {
    const where = `${event.sourceFile || "the page"}:${event.lineNumber}`;
    const sample = event.sample ? ` (${event.sample})` : "";
    console.error(`${csp} violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${where}${sample}`);
  });
}

const pageErrors = new WeakMap<Page, string[]>();

/** Uncaught exceptions and policy violations the page has had so far: a working page has none. */
export function errorsOf(page: Page): string[] {
  return pageErrors.get(page) ?? [];
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: `${OUTPUT_DIR}/${name}.png`, fullPage: true });
}

export const CODE_PATTERN = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/;

/** Waits for a page to show something; generous, since a loaded machine may be slow to render. */
export const poll = <T>(read: () => T | Promise<T>, timeout = 10_000) => expect.poll(read, { timeout, interval: 50 });

export const participants = (page: Page) => page.getByRole("list", { name: "Participants" }).locator("li");
export const activity = (page: Page) => page.getByRole("list", { name: "Activity" });
/** `name`'s line in the participant list (by the name itself: "Lis" is not "Listen only"). */
export const participant = (page: Page, name: string) =>
  participants(page).filter({ has: page.locator(".participant-name", { hasText: new RegExp(`^${name}$`) }) });

/** Opens the page at `url`, creates a session as `name`, and returns its code. */
export async function createSession(page: Page, url: string, name: string): Promise<string> {
  await page.goto(url);
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Create session" }).click();
  const code = (await page.getByTestId("room-code").textContent({ timeout: 10_000 })) ?? "";
  expect(code).toMatch(CODE_PATTERN);
  return code;
}

/** Opens the page at `url` and joins session `code` as `name`. */
export async function joinSession(page: Page, url: string, name: string, code: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Room code").fill(code);
  await page.getByRole("button", { name: "Join" }).click();
  await poll(() => page.getByTestId("room-code").textContent()).toBe(code);
}

/** Opens the page at `url` and joins session `code` as `name`, to listen (hear, see, chat, not play). */
export async function joinToListen(page: Page, url: string, name: string, code: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Room code").fill(code);
  await page.getByLabel(/Just listen/).check();
  await page.getByRole("button", { name: "Join" }).click();
  await poll(() => page.getByTestId("room-code").textContent()).toBe(code);
}

/**
 * Takes `page` offline until `seenBy` lists `name` as away (the server must hold the seat: a long
 * `--resume-grace`). Chromium's offline mode may leave an open websocket alone, so it is cut by hand then.
 */
export async function goAway(page: Page, seenBy: Page, name: string): Promise<void> {
  await page.context().setOffline(true);
  const reconnecting = page.getByTestId("connection").filter({ hasText: "reconnecting" });
  const dropped = await reconnecting.waitFor({ timeout: 3_000 }).then(
    () => true,
    () => false,
  );
  if (!dropped) await page.evaluate(() => window.__jamDebug?.dropConnection());
  await poll(() => participant(seenBy, name).getAttribute("data-away")).toBe("true");
}

/** What a test file gets from `jamBrowserSuite`: the server's URL and new people (browser contexts). */
export interface JamBrowserSuite {
  url(): string;
  person(viewport?: { width: number; height: number }): Promise<Page>;
}

/**
 * One real server serving the built page (with extra `flags`) and one Chromium for a test file;
 * after each test, every page it opened must have thrown no error, and is closed.
 */
export function jamBrowserSuite(flags: string[] = []): JamBrowserSuite {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const pages: Page[] = [];
  beforeAll(async () => {
    server = await startServer(["--static-dir", DIST_DIR, ...flags]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(async () => {
    for (const page of pages) expect(errorsOf(page)).toEqual([]);
    for (const page of pages.splice(0)) await page.context().close();
  });
  return {
    url: () => server!.url,
    person: async (viewport) => {
      const page = await openPerson(browser!, viewport);
      pages.push(page);
      return page;
    },
  };
}
