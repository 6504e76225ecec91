/**
 * The real built page (web/dist) as the real server sends it: compressed on the wire by the
 * browser's Accept-Encoding, cached by the rules for hashed assets and index.html, and locked down
 * by its headers. (The page working under these headers in Chromium: web/e2e.)
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./harness";

const DIST = fileURLToPath(new URL("../dist", import.meta.url));

let server: RunningServer;

beforeAll(async () => {
  if (!existsSync(`${DIST}/index.html`)) throw new Error("web/dist not built: run `npm run build` in web/");
  server = await startServer(["--static-dir", DIST]);
});
afterAll(() => server?.stop());

/** The page's script and stylesheet, as index.html names them. */
function assets(): string[] {
  const html = readFileSync(`${DIST}/index.html`, "utf8");
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
}

/** The response's size on the wire (fetch hands over the decoded body; the header is as sent). */
async function wire(path: string, encoding: string) {
  const res = await fetch(`${server.url}${path}`, { headers: { "accept-encoding": encoding } });
  await res.arrayBuffer();
  return { res, bytes: Number(res.headers.get("content-length")) };
}

describe("the built page on the wire", () => {
  it("finds the script and the stylesheet in index.html", () => {
    expect(assets().some((a) => a.endsWith(".js"))).toBe(true);
    expect(assets().some((a) => a.endsWith(".css"))).toBe(true);
  });

  it("sends brotli or gzip by Accept-Encoding, at under a third of the script's size", async () => {
    for (const path of assets()) {
      const size = statSync(`${DIST}${path}`).size;
      const br = await wire(path, "gzip, deflate, br");
      expect(br.res.headers.get("content-encoding")).toBe("br");
      const gzip = await wire(path, "gzip");
      expect(gzip.res.headers.get("content-encoding")).toBe("gzip");
      const plain = await wire(path, "identity");
      expect(plain.res.headers.get("content-encoding")).toBeNull();
      expect(plain.bytes).toBe(size);
      expect(br.bytes).toBeLessThan(gzip.bytes);
      if (path.endsWith(".js")) expect(gzip.bytes).toBeLessThan(size / 3);
      for (const { res } of [br, gzip, plain]) expect(res.headers.get("vary")).toContain("accept-encoding");
    }
  });

  it("caches hashed assets for a year and revalidates index.html", async () => {
    for (const path of assets()) {
      const { res } = await wire(path, "br");
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
    const { res: index } = await wire("/", "br");
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const modified = index.headers.get("last-modified");
    expect(modified).toBeTruthy();
    const again = await fetch(`${server.url}/`, { headers: { "if-modified-since": modified! } });
    expect(again.status).toBe(304);
  });

  it("locks the page down: CSP without inline script, nosniff, no referrer, no framing", async () => {
    const { res } = await wire("/", "br");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const html = readFileSync(`${DIST}/index.html`, "utf8");
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});
