import { act, cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi, type Mock } from "vitest";
import type { LocalPlayer } from "../hooks/usePlayback";
import { installFakeMidi } from "../testSupport/fakeMidi";
import { parseMidiMessage } from "./midiMessages";
import { MidiPanel } from "./MidiPanel";

describe("reading MIDI bytes", () => {
  it("reads notes with their velocity, velocity 0 and 0x80 as note offs, drums on channel 10", () => {
    expect(parseMidiMessage([0x90, 60, 77])).toEqual({ kind: "on", note: 60, velocity: 77, isDrum: false });
    expect(parseMidiMessage([0x93, 60, 0])).toEqual({ kind: "off", note: 60, isDrum: false });
    expect(parseMidiMessage([0x80, 60, 64])).toEqual({ kind: "off", note: 60, isDrum: false });
    expect(parseMidiMessage([0x99, 38, 100])).toEqual({ kind: "on", note: 38, velocity: 100, isDrum: true });
  });

  it("reads controllers and the 14-bit pitch bend around its centre", () => {
    expect(parseMidiMessage([0xb0, 64, 127])).toEqual({ kind: "control", controller: 64, value: 127 });
    expect(parseMidiMessage([0xe0, 0x00, 0x40])).toEqual({ kind: "bend", value: 0 });
    expect(parseMidiMessage([0xe0, 0x00, 0x00])).toEqual({ kind: "bend", value: -8192 });
    expect(parseMidiMessage([0xe0, 0x7f, 0x7f])).toEqual({ kind: "bend", value: 8191 });
  });

  it("ignores clock, active sensing, aftertouch, short and malformed messages", () => {
    for (const bytes of [[0xf8], [0xfe], [0xd0, 40], [0xa0, 60, 10], [0x90, 60], [0x90, 200, 10], [0xc0, 5, 0]]) {
      expect(parseMidiMessage(bytes)).toBeNull();
    }
    expect(parseMidiMessage(null)).toBeNull();
  });
});

function fakePlayer(): { [K in keyof LocalPlayer]: Mock<LocalPlayer[K]> } {
  return { onNoteOn: vi.fn(), onNoteOff: vi.fn(), onDrum: vi.fn(), onControl: vi.fn(), onBend: vi.fn() };
}

const midi = () => window.__fakeMidi!;
const status = () => screen.getByRole("status", { name: "MIDI activity" });

async function renderWithMidi(options = {}) {
  installFakeMidi(options);
  const player = fakePlayer();
  const view = render(<MidiPanel player={player} />);
  await act(async () => undefined); // The access promise settles.
  return { player, view };
}

afterEach(() => {
  cleanup();
  delete (navigator as { requestMIDIAccess?: unknown }).requestMIDIAccess;
  delete window.__fakeMidi;
});

describe("the MIDI bar", () => {
  it("says in one line that this browser has no MIDI, and nothing breaks", async () => {
    render(<MidiPanel player={fakePlayer()} />);
    expect(screen.getByLabelText("MIDI").textContent).toMatch(/No MIDI in this browser/);
  });

  it("says why when access is refused", async () => {
    await renderWithMidi({ refuse: true });
    expect(screen.getByLabelText("MIDI").textContent).toMatch(/refused access/);
  });

  it("lists devices as they are plugged in and plays from all of them with their velocity", async () => {
    const { player } = await renderWithMidi();
    expect(screen.getByLabelText("MIDI").textContent).toMatch(/Plug in a MIDI keyboard/);
    act(() => midi().plug("k1", "Keystation 49"));
    act(() => midi().plug("p1", "Pad box"));
    const options = within(screen.getByLabelText("MIDI input")).getAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual(["All inputs (2)", "Keystation 49", "Pad box"]);
    expect(status().textContent).toBe("Pad box plugged in");

    act(() => midi().send("k1", [0x90, 60, 77]));
    act(() => midi().send("k1", [0xb0, 64, 127]));
    act(() => midi().send("k1", [0x90, 60, 0]));
    act(() => midi().send("k1", [0xe0, 0x00, 0x60]));
    expect(status().textContent).toContain("Playing from Keystation 49");
    act(() => midi().send("p1", [0x99, 36, 90]));
    expect(player.onNoteOn).toHaveBeenCalledWith(60, 77);
    expect(player.onControl).toHaveBeenCalledWith(64, 127);
    expect(player.onNoteOff).toHaveBeenCalledWith(60);
    expect(player.onBend).toHaveBeenCalledWith(4096);
    expect(player.onDrum).toHaveBeenCalledWith(36, 90);
    expect(status().textContent).toContain("Playing from Pad box");
  });

  it("releases what an unplugged device held, and says it was unplugged", async () => {
    const { player } = await renderWithMidi();
    act(() => midi().plug("k1", "Keystation 49"));
    act(() => midi().send("k1", [0x90, 62, 90]));
    act(() => midi().send("k1", [0xb0, 64, 127]));
    act(() => midi().unplug("k1"));
    expect(player.onNoteOff).toHaveBeenCalledWith(62);
    expect(player.onControl).toHaveBeenLastCalledWith(64, 0);
    expect(status().textContent).toMatch(/^Keystation 49 unplugged/);
    expect(screen.queryByLabelText("MIDI input")).toBeNull();
  });

  it("plays only from the chosen input once one is chosen", async () => {
    const { player } = await renderWithMidi();
    act(() => midi().plug("k1", "Keystation 49"));
    act(() => midi().plug("k2", "Nord"));
    await userEvent.setup().selectOptions(screen.getByLabelText("MIDI input"), "Nord");
    act(() => midi().send("k1", [0x90, 60, 50]));
    act(() => midi().send("k2", [0x90, 67, 51]));
    expect(player.onNoteOn.mock.calls).toEqual([[67, 51]]);
    expect(midi().listening("k1")).toBe(false);
  });

  it("stops listening when it goes away (leaving, or becoming a listener)", async () => {
    const { view } = await renderWithMidi();
    act(() => midi().plug("k1", "Keystation 49"));
    expect(midi().listening("k1")).toBe(true);
    view.unmount();
    expect(midi().listening("k1")).toBe(false);
  });
});
