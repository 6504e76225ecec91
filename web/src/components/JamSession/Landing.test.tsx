import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CODE_REQUIRED_MESSAGE, NAME_INVALID_MESSAGE, NAME_REQUIRED_MESSAGE } from "../../session/errorMessages";
import { Landing } from "./Landing";

afterEach(cleanup);

function renderLanding(props: Partial<Parameters<typeof Landing>[0]> = {}) {
  const onCreate = vi.fn();
  const onJoin = vi.fn();
  render(<Landing onCreate={onCreate} onJoin={onJoin} {...props} />);
  return { onCreate, onJoin, user: userEvent.setup() };
}

const nameInput = () => screen.getByLabelText("Your name");
const codeInput = () => screen.getByLabelText("Room code");

describe("Landing", () => {
  it("creates a session under the trimmed name", async () => {
    const { onCreate, onJoin, user } = renderLanding();
    await user.type(nameInput(), "  Ann  ");
    await user.click(screen.getByRole("button", { name: "Create session" }));
    expect(onCreate).toHaveBeenCalledWith("Ann");
    expect(onJoin).not.toHaveBeenCalled();
  });

  it("joins with the trimmed name and the trimmed, upper-cased code", async () => {
    const { onCreate, onJoin, user } = renderLanding();
    await user.type(nameInput(), " Bob ");
    await user.type(codeInput(), " k7rmq2 ");
    await user.click(screen.getByRole("button", { name: "Join" }));
    expect(onJoin).toHaveBeenCalledWith("Bob", "K7RMQ2", false); // To play, not only listen.
    expect(onCreate).not.toHaveBeenCalled();
  });

  it("Enter in the code field joins; Enter in the name field creates when no code is given", async () => {
    const { onCreate, onJoin, user } = renderLanding();
    await user.type(nameInput(), "Ann{Enter}");
    expect(onCreate).toHaveBeenCalledWith("Ann");
    await user.type(codeInput(), "abcdef{Enter}");
    expect(onJoin).toHaveBeenCalledWith("Ann", "ABCDEF", false);
  });

  it("asks for a name before creating or joining, in the alert", async () => {
    const { onCreate, onJoin, user } = renderLanding();
    await user.type(nameInput(), "   ");
    await user.click(screen.getByRole("button", { name: "Create session" }));
    expect(screen.getByRole("alert").textContent).toBe(NAME_REQUIRED_MESSAGE);
    await user.type(codeInput(), "K7RMQ2");
    await user.click(screen.getByRole("button", { name: "Join" }));
    expect(screen.getByRole("alert").textContent).toBe(NAME_REQUIRED_MESSAGE);
    expect(onCreate).not.toHaveBeenCalled();
    expect(onJoin).not.toHaveBeenCalled();
  });

  it("rejects a name over 32 characters with the server's rule", async () => {
    const { onCreate, user } = renderLanding();
    await user.type(nameInput(), "x".repeat(33));
    await user.click(screen.getByRole("button", { name: "Create session" }));
    expect(screen.getByRole("alert").textContent).toBe(NAME_INVALID_MESSAGE);
    expect(onCreate).not.toHaveBeenCalled();
  });

  it("asks for a code before joining", async () => {
    const { onJoin, user } = renderLanding();
    await user.type(nameInput(), "Ann");
    await user.click(screen.getByRole("button", { name: "Join" }));
    expect(screen.getByRole("alert").textContent).toBe(CODE_REQUIRED_MESSAGE);
    expect(onJoin).not.toHaveBeenCalled();
  });

  it("shows the server's refusal in the alert, and the alert is there (empty) before any error", () => {
    const { rerender } = render(<Landing onCreate={vi.fn()} onJoin={vi.fn()} />);
    expect(screen.getByRole("alert").textContent).toBe("");
    rerender(<Landing onCreate={vi.fn()} onJoin={vi.fn()} error="No session with code ZZZZZZ — check the code" />);
    expect(screen.getByRole("alert").textContent).toBe("No session with code ZZZZZZ — check the code");
  });

  it("pre-fills the name and code it is given, and waits while busy", () => {
    renderLanding({ initialName: "Ann", initialRoomCode: "K7RMQ2", busy: true });
    expect((nameInput() as HTMLInputElement).value).toBe("Ann");
    expect((codeInput() as HTMLInputElement).value).toBe("K7RMQ2");
    expect((screen.getByRole("button", { name: "Join" }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Create session" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
