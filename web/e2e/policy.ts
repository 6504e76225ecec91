/**
 * The Content-Security-Policy the server is to send on the page. Until it does, tests that load the
 * page through `underPlannedPolicy` get this one added to the page's response, so they run under it
 * now; once the server sends a policy of its own, that one is kept.
 */
import type { Page } from "playwright-core";

export const PLANNED_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Loads `page`'s document under the planned policy unless the server sends one; `seen` gets the policy applied. */
export async function underPlannedPolicy(page: Page, seen: (policy: string) => void = () => {}): Promise<void> {
  await page.route(
    (url) => url.pathname === "/",
    async (route) => {
      const response = await route.fetch();
      const headers = response.headers();
      // The body comes decoded: the compressed length and encoding no longer apply.
      delete headers["content-encoding"];
      delete headers["content-length"];
      headers["content-security-policy"] ??= PLANNED_CSP;
      seen(headers["content-security-policy"]);
      await route.fulfill({ response, headers });
    },
  );
}

