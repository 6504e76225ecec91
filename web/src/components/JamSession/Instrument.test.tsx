/** A sound per player on the page: picking ours asks the server; everyone's notes play in their sound. */
import { act, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FAKE_ROOM, FakeJamService } from "../../testSupport/fakeJamService";
import { BEN, enterWithBen, myId, silentSynth, freshPageEachTest } from "../../testSupport/jamPage";

let service: FakeJamService;

freshPageEachTest((fresh) => (service = fresh));
beforeEach(() => {
  silentSynth.noteOn.mockClear();
});

describe("a sound per player", () => {
  it("picking a sound asks the server; the room's user-updated makes our keys play it", async () => {
    const user = await enterWithBen(service, false);
    await user.selectOptions(screen.getByLabelText("Sound"), "organ");
    expect(service.updateProfile).toHaveBeenCalledWith(FAKE_ROOM, "organ");
    const me = { id: myId(), name: "Ann", away: false, role: "player" as const, instrument: "organ" as const };
    act(() => service.emit("userUpdated", { user: me, roomCode: FAKE_ROOM, seq: service.nextSeq() }));
    expect((screen.getByLabelText("Sound") as HTMLSelectElement).value).toBe("organ");
    act(() => (document.activeElement as HTMLElement | null)?.blur()); // Keys typed in the select are not notes.
    await user.keyboard("a");
    expect(silentSynth.noteOn).toHaveBeenLastCalledWith("local:60", 60, expect.any(Number), "organ");
  });

  it("another player's notes play in their sound, and follow their change", async () => {
    await enterWithBen(service, false);
    act(() => service.relay(BEN.id, "note:on", { note: 64, velocity: 90 }));
    expect(silentSynth.noteOn).toHaveBeenLastCalledWith(`${BEN.id}:64`, 64, 90, "piano");
    act(() => service.emit("userUpdated", { user: { ...BEN, instrument: "bass" }, roomCode: FAKE_ROOM, seq: service.nextSeq() }));
    act(() => service.relay(BEN.id, "note:on", { note: 40, velocity: 70 }));
    expect(silentSynth.noteOn).toHaveBeenLastCalledWith(`${BEN.id}:40`, 40, 70, "bass");
  });
});
