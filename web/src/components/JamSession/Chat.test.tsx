/** The chat on the page: history from the join, lines as they come, sending, and markup shown as text. */
import { act, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { JamServiceError } from "../../session/service/socketService";
import { FAKE_ROOM, FakeJamService } from "../../testSupport/fakeJamService";
import { BEN, enterWithBen, myId, freshPageEachTest } from "../../testSupport/jamPage";
import type { ChatMessage } from "../../types/protocol";

let service: FakeJamService;

freshPageEachTest((fresh) => (service = fresh));

const chatLines = () =>
  within(screen.getByRole("list", { name: "Chat" }))
    .queryAllByRole("listitem")
    .map((li) => li.textContent);

function line(seq: number, text: string, who = BEN): ChatMessage {
  return { roomCode: FAKE_ROOM, seq, userId: who.id, name: who.name, text, serverTime: service.now };
}

describe("chat", () => {
  it("shows the room's last messages from the join, then new ones as they come", async () => {
    service.chat = [line(1, "hi all")];
    await enterWithBen(service, false);
    expect(chatLines()).toEqual(["Ben hi all"]);
    act(() => service.emit("chatMessage", line(service.nextSeq(), "ready?")));
    expect(chatLines()).toEqual(["Ben hi all", "Ben ready?"]);
  });

  it("markup in a message is shown as the text it is, never as HTML", async () => {
    await enterWithBen(service, false);
    const evil = `<img src=x onerror="window.__pwned=1"><b>bold</b>`;
    act(() => service.emit("chatMessage", line(service.nextSeq(), evil)));
    const item = within(screen.getByRole("list", { name: "Chat" })).getByText(evil);
    expect(item.querySelector("img, b")).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it("Send says the line to the room and clears it; a refusal keeps it and shows why", async () => {
    const user = await enterWithBen(service, false);
    const input = screen.getByLabelText("Message") as HTMLInputElement;
    await user.type(input, "  one more time {Enter}");
    expect(service.sendChat).toHaveBeenCalledWith(FAKE_ROOM, "one more time");
    expect(input.value).toBe("");

    service.sendChat.mockRejectedValueOnce(
      new JamServiceError({ code: "rate_limited", message: "slow down", event: "chat:send" }),
    );
    await user.type(input, "again{Enter}");
    expect(input.value).toBe("again");
    expect(await screen.findByRole("alert")).toBeTruthy();
  });

  it("our own lines are marked as ours", async () => {
    await enterWithBen(service, false);
    const me = { id: myId(), name: "Ann", away: false, role: "player" as const, instrument: "piano" as const };
    act(() => service.emit("chatMessage", line(service.nextSeq(), "mine", me)));
    const item = within(screen.getByRole("list", { name: "Chat" })).getAllByRole("listitem")[0];
    expect(item.className).toBe("mine");
  });
});
