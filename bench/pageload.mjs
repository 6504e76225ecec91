// First load of the page over DevTools' "Fast 3G" profile in headless Chromium, for each server
// binary given, RUNS times interleaved: bytes on the wire, DOMContentLoaded, load, and when the
// landing form ("Your name") is on screen, for a first visit (cache disabled) and then a repeat visit
// (with the cache the first one left).
//
//   node bench/pageload.mjs BEFORE_BIN AFTER_BIN     (bench/pageload.sh builds and picks them)
//
// Prints one JSON line per load and a summary table (medians) in Markdown.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(new URL("../web/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const DIST = fileURLToPath(new URL("../web/dist", import.meta.url));
const RUNS = Number(process.env.RUNS ?? 5);
/** Chrome DevTools' "Fast 3G" preset: 562.5 ms latency, 1.6 Mbps down and 750 kbps up (× 0.9). */
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 };

function startServer(bin) {
  const child = spawn(bin, ["--port", "0", "--log", "warn", "--static-dir", DIST], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve({ child, url: match[1] });
    });
    child.once("exit", (code) => reject(new Error(`${bin} exited with ${code}`)));
  });
}

/** One first visit: the page's own timings, plus the bytes Chromium received for it. */
async function load(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", FAST_3G);
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
  const start = Date.now();
  await page.goto(url, { waitUntil: "load" });
  await page.getByLabel("Your name").waitFor({ state: "visible" });
  const formMs = Date.now() - start;
  const nav = await page.evaluate(() => performance.getEntriesByType("navigation")[0].toJSON());
  // A repeat visit with the browser's cache as the first one left it.
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
  const firstBytes = bytes;
  const again = Date.now();
  await page.goto(url, { waitUntil: "load" });
  await page.getByLabel("Your name").waitFor({ state: "visible" });
  const repeatFormMs = Date.now() - again;
  await context.close();
  return {
    bytes: firstBytes,
    domContentLoadedMs: nav.domContentLoadedEventEnd,
    loadMs: nav.loadEventEnd,
    formMs,
    repeatBytes: bytes - firstBytes,
    repeatFormMs,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const bins = process.argv.slice(2);
  if (bins.length === 0) throw new Error("usage: node bench/pageload.mjs BIN...");
  const browser = await chromium.launch({
    executablePath: process.env.JAM_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"],
  });
  const servers = await Promise.all(bins.map(startServer));
  const results = bins.map(() => []);
  for (let run = 0; run < RUNS; run++) {
    for (const [i, server] of servers.entries()) {
      const result = await load(browser, server.url);
      results[i].push(result);
      console.log(JSON.stringify({ run, bin: bins[i], ...result }));
    }
  }
  await browser.close();
  for (const { child } of servers) child.kill("SIGTERM");
  console.log("\n| server | bytes on the wire | DOMContentLoaded | load | form on screen | repeat visit: bytes | repeat visit: form |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const [i, bin] of bins.entries()) {
    const m = (key) => Math.round(median(results[i].map((r) => r[key])));
    const row = [m("bytes"), `${m("domContentLoadedMs")} ms`, `${m("loadMs")} ms`, `${m("formMs")} ms`];
    console.log(`| ${bin} | ${[...row, m("repeatBytes"), `${m("repeatFormMs")} ms`].join(" | ")} |`);
  }
}

await main();
