import { act, fireEvent, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { colorForId } from "../../music/colors";
import { FAKE_ROOM, FakeJamService } from "../../testSupport/fakeJamService";
import { activity, enter as enterPage, participantNames, renderPage as render, silentSynth, freshPageEachTest } from "../../testSupport/jamPage";

const BEN = { id: "BenBenBenBenBen1", name: "Ben", away: false, role: "player" as const, instrument: "piano" as const };

let service: FakeJamService;

freshPageEachTest((fresh) => (service = fresh));

const renderPage = () => render(service);
const enter = (name: string, code?: string) => enterPage(service, name, code);

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
    expect(participantNames()).toEqual(["Ann (you)"]);
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
    expect(participantNames()).toEqual(["Ann (you)", "Ben"]);

    act(() => service.relay(BEN.id, "note:on", { note: 64, velocity: 90 }));
    expect(key(64).dataset.active).toBe("true");
    expect(key(64).getAttribute("style")).toContain(colorForId(BEN.id));
    expect(silentSynth.noteOn).toHaveBeenCalledWith(`${BEN.id}:64`, 64, 90, "piano"); // In Ben's sound.
    expect(activity()).toContain("Ben played E4");
    act(() => service.relay(BEN.id, "note:off", { note: 64, velocity: 0 }));
    expect(key(64).dataset.active).toBe("false");

    act(() => service.relay(BEN.id, "note:on", { note: 36, velocity: 100, channel: 9 }));
    expect(silentSynth.drum).toHaveBeenCalledWith(36, 100);
    expect(document.querySelector<HTMLElement>('[data-drum="36"]')!.dataset.active).toBe("true");

    act(() => service.emit("userLeft", { userId: BEN.id, roomCode: FAKE_ROOM, seq: 101, reason: "left" }));
    expect(participantNames()).toEqual(["Ann (you)"]);
    expect(activity()).toMatch(/^Ben left/);
  });

  it("holds Ben's released notes while his sustain pedal is down, and lets them go when he leaves", async () => {
    await enter("Ann");
    await screen.findByTestId("room-code");
    act(() => service.emit("userJoined", { user: BEN, roomCode: FAKE_ROOM, seq: 100 }));
    act(() => service.relay(BEN.id, "control:change", { controller: 64, value: 127 }));
    act(() => service.relay(BEN.id, "note:on", { note: 60, velocity: 70 }));
    act(() => service.relay(BEN.id, "note:off", { note: 60, velocity: 0 }));
    expect(silentSynth.noteOff).not.toHaveBeenCalledWith(`${BEN.id}:60`);
    expect(key(60).dataset.active).toBe("false"); // The key is up; the sound rings on.
    act(() => service.emit("userLeft", { userId: BEN.id, roomCode: FAKE_ROOM, seq: 101, reason: "left" }));
    expect(silentSynth.noteOff).toHaveBeenCalledWith(`${BEN.id}:60`);
  });

  it("after a reconnect it waits for the service's resume: no join of its own, same identity", async () => {
    service.others = [BEN];
    await enter("Ann");
    await screen.findByTestId("room-code");
    act(() => service.setConnection("reconnecting"));
    expect(screen.getByTestId("room-code").textContent).toBe(FAKE_ROOM); // The session view stays.
    fireEvent.keyDown(window, { key: "s", code: "KeyS" });
    expect(service.broadcast).not.toHaveBeenCalled(); // Not a member on the new connection yet.
    await act(async () => service.setConnection("connected"));
    expect(service.joinSession).toHaveBeenCalledTimes(1);
    act(() => void service.resume());
    expect(service.joinSession).toHaveBeenCalledTimes(1);
    expect(participantNames()).toEqual(["Ben", "Ann (you)"]);
    expect(activity()).toMatch(/^Reconnected/);
    fireEvent.keyDown(window, { key: "d", code: "KeyD" });
    expect(service.broadcast).toHaveBeenLastCalledWith(FAKE_ROOM, "note:on", { note: 64, velocity: 100 });
  });

  it("when the service had to join afresh (seat gone), the page follows the new id", async () => {
    service.others = [BEN];
    await enter("Ann");
    await screen.findByTestId("room-code");
    act(() => service.setConnection("reconnecting"));
    await act(async () => service.setConnection("connected"));
    await act(async () => void (await service.joinSession(FAKE_ROOM, "Ann"))); // What the service does.
    expect(participantNames()).toEqual(["Ben", "Ann (you)"]);
    expect(activity()).toContain("Reconnected");
    fireEvent.pointerDown(document.querySelector('[data-drum="36"]')!, { pointerId: 1 });
    expect(service.broadcast).toHaveBeenCalled();
  });

  it("Leave while the connection is down: the seat the service resumes later is given up", async () => {
    const user = await enter("Ann");
    await screen.findByTestId("room-code");
    act(() => service.setConnection("reconnecting"));
    await user.click(screen.getByRole("button", { name: "Leave" }));
    expect(service.leaveSession).not.toHaveBeenCalled(); // Nothing can reach the server now.
    await act(async () => service.setConnection("connected"));
    act(() => void service.resume());
    expect(service.leaveSession).toHaveBeenCalledWith(FAKE_ROOM);
    expect(screen.getByRole("button", { name: "Create session" })).toBeTruthy();
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
  it("returns to the landing view with a message when the service's fresh join finds no room", async () => {
    await enter("Ann");
    await screen.findByTestId("room-code");
    act(() => service.setConnection("reconnecting"));
    service.refusals = { [FAKE_ROOM]: "room_not_found" };
    await act(async () => service.setConnection("connected"));
    // The resume was refused, so the service joined afresh, and that failed too.
    await act(async () => void (await service.joinSession(FAKE_ROOM, "Ann").catch(() => undefined)));
    expect(screen.getByRole("alert").textContent).toBe(`Session ${FAKE_ROOM} has ended — start a new one`);
    expect((screen.getByLabelText("Room code") as HTMLInputElement).value).toBe(FAKE_ROOM);
  });
});
