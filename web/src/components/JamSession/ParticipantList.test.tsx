import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { PARTICIPANT_PALETTE, colorForId } from "../../music/colors";
import { ParticipantList } from "./ParticipantList";

afterEach(cleanup);

const people = [
  { id: "q3ZfT0b9LxW2aPkE", name: "Ben", away: false, role: "player" as const, instrument: "piano" as const },
  { id: "Hh7cN1uYpR4mVs8D", name: "Ann", away: false, role: "player" as const, instrument: "piano" as const },
];

describe("ParticipantList", () => {
  it("lists everyone by name in order, and marks only our own entry '(you)'", () => {
    render(<ParticipantList participants={people} myId="Hh7cN1uYpR4mVs8D" />);
    const items = within(screen.getByRole("list", { name: "Participants" })).getAllByRole("listitem");
    expect(items.map((li) => li.textContent)).toEqual(["Ben", "Ann (you)"]);
  });

  it("gives each participant the colour derived from their id", () => {
    render(<ParticipantList participants={people} myId="" />);
    const swatches = screen.getByRole("list", { name: "Participants" }).querySelectorAll<HTMLElement>(".swatch");
    expect([...swatches].map((s) => s.dataset.color)).toEqual(people.map((p) => colorForId(p.id)));
    for (const swatch of swatches) expect(swatch.style.backgroundColor).not.toBe("");
  });

  it("derives colours stably from the palette", () => {
    expect(colorForId("abc")).toBe(colorForId("abc"));
    const used = new Set(Array.from({ length: 200 }, (_, i) => colorForId(`id${i}`)));
    expect([...used].every((c) => (PARTICIPANT_PALETTE as readonly string[]).includes(c))).toBe(true);
    expect(used.size).toBe(PARTICIPANT_PALETTE.length);
  });
});
