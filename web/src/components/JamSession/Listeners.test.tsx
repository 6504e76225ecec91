/** Listeners on the page: joining to listen, no instruments while listening, the host's invitation. */
import { act, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FAKE_ROOM, FakeJamService } from "../../testSupport/fakeJamService";
import { BEN, enterWithBen, myId, participantItems, renderPage, freshPageEachTest } from "../../testSupport/jamPage";

let service: FakeJamService;

freshPageEachTest((fresh) => (service = fresh));

async function joinToListen() {
  service.others = [BEN];
  service.hostId = BEN.id;
  const user = renderPage(service);
  await user.type(screen.getByLabelText("Your name"), "Ann");
  await user.type(screen.getByLabelText("Room code"), FAKE_ROOM);
  await user.click(screen.getByLabelText(/Just listen/));
  await user.click(screen.getByRole("button", { name: "Join" }));
  await screen.findByTestId("room-code");
  return user;
}

describe("listeners", () => {
  it("'Just listen' joins as a listener: listed as listening, no keyboard or pads, chat still there", async () => {
    await joinToListen();
    expect(service.joinSession).toHaveBeenCalledWith(FAKE_ROOM, "Ann", "listener");
    const me = participantItems().find((li) => li.dataset.id === myId())!;
    expect(me.dataset.role).toBe("listener");
    expect(me.textContent).toContain("listening");
    expect(screen.queryByRole("group", { name: "Piano keys" })).toBeNull();
    expect(screen.queryByText("Kick")).toBeNull();
    expect(screen.getByLabelText("Listening").textContent).toMatch(/host can invite you to play/);
    expect(screen.getByLabelText("Message")).toBeTruthy();
  });

  it("once the host invites us to play, the instruments appear", async () => {
    await joinToListen();
    const me = { id: myId(), name: "Ann", away: false, role: "player" as const, instrument: "piano" as const };
    act(() => service.emit("userUpdated", { user: me, roomCode: FAKE_ROOM, seq: service.nextSeq() }));
    expect(screen.queryByLabelText("Listening")).toBeNull();
    expect(screen.getByText("Kick")).toBeTruthy();
  });

  it("the host makes a player listen, and invites a listener to play", async () => {
    const user = await enterWithBen(service, true);
    await user.click(screen.getByRole("button", { name: "Make Ben a listener" }));
    expect(service.setRole).toHaveBeenCalledWith(FAKE_ROOM, BEN.id, "listener");
    act(() => service.emit("userUpdated", { user: { ...BEN, role: "listener" }, roomCode: FAKE_ROOM, seq: service.nextSeq() }));
    expect(screen.queryByRole("button", { name: "Make Ben host" })).toBeNull(); // A listener cannot host.
    await user.click(screen.getByRole("button", { name: "Invite Ben to play" }));
    expect(service.setRole).toHaveBeenLastCalledWith(FAKE_ROOM, BEN.id, "player");
  });
});
