/**
 * Colour contrast behind gradients. axe gives up on text over a background gradient (it reports it
 * as "incomplete", not as a pass), and the page's panels, buttons and body all have one. So each
 * gradient is laid flat, for a moment, to its lightest and then to its darkest stop, and axe's
 * contrast rule runs on both: text readable on either end is readable on the whole gradient.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";

type Extreme = "lightest" | "darkest";

/**
 * Runs in the page: replaces every element's background gradient by one colour (its `extreme`
 * stop over what lies behind), through the CSSOM, which the page's CSP allows. Returns nothing;
 * `restoreGradients` undoes it.
 */
function flattenGradients(extreme: Extreme): void {
  const rgba = (text: string) => (text.match(/[\d.]+/g) ?? []).map(Number);
  const over = (top: number[], under: number[]) => [0, 1, 2].map((i) => top[i] * (top[3] ?? 1) + under[i] * (1 - (top[3] ?? 1)));
  const channel = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  const luminance = (c: number[]) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const behind = (el: Element | null): number[] => {
    for (; el; el = el.parentElement) {
      const colour = rgba(getComputedStyle(el).backgroundColor);
      if ((colour[3] ?? 1) === 1) return colour;
    }
    return [255, 255, 255];
  };
  const saved: [HTMLElement, string, string, string][] = [];
  for (const el of document.querySelectorAll<HTMLElement>("body, body *")) {
    const style = getComputedStyle(el);
    if (!style.backgroundImage.includes("gradient")) continue;
    const under = behind(el);
    const stops = (style.backgroundImage.match(/rgba?\([^)]*\)/g) ?? []).map((stop) => over(rgba(stop), under));
    if (stops.length === 0) continue;
    stops.sort((a, b) => luminance(a) - luminance(b));
    const flat = `rgb(${(extreme === "lightest" ? stops[stops.length - 1] : stops[0]).map(Math.round).join(", ")})`;
    saved.push([el, el.style.backgroundImage, el.style.backgroundColor, el.style.color]);
    if (style.backgroundClip === "text") el.style.color = flat; // Gradient-filled text.
    else el.style.backgroundColor = flat;
    el.style.backgroundImage = "none";
  }
  (window as unknown as { __flattened?: typeof saved }).__flattened = saved;
}

function restoreGradients(): void {
  const holder = window as unknown as { __flattened?: [HTMLElement, string, string, string][] };
  for (const [el, image, colour, text] of holder.__flattened ?? []) {
    el.style.backgroundImage = image;
    el.style.backgroundColor = colour;
    el.style.color = text;
  }
  delete holder.__flattened;
}

/** axe's colour-contrast findings with every gradient at its lightest, then at its darkest. */
export async function contrastViolations(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const extreme of ["lightest", "darkest"] as const) {
    await page.evaluate(flattenGradients, extreme);
    try {
      const { violations } = await new AxeBuilder({ page }).withRules(["color-contrast"]).analyze();
      for (const v of violations) {
        for (const node of v.nodes) found.push(`${v.id} (${v.impact}, gradients ${extreme}): ${node.target.join(" ")} — ${node.any[0]?.message ?? ""}`);
      }
    } finally {
      await page.evaluate(restoreGradients);
    }
  }
  return found;
}
