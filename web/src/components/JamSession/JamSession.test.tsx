import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { colorForId } from "../../music/colors";
import { FAKE_ROOM, FakeJamService } from "../../testSupport/fakeJamService";
import { JamSession } from "./JamSession";

const silentSynth = { unlock: vi.fn(), noteOn: vi.fn(), noteOff: vi.fn(), drum: vi.fn(), silence: vi.fn() };
const BEN = { id: "BenBenBenBenBen1", name: "Ben", away: false };

let service: FakeJamService;

beforeEach(() => {
  service = new FakeJamService();
  window.history.replaceState({}, "", "/");
  window.localStorage.clear();
});
afterEach(cleanup);

function renderPage() {
  render(<JamSession service={service} serverUrl="http://jam.test" synth={silentSynth} />);
  return userEvent.setup();
}

async function enter(name: string, code?: string) {
  const user = renderPage();
  await user.type(screen.getByLabelText("Your name"), name);
  if (code) {
    await user.type(screen.getByLabelText("Room code"), code);
    await user.click(screen.getByRole("button", { name: "Join" }));
  } else {
    await user.click(screen.getByRole("button", { name: "Create session" }));
  }
  return user;
}

const participants = () => within(screen.getByRole("list", { name: "Participants" })).queryAllByRole("listitem");
const activity = () => screen.getByRole("list", { name: "Activity" }).textContent ?? "";
const key = (note: number) => document.querySelector<HTMLElement>(`[data-note="${note}"]`)!;

describe("JamSession", () => {
  it("connects to the server URL and shows the connection state", () => {
    renderPage();
    expect(service.connect).toHaveBeenCalledWith("http://jam.test");
    expect(screen.getByTestId("connection").textContent).toBe("connected");
    act(() => service.setConnection("reconnecting"));
    expect(screen.getByTestId("connection").dataset.state).toBe("reconnecting");
  });

  it("Create session creates a room, joins it, and shows its code, share link and us", async () => {
    await enter("Ann");
    expect(service.joinSession).toHaveBeenCalledWith(FAKE_ROOM, "Ann");
    expect((await screen.findByTestId("room-code")).textContent).toBe(FAKE_ROOM);
    expect(screen.getByTestId("share-link").getAttribute("href")).toBe(`${window.location.origin}/?room=${FAKE_ROOM}`);
    expect(participants().map((li) => li.textContent)).toEqual(["Ann (you)"]);
    expect(screen.getByRole("button", { name: "Copy code" })).toBeTruthy();
  });

  it("a bad code keeps the landing view with a readable alert", async () => {
    await enter("Bob", "zzzzzz");
    expect((await screen.findByRole("alert")).textContent).toBe("No session with code ZZZZZZ — check the code");
    expect(screen.getByRole("button", { name: "Join" })).toBeTruthy();
  });

  it("a full room says so", async () => {
    service.refusals = { [FAKE_ROOM]: "room_full" };
    await enter("Bob", FAKE_ROOM);
    expect((await screen.findByRole("alert")).textContent).toMatch(/full/);
  });

  it("pre-fills the room code from ?room=", () => {
    window.history.replaceState({}, "", "/?room=abc234");
    renderPage();
    expect((screen.getByLabelText("Room code") as HTMLInputElement).value).toBe("ABC234");
  });

  it("key A sends note:on 60 then note:off 60; drum pad 38 sends note:on on channel 9", async () => {
    await enter("Ann");
    await screen.findByTestId("room-code");
    fireEvent.keyDown(window, { key: "a", code: "KeyA" });
    expect(service.broadcast).toHaveBeenLastCalledWith(FAKE_ROOM, "note:on", { note: 60, velocity: 100 });
    expect(key(60).dataset.active).toBe("true");
    fireEvent.keyUp(window, { key: "a", code: "KeyA" });
    expect(service.broadcast).toHaveBeenLastCalledWith(FAKE_ROOM, "note:off", { note: 60, velocity: 0 });
    expect(key(60).dataset.active).toBe("false");
    fireEvent.pointerDown(document.querySelector('[data-drum="38"]')!, { pointerId: 1 });
    expect(service.broadcast).toHaveBeenLastCalledWith(FAKE_ROOM, "note:on", { note: 38, velocity: 100, channel: 9 });
    expect(activity()).toContain("Ann played C4");
    expect(activity()).toContain("Ann played Snare");
  });

  it("shows others joining, playing in their colour, and leaving", async () => {
    await enter("Ann");
    await screen.findByTestId("room-code");
    act(() => service.emit("userJoined", { user: BEN, roomCode: FAKE_ROOM, seq: 100 }));
    expect(participants().map((li) => li.textContent)).toEqual(["Ann (you)", "Ben"]);

    act(() => service.relay(BEN.id, "note:on", { note: 64, velocity: 90 }));
    expect(key(64).dataset.active).toBe("true");
    expect(key(64).getAttribute("style")).toContain(colorForId(BEN.id));
    expect(silentSynth.noteOn).toHaveBeenCalledWith(`${BEN.id}:64`, 64, 90);
    expect(activity()).toContain("Ben played E4");
    act(() => service.relay(BEN.id, "note:off", { note: 64, velocity: 0 }));
    expect(key(64).dataset.active).toBe("false");

    act(() => service.relay(BEN.id, "note:on", { note: 36, velocity: 100, channel: 9 }));
    expect(silentSynth.drum).toHaveBeenCalledWith(36, 100);
    expect(document.querySelector<HTMLElement>('[data-drum="36"]')!.dataset.active).toBe("true");

    act(() => service.emit("userLeft", { userId: BEN.id, roomCode: FAKE_ROOM, seq: 101, reason: "left" }));
    expect(participants().map((li) => li.textContent)).toEqual(["Ann (you)"]);
    expect(activity()).toMatch(/^Ben left/);
  });

  it("rejoins the room by itself after a reconnect, with the new id", async () => {
    service.others = [BEN];
    await enter("Ann");
    await screen.findByTestId("room-code");
    act(() => service.setConnection("reconnecting"));
    fireEvent.keyDown(window, { key: "s", code: "KeyS" });
    expect(service.broadcast).not.toHaveBeenCalled(); // Not a member on the new connection yet.
    await act(async () => service.setConnection("connected"));
    expect(service.joinSession).toHaveBeenLastCalledWith(FAKE_ROOM, "Ann");
    expect(service.joinSession).toHaveBeenCalledTimes(2);
    expect(participants().map((li) => li.textContent)).toEqual(["Ben", "Ann (you)"]);
    expect(activity()).toContain("Reconnected");
  });

  it("Leave tells the server and returns to the landing view", async () => {
    const user = await enter("Ann");
    await screen.findByTestId("room-code");
    await user.click(screen.getByRole("button", { name: "Leave" }));
    expect(service.leaveSession).toHaveBeenCalledWith(FAKE_ROOM);
    expect(screen.getByRole("button", { name: "Create session" })).toBeTruthy();
    expect((screen.getByLabelText("Your name") as HTMLInputElement).value).toBe("Ann");
  });

  it("shows a refused broadcast as a friendly alert in the session", async () => {
    await enter("Ann");
    await screen.findByTestId("room-code");
    act(() => service.emit("error", { message: "too big", code: "payload_too_large", event: "event:broadcast" }));
    expect(screen.getByRole("alert").textContent).toBe("That message was too big to send");
  });
});

describe("JamSession after a server restart", () => {
  it("returns to the landing view with a message when the room is gone on rejoin", async () => {
    await enter("Ann");
    await screen.findByTestId("room-code");
    act(() => service.setConnection("reconnecting"));
    service.refusals = { [FAKE_ROOM]: "room_not_found" };
    await act(async () => service.setConnection("connected"));
    expect(screen.getByRole("alert").textContent).toBe(`Session ${FAKE_ROOM} has ended — start a new one`);
    expect((screen.getByLabelText("Room code") as HTMLInputElement).value).toBe(FAKE_ROOM);
  });
});
