/**
 * Real Chromium for the end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core
 * (no browser download), headless, with the flags this sandboxed, offline machine needs.
 */
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

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

/** A fresh browser context (its own cookies and storage: a second person) with one page. */
export async function openPerson(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  pageErrors.set(page, errors);
  return page;
}

const pageErrors = new WeakMap<Page, string[]>();

/** Uncaught exceptions the page has thrown so far: a working page throws none. */
export function errorsOf(page: Page): string[] {
  return pageErrors.get(page) ?? [];
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: `${OUTPUT_DIR}/${name}.png`, fullPage: true });
}
