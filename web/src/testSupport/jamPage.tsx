/** The jam page rendered against a FakeJamService, and ways to read it, for component tests. */
import type { Participant } from "../types/protocol";
import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach } from "vitest";
import { JamSession } from "../components/JamSession/JamSession";
import { FakeJamService } from "./fakeJamService";
import { makeSilentSynth } from "./silentSynth";

export const silentSynth = makeSilentSynth();

export function renderPage(service: FakeJamService) {
  render(<JamSession service={service} serverUrl="http://jam.test" synth={silentSynth} />);
  return userEvent.setup();
}

/** Opens the page and creates a session (no code) or joins one, as `name`. */
export async function enter(service: FakeJamService, name: string, code?: string) {
  const user = renderPage(service);
  await user.type(screen.getByLabelText("Your name"), name);
  if (code) {
    await user.type(screen.getByLabelText("Room code"), code);
    await user.click(screen.getByRole("button", { name: "Join" }));
  } else {
    await user.click(screen.getByRole("button", { name: "Create session" }));
  }
  return user;
}

export const participantItems = () =>
  within(screen.getByRole("list", { name: "Participants" })).queryAllByRole("listitem");

/** Each participant as listed: "Ann (you)", "Ben" (badges, latency and buttons left out). */
export const participantNames = () =>
  participantItems().map((li) => {
    const name = li.querySelector(".participant-name")?.textContent ?? "";
    return li.querySelector(".you") ? `${name} (you)` : name;
  });

export const activity = () => screen.getByRole("list", { name: "Activity" }).textContent ?? "";

/** Another participant the fake server puts in the room. */
export const BEN: Participant = { id: "BenBenBenBenBen1", name: "Ben", away: false, role: "player", instrument: "piano" };

/** Our own participant id: the fake gives the first join this one. */
export const myId = () => FakeJamService.idForJoin(1);

/** Enters the fake room as Ann, with Ben already there; `asHost` says who the server made host. */
export async function enterWithBen(service: FakeJamService, asHost: boolean) {
  service.others = [BEN];
  service.hostId = asHost ? myId() : BEN.id;
  const user = await enter(service, "Ann");
  await screen.findByTestId("room-code");
  return user;
}

/**
 * Each test of the file gets a fresh fake server (handed to `use`) and a clean page: the URL back at
 * "/", nothing stored; the page is unmounted after the test.
 */
export function freshPageEachTest(use: (service: FakeJamService) => void): void {
  beforeEach(() => {
    use(new FakeJamService());
    window.history.replaceState({}, "", "/");
    window.localStorage.clear();
  });
  afterEach(cleanup);
}
