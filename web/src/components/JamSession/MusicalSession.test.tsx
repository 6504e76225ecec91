/** The musical session on the page: host controls, settings, transport, presence, latency, moderation. */
import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { localNow } from "../../session/clock/clockSync";
import { JamServiceError } from "../../session/service/socketService";
import { FAKE_ROOM, FAKE_SETTINGS, FakeJamService } from "../../testSupport/fakeJamService";
import { activity, BEN, enterWithBen, myId, participantItems, participantNames, silentSynth, freshPageEachTest } from "../../testSupport/jamPage";

const me = myId;

let service: FakeJamService;

freshPageEachTest((fresh) => (service = fresh));

const inRoomWithBen = (asHost: boolean) => enterWithBen(service, asHost);

const settingsShown = () => screen.getByTestId("settings").textContent;
const tempoField = () => screen.queryByLabelText("Tempo (BPM)") as HTMLInputElement | null;
const button = (name: string) => screen.queryByRole("button", { name });

describe("host controls", () => {
  it("the host gets tempo, Start/Stop and per-person Make host / Remove", async () => {
    await inRoomWithBen(true);
    expect(settingsShown()).toBe("120 BPM · 4/4");
    expect(tempoField()?.value).toBe("120");
    expect(button("Start")).toBeTruthy();
    expect(button("Stop")).toBeTruthy();
    expect(button("Make Ben host")).toBeTruthy();
    expect(button("Remove Ben")).toBeTruthy();
    expect(button("Remove Ann")).toBeNull(); // Not for ourselves.
  });

  it("others see tempo, meter and key but no controls", async () => {
    service.settings = { ...FAKE_SETTINGS, bpm: 96, beatsPerBar: 3, key: "C" };
    await inRoomWithBen(false);
    expect(settingsShown()).toBe("96 BPM · 3/4 · key C");
    expect(tempoField()).toBeNull();
    expect(button("Start")).toBeNull();
    expect(button("Stop")).toBeNull();
    expect(button("Make Ben host")).toBeNull();
    expect(button("Remove Ben")).toBeNull();
  });

  it("marks the host in the list", async () => {
    await inRoomWithBen(false);
    const [ben, ann] = participantItems();
    expect(ben.textContent).toContain("host");
    expect(ben.dataset.host).toBe("true");
    expect(ann.textContent).not.toContain("host");
  });

  it("a typed tempo goes to updateSettings; settings-changed updates what everyone sees", async () => {
    const user = await inRoomWithBen(true);
    await user.clear(tempoField()!);
    await user.type(tempoField()!, "90");
    expect(service.updateSettings).toHaveBeenCalledTimes(1);
    expect(service.updateSettings).toHaveBeenCalledWith(FAKE_ROOM, { bpm: 90 });
    await user.keyboard("{Enter}");
    expect(service.updateSettings).toHaveBeenCalledTimes(1); // Already asked for.
    const settings = { ...FAKE_SETTINGS, bpm: 90 };
    act(() => service.emit("settingsChanged", { settings, by: me(), roomCode: FAKE_ROOM, seq: service.nextSeq() }));
    expect(settingsShown()).toBe("90 BPM · 4/4");
    expect(activity()).toMatch(/^Ann set tempo 90 BPM/);
  });

  it("an out-of-range tempo is clamped when committed", async () => {
    await inRoomWithBen(true);
    fireEvent.change(tempoField()!, { target: { value: "900" } });
    expect(service.updateSettings).not.toHaveBeenCalled();
    fireEvent.blur(tempoField()!);
    expect(service.updateSettings).toHaveBeenCalledWith(FAKE_ROOM, { bpm: 300 });
  });

  it("a non-host sees the new tempo when the host changes it", async () => {
    await inRoomWithBen(false);
    const settings = { ...FAKE_SETTINGS, bpm: 140 };
    act(() => service.emit("settingsChanged", { settings, by: BEN.id, roomCode: FAKE_ROOM, seq: service.nextSeq() }));
    expect(settingsShown()).toBe("140 BPM · 4/4");
    expect(activity()).toMatch(/^Ben set tempo 140 BPM/);
  });

  it("Start and Stop drive the transport", async () => {
    const user = await inRoomWithBen(true);
    await user.click(button("Start")!);
    expect(service.startTransport).toHaveBeenCalledWith(FAKE_ROOM);
    const playing = { playing: true, bpm: 120, startedAt: service.now + 200, startBeat: 0 };
    act(() => service.emit("transportState", { ...playing, roomCode: FAKE_ROOM, seq: service.nextSeq() }));
    expect(button("Start")!.hasAttribute("disabled")).toBe(true);
    await user.click(button("Stop")!);
    expect(service.stopTransport).toHaveBeenCalledWith(FAKE_ROOM);
  });

  it("everyone sees the metronome; the audible click is off until 'Click' is ticked", async () => {
    const user = await inRoomWithBen(false);
    silentSynth.clickAt.mockClear();
    expect(screen.getByTestId("metronome").dataset.playing).toBe("false");
    const playing = { playing: true, bpm: 120, startedAt: service.now + 50, startBeat: 0 };
    act(() => service.emit("transportState", { ...playing, roomCode: FAKE_ROOM, seq: service.nextSeq() }));
    expect(screen.getByTestId("metronome").dataset.playing).toBe("true");
    expect(silentSynth.clickAt).not.toHaveBeenCalled();
    await user.click(screen.getByLabelText("Click"));
    // Beat 0, 50 ms ahead on the server's clock: handed over at this machine's time for it.
    await waitFor(() => expect(silentSynth.clickAt).toHaveBeenCalledWith(expect.closeTo(localNow() + 50, -3), true));
  });

  it("Make host and Remove ask the server; the role moves with host-changed", async () => {
    const user = await inRoomWithBen(true);
    await user.click(button("Make Ben host")!);
    expect(service.transferHost).toHaveBeenCalledWith(FAKE_ROOM, BEN.id);
    await user.click(button("Remove Ben")!);
    expect(service.kick).toHaveBeenCalledWith(FAKE_ROOM, BEN.id);
    act(() => service.emit("hostChanged", { hostId: BEN.id, roomCode: FAKE_ROOM, seq: service.nextSeq() }));
    expect(button("Start")).toBeNull();
    expect(button("Remove Ben")).toBeNull();
    expect(activity()).toMatch(/^Ben is now the host/);
  });

  it("a refused host request shows a friendly alert", async () => {
    const user = await inRoomWithBen(true);
    service.startTransport.mockRejectedValueOnce(
      new JamServiceError({ message: "no", code: "forbidden", event: "transport:start" }),
    );
    await user.click(button("Start")!);
    expect((await screen.findByRole("alert")).textContent).toBe("Only the host can do that");
  });
});

describe("presence, latency and leaving", () => {
  it("an away participant is greyed with 'away', and back to normal on user-back", async () => {
    await inRoomWithBen(false);
    act(() => service.emit("userAway", { userId: BEN.id, roomCode: FAKE_ROOM, seq: service.nextSeq() }));
    const ben = participantItems()[0];
    expect(ben.dataset.away).toBe("true");
    expect(ben.textContent).toContain("away");
    act(() => service.emit("userBack", { userId: BEN.id, roomCode: FAKE_ROOM, seq: service.nextSeq() }));
    expect(participantItems()[0].dataset.away).toBeUndefined();
    expect(participantItems()[0].textContent).not.toContain("away");
    expect(activity()).toMatch(/^Ben is back/);
  });

  it("shows each participant's latency", async () => {
    await inRoomWithBen(false);
    act(() =>
      service.emit("latency", {
        roomCode: FAKE_ROOM,
        participants: [
          { id: BEN.id, rttMs: 23.4 },
          { id: me(), rttMs: 8 },
        ],
      }),
    );
    const [ben, ann] = participantItems();
    expect(ben.textContent).toContain("23 ms");
    expect(ann.textContent).toContain("8 ms");
  });

  it.each([
    ["left", "Ben left"],
    ["timeout", "Ben timed out"],
    ["kicked", "Ben was removed"],
  ] as const)("logs a departure by its reason (%s)", async (reason, text) => {
    await inRoomWithBen(true);
    act(() => service.emit("userLeft", { userId: BEN.id, roomCode: FAKE_ROOM, seq: service.nextSeq(), reason }));
    expect(participantNames()).toEqual(["Ann (you)"]);
    expect(activity()).toMatch(new RegExp(`^${text}`));
  });

  it("being removed returns to the landing view with the reason", async () => {
    await inRoomWithBen(false);
    act(() => service.emit("kicked", { roomCode: FAKE_ROOM }));
    expect(screen.getByRole("button", { name: "Create session" })).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toBe("The host removed you from the session");
    expect(service.leaveSession).not.toHaveBeenCalled();
  });
});

describe("resuming after a drop", () => {
  it("keeps the view and identity, refreshes the room from the snapshot, and syncs the clock", async () => {
    await inRoomWithBen(false);
    expect(service.syncClock).toHaveBeenCalledTimes(1);
    act(() => service.setConnection("reconnecting"));
    expect(screen.getByTestId("connection").textContent).toBe("reconnecting");
    expect(screen.getByTestId("room-code").textContent).toBe(FAKE_ROOM);
    await act(async () => service.setConnection("connected"));
    act(() => void service.resume({ hostId: me(), settings: { ...FAKE_SETTINGS, bpm: 100 } }));
    expect(service.joinSession).toHaveBeenCalledTimes(1);
    expect(service.syncClock).toHaveBeenCalledTimes(2);
    expect(participantNames()).toEqual(["Ben", "Ann (you)"]);
    expect(settingsShown()).toBe("100 BPM · 4/4");
    expect(button("Start")).toBeTruthy(); // We were made host while away.
    expect(activity()).toMatch(/^Reconnected/);
    expect(screen.getByTestId("connection").textContent).toBe("connected");
  });
});
